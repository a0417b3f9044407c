"""API access tokens: short-lived JWTs (refresh tokens are in graph/refresh_tokens.py).

Access token: HS256 JWT (the one algorithm accepted) with `sub`, `iat`, `exp`, `jti`.
Logout puts its `jti` on a deny list in Redis until it would have expired.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass

import jwt
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from flock.core.errors import Unauthorized
from flock.core.settings import Settings

ALGORITHM = "HS256"
log = logging.getLogger("flock.tokens")


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    jti: str
    expires_at: int


def issue_access_token(settings: Settings, user_id: int) -> str:
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "iat": now,
        "exp": now + settings.access_token_ttl,
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    return jwt.encode(claims, _jwt_key(settings), algorithm=ALGORITHM)


async def verify_access_token(
    settings: Settings, redis: aioredis.Redis, token: str
) -> AccessClaims:
    """The claims of a valid, unexpired, unrevoked access token; anything else is 401."""
    try:
        claims = jwt.decode(
            token,
            _jwt_key(settings),
            algorithms=[ALGORITHM],
            options={"require": ["sub", "iat", "exp", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; refresh it.") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("The access token is not valid.") from None
    if claims.get("typ") != "access" or not str(claims["sub"]).isdigit():
        raise Unauthorized("The access token is not valid.")
    try:
        revoked = await redis.exists(f"revoked:jti:{claims['jti']}")
    except RedisError as error:
        # Availability over strictness: access tokens live minutes, and Redis is derived.
        log.warning("revocation_check_unavailable", extra={"error": repr(error)})
        revoked = False
    if revoked:
        raise Unauthorized("The access token was revoked.")
    return AccessClaims(int(claims["sub"]), claims["jti"], int(claims["exp"]))


async def revoke_access_token(redis: aioredis.Redis, claims: AccessClaims) -> None:
    """Deny the token until it would have expired. With Redis down it stays valid for its
    remaining minutes: logging out still succeeds, and the refresh token is revoked anyway."""
    ttl = max(claims.expires_at - int(time.time()), 1)
    try:
        await redis.set(f"revoked:jti:{claims.jti}", 1, ex=ttl)
    except RedisError as error:
        log.warning("access_token_revocation_failed", extra={"error": repr(error)})


def _jwt_key(settings: Settings) -> bytes:
    """A key for JWTs only, derived from the secret key (sessions and CSRF use others)."""
    return hmac.new(settings.secret_key.encode(), b"flock-jwt-v1", hashlib.sha256).digest()
