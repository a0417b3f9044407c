"""Bookmarks: a private list of posts to come back to; add, remove, list newest first."""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from flock.core.ids import new_id
from graph.post_views import marked_page
from jobs import events


async def bookmark(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Bookmark once; again changes nothing."""
    rows = await b.graph.write(
        "queries/post_bookmark",
        user_id=user_id,
        id=post_id,
        kind=kind,
        bookmark_id=new_id(),
        now=time.time(),
    )
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    await events.bookmarked(b, user_id, post_id)
    return {"bookmarked": True}


async def unbookmark(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Take a bookmark back; when there was none, nothing changes."""
    rows = await b.graph.write("queries/post_unbookmark", user_id=user_id, id=post_id, kind=kind)
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    await events.bookmarked(b, user_id, post_id)
    return {"bookmarked": False}


async def bookmarks_page(
    b: Backends, user_id: int, max_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The user's bookmarked posts, most recently bookmarked first; and the next max_id (a
    bookmark's id), if any."""
    return await marked_page(b, "queries/user_bookmarks_page", user_id, max_id, limit)
