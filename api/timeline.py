"""`/api/timeline`: the caller's home timeline."""

from __future__ import annotations

from pydantic import Field
from quart import Blueprint, g
from quart_schema import document_response, validate_querystring

from api.bearer import token_required
from api.pagination import IdPageQuery, id_paged, max_id_of
from api.schemas import PostPage, shaped_posts, shaped_response
from flock.core.ids import MAX_ID
from graph import timelines
from graph.serving import backends

blueprint = Blueprint("api_timeline", __name__, url_prefix="/api")


class TimelineQuery(IdPageQuery):
    since_id: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Only items with larger ids"
    )


@blueprint.get("/timeline")
@token_required
@validate_querystring(TimelineQuery)
@document_response(PostPage)  # shaped by hand: the hottest page skips pydantic
async def home_timeline(query_args: TimelineQuery):
    """Own posts and reposts and those of everyone followed, newest first; replies only when
    the caller follows (or is) the author they answer. A post shows once, at its first entry
    (a repost has `reposted_by`). Continue with `max_id` or `cursor` (entry ids)."""
    items, next_max = await timelines.home_timeline(
        backends(), g.user_id, max_id_of(query_args), query_args.since_id, query_args.limit
    )
    return shaped_response(id_paged(shaped_posts(items), next_max))
