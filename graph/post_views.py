"""Posts as a page shows them: the one projection of a post, for every page that lists posts.

Page queries (home timeline hot and cold, profiles, threads, replies, search) return ids; this
module turns ids into posts: the view of each post (`cypher/queries/posts_views.cypher`, copied
in Redis by jobs/stores/post_cache.py), its author's card, the post it quotes (embedded, or
marked unavailable), and the viewer's own marks (liked, reposted, bookmarked). So every page
shows the same fields by construction. A home timeline's entries may be reposts: `hydrate_entries`
shows each as its post with who reposted it.
"""

from __future__ import annotations

import logging
from typing import Any

from prometheus_client import Counter
from redis.exceptions import RedisError

from graph.backends import Backends
from graph.media import at_media_base
from jobs.stores import post_cache
from jobs.stores.feeds import Entry

log = logging.getLogger("flock.post_views")

POST_CACHE = Counter(
    "flock_post_cache_lookups_total",
    "Entries of the Redis post copy looked up for a page (view, card, marks)",
    ["entry", "result"],
)


async def hydrate_entries(
    b: Backends,
    viewer_id: int | None,
    entries: list[Entry],
    read_ahead: post_cache.CachedPage | None = None,
) -> list[dict[str, Any]]:
    """Timeline entries as shown: each its post, with `entry_id` (its place, for cursors) and
    `reposted_by` (the reposter's card, or None); entries whose post or reposter is gone are left
    out. `read_ahead`: what the warm home page already read from Redis (used where it covers the
    posts; the rest is read as usual)."""
    reposters = {e.reposter_id for e in entries if e.reposter_id is not None}
    post_ids = list(dict.fromkeys(e.post_id for e in entries))
    posts, cards = await _hydrate(b, viewer_id, post_ids, False, reposters, read_ahead)
    by_id = {int(post["id"]): post for post in posts}
    shown = []
    for entry in entries:
        post = by_id.get(entry.post_id)
        reposter = cards.get(entry.reposter_id) if entry.reposter_id is not None else None
        if post is None or (entry.reposter_id is not None and reposter is None):
            continue  # the post, or the reposter's account, is gone
        shown.append({**post, "entry_id": str(entry.id), "reposted_by": reposter})
    return shown


async def hydrate(
    b: Backends, viewer_id: int | None, post_ids: list[int], *, keep_deleted: bool = False
) -> list[dict[str, Any]]:
    """Posts for these ids, in order, as the viewer sees them. Deleted posts are left out, or
    with `keep_deleted` shown as tombstones (a thread keeps its shape); unknown ids are left out.

    Warm, everything comes from the Redis copy in two round trips; what is missing comes from
    the graph, one query per kind of miss, and is copied for the next reader.
    """
    posts, _ = await _hydrate(b, viewer_id, post_ids, keep_deleted, set())
    return posts


async def _hydrate(
    b: Backends,
    viewer_id: int | None,
    post_ids: list[int],
    keep_deleted: bool,
    more_cards: set[int],
    read_ahead: post_cache.CachedPage | None = None,
) -> tuple[list[dict[str, Any]], dict[int, dict]]:
    """The posts, and the cards of their authors and of `more_cards` (reposters)."""
    if not post_ids:
        return [], {}
    views, cards, marks, hidden = await _views(b, viewer_id, post_ids, more_cards, read_ahead)
    quoted_ids = [
        int(v["quote_id"]) for v in views.values() if v.get("quote_id") and not v["deleted"]
    ]
    quoted = {}
    if quoted_ids := [i for i in dict.fromkeys(quoted_ids)]:
        # (an embedded quote shows no marks of the viewer's: nothing of theirs is looked up)
        q_views, q_cards, q_marks, _ = await _views(b, None, quoted_ids, set(), read_ahead)
        quoted = {
            i: post
            for i in quoted_ids
            if (post := _shown(i, q_views.get(i), q_cards, q_marks, hidden, False)) is not None
        }
        for post in quoted.values():
            media_urls(b.settings, post)
    cards = {i: card for i, card in cards.items() if i not in hidden}  # hidden reposters too
    page = []
    for post_id in post_ids:
        post = _shown(post_id, views.get(post_id), cards, marks, hidden, keep_deleted)
        if post is None:
            continue
        quote_id = post.get("quote_id")
        post["quote"] = quoted.get(int(quote_id)) if quote_id and not post["deleted"] else None
        page.append(media_urls(b.settings, post))
    return page, cards


