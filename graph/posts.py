"""Tweets and replies: post, reply, read, edit (with history), delete, threads, pages.

`kind` is the node label the URL names, "Tweet" or "Reply": a reply's id under /tweets/ is a 404.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Any

from neo4j.exceptions import ConstraintError

from flock.core.backends import Backends
from flock.core.errors import Forbidden, NotFound
from flock.core.ids import MAX_ID, new_id
from graph import media, ratelimits
from graph import text as post_text
from graph.post_views import hydrate, id_page
from graph.user_views import user_id_of
from jobs import events

TWEET, REPLY = "Tweet", "Reply"
KINDS = {"tweets": TWEET, "replies": REPLY}  # the collections of both faces' URLs


async def post_tweet(
    b: Backends,
    author_id: int,
    text: str,
    media_ids: Sequence[int] = (),
    quote_id: int | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Store a tweet, its hashtags, mentions and images, quoting `quote_id` if given; return it
    as its author sees it. Quoting a missing or deleted post is a 404. Sent again with the same
    `idempotency_key`, it returns the post the first request made."""
    key = client_key(author_id, idempotency_key)
    if made := await _made_with(b, author_id, key):
        return made
    await media.check_attachable(b, author_id, list(media_ids))
    await _throttle_posting(b, author_id)
    tweet_id = new_id()
    try:
        rows = await b.graph.write(
            "queries/tweet_create",
            id=tweet_id,
            author_id=author_id,
            now=time.time(),
            **_links(text),
            text=text,
            media_ids=list(media_ids),
            quote_id=quote_id,
            client_key=key,
        )
    except ConstraintError:  # the same key, sent twice at once: the other request made it
        if made := await _made_with(b, author_id, key):
            return made
        raise
    if not rows:
        raise NotFound("The post you quote does not exist.")
    await events.post_created(
        b, tweet_id, author_id, None, quote_id, notify_ids=rows[0]["notify_ids"],
        tags=post_text.hashtags(text), link=post_text.first_url(text),
    )  # fmt: skip
    return await get_post(b, TWEET, tweet_id, author_id)


