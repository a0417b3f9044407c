"""Writes paused: a flag in Redis that makes every process refuse graph writes for a while.

A backup sets it while it exports the graph (jobs/backups/export.py), an operator with
`flock writes pause`. Write transactions check it before they start and raise `WritesPaused`,
which the faces answer as a 503 with Retry-After; reads never look at it. The flag expires by
itself (a backup that dies never leaves the site read-only), and a Redis that cannot be asked
means "not paused": a dead cache must not stop writes, and the backup proves its export
consistent on its own (by Neo4j's bookmarks), whatever the flag did.
"""

from __future__ import annotations

import redis
import redis.asyncio as aioredis

KEY = "writes-paused"


def pause_writes(r: redis.Redis, seconds: float, reason: str) -> None:
    """Refuse graph writes everywhere for `seconds` (renew to extend)."""
    r.set(KEY, reason, px=max(1, int(seconds * 1000)))


def resume_writes(r: redis.Redis) -> None:
    r.delete(KEY)


def paused_reason(r: redis.Redis) -> str | None:
    """Why writes are paused now, or None (also when Redis cannot be asked)."""
    try:
        value = r.get(KEY)
    except redis.RedisError:
        return None
    return value.decode() if value is not None else None


async def writes_paused(r: aioredis.Redis) -> bool:
    try:
        return bool(await r.exists(KEY))
    except (redis.RedisError, OSError):
        return False
