"""Likes on tweets and replies: idempotent like and unlike, who liked a post, and what a user
liked."""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from flock.core.ids import new_id
from graph.post_views import marked_page
from graph.posts import get_post
from graph.user_views import user_page
from jobs import events


async def like_post(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Like once; liking again changes nothing."""
    rows = await b.graph.write(
        "queries/post_like",
        user_id=user_id,
        id=post_id,
        kind=kind,
        now=time.time(),
        like_id=new_id(),
    )
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    row = rows[0]
    await events.liked(b, user_id, post_id, row["notify_ids"] if row["created"] else [])
    return {"liked": True, "like_count": rows[0]["like_count"]}


async def unlike_post(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Take a like back; when there was none, nothing changes."""
    rows = await b.graph.write("queries/post_unlike", user_id=user_id, id=post_id, kind=kind)
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    await events.unliked(b, user_id, post_id)
    return {"liked": False, "like_count": rows[0]["like_count"]}


async def likers_page(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    """Who liked the post, most recent first; returns the page and the key to continue after."""
    await get_post(b, kind, post_id, viewer_id)
    return await user_page(b, "queries/post_likers_page", limit, after, viewer_id, id=post_id)


async def liked_page(
    b: Backends, user_id: int, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The posts the user liked, most recently liked first; and the next max_id (a like's id),
    if any."""
    return await marked_page(b, "queries/user_likes_page", user_id, max_id, limit)
