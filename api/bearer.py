"""Who is calling: the `Authorization: Bearer <access token>` of an API request."""

from __future__ import annotations

from functools import wraps

from quart import g, request

from api.openapi import AUTH_ATTRIBUTE
from flock.core.errors import Forbidden, Unauthorized
from graph import oauth
from graph.access_tokens import AccessClaims, verify_access_token
from graph.serving import UNSAFE_METHODS, backends


def token_required(view):
    """The view runs only for a valid access token; `g.user_id` is its user."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        claims = await bearer_claims()
        if claims is None:
            raise Unauthorized(
                "Send an access token: Authorization: Bearer <token>.",
                headers={"WWW-Authenticate": 'Bearer realm="flock"'},
            )
        g.claims, g.user_id = claims, claims.user_id
        return await view(*args, **kwargs)

    setattr(wrapper, AUTH_ATTRIBUTE, "required")  # for the OpenAPI document
    return wrapper


def token_optional(view):
    """The view runs for anyone; `g.user_id` is the caller's id or None."""

    @wraps(view)
    async def wrapper(*args, **kwargs):
        claims = await bearer_claims()
        g.claims, g.user_id = claims, (claims.user_id if claims else None)
        return await view(*args, **kwargs)

    setattr(wrapper, AUTH_ATTRIBUTE, "optional")
    return wrapper


async def bearer_claims() -> AccessClaims | None:
    """The claims of the request's access token; None without an Authorization header."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Use the Bearer scheme: Authorization: Bearer <token>.")
    claims = await verify_access_token(backends(), token.strip())
    if claims.scope is not None:  # an app's token (OAuth): reads need `read`, the rest `write`
        needed = "write" if request.method in UNSAFE_METHODS else "read"
        if not oauth.allows(claims.scope, needed):
            raise Forbidden(
                f"This app's token may not do that (it needs the {needed} scope).",
                headers={
                    "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'
                },
            )
    return claims
