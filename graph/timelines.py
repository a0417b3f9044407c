"""The home timeline: Redis keeps it hot, Cypher is always there to compute it cold.

Hot: the viewer's feed (entries: posts and reposts) from Redis, big accounts' newest entries
merged in from the graph, and the posts themselves (body, author, counts, the viewer's marks)
from the Redis copy kept by jobs/stores/post_cache.py, with misses read from the graph in a
batch. Cold: one Cypher query. Both show a post once, at its first entry. A read
never fails because Redis is empty, stale or down; it falls back to cold and has the feed rebuilt.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from prometheus_client import Counter
from redis.exceptions import RedisError

from flock.core.backends import Backends
from flock.core.db import GraphUnavailable
from flock.core.ids import MAX_ID
from graph.accounts import mark_seen
from graph.post_views import hydrate_entries
from jobs import events
from jobs.stores import feeds
from jobs.stores.feeds import Entry
from jobs.stores.home_page import WarmPage, read_warm_page, seen_key

log = logging.getLogger("flock.timelines")

OVERFETCH = 10  # ids read beyond the page, to fill in for posts deleted since they were pushed

TIMELINE_READS = Counter(
    "flock_timeline_reads_total", "Home-timeline pages by the path that served them", ["path"]
)


async def home_timeline(
    b: Backends, viewer_id: int, max_id: int | None, since_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the viewer's home timeline, newest first; and the next max_id, if any."""
    max_id = MAX_ID if max_id is None else max_id
    since_id = since_id or 0
    try:
        warm = await read_warm_page(
            b.redis, b.settings, viewer_id, max_id, since_id, limit + OVERFETCH, limit + 1
        )
    except RedisError as error:
        log.warning("timeline_cache_unavailable", extra={"user": viewer_id, "error": repr(error)})
        warm = None
    stale = warm is not None and warm.first_seen and await _note_activity(b, viewer_id)
    hot = None
    if warm is not None and not stale:
        try:
            hot = await _hot_page(b, viewer_id, warm, max_id, since_id, limit)
        except RedisError as error:
            log.warning("timeline_cache_unavailable", extra={"error": repr(error)})
    if hot is not None:
        TIMELINE_READS.labels("hot").inc()
        return hot
    TIMELINE_READS.labels("cold").inc()
    return await cold_home_timeline(b, viewer_id, max_id, since_id, limit)


async def new_entry_count(b: Backends, viewer_id: int, since_id: int, cap: int) -> int:
    """How many home-timeline entries are newer than `since_id` (counted up to `cap`)."""
    items, _ = await home_timeline(b, viewer_id, None, since_id, cap)
    return len(items)


async def cold_home_timeline(
    b: Backends, viewer_id: int, max_id: int, since_id: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The same page with its ids computed by Cypher (the posts shown as every page shows them).
    A viewer who follows many accounts is served from the site's newest posts and reposts
    when they hold the page, else (and for everyone else) from every followed account's."""
    rows = await _recent_entries(b, viewer_id, max_id, since_id, limit + 1)
    if rows is None:
        rows = await b.graph.read(
            "queries/home_timeline_ids",
            viewer_id=viewer_id,
            max_id=max_id,
            since_id=since_id,
            limit=limit + 1,
        )
    entries = [Entry(row["id"], row["post_id"], row["reposter_id"]) for row in rows]
    next_max_id = entries[limit - 1].id if len(entries) > limit else None
    return await hydrate_entries(b, viewer_id, entries[:limit]), next_max_id


async def _recent_entries(
    b: Backends, viewer_id: int, max_id: int, since_id: int, limit: int
) -> list[dict] | None:
    """The page's entries from the newest posts and reposts of the site, when the viewer
    follows at least FLOCK_COLD_SCAN_FOLLOWING accounts and the newest hold the whole page;
    None otherwise."""
    row = await b.graph.read_one(
        "queries/home_timeline_ids_recent",
        viewer_id=viewer_id,
        max_id=max_id,
        since_id=since_id,
        limit=limit,
        scan=b.settings.cold_scan_window,
        following_at_least=b.settings.cold_scan_following,
    )
    if row is None:
        return None
    entries = row["entries"]
    if len(entries) < limit and row["floor"] > since_id:
        return None  # the page reaches below what was read: not all of it is known
    return entries


async def _note_activity(b: Backends, user_id: int) -> bool:
    """Fan-out serves users seen lately: the page set the Redis seen mark (it lives a few
    minutes), so the graph records the visit. True when the user comes back after so long that
    fan-out skipped them: whatever feed is left is stale, and is rebuilt."""
    try:
        previous = await mark_seen(b, user_id)
    except GraphUnavailable:  # writes paused or Neo4j away: the page is served regardless
        await _forget_seen(b, user_id)
        return False
    inactive_since = time.time() - b.settings.active_days * 86400
    if previous is not None and previous < inactive_since:
        await events.user_returned(b, user_id)
        return True
    return False


async def _forget_seen(b: Backends, user_id: int) -> None:
    """Let the next page try to record the activity again."""
    try:
        await b.redis.delete(seen_key(user_id))
    except RedisError:
        pass


async def _hot_page(
    b: Backends, viewer_id: int, warm: WarmPage, max_id: int, since_id: int, limit: int
):
    feed = warm.feed
    if feed is None:
        await events.feed_missing(b, viewer_id)
        return None
    entries = feed.entries
    big = feed.big_authors
    if big is None:
        big = await feeds.rebuild_big_authors(b.redis, b.graph, b.settings)
    if big:
        entries = await _merge_big_authors(b, viewer_id, big, entries, max_id, since_id, limit)
    if len(entries) < limit + OVERFETCH and feed.full:
        return None  # older than the capped feed holds: only Cypher knows
    candidates = entries[: limit + 1]  # the posts read ahead
    posts = await hydrate_entries(b, viewer_id, candidates, warm.cached)
    if len(posts) <= limit and len(entries) > len(candidates):  # some are gone: fill in
        candidates = entries[: limit + OVERFETCH]
        posts = await hydrate_entries(b, viewer_id, candidates, warm.cached)
    page = posts[:limit]
    more = len(posts) > limit or len(entries) > len(candidates)
    return page, (int(page[-1]["entry_id"]) if more and page else None)


async def _merge_big_authors(
    b: Backends,
    viewer_id: int,
    big: set[int],
    entries: list[Entry],
    max_id: int,
    since_id: int,
    limit: int,
) -> list[Entry]:
    """The feed's entries with the followed big accounts' merged in. Their posts and reposts
    never went through the feed's check that a post shows once, so the graph says which reposts
    on the page are their post's first entry."""
    rows = await b.graph.read(
        "queries/timeline_big_author_post_ids",
        viewer_id=viewer_id,
        author_ids=list(big),
        max_id=max_id,
        since_id=since_id,
        limit=limit + OVERFETCH,
    )
    merged = set(entries) | {Entry(row["id"], row["post_id"], row["reposter_id"]) for row in rows}
    ordered = sorted(merged, key=lambda e: e.id, reverse=True)
    reposts = [[e.id, e.post_id] for e in ordered if e.reposter_id is not None]
    if reposts:
        first = await b.graph.read(
            "queries/timeline_first_entries", viewer_id=viewer_id, entries=reposts
        )
        firsts = {row["id"] for row in first}
        ordered = [e for e in ordered if e.reposter_id is None or e.id in firsts]
    return ordered
