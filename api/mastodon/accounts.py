"""Mastodon's accounts: the caller's own, anyone's by id or name, their statuses and
relationships; following, blocking and muting; the caller's favourites, bookmarks, blocks and
mutes. Every rule is graph/'s (blocks hide an account, limits throttle follows...)."""

from __future__ import annotations

from pydantic import ValidationError
from quart import Blueprint, request

from api.mastodon import entities, render
from api.mastodon.common import (
    an_id,
    flag,
    id_param,
    limit_param,
    link_header,
    me,
    params,
    scoped,
    text,
    values,
    viewer,
)
from flock.core.errors import Invalid, NotFound
from graph import (
    accounts,
    avatars,
    banners,
    blocks,
    bookmarks,
    follows,
    likes,
    posts,
    search,
    user_views,
)
from graph.cursors import decode_cursor, encode_cursor
from graph.requests import ProfilePatch, field_errors
from graph.serving import backends

blueprint = Blueprint("mastodon_accounts", __name__, url_prefix="/api/v1")


@blueprint.get("/accounts/verify_credentials")
@scoped("read:accounts")
async def verify_credentials():
    return render.account(await accounts.my_profile(backends(), me()), source=True)


@blueprint.patch("/accounts/update_credentials")
@scoped("write:accounts")
async def update_credentials():
    """`display_name` and `note` (the bio); Flock's location and website are the first two
    `fields_attributes`; `avatar` a picture (cropped to a square), `header` one cropped to 3:1."""
    given = await params()
    files = await request.files
    if files.get("avatar") is not None:
        await avatars.set_avatar(backends(), me(), files["avatar"].read())
    if files.get("header") is not None:
        await banners.set_banner(backends(), me(), files["header"].read())
    patch = {"display_name": text(given, "display_name"), "bio": text(given, "note")}
    for index, name in enumerate(("location", "website")):
        value = given.get(f"fields_attributes[{index}][value]")
        if value is not None:
            patch[name] = str(value)
    changes = {key: value for key, value in patch.items() if value is not None}
    try:
        patch_ = ProfilePatch(**changes)
    except ValidationError as error:
        errors = field_errors(error)
        raise Invalid("Validation failed", errors=errors) from None
    profile = await accounts.update_profile(backends(), me(), patch_)
    return render.account(profile, source=True)


@blueprint.get("/accounts/lookup")
@scoped("read:accounts", user=False)
async def lookup():
    acct = (text(await params(), "acct") or "").lstrip("@").partition("@")[0]
    if not acct:
        raise NotFound("Record not found")
    return render.account(await user_views.profile_by_username(backends(), acct, viewer()))


@blueprint.get("/accounts/relationships")
@scoped("read:follows")
async def relationships():
    ids = [an_id(value) for value in values(await params(), "id")][:40]
    rows = await user_views.relationships(backends(), me(), ids)
    return [entities.relationship(row) for row in rows]


