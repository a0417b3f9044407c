"""`/api/users/*`: profiles, one's own account."""

from __future__ import annotations

from quart import Blueprint, g
from quart_schema import (
    document_response,
    validate_querystring,
    validate_request,
    validate_response,
)

from api.bearer import token_optional, token_required
from api.pagination import (
    IdPageQuery,
    PageQuery,
    decode_cursor,
    encode_cursor,
    id_paged,
    max_id_of,
    page,
)
from api.schemas import (
    BlockState,
    DeleteAccountRequest,
    Me,
    MuteState,
    PostPage,
    ProfilePatch,
    PublicUser,
    UserPage,
    shaped_posts,
    shaped_response,
)
from graph import accounts, blocks, follows, posts
from graph.requests import EmailChange, PasswordChange
from graph.serving import backends

blueprint = Blueprint("api_users", __name__, url_prefix="/api/users")


@blueprint.get("/me")
@token_required
@validate_response(Me)
async def me():
    """The caller's own profile, with the email."""
    return await accounts.my_profile(backends(), g.user_id)


@blueprint.patch("/me")
@token_required
@validate_request(ProfilePatch)
@validate_response(Me)
async def update_me(data: ProfilePatch):
    """Change display name, bio, location or website; the fields left out stay."""
    return await accounts.update_profile(backends(), g.user_id, data)


@blueprint.put("/me/email")
@token_required
@validate_request(EmailChange)
@validate_response(Me)
async def change_my_email(data: EmailChange):
    """Change the e-mail address (needs the current password; wrong guesses count against the
    account's log-in limit). 409 when another account has it."""
    return await accounts.change_email(backends(), g.user_id, data)


@blueprint.put("/me/password")
@token_required
@validate_request(PasswordChange)
async def change_my_password(data: PasswordChange):
    """Change the password (needs the current one); every session, refresh token and access
    token of the account ends at once, this one too: log in again with the new password."""
    await accounts.change_password(backends(), g.user_id, data)
    return "", 204


@blueprint.delete("/me")
@token_required
@validate_request(DeleteAccountRequest)
async def delete_me(data: DeleteAccountRequest):
    """Delete the account and everything it wrote, liked and followed (needs the password)."""
    await accounts.delete_account(backends(), g.user_id, data.password)  # its tokens too
    return "", 204


@blueprint.get("/me/blocks")
@token_required
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def my_blocks(query_args: PageQuery):
    """The accounts the caller blocks, most recent first."""
    return await _my_list(blocks.blocked_page, query_args)


@blueprint.get("/me/mutes")
@token_required
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def my_mutes(query_args: PageQuery):
    """The accounts the caller mutes, most recent first."""
    return await _my_list(blocks.muted_page, query_args)


@blueprint.get("/<username>")
@token_optional
@validate_response(PublicUser)
async def user_profile(username: str):
    """Anyone's public profile: never the email."""
    return await accounts.profile(backends(), username, g.user_id)


@blueprint.put("/<username>/follow")
@token_required
@validate_response(PublicUser)
async def follow(username: str):
    """Follow (idempotent; not oneself). Returns their profile with the new counts."""
    return await follows.follow(backends(), g.user_id, username)


@blueprint.delete("/<username>/follow")
@token_required
@validate_response(PublicUser)
async def unfollow(username: str):
    """Unfollow (idempotent)."""
    return await follows.unfollow(backends(), g.user_id, username)


@blueprint.put("/<username>/block")
@token_required
@validate_response(BlockState)
async def block(username: str):
    """Block (idempotent; not oneself): each of you is hidden from the other everywhere, your
    follows both ways end, and they cannot follow, reply to, quote, repost, like or mention
    you."""
    return await blocks.block(backends(), g.user_id, username)


@blueprint.delete("/<username>/block")
@token_required
@validate_response(BlockState)
async def unblock(username: str):
    """Unblock (idempotent; the follows a block ended stay ended)."""
    return await blocks.unblock(backends(), g.user_id, username)


@blueprint.put("/<username>/mute")
@token_required
@validate_response(MuteState)
async def mute(username: str):
    """Mute (idempotent; not oneself): their posts and reposts leave your home timeline,
    notifications and search; they are not told."""
    return await blocks.mute(backends(), g.user_id, username)


@blueprint.delete("/<username>/mute")
@token_required
@validate_response(MuteState)
async def unmute(username: str):
    """Unmute (idempotent)."""
    return await blocks.unmute(backends(), g.user_id, username)


@blueprint.get("/<username>/followers")
@token_optional
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def followers(username: str, query_args: PageQuery):
    """Who follows them, newest first."""
    return await _user_list(follows.followers_page, username, query_args)


@blueprint.get("/<username>/following")
@token_optional
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def following(username: str, query_args: PageQuery):
    """Whom they follow, newest first."""
    return await _user_list(follows.following_page, username, query_args)


@blueprint.get("/<username>/tweets")
@token_optional
@validate_querystring(IdPageQuery)
@document_response(PostPage)  # shaped by hand (api/schemas.shaped_posts)
async def user_tweets(username: str, query_args: IdPageQuery):
    """Their tweets, newest first; continue with `max_id` or `cursor`."""
    return await _post_list(username, posts.TWEET, query_args)


@blueprint.get("/<username>/replies")
@token_optional
@validate_querystring(IdPageQuery)
@document_response(PostPage)  # shaped by hand (api/schemas.shaped_posts)
async def user_replies(username: str, query_args: IdPageQuery):
    """Their replies, newest first; continue with `max_id` or `cursor`."""
    return await _post_list(username, posts.REPLY, query_args)


async def _post_list(username: str, kind: str, query_args: IdPageQuery) -> dict:
    items, next_max = await posts.user_posts(
        backends(), username, kind, g.user_id, max_id_of(query_args), query_args.limit
    )
    return shaped_response(id_paged(shaped_posts(items), next_max))


async def _user_list(list_page, username: str, query_args: PageQuery) -> dict:
    items, next_key = await list_page(
        backends(), username, g.user_id, query_args.limit, decode_cursor(query_args.cursor, 2)
    )
    return page(items, encode_cursor(*next_key) if next_key else None)


async def _my_list(list_page, query_args: PageQuery) -> dict:
    items, next_key = await list_page(
        backends(), g.user_id, query_args.limit, decode_cursor(query_args.cursor, 2)
    )
    return page(items, encode_cursor(*next_key) if next_key else None)
