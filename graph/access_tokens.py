"""API access tokens: JWTs (refresh tokens are in graph/refresh_tokens.py).

Access token: HS256 JWT (the one algorithm accepted) with `sub`, `iat` (to the microsecond),
`exp`, `jti` and `fam`, the refresh-token family of the log-in it belongs to. Whether it still
counts (its log-in or every session of the account ended) is graph/revocation.py's check.

A token an app got through OAuth 2 (graph/oauth.py) also names its `scope` and the app (`cid`);
its family is the app's authorization, and it lives as long as FLOCK_OAUTH_TOKEN_TTL (apps keep
a token; most never refresh one). Flock's own clients' tokens carry no scope: they may do
anything their user may.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

import jwt

from flock.core.backends import Backends
from flock.core.errors import Unauthorized
from flock.core.settings import Settings
from graph import revocation

ALGORITHM = "HS256"
log = logging.getLogger("flock.tokens")


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    jti: str
    expires_at: int
    family: str
    issued_at: float
    scope: str | None = None  # an app's token: what it may do (None: anything)
    client_id: str | None = None  # an app's token: the app


def issue_access_token(
    settings: Settings,
    user_id: int,
    family: str,
    *,
    scope: str | None = None,
    client_id: str | None = None,
) -> str:
    """An access token of the log-in `family` (its refresh tokens' family); with `scope` and
    `client_id`, an app's, of the authorization `family`."""
    now = round(time.time(), 6)
    ttl = settings.access_token_ttl if client_id is None else settings.oauth_token_ttl
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": int(now) + ttl,
        "jti": uuid.uuid4().hex,
        "fam": family,
        "typ": "access",
    }
    if client_id is not None:
        claims |= {"scope": scope or "", "cid": client_id}
    return jwt.encode(claims, _jwt_key(settings), algorithm=ALGORITHM)


async def verify_access_token(b: Backends, token: str) -> AccessClaims:
    """The claims of a valid, unexpired access token that still counts; anything else is 401
    (and, with neither Redis nor Neo4j answering, 503: the check fails closed)."""
    claims = read_access_token(b.settings, token)
    await revocation.check(
        b, revocation.TokenFacts(claims.user_id, claims.family, claims.issued_at)
    )
    return claims


def issue_app_token(settings: Settings, client_id: str, scope: str) -> str:
    """An app's own token (OAuth's client credentials grant): it names the app and no user, so
    it reads only what anyone may (and verifies the app's credentials)."""
    now = round(time.time(), 6)
    claims = {
        "sub": f"app:{client_id}",
        "iat": now,
        "exp": int(now) + settings.oauth_token_ttl,
        "jti": uuid.uuid4().hex,
        "typ": "app",
        "scope": scope,
        "cid": client_id,
    }
    return jwt.encode(claims, _jwt_key(settings), algorithm=ALGORITHM)


def read_app_token(settings: Settings, token: str) -> str | None:
    """The client id of a valid app token; None for anything else (a user's token, say)."""
    try:
        claims = jwt.decode(token, _jwt_key(settings), algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        return None
    return _app_of(claims)


def _app_of(claims: dict) -> str | None:
    client_id = claims.get("cid")
    return client_id if claims.get("typ") == "app" and isinstance(client_id, str) else None


async def verify_token(b: Backends, token: str) -> AccessClaims | str:
    """A user's token that still counts (its claims), or an app's own token (its client id),
    read once; anything else is 401."""
    claims = _decode(b.settings, token)
    if (client_id := _app_of(claims)) is not None:
        return client_id
    access = _access_claims(claims)
    await revocation.check(
        b, revocation.TokenFacts(access.user_id, access.family, access.issued_at)
    )
    return access


def read_access_token(settings: Settings, token: str) -> AccessClaims:
    """The claims of a well-signed, unexpired access token (revocation is not checked)."""
    return _access_claims(_decode(settings, token))


def _decode(settings: Settings, token: str) -> dict:
    try:
        return jwt.decode(
            token,
            _jwt_key(settings),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "iat", "exp", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; refresh it.") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The access token is not valid.") from None


def _access_claims(claims: dict) -> AccessClaims:
    if "fam" not in claims:
        raise Unauthorized("The access token is not valid.")
    sub, family = str(claims["sub"]), claims["fam"]
    if claims.get("typ") != "access" or not sub.isdigit() or not isinstance(family, str):
        raise Unauthorized("The access token is not valid.")
    if not isinstance(claims["iat"], int | float) or len(sub) > 19:
        raise Unauthorized("The access token is not valid.")
    scope, client_id = claims.get("scope"), claims.get("cid")
    if (scope is None) != (client_id is None) or not isinstance(scope or "", str):
        raise Unauthorized("The access token is not valid.")
    return AccessClaims(
        int(sub), claims["jti"], int(claims["exp"]), family, float(claims["iat"]), scope, client_id
    )


def _jwt_key(settings: Settings) -> bytes:
    """A key for JWTs only, derived from the secret key (sessions and CSRF use others)."""
    return hmac.new(settings.secret_key.encode(), b"flock-jwt-v1", hashlib.sha256).digest()
