"""The home timeline: Redis keeps it hot, Cypher is always there to compute it cold.

Hot: the viewer's feed (ids) from Redis, big accounts' newest posts merged in from the graph,
and the posts themselves (body, author, counts, liked_by_me) from the Redis copy kept by
jobs/post_cache.py, with misses read from the graph in a batch. Cold: one Cypher query. A read
never fails because Redis is empty, stale or down; it falls back to cold and has the feed rebuilt.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from redis.exceptions import RedisError

from flock.backends import Backends
from flock.metrics import POST_CACHE, TIMELINE_READS
from graph.posts import MAX_ID, id_page
from jobs import feeds, post_cache
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
        TIMELINE_READS.labels("hot").inc()
        return hot
    TIMELINE_READS.labels("cold").inc()
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
    """Posts for these ids, in order, as the viewer sees them; deleted ones are left out.

    Warm, everything comes from the Redis copy (jobs/post_cache.py) in two round trips; what is
    missing comes from the graph, one query per kind of miss, and is copied for the next reader.
    """
    if not post_ids:
        return []
    try:
        cached = await post_cache.read_page(b.redis, post_ids, viewer_id)
    except RedisError as error:
        log.warning("event=post_cache_unavailable error=%r", error)
        cached = None
    views = cached.views if cached else {}
    _count_lookups("view", len(views), len(post_ids))
    authors = await _author_cards(b, {v["author_id"] for v in views.values()}, cached is not None)
    missing = [i for i in post_ids if i not in views]
    if missing:
        rows = await b.graph.read("queries/posts_views", ids=missing)
        fetched = {row["id"]: {**row["view"], "author_id": row["author_id"]} for row in rows}
        views.update(fetched)
        authors.update({row["author_id"]: row["author"] for row in rows})
        if cached:
            await _quietly(post_cache.fill_views(b.redis, fetched, cached.view_gens))
    liked = await _liked_among(b, viewer_id, post_ids, cached)
    page = []
    for post_id in post_ids:
        view = views.get(post_id)
        if view is None or view["author_id"] not in authors:
            continue  # deleted since it was listed
        post = {key: value for key, value in view.items() if key != "author_id"}
        post["author"] = authors[view["author_id"]]
        post["liked_by_me"] = post_id in liked
        page.append(post)
    return page


async def _author_cards(b: Backends, author_ids: set[int], use_cache: bool) -> dict[int, dict]:
    if not author_ids:
        return {}
    wanted = sorted(author_ids)
    cards, gens = {}, {}
    if use_cache:
        try:
            cards, gens = await post_cache.read_cards(b.redis, wanted)
        except RedisError:
            use_cache = False
    missing = [i for i in wanted if i not in cards]
    _count_lookups("card", len(wanted) - len(missing), len(wanted))
    if missing:
        rows = await b.graph.read("queries/user_cards", ids=missing)
        fetched = {row["id"]: row["card"] for row in rows}
        cards.update(fetched)
        if use_cache:
            await _quietly(post_cache.fill_cards(b.redis, fetched, gens))
    return cards


async def _liked_among(
    b: Backends, viewer_id: int | None, post_ids: list[int], cached: post_cache.CachedPage | None
) -> set[int]:
    """Which of these posts the viewer likes: from their cached liked set, else the graph."""
    if viewer_id is None:
        return set()
    known = cached is not None and cached.liked is not None
    _count_lookups("liked", int(known), 1)
    if known:
        return cached.liked
    floor = min(post_ids)
    rows = await b.graph.read(
        "queries/user_liked_post_ids",
        user_id=viewer_id,
        floor=floor,
        limit=post_cache.LIKED_CAP,
    )
    liked = [row["id"] for row in rows]
    if len(liked) == post_cache.LIKED_CAP:
        floor = liked[-1]  # the cap cut it short: complete from here up only
    if cached:
        await _quietly(post_cache.fill_liked(b.redis, viewer_id, liked, floor, cached.liked_gen))
    below = [i for i in post_ids if i < floor]  # only when the cap cut the list short
    if below:
        rows = await b.graph.read("queries/user_liked_among", user_id=viewer_id, ids=below)
        liked += [row["id"] for row in rows]
    return set(liked) & set(post_ids)


def _count_lookups(entry: str, hits: int, total: int) -> None:
    POST_CACHE.labels(entry, "hit").inc(hits)
    POST_CACHE.labels(entry, "miss").inc(total - hits)


async def _quietly(fill) -> None:
    """Copying into Redis is an optimisation: a failure is logged, never raised."""
    try:
        await fill
    except RedisError as error:
        log.warning("event=post_cache_fill_failed error=%r", error)


async def _rebuild_big_authors(b: Backends) -> set[int]:
    row = await b.graph.read_one("queries/big_author_ids", fanout_limit=b.settings.fanout_limit)
    await feeds.store_big_authors(b.redis, row["ids"])
    return set(row["ids"])


async def _request_rebuild(b: Backends, user_id: int) -> None:
    """Queue one rebuild of the user's feed (not one per read while it is pending)."""
    if await b.redis.set(feeds.rebuild_pending_key(user_id), 1, nx=True, ex=60):
        await enqueue_async(b.settings, feeds.regenerate_feed, user_id)
