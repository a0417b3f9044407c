"""OAuth 2 for apps: registering one, the token and revocation endpoints, and the server's
metadata (RFC 8414). The consent page is the web's (web/oauth.py); the protocol is Authlib's
(graph/oauth_server.py)."""

from __future__ import annotations

import json

from quart import Blueprint, Response, g, request

from api.mastodon import entities
from api.mastodon.common import base_url, params, scoped, text, values
from graph import oauth, oauth_server
from graph.serving import backends

blueprint = Blueprint("mastodon_apps", __name__)


@blueprint.post("/api/v1/apps")
async def create_app():
    """Register an app: `client_name`, `redirect_uris` (one or more, or the out-of-band URI),
    `scopes` (default `read`), `website`. Its `client_secret` is shown this once."""
    given = await params()
    uris = values(given, "redirect_uris")
    made = await oauth.register_app(
        backends(),
        text(given, "client_name") or "",
        uris if len(uris) > 1 else (uris[0] if uris else ""),
        text(given, "scopes"),
        text(given, "website") or "",
    )
    return {**entities.application(made), "client_id": made["client_id"],
            "client_secret": made["client_secret"], "client_secret_expires_at": 0}  # fmt: skip


@blueprint.get("/api/v1/apps/verify_credentials")
@scoped(None, user=False)
async def verify_app():
    """The app a token belongs to (an app's own token, or a user's token it was given)."""
    client_id = g.get("client_id")
    app = await oauth.find_app(backends(), client_id) if client_id else None
    if app is None:
        return _error(401, "invalid_token", "The access token is not an app's")
    return entities.application(app)


@blueprint.post("/oauth/token")
async def token():
    """RFC 6749 token endpoint: `authorization_code` (with PKCE), `refresh_token`,
    `client_credentials`. Errors are RFC 6749's (`invalid_grant`, `invalid_client`...)."""
    request_ = await _oauth_request()
    return _respond(*await oauth_server.token(backends(), request_))


@blueprint.post("/oauth/revoke")
async def revoke():
    """RFC 7009: the app's access or refresh token (and its whole authorization) stops
    working; 200 for a token that was not one (as the RFC says)."""
    request_ = await _oauth_request()
    return _respond(*await oauth_server.revoke(backends(), request_))


@blueprint.get("/.well-known/oauth-authorization-server")
async def server_metadata():
    return oauth_server.metadata(base_url())


async def _oauth_request() -> oauth_server.Request:
    """The request as Authlib reads it: its form (or JSON) fields and headers."""
    given = await params()
    fields = {key: str(given.get(key)) for key in given}
    return oauth_server.Request(request.method, request.url, fields, dict(request.headers))


def _respond(status: int, body, headers: dict) -> Response:
    payload = body if isinstance(body, str) else json.dumps(body)
    response = Response(payload, status=status, content_type="application/json")
    for key, value in headers.items():
        if key.lower() != "content-type":
            response.headers[key] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, error: str, description: str) -> Response:
    return _respond(status, {"error": error, "error_description": description}, {})
