"""`/api/users/me/suggestions` (who to follow) and `/api/trends` (trending hashtags)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from quart import Blueprint, g
from quart_schema import validate_querystring, validate_response

from api.bearer import token_required
from api.schemas import Suggestions, Trends
from graph import discovery
from graph.serving import backends

blueprint = Blueprint("api_discovery", __name__, url_prefix="/api")


class LimitQuery(BaseModel):
    limit: int = Field(default=10, ge=1, le=50)


@blueprint.get("/users/me/suggestions")
@token_required
@validate_querystring(LimitQuery)
@validate_response(Suggestions)
async def suggestions(query_args: LimitQuery):
    """Who to follow: accounts followed by those you follow, rarer shared connections counting
    more (Adamic-Adar), then popular accounts. Never yourself or anyone you follow."""
    items = await discovery.who_to_follow(backends(), g.user_id, query_args.limit)
    return {"items": items}


@blueprint.get("/trends")
@validate_querystring(LimitQuery)
@validate_response(Trends)
async def trends(query_args: LimitQuery):
    """Hashtags ranked by time-decayed use over the last 24 hours (refreshed every minute)."""
    return {"items": await discovery.trends(backends(), query_args.limit)}
