"""`/api/analytics/*`: read-only Cypher for accounts with the analyst role."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator
from quart import Blueprint, g
from quart_schema import validate_request, validate_response

from api.bearer import token_required
from graph import analytics
from graph.backends import backends
from graph.errors import Forbidden

blueprint = Blueprint("api_analytics", __name__, url_prefix="/api/analytics")

ANALYST = "analyst"


class AnalyticsQuery(BaseModel):
    name: str | None = Field(default=None, description="A query of `cypher/analytics/`")
    query: str | None = Field(default=None, max_length=20_000, description="Or your own Cypher")
    params: dict[str, Any] = Field(default_factory=dict)
    max_rows: int = Field(default=analytics.DEFAULT_MAX_ROWS, ge=1, le=10_000)
    timeout: float = Field(default=analytics.DEFAULT_TIMEOUT, gt=0, le=60)

    @model_validator(mode="after")
    def one_of_name_or_query(self):
        if (self.name is None) == (self.query is None):
            raise ValueError("Give either `name` or `query`.")
        return self


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = Field(description="More rows existed than max_rows")


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
    """Run a named query or your own Cypher in a READ transaction: writes are refused (403), a
    query past its timeout is stopped (504), rows beyond `max_rows` are not returned."""
    await _require_analyst()
    if data.name is not None:
        named = analytics.named_query(data.name)
        text, params = named.text, analytics.named_params(named, data.params)
    else:
        text, params = data.query, data.params
    b = backends()
    result = await analytics.run_read_only(
        b.graph.driver, b.graph.database, text, params, data.timeout, data.max_rows
    )
    return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated}


async def _require_analyst() -> None:
    row = await backends().graph.read_one("queries/user_roles", id=g.user_id)
    if row is None or ANALYST not in row["roles"]:
        raise Forbidden("Analytics needs the analyst role (an operator grants it with `flock`).")
