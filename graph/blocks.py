"""Block and mute.

A block hides two accounts from each other everywhere and ends their follows both ways; the
blocked account cannot follow, reply to, quote, repost, like or mention the blocker. A mute
hides the muted account from the muter's home timeline, notifications and search, and nothing
else; the muted account is not told. Both are enforced by the graph statements themselves.
"""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import Invalid
from graph.user_views import user_id_of, user_page
from jobs import events


async def block(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    """Block @username (again: nothing changes)."""
    target_id = await _other(b, user_id, username, "block")
    await b.graph.write("queries/user_block", user_id=user_id, target_id=target_id, now=time.time())
    await events.blocked(b, user_id, target_id)
    return {"username": username, "blocking": True}


async def unblock(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    target_id = await _other(b, user_id, username, "unblock")
    await b.graph.write("queries/user_unblock", user_id=user_id, target_id=target_id)
    await events.unblocked(b, user_id, target_id)
    return {"username": username, "blocking": False}


async def mute(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    """Mute @username (again: nothing changes)."""
    target_id = await _other(b, user_id, username, "mute")
    await b.graph.write("queries/user_mute", user_id=user_id, target_id=target_id, now=time.time())
    await events.muted(b, user_id, target_id)
    return {"username": username, "muting": True}


async def unmute(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    target_id = await _other(b, user_id, username, "unmute")
    await b.graph.write("queries/user_unmute", user_id=user_id, target_id=target_id)
    await events.muted(b, user_id, target_id)
    return {"username": username, "muting": False}


async def blocked_page(
    b: Backends, user_id: int, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    """The accounts the user blocks, most recent first."""
    return await user_page(b, "queries/user_blocked_page", limit, after, user_id, user_id=user_id)


async def muted_page(
    b: Backends, user_id: int, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    """The accounts the user mutes, most recent first."""
    return await user_page(b, "queries/user_muted_page", limit, after, user_id, user_id=user_id)


async def _other(b: Backends, user_id: int, username: str, verb: str) -> int:
    target_id = await user_id_of(b, username, None)  # blocked or not: one can always unblock
    if target_id == user_id:
        raise Invalid(f"You cannot {verb} yourself.")
    return target_id
