"""Fixed-window counters in Redis for throttling (log-in attempts, posting, ...).

A dead Redis must not lock everyone out: the counters then let requests through and log it.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

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
    """Add one to each counter; a new counter expires after the window."""
    try:
        async with redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, window_seconds, nx=True)
            await pipe.execute()
    except RedisError as error:
        log.warning("event=ratelimit_unavailable error=%r", error)


async def reset(redis: aioredis.Redis, keys: list[str]) -> None:
    try:
        await redis.delete(*keys)
    except RedisError as error:
        log.warning("event=ratelimit_unavailable error=%r", error)
