"""Turning a page of graph/ results into Mastodon entities: the one async step they need (the
ids of the accounts the posts mention), then the shaping of api/mastodon/entities.py."""

from __future__ import annotations

from typing import Any

from api.mastodon import entities
from api.mastodon.common import base_url
from flock.core.backends import Backends
from graph import user_views


async def statuses(
    b: Backends, posts: list[dict[str, Any]], base: str | None = None
) -> list[dict[str, Any]]:
    """`base`: this server's URL, where no request is at hand (a stream's events)."""
    base = base or base_url()
    names = entities.mentioned_names(
        [p for p in posts if p] + [p.get("quote") or {} for p in posts]
    )
    ids = await user_views.ids_of_usernames(b, names)
    accounts: dict = {}
    return [entities.status(post, base, ids, accounts) for post in posts]


async def status(b: Backends, post: dict[str, Any], base: str | None = None) -> dict[str, Any]:
    return (await statuses(b, [post], base))[0]


async def notifications(
    b: Backends, items: list[dict[str, Any]], base: str | None = None
) -> list[dict[str, Any]]:
    base = base or base_url()
    posts = [item["post"] for item in items if item.get("post")]
    ids = await user_views.ids_of_usernames(b, entities.mentioned_names(posts))
    return [entities.notification(item, base, ids) for item in items]


def accounts(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = base_url()
    return [entities.account(user, base) for user in users]


def account(user: dict[str, Any], *, source: bool = False) -> dict[str, Any]:
    return entities.account(user, base_url(), source=source)
