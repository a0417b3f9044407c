"""The RQ queues and the Redis connection jobs use. Jobs take ids and re-read state."""

from __future__ import annotations

from functools import cache

import redis
from rq import Queue

from flock.settings import Settings

QUEUE_NAMES = ("default",)


@cache
def sync_redis(url: str) -> redis.Redis:
    """One blocking Redis client per URL (RQ is synchronous)."""
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def default_queue(settings: Settings) -> Queue:
    return Queue("default", connection=sync_redis(settings.redis_url))
