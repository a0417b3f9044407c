"""`/api/search`: tweets and users, ranked for the caller (anonymous callers may search too)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from quart import Blueprint, g
from quart_schema import validate_querystring, validate_response

from api.bearer import token_optional
from api.schemas import SearchResults
from graph import search
from graph.serving import backends

blueprint = Blueprint("api_search", __name__, url_prefix="/api")


class SearchQuery(BaseModel):
    q: str = Field(default="", description="Words, @name or #tag; at most 200 characters")
    type: Literal["tweets", "users"] = "tweets"
    limit: int = Field(default=20, ge=1, le=50)
    page: int = Field(default=1, ge=1, le=100)


@blueprint.get("/search")
@token_optional
@validate_querystring(SearchQuery)
@validate_response(SearchResults)
async def search_all(query_args: SearchQuery):
    """Typo-tolerant search. Tweets: by text or `#tag`, ranked by text match, then authors the
    caller follows, engagement and recency. Users: by username prefix, display name or bio.
    503 while the search server is down."""
    find = search.search_users if query_args.type == "users" else search.search_posts
    results = await find(backends(), g.user_id, query_args.q, query_args.limit, query_args.page)
    return {"type": query_args.type, **results}
