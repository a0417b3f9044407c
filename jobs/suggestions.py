"""Who-to-follow lists cached in Redis: `suggest:<user id>` holds the ranked candidates as JSON.

The list is computed by the named Cypher query (Adamic-Adar over follows), filled up with popular
accounts, and refreshed by an RQ job whenever the user's follows change. Readers drop candidates
the user has followed since, so a list a moment out of date is still right.
"""

from __future__ import annotations

import json
import logging
from functools import cache

import redis
import redis.asyncio as aioredis

from flock.settings import Settings
from graph.db import SyncGraph
from jobs.queues import sync_redis

log = logging.getLogger("flock.suggestions")

CACHED = 50  # candidates kept per user
TTL = 6 * 3600
POPULAR_KEY = "popular-accounts"


def suggestions_key(user_id: int) -> str:
    return f"suggest:{user_id}"


def rank(social: list[dict], popular: list[int], user_id: int, limit: int) -> list[dict]:
    """Adamic-Adar candidates first, then popular accounts nobody suggested, never oneself."""
    ranked = [{**row, "reason": "network"} for row in social]
    seen = {row["id"] for row in ranked} | {user_id}
    for candidate in popular:
        if len(ranked) >= limit:
            break
        if candidate not in seen:
            ranked.append(
                {
                    "id": candidate,
                    "score": 0.0,
                    "mutual_count": 0,
                    "followed_by": [],
                    "reason": "popular",
                }  # fmt: skip
            )
            seen.add(candidate)
    return ranked[:limit]


async def cached(r: aioredis.Redis, user_id: int) -> list[dict] | None:
    try:
        value = await r.get(suggestions_key(user_id))
    except redis.RedisError as error:
        log.warning("event=suggestions_cache_unavailable error=%r", error)
        return None
    return json.loads(value) if value else None


async def store(r: aioredis.Redis, user_id: int, ranked: list[dict]) -> None:
    try:
        await r.set(suggestions_key(user_id), json.dumps(ranked), ex=TTL)
    except redis.RedisError as error:
        log.warning("event=suggestions_cache_unavailable error=%r", error)


def refresh_suggestions(user_id: int) -> int:
    """Job: recompute one user's list (after they follow or unfollow); returns its length."""
    settings, graph, r = _job_context()
    social = graph.read("queries/user_suggestions", user_id=user_id, limit=CACHED)
    popular = _popular_ids(settings, graph, r)
    ranked = rank(social, popular, user_id, CACHED)
    r.set(suggestions_key(user_id), json.dumps(ranked), ex=TTL)
    return len(ranked)


def _popular_ids(settings: Settings, graph: SyncGraph, r: redis.Redis) -> list[int]:
    value = r.get(POPULAR_KEY)
    if value:
        return json.loads(value)
    ids = [row["id"] for row in graph.read("queries/popular_user_ids", limit=CACHED)]
    r.set(POPULAR_KEY, json.dumps(ids), ex=settings.discovery_cache_seconds)
    return ids


@cache
def _job_context() -> tuple[Settings, SyncGraph, redis.Redis]:
    settings = Settings.from_env()
    return settings, SyncGraph(settings), sync_redis(settings.redis_url)
