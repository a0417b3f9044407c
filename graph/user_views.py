"""Users as a page shows them: the one projection of a user, for every page, API response and
list that shows people.

One statement (`cypher/queries/users_views.cypher`) reads users by id with the viewer's
relation to each; this module shapes them. List queries (followers, following, likers,
reposters, blocked, muted, search hits, suggestions) return ids and sort keys only, so a new
profile field is one line in that statement and, where it belongs on a card, one name here.
"""

from __future__ import annotations

from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from graph import personal_data

CARD_FIELDS = ("id", "username", "display_name", "avatar_id")  # a post's author, an actor
LIST_FIELDS = (*CARD_FIELDS, "bio")  # a row of a list of people


async def cards(b: Backends, user_ids: set[int] | list[int]) -> dict[int, dict[str, Any]]:
    """Cards of these users by id (a post's author, a reposter, a notification's actor);
    unknown ids are left out. Blocks are for the caller to apply."""
    if not user_ids:
        return {}
    rows = await _read(b, sorted(user_ids), None, counts=False)
    return {row["id"]: card(row["user"]) for row in rows}


def card(user: dict[str, Any]) -> dict[str, Any]:
    """The card of a user view (what the Redis post copy keeps per author)."""
    return {name: user[name] for name in CARD_FIELDS}


async def profiles(
    b: Backends, viewer_id: int | None, user_ids: list[int], *, hide_muted: bool = False
) -> list[dict[str, Any]]:
    """Public profiles with counts, in the order given (search hits, suggestions): those
    blocked either way with the viewer are left out, and with `hide_muted` those they mute."""
    rows = await _read(b, user_ids, viewer_id, counts=True)
    return [
        _profile(row)
        for row in rows
        if not row["blocked"] and not (hide_muted and row["muted_by_me"])
    ]


async def profile(b: Backends, viewer_id: int | None, user_id: int) -> dict[str, Any] | None:
    """One public profile with counts; None when it is gone or blocked either way."""
    found = await profiles(b, viewer_id, [user_id])
    return found[0] if found else None


async def user_id_of(b: Backends, username: str, viewer_id: int | None) -> int:
    """The id of @username as the viewer may see them: a 404 when there is no such user, or
    when they and the viewer are blocked either way (`viewer_id` None: anyone)."""
    row = await b.graph.read_one(
        "queries/user_id_by_username", username=username, viewer_id=viewer_id
    )
    if row is None:
        raise NotFound(f"No user is called @{username}.")
    return row["id"]


async def profile_by_username(b: Backends, username: str, viewer_id: int | None) -> dict[str, Any]:
    """@username's public profile as the viewer sees it (a 404 as `user_id_of` says)."""
    found = await profile(b, viewer_id, await user_id_of(b, username, viewer_id))
    if found is None:
        raise NotFound(f"No user is called @{username}.")
    return found


async def own_profile(b: Backends, user_id: int) -> dict[str, Any] | None:
    """The signed-in user's own profile: the public one, their email and roles."""
    rows = await _read(b, [user_id], user_id, counts=True)
    if not rows:
        return None
    own = rows[0]["own"]
    email = personal_data.read_email(b.settings, own["email"])
    return {**_profile(rows[0]), "email": email, "roles": own["roles"]}


async def relationships(b: Backends, viewer_id: int, user_ids: list[int]) -> list[dict[str, Any]]:
    """How the viewer stands with each of these users (in order; unknown ids left out)."""
    rows = await _read(b, user_ids, viewer_id, False)
    return [
        {
            "id": row["id"],
            "following": row["followed_by_me"],
            "followed_by": row["follows_me"],
            "muting": row["muted_by_me"],
            "blocking": row["blocking"],
            "blocked_by": row["blocked"] and not row["blocking"],
        }
        for row in rows
    ]


async def ids_of_usernames(b: Backends, usernames: list[str]) -> dict[str, int]:
    """The ids of the accounts with these usernames, by the name as given (lower-cased)."""
    if not usernames:
        return {}
    rows = await b.graph.read("queries/user_ids_by_usernames", usernames=usernames)
    return {row["username"].lower(): row["id"] for row in rows}


async def user_page(
    b: Backends,
    query: str,
    limit: int,
    after: list | None,
    viewer_id: int | None,
    **params: Any,
) -> tuple[list[dict[str, Any]], list | None]:
    """A page of people ordered by (time, id) descending (followers, following, likers,
    reposters, blocked, muted): the list query gives ids, this shows them."""
    after_at, after_id = after if after else (None, None)
    rows = await b.graph.read(
        query, after_at=after_at, after_id=after_id, limit=limit + 1, viewer_id=viewer_id, **params
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_key = [rows[-1]["at"], rows[-1]["sort_id"]] if more else None
    shown = {row["id"]: row for row in await _read(b, [r["id"] for r in rows], viewer_id, False)}
    items = [_list_item(shown[row["id"]]) for row in rows if row["id"] in shown]
    return items, next_key


def _profile(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row["user"],
        **row["counts"],
        "followed_by_me": row["followed_by_me"],
        "muted_by_me": row["muted_by_me"],
        "follows_me": row["follows_me"],
    }


def _list_item(row: dict[str, Any]) -> dict[str, Any]:
    user = row["user"]
    return {
        **{name: user[name] for name in LIST_FIELDS},
        "followed_by_me": row["followed_by_me"],
    }


async def _read(
    b: Backends, user_ids: list[int], viewer_id: int | None, counts: bool
) -> list[dict[str, Any]]:
    if not user_ids:
        return []
    return await b.graph.read(
        "queries/users_views", ids=user_ids, viewer_id=viewer_id, counts=counts
    )