def media_urls(settings, item: dict[str, Any]) -> dict[str, Any]:
    """A post's images at FLOCK_MEDIA_BASE_URL (a CDN in front of /media) when it is set."""
    if settings.media_base_url and item.get("media"):
        item["media"] = [at_media_base(settings, m) for m in item["media"]]
    return item


def _shown(post_id, view, cards, marks, hidden, keep_deleted) -> dict[str, Any] | None:
    """One post as shown from its view, its author's card and the viewer's marks; None when it
    is not to be shown (gone, deleted, its author gone or blocked either way with the viewer)."""
    if view is None:
        return None  # gone since it was listed
    if view["author_id"] in hidden:
        return None
    post = {key: value for key, value in view.items() if key != "author_id"}
    post.setdefault("quote_id", None)  # views cached before quotes existed
    post.setdefault("repost_count", 0)
    post.setdefault("quote_count", 0)
    if view["deleted"]:
        if not keep_deleted:
            return None
        post["author"] = None
    elif view["author_id"] in cards:
        post["author"] = cards[view["author_id"]]
    else:
        return None  # its author deleted their account since
    for name in post_cache.MARKS.values():
        post[f"{name}_by_me"] = post_id in marks[name]
    return post


async def _views(
    b: Backends,
    viewer_id: int | None,
    post_ids: list[int],
    more_cards: set[int],
    read_ahead: post_cache.CachedPage | None = None,
) -> tuple[dict[int, dict], dict[int, dict], dict[str, set[int]], set[int]]:
    """Views of these posts, cards of their authors (and `more_cards`), the viewer's marks and
    the accounts hidden from them: from the Redis copy (read ahead, or now), what is missing
    from the graph (and copied for the next reader)."""
    if read_ahead is not None and read_ahead.covers(post_ids, viewer_id):
        cached = read_ahead.for_posts(post_ids)
    else:
        read_ahead = None
        try:
            cached = await post_cache.read_page(b.redis, post_ids, viewer_id)
        except RedisError as error:
            log.warning("post_cache_unavailable", extra={"error": repr(error)})
            cached = None
    views = {i: cached.views[i] for i in post_ids if i in cached.views} if cached else {}
    _count_lookups("view", len(views), len(post_ids))
    author_ids = {v["author_id"] for v in views.values()} | more_cards
    cards = await _author_cards(b, author_ids, cached is not None, read_ahead)
    missing = [i for i in post_ids if i not in views]
    if missing:
        gens = await _gens(post_cache.view_gens(b.redis, missing)) if cached else None
        rows = await b.graph.read("queries/posts_views", ids=missing)
        fetched = {row["id"]: {**row["view"], "author_id": row["author_id"]} for row in rows}
        views.update(fetched)
        cards.update({row["author_id"]: row["author"] for row in rows if row["author"]})
        live = {i: view for i, view in fetched.items() if not view["deleted"]}
        if gens is not None and live:
            await _quietly(post_cache.fill_views(b.redis, live, gens))
    marks = await _marks_among(b, viewer_id, post_ids, cached)
    return views, cards, marks, await _hidden(b, viewer_id, cached)


