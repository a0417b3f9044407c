"""The web session: a signed cookie (itsdangerous, via Quart) holding the session's token (the
session itself is in the graph, graph/web_sessions.py, so that it can be ended), and the CSRF
token every state-changing request must carry (form field or `X-CSRF-Token` header)."""

from __future__ import annotations

import hmac
import secrets
from functools import wraps
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from quart import current_app, g, redirect, request, session, url_for

from flock.core.errors import BadRequest, Forbidden
from graph.serving import UNSAFE_METHODS

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def log_in_session(token: str) -> None:
    """Carry a fresh session's token (and a new CSRF secret: no fixation) in the cookie."""
    session.clear()
    session["sid"] = token
    session["csrf"] = secrets.token_urlsafe(16)
    session.permanent = True


DEVICE_COOKIE = "flock_device"
DEVICE_COOKIE_DAYS = 365


def remember_device(response, user_id: int) -> None:
    """After a successful log-in: a signed cookie saying this browser logged in to this
    account, so that guesses from its address never lock its owner out (graph/accounts.py)."""
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps(str(user_id)),
        max_age=DEVICE_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def known_device() -> int | None:
    """The account this browser logged in to before, when its device cookie is genuine."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        user_id = _device_serializer().loads(value, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    return int(user_id) if str(user_id).isdigit() else None


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="flock-device")


def log_out_session() -> None:
    session.clear()


def session_token() -> str | None:
    value = session.get("sid")
    return value if isinstance(value, str) else None


def login_required(view):
    """Send visitors who are not logged in to the log-in page, then back here."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        if g.get("me") is None:
            return redirect(url_for("web_auth.login", next=request.path))
        return await view(*args, **kwargs)

    return wrapper


def csrf_token() -> str:
    """The token for this session's forms (templates call it as `csrf_token()`)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    return _serializer().dumps(session["csrf"])


async def check_csrf() -> None:
    """Refuse a state-changing request whose token is missing or not this session's."""
    if request.method not in UNSAFE_METHODS:
        return
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        token = (await request.form).get(CSRF_FIELD, "")
    try:
        value = _serializer().loads(token, max_age=current_app.config["FLOCK_SETTINGS"].session_ttl)
    except BadSignature:
        value = None
    expected = session.get("csrf")
    if not value or not expected or not hmac.compare_digest(str(value), expected):
        raise Forbidden("The form expired or did not come from this site. Reload and try again.")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="flock-csrf")


def viewer_id() -> int | None:
    """The signed-in user's id, or None for a visitor."""
    me = g.get("me")
    return me["id_int"] if me else None


def is_htmx() -> bool:
    """The request came from htmx and wants a fragment, not a whole page."""
    return request.headers.get("HX-Request") == "true"


def safe_next(path: str | None) -> str | None:
    """Only a path on this site: never an open redirect to another host. A target with control
    characters (a browser drops a tab, so `/<TAB>/evil.example` would leave the site; CR or LF
    would split the header) is refused with 400; other targets that are not local paths
    (`//host`, `/\\host`, `https://...`) are ignored."""
    if not path:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in path):
        raise BadRequest("That link is not valid.")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    return path
