"""`/api/analytics/*`: the named analytics queries, for accounts with the analyst role.

Neo4j Community has no property-level security, so an analyst's own Cypher could read every
email and password hash, fetch URLs with LOAD CSV, or run admin commands. The endpoint therefore
runs only the reviewed queries of `cypher/analytics/`, with parameters (which cannot change a
statement). Own Cypher is for operators, through `flock cypher --query` on the machine (whoever
can run it holds the database password anyway)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator
from quart import Blueprint, g
from quart_schema import validate_request, validate_response

from api.bearer import token_required
from graph import analytics, audit, roles
from graph.requests import Strict, invalid
from graph.serving import backends

blueprint = Blueprint("api_analytics", __name__, url_prefix="/api/analytics")


OWN_CYPHER_REFUSED = (
    "Only named queries run here (GET /api/analytics/queries lists them); your own Cypher runs "
    "through `flock cypher --query`, for operators."
)


class AnalyticsQuery(Strict):
    name: str = Field(description="A query of `cypher/analytics/` (GET /api/analytics/queries)")
    query: str | None = Field(default=None, description="Refused: named queries only")
    params: dict[str, Any] = Field(default_factory=dict)
    max_rows: int = Field(default=analytics.DEFAULT_MAX_ROWS, ge=1, le=10_000)
    timeout: float = Field(default=analytics.DEFAULT_TIMEOUT, gt=0, le=60)
    cursor: str | None = Field(
        default=None, max_length=200, description="The next_cursor of the page before"
    )

    @field_validator("query")
    @classmethod
    def no_own_cypher(cls, value: str | None) -> None:
        if value is not None:
            raise invalid(OWN_CYPHER_REFUSED)
        return None


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="More rows existed than max_rows")
    next_cursor: str | None = Field(
        default=None, description="Send it back as `cursor` for the next page (null: the last)"
    )


class CatalogueEntry(BaseModel):
    name: str
    description: str
    params: dict[str, Any] = Field(description="Parameters with their defaults (null: required)")


class Catalogue(BaseModel):
    items: list[CatalogueEntry]


@blueprint.get("/queries")
@token_required
@validate_response(Catalogue)
async def list_queries():
    """The named analytics queries and their parameters."""
    await _require_analyst()
    return {
        "items": [
            {
                "name": q.name,
                "description": q.description,
                "params": {**dict.fromkeys(q.required), **q.defaults},
            }
            for q in analytics.catalogue()
        ]
    }


@blueprint.post("/query")
@token_required
@validate_request(AnalyticsQuery)
@validate_response(QueryResult)
async def run_query(data: AnalyticsQuery):
    """Run a named query in a READ transaction: a query past its timeout is stopped (504), rows
    beyond `max_rows` come in further pages (`next_cursor`)."""
    await _require_analyst()
    named = analytics.named_query(data.name)
    text, params = named.text, analytics.named_params(named, data.params)
    offset = analytics.page_offset(data.cursor, data.name, params)
    b = backends()
    await audit.record(
        b, "analytics_query", actor_id=g.user_id, query=data.name, params=data.params
    )
    result = await analytics.run_read_only(
        b.graph.driver, b.graph.database, text, params, data.timeout, data.max_rows, offset
    )
    following = offset + len(result.rows)
    return {
        "columns": result.columns,
        "rows": result.rows,
        "truncated": result.truncated,
        "next_cursor": (
            analytics.next_page_cursor(data.name, params, following) if result.truncated else None
        ),
    }


async def _require_analyst() -> None:
    await roles.require_role(backends(), g.user_id, roles.ANALYST)
