"""One read-through for a page of posts: the Redis copy (jobs/stores/post_cache.py) is asked
once for everything the page needs, what it lacked comes from one graph read (plus one for the
authors' cards it lacked), and is copied back for the next reader.

The domain asks `page_views(b, viewer_id, post_ids)` for "the views of these posts for this
viewer" and gets them: views (the posts' and those they quote), authors' cards, the viewer's
marks and the accounts hidden from them. graph/post_views.py shapes them into posts.

Copying back is guarded against a write that lands while the graph is read: the generations
read with the copy (before the graph is asked) must not have moved (post_cache's note). What
was found only through the graph read (the cards of new authors, posts first seen as quoted)
has no generation read yet, so it is copied on the next page, not this one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from prometheus_client import Counter
from redis.exceptions import RedisError

from flock.core.backends import Backends
from graph import user_views
from jobs.stores import post_cache
from jobs.stores.post_cache import MARKS, MARKS_CAP, CachedPage

log = logging.getLogger("flock.read_through")

POST_CACHE = Counter(
    "flock_post_cache_lookups_total",
    "Entries of the Redis post copy looked up for a page (view, card, marks)",
    ["entry", "result"],
)


@dataclass
class PageViews:
    views: dict[int, dict] = field(default_factory=dict)  # post id -> view (with author_id)
    cards: dict[int, dict] = field(default_factory=dict)  # user id -> card
    marks: dict[str, set[int]] = field(default_factory=lambda: {m: set() for m in MARKS.values()})
    hidden: set[int] = field(default_factory=set)  # blocked either way with the viewer


async def page_views(
    b: Backends,
    viewer_id: int | None,
    post_ids: list[int],
    people: set[int] = frozenset(),
    read_ahead: CachedPage | None = None,
) -> PageViews:
    """Everything a page of these posts shows, for this viewer; `people`: more cards wanted
    (reposters). `read_ahead`: what the warm home page's script already read, used when it
    looked up all of these posts."""
    if not post_ids:
        return PageViews()
    cached = read_ahead if read_ahead and read_ahead.covers(post_ids, viewer_id) else None
    if cached is None:
        try:
            cached = await post_cache.read_page(b.redis, post_ids, viewer_id, people)
        except RedisError as error:
            log.warning("post_cache_unavailable", extra={"error": repr(error)})
    found = PageViews(views=dict(cached.views) if cached else {})
    marks = cached.marks_for(post_ids) if cached and viewer_id is not None else None
    hidden = cached.hidden if cached and viewer_id is not None else None
    want_views = [i for i in [*post_ids, *(cached.quote_ids if cached else [])]
                  if i not in found.views]  # fmt: skip
    _count("view", len(post_ids) - len([i for i in post_ids if i in want_views]), len(post_ids))
    if viewer_id is not None:
        _count("marks", int(marks is not None), 1)
    fetched = await _from_graph(b, viewer_id, post_ids, want_views, marks, hidden)
    found.views.update(fetched.views)
    found.hidden = hidden if hidden is not None else fetched.hidden
    if marks is not None:
        found.marks = marks
    elif viewer_id is not None:
        found.marks = await _complete_marks(b, viewer_id, post_ids, fetched)
    read_cards = await _cards(b, found, people, cached)
    if cached is not None:
        await _copy_back(b, viewer_id, cached, fetched, read_cards)
    return found


@dataclass
class _Fetched:
    views: dict[int, dict] = field(default_factory=dict)
    marks: list[dict] | None = None  # rows {id, mark} from `floor` up; None: not read
    floor: int = 0
    hidden: set[int] = field(default_factory=set)
    hidden_read: bool = False


async def _from_graph(b, viewer_id, post_ids, want_views, marks, hidden) -> _Fetched:
    """One read for the views, the marks and the hidden accounts the copy lacked."""
    want_marks = viewer_id is not None and marks is None
    want_hidden = viewer_id is not None and hidden is None
    if not (want_views or want_marks or want_hidden):
        return _Fetched()
    floor = min(post_ids)
    row = await b.graph.read_one(
        "queries/page_views",
        ids=want_views,
        viewer_id=viewer_id,
        marks=want_marks,
        floor=floor,
        marks_cap=MARKS_CAP,
        hidden=want_hidden,
    )
    views = {v["id"]: {**v["view"], "author_id": v["author_id"]} for v in row["views"]}
    return _Fetched(
        views=views,
        marks=row["marks"] if want_marks else None,
        floor=floor,
        hidden=set(row["hidden"]),
        hidden_read=want_hidden,
    )


def _marks_among(rows: list[dict] | None, post_ids: list[int]) -> dict[str, set[int]]:
    marks = {name: set() for name in MARKS.values()}
    wanted = set(post_ids)
    for row in rows or []:
        if row["id"] in wanted:
            marks[MARKS[row["mark"]]].add(row["id"])
    return marks


async def _complete_marks(
    b: Backends, viewer_id: int, post_ids: list[int], fetched: _Fetched
) -> dict[str, set[int]]:
    """The viewer's marks on the page from the rows read; when the cap cut them short (a user
    with thousands of marks), the copy covers only the newest, and the older posts of the page
    are asked about by id."""
    rows = fetched.marks or []
    if len(rows) == MARKS_CAP:
        fetched.floor = rows[-1]["id"] + 1
        rows = fetched.marks = [row for row in rows if row["id"] >= fetched.floor]
        if below := [i for i in post_ids if i < fetched.floor]:
            rows = rows + await b.graph.read(
                "queries/user_marked_among", user_id=viewer_id, ids=below
            )
    return _marks_among(rows, post_ids)


async def _cards(
    b: Backends, found: PageViews, people: set[int], cached: CachedPage | None
) -> dict[int, dict]:
    """The cards of the posts' authors and of `people`: from the copy, the rest in one read
    (returned, to be copied back)."""
    wanted = {v["author_id"] for v in found.views.values() if v.get("author_id")} | set(people)
    found.cards = {i: cached.cards[i] for i in wanted if cached and i in cached.cards}
    missing = wanted - found.cards.keys()
    _count("card", len(wanted) - len(missing), len(wanted))
    if not missing:
        return {}
    unguarded = sorted(i for i in missing if cached and i not in cached.card_gens)
    if unguarded:  # authors first met in the graph read: their generations, before the cards
        try:
            cached.card_gens.update(await post_cache.card_gens(b.redis, unguarded))
        except RedisError as error:
            log.warning("post_cache_unavailable", extra={"error": repr(error)})
    read = await user_views.cards(b, missing)
    found.cards.update(read)
    return read


async def _copy_back(
    b: Backends,
    viewer_id: int | None,
    cached: CachedPage,
    fetched: _Fetched,
    cards: dict[int, dict],
) -> None:
    """Copy what the graph gave for the next reader, where the copy's generations allow;
    copying is an optimisation: a failure is logged, never raised."""
    try:
        if guarded := {i: card for i, card in cards.items() if i in cached.card_gens}:
            await post_cache.fill_cards(b.redis, guarded, cached.card_gens)
        live = {
            i: view
            for i, view in fetched.views.items()
            if not view["deleted"] and i in cached.view_gens
        }
        if live:  # after the cards: each view is copied with its author's card
            await post_cache.fill_views(b.redis, live, cached.view_gens)
        if fetched.marks is not None and viewer_id is not None:
            members = [f"{row['mark']}{row['id']}" for row in fetched.marks]
            await post_cache.fill_marks(
                b.redis, viewer_id, members, fetched.floor, cached.marks_gen
            )
        if fetched.hidden_read and viewer_id is not None:
            await post_cache.fill_hidden(
                b.redis, viewer_id, sorted(fetched.hidden), cached.hidden_gen
            )
    except RedisError as error:
        log.warning("post_cache_fill_failed", extra={"error": repr(error)})


def _count(entry: str, hits: int, total: int) -> None:
    POST_CACHE.labels(entry, "hit").inc(hits)
    POST_CACHE.labels(entry, "miss").inc(total - hits)
