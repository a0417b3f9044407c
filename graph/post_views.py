"""Posts as a page shows them: the one projection of a post, for every page that lists posts.

Page queries (home timeline hot and cold, profiles, threads, replies, search) return ids; this
module turns ids into posts: the view of each post (`cypher/queries/posts_views.cypher`, copied
in Redis by jobs/stores/post_cache.py), its author's card, and whether the viewer likes it. So
every page shows the same fields by construction.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter
from redis.exceptions import RedisError

from graph.backends import Backends
from jobs.stores import post_cache

log = logging.getLogger("flock.post_views")

POST_CACHE = Counter(
    "flock_post_cache_lookups_total",
    "Entries of the Redis post copy looked up for a page (view, card, liked set)",
    ["entry", "result"],
)


async def hydrate(
    b: Backends, viewer_id: int | None, post_ids: list[int], *, keep_deleted: bool = False
) -> list[dict[str, Any]]:
    """Posts for these ids, in order, as the viewer sees them. Deleted posts are left out, or
    with `keep_deleted` shown as tombstones (a thread keeps its shape); unknown ids are left out.

    Warm, everything comes from the Redis copy in two round trips; what is missing comes from
    the graph, one query per kind of miss, and is copied for the next reader.
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
        authors.update({row["author_id"]: row["author"] for row in rows if row["author"]})
        live = {i: view for i, view in fetched.items() if not view["deleted"]}
        if cached and live:
            await _quietly(post_cache.fill_views(b.redis, live, cached.view_gens))
    liked = await _liked_among(b, viewer_id, post_ids, cached)
    page = []
    for post_id in post_ids:
        view = views.get(post_id)
        if view is None:
            continue  # gone since it was listed
        post = {key: value for key, value in view.items() if key != "author_id"}
        if view["deleted"]:
            if not keep_deleted:
                continue
            post["author"] = None
        elif view["author_id"] in authors:
            post["author"] = authors[view["author_id"]]
        else:
            continue  # its author deleted their account since
        post["liked_by_me"] = post_id in liked
        page.append(post)
    return page


def id_page(ids: list[int], limit: int) -> tuple[list[int], int | None]:
    """Ids fetched with limit + 1: the page's ids, and the last one when there is more."""
    return ids[:limit], (ids[limit - 1] if len(ids) > limit else None)


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
