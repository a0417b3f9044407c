"""The OAuth 2 consent page: an app asks to act for the signed-in user, who approves or denies.

`GET /oauth/authorize` checks the app's request (Authlib, graph/oauth_server.py) and shows the
app's name, website and what it asks to do; the form posts back with the same parameters and
the CSRF token. Approved, the browser goes to the app's redirect URI with a code (or, for the
out-of-band URI, the page shows the code to copy); denied, with `error=access_denied`. A request
that names no known app or redirect URI is never sent anywhere: the page says what is wrong.
"""

from __future__ import annotations

from urllib.parse import urlencode

from quart import Blueprint, g, redirect, render_template, request, url_for

from graph import oauth, oauth_server
from graph.serving import backends
from web.session import CSRF_FIELD, viewer_id

blueprint = Blueprint("web_oauth", __name__)

# The approval's redirect goes to the app (another origin, or an app's own scheme): the site's
# `form-action 'self'` would stop it, so this page's policy leaves form-action out.
CONSENT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SCOPE_WORDS = {
    "read": "read your timeline, posts, profile, notifications, bookmarks, likes and lists",
    "write": "post, edit and delete for you, like, repost, bookmark, upload images and change "
    "your profile",
    "follow": "follow, unfollow, block and mute accounts for you",
    "push": "send you push notifications",
    "profile": "read your profile",
}
FIELDS = ("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge",
          "code_challenge_method")  # fmt: skip


@blueprint.get("/oauth/authorize")
@blueprint.get("/oauth/authorize/")  # as some apps (toot) send it
async def authorize():
    if g.get("me") is None:
        return redirect(url_for("web_auth.login", next=request.full_path))
    fields = {key: request.args[key] for key in FIELDS if key in request.args}
    try:
        client, scope = await oauth_server.consent(backends(), _request(fields), viewer_id())
    except oauth_server.OAuth2Error as error:
        return await _refused(error, fields)
    return await _page(
        "oauth_authorize.html",
        app=client.app,
        fields=fields,
        scopes=[(s, _describe(s)) for s in (scope or "read").split()],
    )


@blueprint.post("/oauth/authorize")
async def decide():
    if g.get("me") is None:
        return redirect(url_for("web_auth.login"))
    form = await request.form
    fields = {key: form[key] for key in FIELDS if key in form}
    approved = form.get("decision") == "approve"
    try:
        location, code = await oauth_server.approve(
            backends(), _request(fields), viewer_id() if approved else None
        )
    except oauth_server.OAuth2Error as error:
        return await _refused(error, fields)
    if fields.get("redirect_uri") == oauth.OOB or not location:
        return await _page("oauth_code.html", oauth_code=code, approved=approved)
    return redirect(location)


def _request(fields: dict[str, str]) -> oauth_server.Request:
    headers = {key: value for key, value in request.headers.items() if key != "Authorization"}
    return oauth_server.Request(request.method, request.url, fields, headers)


async def _refused(error: oauth_server.OAuth2Error, fields: dict[str, str]):
    """Tell the app (when its redirect URI is known to be its own), else the person."""
    target = error.redirect_uri
    if target and target != oauth.OOB:
        query = {"error": error.error, "error_description": error.get_error_description()}
        if fields.get("state"):
            query["state"] = fields["state"]
        separator = "&" if "?" in target else "?"
        return redirect(f"{target}{separator}{urlencode(query)}")
    message = error.get_error_description() or error.error
    message = f"This app's request cannot be approved: {message}"
    return await _page("error.html", code=400, status=400, message=message)


async def _page(template: str, code: int = 200, **context):
    response = await render_template(template, csrf_field=CSRF_FIELD, **context)
    return response, code, {"Content-Security-Policy": CONSENT_POLICY}


def _describe(scope: str) -> str:
    top, _, sub = scope.partition(":")
    if not sub:
        return SCOPE_WORDS.get(scope, scope)
    verb = "read" if top == "read" else "change"
    return f"{verb} your {sub.replace('_', ' ')}"
