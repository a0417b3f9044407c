"""Discovery: who to follow and what is trending, each cached in Redis and computed by Cypher."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis

from flock.core.backends import Backends
from graph import user_views
from jobs.stores import suggestions as cache

log = logging.getLogger("flock.discovery")

TRENDS_KEY = "trends"
TRENDS_WINDOW = 24 * 3600
TRENDS_HALF_LIFE = 6 * 3600
TRENDS_CACHED = 50


async def who_to_follow(b: Backends, user_id: int, limit: int) -> list[dict[str, Any]]:
    """Accounts the user may want to follow, best first, each with why it is suggested."""
    ranked = await cache.cached(b.redis, user_id)
    if ranked is None:
        signals = await b.graph.read(
            "queries/user_suggestion_signals",
            user_id=user_id,
            pool=cache.CACHED,
        )
        popular = await _popular_ids(b)
        ranked = cache.rank(signals, popular, user_id, cache.CACHED)
        await cache.store(b.redis, user_id, ranked)
    reasons = {row["id"]: row for row in ranked}
    shown = await user_views.profiles(b, user_id, [row["id"] for row in ranked], hide_muted=True)
    users = [user for user in shown if not user["followed_by_me"]]
    return [
        {
            **user,
            "reason": reasons[int(user["id"])]["reason"],
            "mutual_count": reasons[int(user["id"])]["mutual_count"],
            "followed_by": reasons[int(user["id"])]["followed_by"],
        }
        for user in users[:limit]
    ]


async def trends(b: Backends, limit: int) -> list[dict[str, Any]]:
    """Hashtags by time-decayed use over the last day, cached for a minute."""
    try:
        value = await b.redis.get(TRENDS_KEY)
    except redis.RedisError:
        value = None
    if value:
        return json.loads(value)[:limit]
    now = time.time()
    rows = await b.graph.read(
        "queries/trending_hashtags",
        now=now,
        since=now - TRENDS_WINDOW,
        half_life_seconds=TRENDS_HALF_LIFE,
        limit=TRENDS_CACHED,
    )
    items = [{**row, "score": round(row["score"], 4)} for row in rows]
    try:
        await b.redis.set(TRENDS_KEY, json.dumps(items), ex=b.settings.discovery_cache_seconds)
    except redis.RedisError as error:
        log.warning("trends_cache_unavailable", extra={"error": repr(error)})
    return items[:limit]


async def _popular_ids(b: Backends) -> list[int]:
    try:
        value = await b.redis.get(cache.POPULAR_KEY)
    except redis.RedisError:
        value = None
    if value:
        return json.loads(value)
    ids = [row["id"] for row in await b.graph.read("queries/popular_user_ids", limit=cache.CACHED)]
    try:
        await b.redis.set(cache.POPULAR_KEY, json.dumps(ids), ex=b.settings.discovery_cache_seconds)
    except redis.RedisError:
        pass
    return ids
