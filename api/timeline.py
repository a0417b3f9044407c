"""`/api/timeline`: the caller's home timeline."""

from __future__ import annotations

from pydantic import Field
from quart import Blueprint, g
from quart_schema import validate_querystring, validate_response

from api.bearer import token_required
from api.pagination import IdPageQuery, decode_cursor, encode_cursor, page
from api.schemas import PostPage
from graph import timelines
from graph.backends import backends
from graph.ids import MAX_ID

blueprint = Blueprint("api_timeline", __name__, url_prefix="/api")


class TimelineQuery(IdPageQuery):
    since_id: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Only items with larger ids"
    )


@blueprint.get("/timeline")
@token_required
@validate_querystring(TimelineQuery)
@validate_response(PostPage)
async def home_timeline(query_args: TimelineQuery):
    """Own posts and those of everyone followed, newest first; replies only when the caller
    follows (or is) the author they answer. Continue with `max_id` or `cursor`."""
    cursor = decode_cursor(query_args.cursor, 1)
    max_id = cursor[0] if cursor else query_args.max_id
    items, next_max = await timelines.home_timeline(
        backends(), g.user_id, max_id, query_args.since_id, query_args.limit
    )
    return {
        **page(items, encode_cursor(next_max) if next_max else None),
        "next_max_id": str(next_max) if next_max else None,
    }
