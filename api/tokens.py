"""API tokens: short-lived access JWTs and rotating refresh tokens with reuse detection.

Access token: HS256 JWT (the one algorithm accepted) with `sub`, `iat`, `exp`, `jti`.
Logout puts its `jti` on a deny list in Redis until it would have expired.

Refresh token: `<family>.<secret>`, opaque to clients. Redis keeps, per token hash, the owner
and family; each refresh spends the token and issues the next of the same family. A spent token
presented again means it leaked: the whole family is revoked (RFC 6819, OAuth 2.0 Security BCP).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
import uuid
from dataclasses import dataclass

import jwt
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from flock.settings import Settings
from graph.errors import Unauthorized, Unavailable

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
        log.warning("event=revocation_check_unavailable error=%r", error)
        revoked = False
    if revoked:
        raise Unauthorized("The access token was revoked.")
    return AccessClaims(int(claims["sub"]), claims["jti"], int(claims["exp"]))


async def revoke_access_token(redis: aioredis.Redis, claims: AccessClaims) -> None:
    ttl = max(claims.expires_at - int(time.time()), 1)
    await redis.set(f"revoked:jti:{claims.jti}", 1, ex=ttl)


async def issue_refresh_token(
    settings: Settings, redis: aioredis.Redis, user_id: int, family: str | None = None
) -> str:
    family = family or uuid.uuid4().hex
    token = f"{family}.{secrets.token_urlsafe(32)}"
    ttl = settings.refresh_token_ttl
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(f"refresh:{_digest(token)}", f"{user_id}:{family}", ex=ttl)
        pipe.sadd(f"refresh-families:{user_id}", family)
        pipe.expire(f"refresh-families:{user_id}", ttl)
        await pipe.execute()
    return token


async def rotate_refresh_token(
    settings: Settings, redis: aioredis.Redis, token: str
) -> tuple[int, str]:
    """Spend a refresh token and return (user id, the next refresh token of its family)."""
    try:
        stored = await redis.get(f"refresh:{_digest(token)}")
        if stored is None:
            raise Unauthorized("The refresh token is not valid.")
        user_id_text, family = stored.decode().split(":", 1)
        if await redis.exists(f"revoked:family:{family}"):
            raise Unauthorized("The refresh token was revoked.")
        first_use = await redis.set(
            f"refresh-spent:{_digest(token)}", 1, nx=True, ex=settings.refresh_token_ttl
        )
        if not first_use:
            await _revoke_family(settings, redis, family)
            log.warning("event=refresh_token_reuse user=%s family=%s", user_id_text, family)
            raise Unauthorized("The refresh token was already used; log in again.")
        user_id = int(user_id_text)
        return user_id, await issue_refresh_token(settings, redis, user_id, family)
    except RedisError:
        raise Unavailable("Sessions are unavailable right now; try again shortly.") from None


async def revoke_refresh_token(settings: Settings, redis: aioredis.Redis, token: str) -> None:
    stored = await redis.get(f"refresh:{_digest(token)}")
    if stored is not None:
        await _revoke_family(settings, redis, stored.decode().split(":", 1)[1])


async def revoke_all_refresh_tokens(
    settings: Settings, redis: aioredis.Redis, user_id: int
) -> None:
    families = await redis.smembers(f"refresh-families:{user_id}")
    for family in families:
        await _revoke_family(settings, redis, family.decode())
    await redis.delete(f"refresh-families:{user_id}")


async def _revoke_family(settings: Settings, redis: aioredis.Redis, family: str) -> None:
    await redis.set(f"revoked:family:{family}", 1, ex=settings.refresh_token_ttl)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _jwt_key(settings: Settings) -> bytes:
    """A key for JWTs only, derived from the secret key (sessions and CSRF use others)."""
    return hmac.new(settings.secret_key.encode(), b"flock-jwt-v1", hashlib.sha256).digest()