async def _hidden(
    b: Backends, viewer_id: int | None, cached: post_cache.CachedPage | None
) -> set[int]:
    """The accounts blocked either way with the viewer: from the Redis copy, else the graph."""
    if viewer_id is None:
        return set()
    if cached is not None and cached.hidden is not None:
        return cached.hidden
    row = await b.graph.read_one("queries/user_hidden_ids", user_id=viewer_id)
    hidden = row["ids"] if row else []
    if cached:
        await _quietly(post_cache.fill_hidden(b.redis, viewer_id, hidden, cached.hidden_gen))
    return set(hidden)


def id_page(ids: list[int], limit: int) -> tuple[list[int], int | None]:
    """Ids fetched with limit + 1: the page's ids, and the last one when there is more."""
    return ids[:limit], (ids[limit - 1] if len(ids) > limit else None)


async def _author_cards(
    b: Backends,
    author_ids: set[int],
    use_cache: bool,
    read_ahead: post_cache.CachedPage | None = None,
) -> dict[int, dict]:
    if not author_ids:
        return {}
    wanted = sorted(author_ids)
    cards, looked_up = {}, set()
    if read_ahead is not None:
        cards = {i: read_ahead.cards[i] for i in wanted if i in read_ahead.cards}
        looked_up = read_ahead.cards_read
    if use_cache and (unread := [i for i in wanted if i not in looked_up]):
        try:
            cards.update(await post_cache.read_cards(b.redis, unread))
        except RedisError:
            use_cache = False
    missing = [i for i in wanted if i not in cards]
    _count_lookups("card", len(wanted) - len(missing), len(wanted))
    if missing:
        gens = await _gens(post_cache.card_gens(b.redis, missing)) if use_cache else None
        rows = await b.graph.read("queries/user_cards", ids=missing)
        fetched = {row["id"]: row["card"] for row in rows}
        cards.update(fetched)
        if gens is not None:
            await _quietly(post_cache.fill_cards(b.redis, fetched, gens))
    return cards


async def _marks_among(
    b: Backends, viewer_id: int | None, post_ids: list[int], cached: post_cache.CachedPage | None
) -> dict[str, set[int]]:
    """Which of these posts the viewer liked, reposted and bookmarked: from their cached marks,
    else the graph (and then copied for the next page)."""
    none = {name: set() for name in post_cache.MARKS.values()}
    if viewer_id is None:
        return none
    known = cached is not None and cached.marks is not None
    _count_lookups("marks", int(known), 1)
    if known:
        return cached.marks
    floor = min(post_ids)
    rows = await b.graph.read(
        "queries/user_marked_post_ids", user_id=viewer_id, floor=floor, limit=post_cache.MARKS_CAP
    )
    if len(rows) == post_cache.MARKS_CAP:
        floor = rows[-1]["id"] + 1  # the cap cut it short: complete from here up only
        rows = [row for row in rows if row["id"] >= floor]
    members = [f"{row['mark']}{row['id']}" for row in rows]
    if cached:
        await _quietly(post_cache.fill_marks(b.redis, viewer_id, members, floor, cached.marks_gen))
    below = [i for i in post_ids if i < floor]  # only when the cap cut the list short
    if below:
        rows += await b.graph.read("queries/user_marked_among", user_id=viewer_id, ids=below)
    wanted = set(post_ids)
    for row in rows:
        if row["id"] in wanted:
            none[post_cache.MARKS[row["mark"]]].add(row["id"])
    return none


def _count_lookups(entry: str, hits: int, total: int) -> None:
    POST_CACHE.labels(entry, "hit").inc(hits)
    POST_CACHE.labels(entry, "miss").inc(total - hits)


async def _gens(read) -> dict | None:
    """Generations read before the graph is asked; None (do not copy) when Redis fails."""
    try:
        return await read
    except RedisError as error:
        log.warning("post_cache_unavailable", extra={"error": repr(error)})
        return None


async def _quietly(fill) -> None:
    """Copying into Redis is an optimisation: a failure is logged, never raised."""
    try:
        await fill
    except RedisError as error:
        log.warning("post_cache_fill_failed", extra={"error": repr(error)})
