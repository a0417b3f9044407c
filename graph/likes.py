"""Likes on tweets and replies: idempotent like and unlike, and who liked a post."""

from __future__ import annotations

import time
from typing import Any

from graph.backends import Backends
from graph.errors import NotFound
from graph.ids import new_id
from graph.posts import get_post
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
    return await user_page(
        b, "queries/post_likers_page", limit, after, id=post_id, viewer_id=viewer_id
    )


async def user_page(
    b: Backends, query: str, limit: int, after: list | None, **params: Any
) -> tuple[list[dict[str, Any]], list | None]:
    """A page of users ordered by (time, id) descending, for likers, followers and following."""
    after_at, after_id = after if after else (None, None)
    rows = await b.graph.read(
        query, after_at=after_at, after_id=after_id, limit=limit + 1, **params
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = [rows[-1]["at"], rows[-1]["sort_id"]] if more else None
    return [row["user"] for row in rows], next_key
