"""API access tokens: short-lived JWTs (refresh tokens are in graph/refresh_tokens.py).

Access token: HS256 JWT (the one algorithm accepted) with `sub`, `iat` (to the microsecond),
`exp`, `jti` and `fam`, the refresh-token family of the log-in it belongs to. Whether it still
counts (its log-in or every session of the account ended) is graph/revocation.py's check.
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


def issue_access_token(settings: Settings, user_id: int, family: str) -> str:
    """An access token of the log-in `family` (its refresh tokens' family)."""
    now = round(time.time(), 6)
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": int(now) + settings.access_token_ttl,
        "jti": uuid.uuid4().hex,
        "fam": family,
        "typ": "access",
    }
    return jwt.encode(claims, _jwt_key(settings), algorithm=ALGORITHM)


async def verify_access_token(b: Backends, token: str) -> AccessClaims:
    """The claims of a valid, unexpired access token that still counts; anything else is 401
    (and, with neither Redis nor Neo4j answering, 503: the check fails closed)."""
    claims = read_access_token(b.settings, token)
    await revocation.check(
        b, revocation.TokenFacts(claims.user_id, claims.family, claims.issued_at)
    )
    return claims


def read_access_token(settings: Settings, token: str) -> AccessClaims:
    """The claims of a well-signed, unexpired access token (revocation is not checked)."""
    try:
        claims = jwt.decode(
            token,
            _jwt_key(settings),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "iat", "exp", "jti", "fam"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; refresh it.") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The access token is not valid.") from None
    sub, family = str(claims["sub"]), claims["fam"]
    if claims.get("typ") != "access" or not sub.isdigit() or not isinstance(family, str):
        raise Unauthorized("The access token is not valid.")
    if not isinstance(claims["iat"], int | float) or len(sub) > 19:
        raise Unauthorized("The access token is not valid.")
    return AccessClaims(int(sub), claims["jti"], int(claims["exp"]), family, float(claims["iat"]))


def _jwt_key(settings: Settings) -> bytes:
    """A key for JWTs only, derived from the secret key (sessions and CSRF use others)."""
    return hmac.new(settings.secret_key.encode(), b"flock-jwt-v1", hashlib.sha256).digest()
