"""Timelines that are not a user's home: everyone's tweets (the public timeline) and a
hashtag's posts. Read from the graph (an index on post ids keeps them ordered), shown through
the one projection of a post (graph/post_views.py)."""

from __future__ import annotations

from typing import Any

from flock.core.backends import Backends
from flock.core.ids import MAX_ID
from graph.post_views import hydrate, id_page

Page = tuple[list[dict[str, Any]], int | None]


async def public_timeline(
    b: Backends, viewer_id: int | None, max_id: int | None, since_id: int | None, limit: int,
    media_only: bool = False,
) -> Page:  # fmt: skip
    """Everyone's tweets, newest first; and the next max_id, if any."""
    return await _page(b, "queries/public_timeline_ids", viewer_id, max_id, since_id, limit,
                       media_only=media_only)  # fmt: skip


async def tag_timeline(
    b: Backends, tag: str, viewer_id: int | None, max_id: int | None, since_id: int | None,
    limit: int, media_only: bool = False,
) -> Page:  # fmt: skip
    """The posts tagged #tag, newest first; and the next max_id, if any."""
    return await _page(b, "queries/tag_timeline_ids", viewer_id, max_id, since_id, limit,
                       media_only=media_only, tag=tag.lstrip("#").lower())  # fmt: skip


async def _page(
    b: Backends, query: str, viewer_id: int | None, max_id: int | None, since_id: int | None,
    limit: int, **params: Any,
) -> Page:  # fmt: skip
    rows = await b.graph.read(
        query, viewer_id=viewer_id, max_id=MAX_ID if max_id is None else max_id,
        since_id=since_id or 0, limit=limit + 1, **params,
    )  # fmt: skip
    ids, next_max = id_page([row["id"] for row in rows], limit)
    return await hydrate(b, viewer_id, ids), next_max