@blueprint.get("/accounts/search")
@scoped("read:accounts")
async def search_accounts():
    given = await params()
    limit = limit_param(given)
    offset = int(given.get("offset") or 0) if str(given.get("offset") or 0).isdigit() else 0
    q = text(given, "q") or ""
    if not q.strip():
        return []
    found = await search.search_users(backends(), viewer(), q, limit, offset // limit + 1)
    return render.accounts(found["items"])


@blueprint.get("/accounts/<account_id>")
@scoped("read:accounts", user=False)
async def show(account_id: str):
    return render.account(await _profile(an_id(account_id)))


@blueprint.get("/accounts/<account_id>/statuses")
@scoped("read:statuses", user=False)
async def statuses(account_id: str):
    """Newest first: tweets and replies (`exclude_replies`: tweets only), `only_media`;
    nothing is pinned on Flock."""
    user = await _profile(an_id(account_id))
    given = await params()
    if flag(given, "pinned"):
        return []
    limit = limit_param(given)
    kind = posts.TWEET if flag(given, "exclude_replies") else "Post"
    b = backends()
    items, next_max = await posts.user_posts(
        b, user["username"], kind, viewer(), id_param(given, "max_id"), limit
    )
    since = id_param(given, "since_id") or id_param(given, "min_id")
    if since is not None:
        items = [p for p in items if int(p["id"]) > since]
    if flag(given, "only_media"):
        items = [p for p in items if p.get("media")]
    headers = link_header(next_max, items[0]["id"] if items else None)
    return await render.statuses(b, items), 200, headers


@blueprint.get("/accounts/<account_id>/<any(followers, following):which>")
@scoped("read:accounts", user=False)
async def people(account_id: str, which: str):
    user = await _profile(an_id(account_id))
    given = await params()
    page = follows.followers_page if which == "followers" else follows.following_page
    after = decode_cursor(text(given, "max_id"), 2) if given.get("max_id") else None
    items, next_key = await page(backends(), user["username"], viewer(), limit_param(given), after)
    headers = link_header(encode_cursor(*next_key) if next_key else None, None)
    return await _full_accounts(items), 200, headers


@blueprint.post("/accounts/<account_id>/<any(follow, unfollow):verb>")
@scoped("write:follows")
async def follow(account_id: str, verb: str):
    user = await _profile(an_id(account_id))
    action = follows.follow if verb == "follow" else follows.unfollow
    await action(backends(), me(), user["username"])
    return await _relationship(int(user["id"]))


@blueprint.post("/accounts/<account_id>/<any(block, unblock):verb>")
@scoped("write:blocks")
async def block(account_id: str, verb: str):
    user = await _profile(an_id(account_id), include_blocked=True)
    action = blocks.block if verb == "block" else blocks.unblock
    await action(backends(), me(), user["username"])
    return await _relationship(int(user["id"]))


@blueprint.post("/accounts/<account_id>/<any(mute, unmute):verb>")
@scoped("write:mutes")
async def mute(account_id: str, verb: str):
    user = await _profile(an_id(account_id))
    action = blocks.mute if verb == "mute" else blocks.unmute
    await action(backends(), me(), user["username"])
    return await _relationship(int(user["id"]))


@blueprint.get("/favourites")
@scoped("read:favourites")
async def favourites():
    given = await params()
    b = backends()
    items, next_max = await likes.liked_page(b, me(), id_param(given, "max_id"), limit_param(given))
    return await render.statuses(b, items), 200, link_header(next_max, None)


@blueprint.get("/bookmarks")
@scoped("read:bookmarks")
async def bookmarked():
    given = await params()
    b = backends()
    items, next_max = await bookmarks.bookmarks_page(
        b, me(), id_param(given, "max_id"), limit_param(given)
    )
    return await render.statuses(b, items), 200, link_header(next_max, None)


@blueprint.get("/<any(blocks, mutes):which>")
@scoped("read:blocks")
async def blocked_or_muted(which: str):
    given = await params()
    page = blocks.blocked_page if which == "blocks" else blocks.muted_page
    after = decode_cursor(text(given, "max_id"), 2) if given.get("max_id") else None
    items, next_key = await page(backends(), me(), limit_param(given), after)
    headers = link_header(encode_cursor(*next_key) if next_key else None, None)
    return await _full_accounts(items), 200, headers


async def _profile(user_id: int, include_blocked: bool = False) -> dict:
    """A profile by id; a 404 when there is none, or it and the caller are blocked either way
    (unless `include_blocked`: to unblock one)."""
    b = backends()
    found = await user_views.profile(b, viewer(), user_id)
    if found is None:
        raise NotFound("Record not found")
    if not include_blocked:
        await user_views.user_id_of(b, found["username"], viewer())  # the block rule
    return found


async def _full_accounts(items: list[dict]) -> list[dict]:
    """Rows of a list of people, as accounts with their counts."""
    ids = [int(item["id"]) for item in items]
    return render.accounts(await user_views.profiles(backends(), viewer(), ids))


async def _relationship(user_id: int) -> dict:
    rows = await user_views.relationships(backends(), me(), [user_id])
    return entities.relationship(rows[0])
