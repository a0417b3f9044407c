"""Who-to-follow lists cached in Redis: `suggest:<user id>` holds the ranked candidates as JSON.

The list is computed by the named Cypher query (Adamic-Adar over follows), filled up with popular
accounts, and refreshed by a task whenever the user's follows change. Readers drop candidates
the user has followed since, so a list a moment out of date is still right.
The task that refreshes a list is jobs/tasks/suggestions.py.
"""

from __future__ import annotations

import json
import logging

import redis
import redis.asyncio as aioredis

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
        log.warning("suggestions_cache_unavailable", extra={"error": repr(error)})
        return None
    return json.loads(value) if value else None


async def store(r: aioredis.Redis, user_id: int, ranked: list[dict]) -> None:
    try:
        await r.set(suggestions_key(user_id), json.dumps(ranked), ex=TTL)
    except redis.RedisError as error:
        log.warning("suggestions_cache_unavailable", extra={"error": repr(error)})


def store_now(r: redis.Redis, user_id: int, ranked: list[dict]) -> None:
    """`store` for tasks (blocking client)."""
    r.set(suggestions_key(user_id), json.dumps(ranked), ex=TTL)


def popular_now(r: redis.Redis) -> list[int] | None:
    """The cached most-followed accounts, for tasks; None when not cached."""
    value = r.get(POPULAR_KEY)
    return json.loads(value) if value else None


def store_popular_now(r: redis.Redis, ids: list[int], ttl: int) -> None:
    r.set(POPULAR_KEY, json.dumps(ids), ex=ttl)
