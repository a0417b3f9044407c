"""Reposts: share someone's post (or one's own) with one's followers; once per user and post.

A repost is a REPOSTED relationship with its own time-ordered id: its place in home timelines.
Reposting a repost (its id) reposts its original.
"""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from flock.core.ids import new_id
from graph.posts import get_post
from graph.user_views import user_page
from jobs import events


async def repost(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Repost once; reposting again changes nothing."""
    rows = await b.graph.write(
        "queries/post_repost",
        user_id=user_id,
        id=post_id,
        kind=kind,
        repost_id=new_id(),
        now=time.time(),
    )
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    row = rows[0]
    if row["created"]:
        await events.reposted(b, user_id, row["post_id"], row["repost_id"], row["notify_ids"])
    return {
        "reposted": True,
        "repost_count": row["repost_count"],
        "post_id": str(row["post_id"]),
        "repost_id": str(row["repost_id"]),
    }


async def unrepost(b: Backends, user_id: int, kind: str, post_id: int) -> dict[str, Any]:
    """Take a repost back; when there was none, nothing changes."""
    rows = await b.graph.write("queries/post_unrepost", user_id=user_id, id=post_id, kind=kind)
    if not rows:
        raise NotFound(f"That {kind.lower()} does not exist.")
    row = rows[0]
    if row["repost_id"] is not None:
        await events.unreposted(b, user_id, row["post_id"], row["repost_id"])
    return {
        "reposted": False,
        "repost_count": row["repost_count"],
        "post_id": str(row["post_id"]),
    }


async def reposters_page(
    b: Backends, kind: str, post_id: int, viewer_id: int | None, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    """Who reposted the post, most recent first; the page and the key to continue after."""
    await get_post(b, kind, post_id, viewer_id)
    return await user_page(b, "queries/post_reposters_page", limit, after, viewer_id, id=post_id)