async def reply(
    b: Backends,
    author_id: int,
    parent_kind: str,
    parent_id: int,
    text: str,
    media_ids: Sequence[int] = (),
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Answer a tweet or a reply; a missing or deleted parent is a 404. Sent again with the
    same `idempotency_key`, it returns the reply the first request made."""
    key = client_key(author_id, idempotency_key)
    if made := await _made_with(b, author_id, key):
        return made
    await media.check_attachable(b, author_id, list(media_ids))
    await _throttle_posting(b, author_id)
    reply_id = new_id()
    try:
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
            client_key=key,
        )
    except ConstraintError:  # the same key, sent twice at once: the other request made it
        if made := await _made_with(b, author_id, key):
            return made
        raise
    if not rows:
        raise NotFound(f"That {parent_kind.lower()} does not exist.")
    await events.post_created(
        b, reply_id, author_id, parent_id, notify_ids=rows[0]["notify_ids"],
        tags=post_text.hashtags(text), link=post_text.first_url(text),
    )  # fmt: skip
    return await get_post(b, REPLY, reply_id, author_id)


def client_key(author_id: int, idempotency_key: str | None) -> str | None:
    """What a post keeps of the Idempotency-Key it was made with: the author's id and a digest
    (keys are per account; the key itself may be anything the client chose)."""
    if not idempotency_key:
        return None
    return f"{author_id}:{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}"


async def _made_with(b: Backends, author_id: int, key: str | None) -> dict[str, Any] | None:
    """The post an earlier request with this key made, as its author sees it, or None. Its
    after-effects run again (they are idempotent): that request may have ended (a deadline, a
    crash) after the post was stored and before they ran."""
    if key is None or not (
        row := await b.graph.read_one("queries/post_by_client_key", client_key=key)
    ):
        return None
    await events.post_created(b, row["id"], author_id, row["parent_id"], row["quote_id"])
    return await get_post(b, REPLY if row["is_reply"] else TWEET, row["id"], author_id)


async def quotes_page(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The tweets that quote a post, newest first, below max_id; and the next max_id."""
    await get_post(b, kind, post_id, viewer_id)
    rows = await b.graph.read(
        "queries/post_quotes_page",
        id=post_id,
        viewer_id=viewer_id,
        max_id=MAX_ID if max_id is None else max_id,
        limit=limit + 1,
    )
    ids, next_max_id = id_page([row["id"] for row in rows], limit)
    return await hydrate(b, viewer_id, ids), next_max_id


async def get_post(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, *, with_deleted: bool = False
) -> dict[str, Any]:
    """One post as the viewer sees it; a tombstone only `with_deleted` (its thread's page)."""
    found = await hydrate(b, viewer_id, [post_id], keep_deleted=with_deleted)
    if not found or found[0]["kind"] != kind.lower():
        raise NotFound(f"That {kind.lower()} does not exist.")
    return found[0]


async def find_post(
    b: Backends, post_id: int, viewer_id: int | None, *, with_deleted: bool = False
) -> dict[str, Any]:
    """One post of either kind as the viewer sees it (clients that name posts by id alone)."""
    found = await hydrate(b, viewer_id, [post_id], keep_deleted=with_deleted)
    if not found:
        raise NotFound("That post does not exist.")
    return found[0]


def kind_of(post: dict[str, Any]) -> str:
    """The label of a post as pages show it: "Tweet" or "Reply"."""
    return REPLY if post["kind"] == "reply" else TWEET


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
    await events.post_edited(b, post_id, post_text.first_url(text))
    return await get_post(b, kind, post_id, user_id)


async def delete_post(b: Backends, user_id: int, kind: str, post_id: int) -> None:
    """Delete, when `may_delete` allows it."""
    access = await _access(b, kind, post_id)
    if not may_delete(user_id, access["author_id"], access["root_author_id"]):
        raise Forbidden(f"You cannot delete this {kind.lower()}.")
    row = await b.graph.write_one("queries/post_delete", id=post_id, now=time.time())
    media_ids = row["media_ids"] if row else []
    await events.post_deleted(
        b, post_id, access["author_id"], access["parent_id"], media_ids, access["quote_id"]
    )


def may_delete(user_id: int | None, author_id: int | None, root_author_id: int | None) -> bool:
    """Who may delete a post: its author, and the author of the tweet at the top of its thread
    (who keeps their conversation clean). The web shows Delete by the same rule."""
    return user_id is not None and user_id in (author_id, root_author_id)


def may_delete_post(user_id: int | None, post: dict[str, Any]) -> bool:
    """`may_delete` for a post as pages show it."""
    if post["deleted"] or post["author"] is None:
        return False
    root_author = post.get("root_author_id")
    return may_delete(user_id, int(post["author"]["id"]), int(root_author) if root_author else None)


async def post_history(
    b: Backends, kind: str, post_id: int, viewer_id: int | None
) -> dict[str, Any]:
    """The post's current text and every earlier one, newest first; a 404 where the post
    itself is (gone, or its author and the viewer blocked either way)."""
    await get_post(b, kind, post_id, viewer_id)
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
    ids, after = id_page([row["id"] for row in rows], limit)
    return await hydrate(b, viewer_id, ids, keep_deleted=True), after


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
    return await hydrate(b, viewer_id, [row["id"] for row in rows], keep_deleted=True)


async def user_posts(
    b: Backends, username: str, kind: str, viewer_id: int | None, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A user's tweets or replies (`kind` "Post": both), newest first, below max_id; returns the
    page and the next max_id."""
    await user_id_of(b, username, viewer_id)
    rows = await b.graph.read(
        "queries/user_posts_page",
        username=username,
        kind=kind,
        max_id=MAX_ID if max_id is None else max_id,
        limit=limit + 1,
    )
    ids, next_max_id = id_page([row["id"] for row in rows], limit)
    return await hydrate(b, viewer_id, ids), next_max_id


async def user_media_posts(
    b: Backends, username: str, viewer_id: int | None, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """A user's posts with images, newest first, below max_id; the page and the next max_id."""
    await user_id_of(b, username, viewer_id)
    rows = await b.graph.read(
        "queries/user_media_posts_page",
        username=username,
        max_id=MAX_ID if max_id is None else max_id,
        limit=limit + 1,
    )
    ids, next_max_id = id_page([row["id"] for row in rows], limit)
    return await hydrate(b, viewer_id, ids), next_max_id


async def _access(b: Backends, kind: str, post_id: int) -> dict[str, Any]:
    row = await b.graph.read_one("queries/post_access", id=post_id, kind=kind)
    if row is None or row["deleted"]:
        raise NotFound(f"That {kind.lower()} does not exist.")
    return row


async def _throttle_posting(b: Backends, author_id: int) -> None:
    limit = b.settings.posts_per_hour
    await ratelimits.throttle(b.redis, "post", author_id, limit, 3600, "posts")


def _links(text: str) -> dict[str, list[str]]:
    return {"hashtags": post_text.hashtags(text), "mentions": post_text.mentions(text)}
