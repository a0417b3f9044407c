"""Tweets and replies: post, reply, read, edit (with history), delete, threads, pages.

`kind` is the node label the URL names, "Tweet" or "Reply": a reply's id under /tweets/ is a 404.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from flock import ratelimit
from flock.backends import Backends
from graph import media
from graph import text as post_text
from graph.errors import Forbidden, NotFound
from graph.ids import new_id
from jobs import feeds, post_cache, search_index
from jobs import media as media_jobs
from jobs.queues import enqueue_async

TWEET, REPLY = "Tweet", "Reply"
MAX_ID = 2**63 - 1


async def post_tweet(
    b: Backends, author_id: int, text: str, media_ids: Sequence[int] = ()
) -> dict[str, Any]:
    """Store a tweet, its hashtags, mentions and images; return it as its author sees it."""
    await media.check_attachable(b, author_id, list(media_ids))
    await _throttle_posting(b, author_id)
    tweet_id = new_id()
    await b.graph.write(
        "queries/tweet_create",
        id=tweet_id,
        author_id=author_id,
        now=time.time(),
        **_links(text),
        text=text,
        media_ids=list(media_ids),
    )
    await feeds.push_own_post(b.redis, b.settings, author_id, tweet_id)
    await enqueue_async(b.settings, feeds.fan_out_post, tweet_id)
    await search_index.post_changed(b.settings, tweet_id)
    return await get_post(b, TWEET, tweet_id, author_id)


async def reply(
    b: Backends,
    author_id: int,
    parent_kind: str,
    parent_id: int,
    text: str,
    media_ids: Sequence[int] = (),
) -> dict[str, Any]:
    """Answer a tweet or a reply; a missing or deleted parent is a 404."""
    await media.check_attachable(b, author_id, list(media_ids))
    await _throttle_posting(b, author_id)
    reply_id = new_id()
    rows = await b.graph.write(
        "queries/reply_create",
        id=reply_id,
        author_id=author_id,
        parent_id=parent_id,
        parent_kind=parent_kind,
        now=time.time(),
        text=text,
        **_links(text),
        media_ids=list(media_ids),
    )
    if not rows:
        raise NotFound(f"That {parent_kind.lower()} does not exist.")
    await post_cache.forget_posts(b.redis, [parent_id])  # its reply count
    await enqueue_async(b.settings, feeds.fan_out_post, reply_id)
    await search_index.post_changed(b.settings, reply_id)
    await search_index.post_changed(b.settings, parent_id)  # its reply count
    return await get_post(b, REPLY, reply_id, author_id)


async def get_post(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, *, with_deleted: bool = False
) -> dict[str, Any]:
    row = await b.graph.read_one(
        "queries/post_by_id", id=post_id, kind=kind, viewer_id=viewer_id, with_deleted=with_deleted
    )
    if row is None:
        raise NotFound(f"That {kind.lower()} does not exist.")
    return row["post"]


async def edit_post(
    b: Backends, user_id: int, kind: str, post_id: int, text: str
) -> dict[str, Any]:
    """Change the text (author only); the earlier text is kept in the history."""
    access = await _access(b, kind, post_id)
    if access["author_id"] != user_id:
        raise Forbidden(f"Only the author can edit this {kind.lower()}.")
    await b.graph.write(
        "queries/post_edit",
        id=post_id,
        revision_id=new_id(),
        now=time.time(),
        text=text,
        **_links(text),
    )
    await post_cache.forget_posts(b.redis, [post_id])
    await search_index.post_changed(b.settings, post_id)
    return await get_post(b, kind, post_id, user_id)


async def delete_post(b: Backends, user_id: int, kind: str, post_id: int) -> None:
    """Delete (the author; for a reply also the author of the thread's tweet)."""
    access = await _access(b, kind, post_id)
    allowed = {access["author_id"]}
    if kind == REPLY:
        allowed.add(access["root_author_id"])
    if user_id not in allowed:
        raise Forbidden(f"You cannot delete this {kind.lower()}.")
    row = await b.graph.write_one("queries/post_delete", id=post_id, now=time.time())
    if row and row["media_ids"]:
        await enqueue_async(b.settings, media_jobs.delete_media_objects, row["media_ids"])
    parent = [access["parent_id"]] if access["parent_id"] is not None else []
    await post_cache.forget_posts(b.redis, [post_id, *parent])  # the parent's reply count
    await enqueue_async(b.settings, feeds.remove_post, post_id, access["author_id"])
    await search_index.post_changed(b.settings, post_id)
    if access["parent_id"] is not None:
        await search_index.post_changed(b.settings, access["parent_id"])  # its reply count


async def post_history(b: Backends, kind: str, post_id: int) -> dict[str, Any]:
    row = await b.graph.read_one("queries/post_history", id=post_id, kind=kind)
    if row is None:
        raise NotFound(f"That {kind.lower()} does not exist.")
    return row


async def replies_page(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, limit: int, after_id: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Direct replies, oldest first; returns the page and the id to continue after, if any."""
    await get_post(b, kind, post_id, viewer_id, with_deleted=True)
    rows = await b.graph.read(
        "queries/post_replies_page",
        id=post_id,
        after_id=after_id,
        limit=limit + 1,
        viewer_id=viewer_id,
    )
    return id_page(rows, limit)


async def thread(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, limit: int
) -> dict[str, Any]:
    """Ancestors (top first), the post (a placeholder if deleted), and its first replies."""
    post = await get_post(b, kind, post_id, viewer_id, with_deleted=True)
    replies, after = await replies_page(b, kind, post_id, viewer_id, limit, 0)
    return {
        "ancestors": await ancestors(b, post_id, viewer_id),
        "post": post,
        "replies": replies,
        "next_after": after,
    }


async def ancestors(b: Backends, post_id: int, viewer_id: int | None) -> list[dict[str, Any]]:
    """The posts a reply answers, from the thread's tweet down to its parent."""
    rows = await b.graph.read("queries/post_ancestors", id=post_id, viewer_id=viewer_id)
    return [row["post"] for row in rows]


async def user_posts(
    b: Backends, username: str, kind: str, viewer_id: int | None, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A user's tweets or replies, newest first, below max_id; returns the page and the next
    max_id."""
    if await b.graph.read_one("queries/user_id_by_username", username=username) is None:
        raise NotFound(f"No user is called @{username}.")
    rows = await b.graph.read(
        "queries/user_posts_page",
        username=username,
        kind=kind,
        max_id=MAX_ID if max_id is None else max_id,
        limit=limit + 1,
        viewer_id=viewer_id,
    )
    return id_page(rows, limit)


def id_page(rows: list[dict], limit: int) -> tuple[list[dict[str, Any]], int | None]:
    """Rows fetched with limit + 1: the page, and the last id when there is more to read."""
    items = [row["post"] for row in rows[:limit]]
    return items, (int(items[-1]["id"]) if len(rows) > limit else None)


async def _access(b: Backends, kind: str, post_id: int) -> dict[str, Any]:
    row = await b.graph.read_one("queries/post_access", id=post_id, kind=kind)
    if row is None or row["deleted"]:
        raise NotFound(f"That {kind.lower()} does not exist.")
    return row


async def _throttle_posting(b: Backends, author_id: int) -> None:
    limit = b.settings.posts_per_hour
    await ratelimit.throttle(b.redis, f"throttle:post:{author_id}", limit, 3600, "posts")


def _links(text: str) -> dict[str, list[str]]:
    return {"hashtags": post_text.hashtags(text), "mentions": post_text.mentions(text)}
