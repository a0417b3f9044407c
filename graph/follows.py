"""Follows: follow and unfollow (idempotent, never oneself), followers and following pages."""

from __future__ import annotations

import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import Invalid, NotFound
from flock.core.ids import new_id
from graph import accounts, ratelimits
from graph.user_views import user_id_of, user_page
from jobs import events


async def follow(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    """Follow @username; following again changes nothing. Returns their profile."""
    target_id = await user_id_of(b, username, user_id)
    if target_id == user_id:
        raise Invalid("You cannot follow yourself.")
    limit = b.settings.follows_per_hour
    await ratelimits.throttle(b.redis, "follow", user_id, limit, 3600, "follows")
    followed = await b.graph.write(
        "queries/user_follow",
        user_id=user_id,
        target_id=target_id,
        now=time.time(),
        follow_id=new_id(),
    )
    if not followed:  # a block landed in between
        raise NotFound(f"No user is called @{username}.")
    profile = await accounts.profile(b, username, user_id)
    notify = followed[0]["created"] and followed[0]["notify"]
    await events.followed(b, user_id, target_id, profile["follower_count"], notify)
    return profile


async def unfollow(b: Backends, user_id: int, username: str) -> dict[str, Any]:
    """Stop following @username; when not following, nothing changes."""
    target_id = await user_id_of(b, username, user_id)
    if target_id == user_id:
        raise Invalid("You cannot unfollow yourself.")
    await b.graph.write("queries/user_unfollow", user_id=user_id, target_id=target_id)
    await events.unfollowed(b, user_id, target_id)
    return await accounts.profile(b, username, user_id)


async def followers_page(
    b: Backends, username: str, viewer_id: int | None, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    await user_id_of(b, username, viewer_id)
    return await user_page(
        b, "queries/user_followers_page", limit, after, viewer_id, username=username
    )


async def following_page(
    b: Backends, username: str, viewer_id: int | None, limit: int, after: list | None
) -> tuple[list[dict[str, Any]], list | None]:
    await user_id_of(b, username, viewer_id)
    return await user_page(
        b, "queries/user_following_page", limit, after, viewer_id, username=username
    )
