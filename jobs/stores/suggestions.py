"""Who-to-follow lists cached in Redis: `suggest:<user id>` holds the ranked candidates as JSON.

The list blends the candidates of the named Cypher query (friends of friends by Adamic-Adar,
the user's community, their interactions, their followers), is
filled up with popular accounts, and is refreshed by a task whenever the user's follows change.
Readers drop candidates the user has followed since, so a list a moment out of date is still
right.
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


# How much each signal weighs, each scaled to at most 1 within the user's candidates: accounts
# your friends follow first, then your community's central accounts (what holds on sparse
# graphs, where friends of friends are few: bench/suggestions_quality.py), then interactions.
WEIGHTS = {
    "network": 1.0,
    "follows_you": 0.6,
    "engaged": 0.4,
    "community": 0.02,  # the community's central accounts: a filler (bench/README.md)
}
REASONS = ("network", "follows_you", "engaged", "community")  # the first that applies


def rank(
    signals: list[dict], popular: list[int], user_id: int, limit: int, weights=WEIGHTS
) -> list[dict]:
    """Candidates from `queries/user_suggestion_signals` blended into one list, best first,
    each with why it is suggested; filled with popular accounts nobody suggested, never
    oneself. `weights`: the bench tries others."""
    top = dict.fromkeys(REASONS, 0.0)
    for row in signals:
        top[row["signal"]] = max(top[row["signal"]], row["score"] or 0.0)
    candidates: dict[int, dict] = {}
    for row in signals:
        if row["id"] == user_id:
            continue
        entry = candidates.setdefault(
            row["id"],
            {"id": row["id"], "score": 0.0, "mutual_count": 0, "followed_by": [], "signals": set()},
        )
        share = (row["score"] or 0.0) / top[row["signal"]] if top[row["signal"]] else 0.0
        entry["score"] += weights[row["signal"]] * share
        entry["signals"].add(row["signal"])
        if row["signal"] == "network":
            entry["mutual_count"], entry["followed_by"] = row["mutual_count"], row["followed_by"]
    ranked = sorted(candidates.values(), key=lambda c: (-c["score"], c["id"]))
    for entry in ranked:
        signals_of = entry.pop("signals")
        entry["reason"] = next(reason for reason in REASONS if reason in signals_of)
        entry["score"] = round(entry["score"], 6)
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
