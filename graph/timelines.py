"""The home timeline: Redis keeps it hot, Cypher is always there to compute it cold.

Hot: the viewer's feed (ids) from Redis, big accounts' newest posts merged in from the graph,
bodies from the Redis body cache (misses from the graph in one batch), and the live fields
(author, counts, liked_by_me) for the whole page in one query. Cold: one Cypher query. A read
never fails because Redis is empty, stale or down; it falls back to cold and has the feed rebuilt.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.exceptions import RedisError

from flock.backends import Backends
from graph.posts import MAX_ID, id_page
from jobs import feeds
from jobs.queues import enqueue_async

log = logging.getLogger("flock.timelines")

OVERFETCH = 10  # ids read beyond the page, to fill in for posts deleted since they were pushed
SEEN_EVERY = 300  # seconds between two writes of a user's last_seen_at


async def home_timeline(
    b: Backends, viewer_id: int, max_id: int | None, since_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the viewer's home timeline, newest first; and the next max_id, if any."""
    max_id = MAX_ID if max_id is None else max_id
    since_id = since_id or 0
    await mark_active(b, viewer_id)
    try:
        hot = await _hot_page(b, viewer_id, max_id, since_id, limit)
    except RedisError as error:
        log.warning("event=timeline_cache_unavailable user=%s error=%r", viewer_id, error)
        hot = None
    if hot is not None:
        return hot
    return await cold_home_timeline(b, viewer_id, max_id, since_id, limit)


async def cold_home_timeline(
    b: Backends, viewer_id: int, max_id: int, since_id: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The same page computed by Cypher alone."""
    rows = await b.graph.read(
        "queries/home_timeline",
        viewer_id=viewer_id,
        max_id=max_id,
        since_id=since_id,
        limit=limit + 1,
    )
    return id_page(rows, limit)


async def mark_active(b: Backends, user_id: int) -> None:
    """Fan-out serves users seen lately; record it at most every few minutes."""
    try:
        first = await b.redis.set(f"seen:{user_id}", 1, nx=True, ex=SEEN_EVERY)
    except RedisError:
        return
    if first:
        from graph.accounts import mark_seen

        previous = await mark_seen(b, user_id)
        inactive_since = time.time() - b.settings.active_days * 86400
        if previous is not None and previous < inactive_since:
            # Fan-out skipped them while away: whatever feed is left is stale.
            await feeds.rebuild_feed_soon(b.redis, b.settings, user_id)


async def _hot_page(b: Backends, viewer_id: int, max_id: int, since_id: int, limit: int):
    s = b.settings
    feed = await feeds.read_feed(b.redis, s, viewer_id, max_id, since_id, limit + OVERFETCH)
    if feed is None:
        await _request_rebuild(b, viewer_id)
        return None
    ids = feed.ids
    big = feed.big_authors if feed.big_authors is not None else await _rebuild_big_authors(b)
    if big:
        rows = await b.graph.read(
            "queries/timeline_big_author_post_ids",
            viewer_id=viewer_id,
            author_ids=list(big),
            max_id=max_id,
            since_id=since_id,
            limit=limit + OVERFETCH,
        )
        ids = sorted(set(ids) | {row["id"] for row in rows}, reverse=True)
    if len(ids) < limit + OVERFETCH and feed.full:
        return None  # older than the capped feed holds: only Cypher knows
    candidates = ids[: limit + OVERFETCH]
    posts = await hydrate(b, viewer_id, candidates)
    page = posts[:limit]
    more = len(posts) > limit or len(ids) > len(candidates)
    return page, (int(page[-1]["id"]) if more and page else None)


async def hydrate(b: Backends, viewer_id: int | None, post_ids: list[int]) -> list[dict[str, Any]]:
    """Posts for these ids, in order, as the viewer sees them; deleted ones are left out."""
    try:
        bodies = await feeds.cached_bodies(b.redis, post_ids)
    except RedisError:
        bodies = {}
    states = {
        row.pop("id"): row
        for row in await b.graph.read("queries/posts_page_state", ids=post_ids, viewer_id=viewer_id)
    }
    missing = [
        i
        for i in post_ids
        if i in states and (i not in bodies or bodies[i]["edited_at"] != states[i]["edited_at"])
    ]
    if missing:
        rows = await b.graph.read("queries/posts_bodies", ids=missing)
        fetched = {row["id"]: row["body"] for row in rows}
        bodies.update(fetched)
        try:
            await feeds.cache_bodies(b.redis, fetched)
        except RedisError:
            pass
    return [{**bodies[i], **states[i]} for i in post_ids if i in bodies and i in states]


async def _rebuild_big_authors(b: Backends) -> set[int]:
    row = await b.graph.read_one("queries/big_author_ids", fanout_limit=b.settings.fanout_limit)
    await feeds.store_big_authors(b.redis, row["ids"])
    return set(row["ids"])


async def _request_rebuild(b: Backends, user_id: int) -> None:
    """Queue one rebuild of the user's feed (not one per read while it is pending)."""
    if await b.redis.set(feeds.rebuild_pending_key(user_id), 1, nx=True, ex=60):
        await enqueue_async(b.settings, feeds.regenerate_feed, user_id)
