"""The RQ queues and the Redis connection jobs use. Jobs take ids and re-read state."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import cache

import redis
from rq import Queue, Retry

from flock.settings import Settings
from jobs import pending

QUEUE_NAMES = ("default",)
DEFAULT_RETRY = Retry(max=5, interval=[1, 5, 15, 60, 300])

log = logging.getLogger("flock.jobs")


@cache
def sync_redis(url: str) -> redis.Redis:
    """One blocking Redis client per URL (RQ is synchronous)."""
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)


def default_queue(settings: Settings) -> Queue:
    return Queue("default", connection=sync_redis(settings.redis_url))


def enqueue(settings: Settings, job: Callable, *args, retry: Retry = DEFAULT_RETRY) -> None:
    """Queue a job with retries. Jobs only maintain derived data (feeds, the search index,
    media versions), so when Redis is down the request still succeeds: the job is kept in the
    graph and relayed to the queue by the worker once Redis is back (jobs/pending.py)."""
    try:
        default_queue(settings).enqueue(job, *args, retry=retry, result_ttl=0)
    except redis.RedisError as error:
        log.warning("event=enqueue_failed job=%s args=%r error=%r", job.__name__, args, error)
        pending.keep_for_later(settings, job, args)


async def enqueue_async(
    settings: Settings, job: Callable, *args, retry: Retry = DEFAULT_RETRY
) -> None:
    await asyncio.to_thread(enqueue, settings, job, *args, retry=retry)
