"""Everything the web face adds to the app: its blueprints, the signed-in user, CSRF checks,
security headers and error pages in the site's style."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from markupsafe import Markup
from quart import Quart, g, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from flock.core.errors import DomainError
from graph import avatars, banners, web_sessions
from graph.posts import may_delete_post
from graph.serving import backends
from jobs.stores.render_image import AVATARS
from web import auth, explore, me, oauth, pages, posts, search, social, text
from web.delivery import install_delivery
from web.session import check_csrf, csrf_token, log_out_session, session_token

log = logging.getLogger("flock.web")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{media}; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


def install_web(app: Quart) -> None:
    for blueprint in (
        auth.blueprint,
        pages.blueprint,
        posts.blueprint,
        social.blueprint,
        search.blueprint,
        me.blueprint,
        oauth.blueprint,
        explore.blueprint,
    ):
        app.register_blueprint(blueprint)
    install_delivery(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["post_url"] = post_url
    app.jinja_env.globals["avatar"] = avatar_img
    app.jinja_env.globals["banner_path"] = banners.banner_path
    app.jinja_env.globals["theme"] = chosen_theme
    app.jinja_env.globals["may_delete"] = may_delete_post  # the domain's one rule
    app.jinja_env.filters["linkify"] = text.linkify
    app.jinja_env.filters["timeago"] = text.timeago
    app.jinja_env.filters["isotime"] = text.isotime
    app.jinja_env.filters["exacttime"] = text.exacttime
    app.jinja_env.filters["monthyear"] = text.monthyear

    @app.before_request
    async def load_viewer_and_check_csrf() -> None:
        if not is_web_request():
            return
        g.me = None
        token = session_token()
        if token is not None:
            g.me = await web_sessions.session_user(backends(), token)
            if g.me is None:  # logged out elsewhere, expired, or the account is gone
                log_out_session()
        await check_csrf()

    media_origin = _origin(app.config["FLOCK_SETTINGS"].media_base_url)
    policy = CONTENT_SECURITY_POLICY.format(media=f" {media_origin}" if media_origin else "")

    @app.after_request
    async def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def avatar_img(user: dict, shown: int) -> Markup:
    """A user's avatar, `shown` px a side, sharp on a dense screen; decorative (`alt=""`): the
    name is always beside it."""
    if not user.get("avatar_id"):
        src = avatars.avatar_path(user)
        return Markup('<img class="avatar" src="{}" alt="" width="{}" height="{}">').format(
            src, shown, shown
        )
    one_x = next(size for size in AVATARS if size >= shown)
    two_x = next((size for size in AVATARS if size >= 2 * shown), AVATARS[-1])
    return Markup(
        '<img class="avatar" src="{}" srcset="{} 2x" alt="" width="{}" height="{}" loading="lazy">'
    ).format(avatars.avatar_path(user, one_x), avatars.avatar_path(user, two_x), shown, shown)


def chosen_theme() -> str | None:
    """The theme this browser chose in settings ("light" or "dark"), or None: as the device."""
    chosen = request.cookies.get(pages.THEME_COOKIE)
    return chosen if chosen in pages.THEMES else None


def post_url(post: dict, action: str = "show") -> str:
    """The page of a tweet or reply (or one of its actions: edit, delete, like...; or who
    liked it, `likes`, or reposted it, `reposts`)."""
    collection = "replies" if post["kind"] == "reply" else "tweets"
    if action in ("likes", "reposts"):
        return url_for("web_posts.people", collection=collection, post_id=post["id"], which=action)
    return url_for(f"web_posts.{action}", collection=collection, post_id=post["id"])


def is_web_request() -> bool:
    path = request.path
    return not (
        path.startswith(("/api/", "/static/", "/media/", "/avatars/", "/banners/", "/.well-known/"))
        or path in _APIS
    )


_APIS = {"/healthz", "/readyz", "/metrics", "/oauth/token", "/oauth/revoke"}


async def error_page(status: int, message: str):
    """An error page in the site's style (the signed-in user may be unknown here)."""
    g.setdefault("me", None)
    return await render_template("error.html", status=status, message=message), status


async def web_domain_error(error: DomainError):
    return await error_page(error.status, error.detail)


async def web_http_error(error: HTTPException):
    messages = {404: "This page does not exist.", 405: "That is not allowed here."}
    return await error_page(error.code or 500, messages.get(error.code, error.description or ""))


def _origin(url: str) -> str:
    """The scheme and host of a URL (a CDN's, for the images' Content-Security-Policy)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
