"""`/api/bookmarks`: the caller's private list of bookmarked posts."""

from __future__ import annotations

from quart import Blueprint, g
from quart_schema import validate_querystring, validate_response

from api.bearer import token_required
from api.pagination import IdPageQuery, id_paged, max_id_of
from api.schemas import PostPage
from graph import bookmarks
from graph.serving import backends

blueprint = Blueprint("api_bookmarks", __name__, url_prefix="/api/bookmarks")


@blueprint.get("")
@token_required
@validate_querystring(IdPageQuery)
@validate_response(PostPage)
async def list_bookmarks(query_args: IdPageQuery):
    """Bookmarked posts, most recently bookmarked first (only the caller sees them). Continue
    with `max_id` or `cursor` (bookmark ids)."""
    items, next_max = await bookmarks.bookmarks_page(
        backends(), g.user_id, max_id_of(query_args), query_args.limit
    )
    return id_paged(items, next_max)
