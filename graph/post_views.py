"""Posts as a page shows them: the one projection of a post, for every page that lists posts.

Page queries (home timeline hot and cold, profiles, threads, replies, search) return ids; this
module turns ids into posts: the view of each post, its author's card, the post it quotes
(embedded, or marked unavailable), and the viewer's own marks (liked, reposted, bookmarked),
all read through the Redis copy by graph/read_through.py. So every page
shows the same fields by construction. A home timeline's entries may be reposts: `hydrate_entries`
shows each as its post with who reposted it.
"""

from __future__ import annotations

from typing import Any

from flock.core.backends import Backends
from flock.core.ids import MAX_ID
from graph.media import at_media_base
from graph.read_through import PageViews, page_views
from jobs.stores.feeds import Entry
from jobs.stores.post_cache import MARKS, CachedPage


async def hydrate_entries(
    b: Backends,
    viewer_id: int | None,
    entries: list[Entry],
    read_ahead: CachedPage | None = None,
) -> list[dict[str, Any]]:
    """Timeline entries as shown: each its post, with `entry_id` (its place, for cursors) and
    `reposted_by` (the reposter's card, or None); entries whose post or reposter is gone are left
    out. `read_ahead`: what the warm home page already read from Redis."""
    reposters = {e.reposter_id for e in entries if e.reposter_id is not None}
    post_ids = list(dict.fromkeys(e.post_id for e in entries))
    page = await page_views(b, viewer_id, post_ids, reposters, read_ahead)
    by_id = {int(post["id"]): post for post in _shown_page(b, page, post_ids, False)}
    cards = {i: card for i, card in page.cards.items() if i not in page.hidden}
    shown = []
    for entry in entries:
        post = by_id.get(entry.post_id)
        reposter = cards.get(entry.reposter_id) if entry.reposter_id is not None else None
        if post is None or (entry.reposter_id is not None and reposter is None):
            continue  # the post, or the reposter's account, is gone (or hidden)
        shown.append({**post, "entry_id": str(entry.id), "reposted_by": reposter})
    return shown


async def hydrate(
    b: Backends, viewer_id: int | None, post_ids: list[int], *, keep_deleted: bool = False
) -> list[dict[str, Any]]:
    """Posts for these ids, in order, as the viewer sees them. Deleted posts are left out, or
    with `keep_deleted` shown as tombstones (a thread keeps its shape); unknown ids are left out.
    Warm, everything comes from the Redis copy in one round trip (graph/read_through.py)."""
    page = await page_views(b, viewer_id, post_ids)
    return _shown_page(b, page, post_ids, keep_deleted)


def _shown_page(
    b: Backends, page: PageViews, post_ids: list[int], keep_deleted: bool
) -> list[dict[str, Any]]:
    """The posts in order, each with the post it quotes embedded (an embedded quote shows no
    marks of the viewer's: nothing of theirs is looked up)."""
    no_marks = {name: set() for name in MARKS.values()}
    shown = []
    for post_id in post_ids:
        post = _shown(post_id, page.views.get(post_id), page.cards, page.marks, page.hidden,
                      keep_deleted)  # fmt: skip
        if post is None:
            continue
        quote_id = post.get("quote_id")
        quote = None
        if quote_id and not post["deleted"]:
            q = int(quote_id)
            quote = _shown(q, page.views.get(q), page.cards, no_marks, page.hidden, False)
            if quote is not None:
                media_urls(b.settings, quote)
        post["quote"] = quote
        shown.append(media_urls(b.settings, post))
    return shown


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
    post.setdefault("in_reply_to_username", None)  # views cached before it was shown
    post.setdefault("card", None)
    if view["deleted"]:
        if not keep_deleted:
            return None
        post["author"] = None
    elif view["author_id"] in cards:
        post["author"] = cards[view["author_id"]]
    else:
        return None  # its author deleted their account since
    for name in MARKS.values():
        post[f"{name}_by_me"] = post_id in marks[name]
    return post


async def marked_page(
    b: Backends, query: str, user_id: int, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the posts a user marked (`query`: their bookmarks, their likes), most
    recently marked first, below `max_id` (a mark's id); and the next max_id, if any."""
    rows = await b.graph.read(
        query, user_id=user_id, max_id=MAX_ID if max_id is None else max_id, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    posts = await hydrate(b, user_id, [row["post_id"] for row in rows])
    return posts, (rows[-1]["id"] if more else None)


def id_page(ids: list[int], limit: int) -> tuple[list[int], int | None]:
    """Ids fetched with limit + 1: the page's ids, and the last one when there is more."""
    return ids[:limit], (ids[limit - 1] if len(ids) > limit else None)
