"""`/api/tweets/*` and `/api/replies/*`: post, read, edit, delete, reply, like, repost, quote,
threads.

Tweets and replies share every handler; the URL's collection says which kind is meant.
"""

from __future__ import annotations

from quart import Blueprint, g, request
from quart_schema import validate_querystring, validate_request, validate_response

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
    BookmarkState,
    History,
    LikeState,
    NewPost,
    NewTweet,
    Post,
    PostPage,
    PostText,
    RepostState,
    Thread,
    UserPage,
)
from graph import bookmarks, likes, posts, reposts
from graph.posts import KINDS
from graph.serving import backends

blueprint = Blueprint("api_posts", __name__, url_prefix="/api")

COLLECTION = "<any(tweets, replies):collection>"


@blueprint.post("/tweets")
@token_required
@validate_request(NewTweet)
@validate_response(Post, 201)
async def create_tweet(data: NewTweet):
    """Post a tweet (1 to 280 characters, up to 4 images uploaded first with POST /api/media);
    #hashtags and @mentions are linked. With `quote_id` it quotes that post (a 404 when it is
    missing or deleted). Sent again with the same `Idempotency-Key` header (after a timeout or
    a 503), it answers with the post the first request made instead of making another."""
    created = await posts.post_tweet(
        backends(), g.user_id, data.text, data.media(), quote_id=data.quote(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )  # fmt: skip
    return created, 201


@blueprint.post(f"/{COLLECTION}/<int:post_id>/replies")
@token_required
@validate_request(NewPost)
@validate_response(Post, 201)
async def create_reply(collection: str, post_id: int, data: NewPost):
    """Reply to a tweet or to a reply (with up to 4 images, like a tweet); an `Idempotency-Key`
    header makes it safe to send again, as for a tweet."""
    b = backends()
    created = await posts.reply(
        b, g.user_id, KINDS[collection], post_id, data.text, data.media(),
        idempotency_key=request.headers.get("Idempotency-Key"),
    )  # fmt: skip
    return created, 201


@blueprint.get(f"/{COLLECTION}/<int:post_id>")
@token_optional
@validate_response(Post)
async def read_post(collection: str, post_id: int):
    """One tweet or reply with its counts and `liked_by_me`."""
    return await posts.get_post(backends(), KINDS[collection], post_id, g.user_id)


@blueprint.patch(f"/{COLLECTION}/<int:post_id>")
@token_required
@validate_request(PostText)
@validate_response(Post)
async def edit_post(collection: str, post_id: int, data: PostText):
    """Edit one's own tweet or reply; the earlier text stays in its history."""
    return await posts.edit_post(backends(), g.user_id, KINDS[collection], post_id, data.text)


@blueprint.delete(f"/{COLLECTION}/<int:post_id>")
@token_required
async def delete_post(collection: str, post_id: int):
    """Delete one's own tweet or reply, or a reply in a thread under one's own tweet."""
    await posts.delete_post(backends(), g.user_id, KINDS[collection], post_id)
    return "", 204


@blueprint.get(f"/{COLLECTION}/<int:post_id>/history")
@token_optional
@validate_response(History)
async def post_history(collection: str, post_id: int):
    """The current text and every earlier one, newest first."""
    return await posts.post_history(backends(), KINDS[collection], post_id, g.user_id)


@blueprint.get(f"/{COLLECTION}/<int:post_id>/replies")
@token_optional
@validate_querystring(PageQuery)
@validate_response(PostPage)
async def list_replies(collection: str, post_id: int, query_args: PageQuery):
    """Direct replies, oldest first, a page at a time."""
    after = decode_cursor(query_args.cursor, 1)
    items, next_after = await posts.replies_page(
        backends(),
        KINDS[collection],
        post_id,
        g.user_id,
        query_args.limit,
        after[0] if after else 0,
    )
    return page(items, encode_cursor(next_after) if next_after else None)


@blueprint.get(f"/{COLLECTION}/<int:post_id>/thread")
@token_optional
@validate_querystring(PageQuery)
@validate_response(Thread)
async def read_thread(collection: str, post_id: int, query_args: PageQuery):
    """Ancestors (top first), the post, and the first page of its replies."""
    result = await posts.thread(backends(), KINDS[collection], post_id, g.user_id, query_args.limit)
    after = result.pop("next_after")
    return {**result, "next_cursor": encode_cursor(after) if after else None}


@blueprint.put(f"/{COLLECTION}/<int:post_id>/like")
@token_required
@validate_response(LikeState)
async def like(collection: str, post_id: int):
    """Like (idempotent)."""
    return await likes.like_post(backends(), g.user_id, KINDS[collection], post_id)


@blueprint.delete(f"/{COLLECTION}/<int:post_id>/like")
@token_required
@validate_response(LikeState)
async def unlike(collection: str, post_id: int):
    """Unlike (idempotent)."""
    return await likes.unlike_post(backends(), g.user_id, KINDS[collection], post_id)


@blueprint.get(f"/{COLLECTION}/<int:post_id>/likers")
@token_optional
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def likers(collection: str, post_id: int, query_args: PageQuery):
    """Who liked it, most recent first."""
    items, next_key = await likes.likers_page(
        backends(),
        KINDS[collection],
        post_id,
        g.user_id,
        query_args.limit,
        decode_cursor(query_args.cursor, 2),
    )
    return page(items, encode_cursor(*next_key) if next_key else None)


@blueprint.put(f"/{COLLECTION}/<int:post_id>/repost")
@token_required
@validate_response(RepostState)
async def repost(collection: str, post_id: int):
    """Repost to one's followers (idempotent; a repost's id reposts its original)."""
    return await reposts.repost(backends(), g.user_id, KINDS[collection], post_id)


@blueprint.delete(f"/{COLLECTION}/<int:post_id>/repost")
@token_required
@validate_response(RepostState)
async def unrepost(collection: str, post_id: int):
    """Take a repost back (idempotent); it leaves every timeline it reached."""
    return await reposts.unrepost(backends(), g.user_id, KINDS[collection], post_id)


@blueprint.get(f"/{COLLECTION}/<int:post_id>/reposted_by")
@token_optional
@validate_querystring(PageQuery)
@validate_response(UserPage)
async def reposted_by(collection: str, post_id: int, query_args: PageQuery):
    """Who reposted it, most recent first."""
    items, next_key = await reposts.reposters_page(
        backends(),
        KINDS[collection],
        post_id,
        g.user_id,
        query_args.limit,
        decode_cursor(query_args.cursor, 2),
    )
    return page(items, encode_cursor(*next_key) if next_key else None)


@blueprint.get(f"/{COLLECTION}/<int:post_id>/quotes")
@token_optional
@validate_querystring(IdPageQuery)
@validate_response(PostPage)
async def quotes(collection: str, post_id: int, query_args: IdPageQuery):
    """The tweets that quote it, newest first; continue with `max_id` or `cursor`."""
    items, next_max = await posts.quotes_page(
        backends(), KINDS[collection], post_id, g.user_id, max_id_of(query_args), query_args.limit
    )
    return id_paged(items, next_max)


@blueprint.put(f"/{COLLECTION}/<int:post_id>/bookmark")
@token_required
@validate_response(BookmarkState)
async def bookmark(collection: str, post_id: int):
    """Bookmark (idempotent, private); see GET /api/bookmarks."""
    return await bookmarks.bookmark(backends(), g.user_id, KINDS[collection], post_id)


@blueprint.delete(f"/{COLLECTION}/<int:post_id>/bookmark")
@token_required
@validate_response(BookmarkState)
async def unbookmark(collection: str, post_id: int):
    """Remove a bookmark (idempotent)."""
    return await bookmarks.unbookmark(backends(), g.user_id, KINDS[collection], post_id)
