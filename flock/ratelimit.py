"""Fixed-window counters in Redis for throttling (log-in attempts, posting, ...).

A dead Redis must not lock everyone out: the counters then let requests through and log it.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from graph.errors import TooManyRequests

log = logging.getLogger("flock.ratelimit")


async def retry_after(redis: aioredis.Redis, keys: list[str], limit: int) -> int:
    """Seconds until the first exhausted counter among `keys` resets; 0 when none is."""
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.get(key)
                pipe.ttl(key)
            replies = await pipe.execute()
    except RedisError as error:
        log.warning("event=ratelimit_unavailable error=%r", error)
        return 0
    waits = [
        max(int(ttl), 1)
        for count, ttl in zip(replies[::2], replies[1::2], strict=True)
        if count is not None and int(count) >= limit
    ]
    return max(waits, default=0)


async def count(redis: aioredis.Redis, keys: list[str], window_seconds: int) -> None:
    """Add one to each counter; a new counter expires after the window (SET NX EX, then INCR,
    which keeps the expiry: works on Redis 6.2, where EXPIRE has no NX)."""
    try:
        async with redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.set(key, 0, ex=window_seconds, nx=True)
                pipe.incr(key)
            await pipe.execute()
    except RedisError as error:
        log.warning("event=ratelimit_unavailable error=%r", error)


async def take(redis: aioredis.Redis, key: str, limit: int, window_seconds: int) -> int:
    """Count one action against `limit` per window; returns 0 when allowed, else the seconds
    until the window resets (the action is then not counted)."""
    wait = await retry_after(redis, [key], limit)
    if not wait:
        await count(redis, [key], window_seconds)
    return wait


async def throttle(
    redis: aioredis.Redis, key: str, limit: int, window_seconds: int, what: str
) -> None:
    """Refuse with 429 (and Retry-After) once `limit` actions happened in the window."""
    wait = await take(redis, key, limit, window_seconds)
    if wait:
        raise TooManyRequests(
            f"Too many {what}. Try again in {wait} seconds.", headers={"Retry-After": str(wait)}
        )


async def reset(redis: aioredis.Redis, keys: list[str]) -> None:
    try:
        await redis.delete(*keys)
    except RedisError as error:
        log.warning("event=ratelimit_unavailable error=%r", error)
