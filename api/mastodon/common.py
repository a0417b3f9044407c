"""What every Mastodon endpoint shares: who is calling and with what scope, the parameters (apps
send them as a query, a form or JSON), the base URL, and paging by ids with `Link` headers."""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

import orjson
from quart import Response, g, has_request_context, request, websocket
from werkzeug.datastructures import MultiDict

from api.openapi import AUTH_ATTRIBUTE
from flock.core.errors import DomainError, Forbidden, Invalid, Unauthorized
from flock.core.ids import MAX_ID
from graph import access_tokens, oauth
from graph.serving import backends

DEFAULT_LIMIT, MAX_LIMIT = 20, 40


class Unprocessable(DomainError):
    status = 422


def scoped(scope: str | None = None, *, user: bool = True):
    """The view runs for a token that grants `scope` (a 403 otherwise); with `user`, only for a
    user's token (an app's own token is a 422, as on Mastodon). `g.user_id` is the caller (None
    without a token, where `user` is False)."""

    def decorate(view):
        @wraps(view)
        async def wrapper(*args, **kwargs):
            await _identify(scope, user)
            return await view(*args, **kwargs)

        setattr(wrapper, AUTH_ATTRIBUTE, "required" if user else "optional")
        return wrapper

    return decorate


async def _identify(scope: str | None, user: bool) -> None:
    """Who calls (`g.user_id`, `g.client_id`), refusing a token that may not."""
    g.user_id = g.client_id = None
    token = bearer_token()
    if token is None:
        if user:
            raise Unauthorized("The access token is invalid", headers=CHALLENGE)
        return
    claims = await access_tokens.verify_token(backends(), token)
    if isinstance(claims, str):  # an app's own token
        if user:
            raise Unprocessable("This method requires an authenticated user")
        g.client_id = claims
        return
    if scope and claims.scope is not None and not oauth.allows(claims.scope, scope):
        challenge = f'Bearer error="insufficient_scope", scope="{scope}"'
        raise Forbidden(
            "This action is outside the authorized scopes",
            headers={"WWW-Authenticate": challenge},
        )
    g.user_id, g.client_id = claims.user_id, claims.client_id


CHALLENGE = {"WWW-Authenticate": 'Bearer realm="flock", error="invalid_token"'}


def bearer_token() -> str | None:
    """The access token: the Authorization header, else the `access_token` query parameter
    (streaming clients send it so)."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("The access token is invalid", headers=CHALLENGE)
        return token.strip()
    return request.args.get("access_token") or None


async def params() -> MultiDict:
    """The request's parameters from its query, form and JSON body together (Mastodon's apps
    use all three)."""
    merged = MultiDict(request.args)
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype == "application/json":
            body = await request.get_json(silent=True)
            if isinstance(body, dict):
                for key, value in body.items():
                    for item in value if isinstance(value, list) else [value]:
                        merged.add(key, item)
            elif body is not None:
                raise Invalid("The body must be a JSON object.")
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            merged.update((await request.form).items(multi=True))
    return merged


def values(given: MultiDict, name: str) -> list[Any]:
    """A list parameter, sent as `name[]` (forms, queries) or `name` (JSON)."""
    return given.getlist(f"{name}[]") + given.getlist(name)


def text(given: MultiDict, name: str, default: str | None = None) -> str | None:
    value = given.get(name, default)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be text.", errors={name: ["must be text"]})
    return value


def flag(given: MultiDict, name: str, default: bool = False) -> bool:
    """A boolean as apps send it: true/false, 1/0, on/off, or JSON's."""
    value = given.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "on", "yes")


def an_id(value: Any, name: str = "id") -> int:
    """An id in a path or parameter: a 404 when it cannot be one (Mastodon's answer)."""
    text_value = str(value)
    if not text_value.isdigit() or int(text_value) > MAX_ID:
        raise NotFoundError("Record not found")
    return int(text_value)


class NotFoundError(DomainError):
    status = 404


def id_param(given: MultiDict, name: str) -> int | None:
    """max_id, since_id, min_id: ids (a bad one is a 422)."""
    value = given.get(name)
    if value in (None, ""):
        return None
    text_value = str(value)
    if not text_value.isdigit() or int(text_value) > MAX_ID:
        raise Invalid(f"{name} must be an id.", errors={name: ["must be an id"]})
    return int(text_value)


def limit_param(given: MultiDict, default: int = DEFAULT_LIMIT, most: int = MAX_LIMIT) -> int:
    value = given.get("limit")
    if value in (None, ""):
        return default
    try:
        return max(1, min(int(value), most))
    except (TypeError, ValueError):
        raise Invalid("limit must be a number.", errors={"limit": ["must be a number"]}) from None


def base_url() -> str:
    """This server's URL as the client reached it (over HTTP or a WebSocket)."""
    current = request if has_request_context() else websocket
    return current.host_url.rstrip("/")


def json_response(value: Any, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON response made at once (orjson), for the big lists: Quart's and quart-schema's
    conversions walk every nested dict of a page of statuses again, for nothing."""
    response = Response(orjson.dumps(value), status=status, content_type="application/json")
    if headers:
        response.headers.update(headers)
    return response


def link_header(next_max: str | int | None, prev_min: str | int | None, **extra: Any) -> dict:
    """RFC 8288 `Link` to the next (older) and previous (newer) pages, as Mastodon pages."""
    url = base_url() + request.path
    kept = {k: v for k, v in request.args.items(multi=True) if k not in PAGING_KEYS}
    links = []
    if next_max is not None:
        links.append(f'<{url}?{urlencode([*kept.items(), ("max_id", next_max)])}>; rel="next"')
    if prev_min is not None:
        links.append(f'<{url}?{urlencode([*kept.items(), ("min_id", prev_min)])}>; rel="prev"')
    return {"Link": ", ".join(links)} if links else {}


PAGING_KEYS = {"max_id", "min_id", "since_id", "access_token"}


def viewer() -> int | None:
    return g.get("user_id")


def me() -> int:
    """The caller's user id (views under `scoped(...)` with `user=True`)."""
    user_id = g.get("user_id")
    if user_id is None:
        raise Unauthorized("The access token is invalid", headers=CHALLENGE)
    return user_id
