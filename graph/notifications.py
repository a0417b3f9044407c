"""Notifications: who liked, reposted, replied to, mentioned, quoted or followed a user.

They are read from the graph (cypher/queries/notifications_page.cypher), not stored apart: a
notification exists exactly as long as its cause, so an unlike, an unfollow or a deletion
withdraws it with no bookkeeping. What a user has read is one id on their node; what they
cleared is another, and the few they dismissed one by one a short list.
"""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from flock.core.ids import MAX_ID
from graph import user_views
from graph.post_views import hydrate

TYPES = ("like", "repost", "reply", "mention", "quote", "follow")
UNREAD_CAP = 100  # counted up to here; a badge shows "99+"
DISMISSED_KEPT = 500


async def notifications_page(
    b: Backends,
    user_id: int,
    max_id: int | None,
    since_id: int | None,
    types: list[str] | None,
    limit: int,
) -> tuple[list[dict[str, Any]], int | None]:
    """The user's notifications, newest first, of the given types (all by default); and the
    next max_id, if any."""
    rows = await b.graph.read(
        "queries/notifications_page",
        user_id=user_id,
        max_id=MAX_ID if max_id is None else max_id,
        since_id=since_id or 0,
        types=list(types or TYPES),
        limit=limit + 1,
    )
    rows, next_max_id = rows[:limit], (rows[limit - 1]["id"] if len(rows) > limit else None)
    posts = await hydrate(
        b, user_id, list(dict.fromkeys(r["post_id"] for r in rows if r["post_id"]))
    )
    by_id = {int(p["id"]): p for p in posts}
    actors = await _cards(b, {r["actor_id"] for r in rows})
    items = []
    for row in rows:
        post = by_id.get(row["post_id"]) if row["post_id"] else None
        if (row["post_id"] and post is None) or row["actor_id"] not in actors:
            continue  # deleted since it was read
        items.append(
            {
                "id": str(row["id"]),
                "type": row["type"],
                "created_at": row["at"],
                "unread": row["unread"],
                "actor": actors[row["actor_id"]],
                "post": post,
            }
        )
    return items, next_max_id


async def unread_count(b: Backends, user_id: int) -> int:
    """How many notifications are newer than what the user marked read (up to UNREAD_CAP)."""
    row = await b.graph.read_one(
        "queries/notifications_unread_count", user_id=user_id, cap=UNREAD_CAP
    )
    return row["unread"] if row else 0


async def mark_read(b: Backends, user_id: int, up_to_id: int) -> int:
    """Mark everything up to this id read (an older mark changes nothing); the unread count."""
    await b.graph.write("queries/notifications_mark_read", user_id=user_id, up_to_id=up_to_id)
    return await unread_count(b, user_id)


async def clear(b: Backends, user_id: int, up_to_id: int) -> None:
    """The user clears their notifications: all up to this id leave their list."""
    await b.graph.write("queries/notifications_clear", user_id=user_id, up_to_id=up_to_id)


async def dismiss(b: Backends, user_id: int, notification_id: int) -> None:
    """The user dismisses one notification."""
    await b.graph.write(
        "queries/notification_dismiss", user_id=user_id, id=notification_id, keep=DISMISSED_KEPT
    )


async def notification(b: Backends, user_id: int, notification_id: int) -> dict[str, Any]:
    """One of the user's notifications by its id (a 404 when it is not, or no longer, theirs)."""
    if notification_id <= 0:
        raise NotFound("No such notification.")
    items, _ = await notifications_page(b, user_id, notification_id + 1, notification_id - 1,
                                        None, 1)  # fmt: skip
    if not items:
        raise NotFound("No such notification.")
    return items[0]


async def markers(b: Backends, user_id: int) -> dict[str, Any]:
    """Where the user stopped reading: the home timeline and the notifications."""
    return await b.graph.read_one("queries/markers", user_id=user_id) or {}


async def set_markers(
    b: Backends, user_id: int, home: int | None, notifications: int | None
) -> dict[str, Any]:
    """Move the read markers (a None leaves one as it is)."""
    row = await b.graph.write_one(
        "queries/markers_set",
        user_id=user_id,
        home=home,
        notifications=notifications,
        now=time.time(),
    )
    return row or {}


def grouped(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Notifications as a page shows them: likes and reposts of one post, and follows, that
    follow each other are one group ("@ann and 3 others liked your post"); newest first."""
    groups: list[dict[str, Any]] = []
    for item in items:
        post_id = item["post"]["id"] if item["post"] else None
        last = groups[-1] if groups else None
        if (
            last is not None
            and item["type"] in ("like", "repost", "follow")
            and last["type"] == item["type"]
            and last["post_id"] == post_id
        ):
            last["actors"].append(item["actor"])
            continue
        groups.append({**item, "post_id": post_id, "actors": [item["actor"]]})
    return groups


async def _cards(b: Backends, user_ids: set[int]) -> dict[int, dict]:
    if not user_ids:
        return {}
    return await user_views.cards(b, user_ids)
