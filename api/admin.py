"""`/api/admin/*`: what an account with the admin role may read (an operator grants it with
`flock users grant NAME admin`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from quart import Blueprint, g
from quart_schema import validate_querystring, validate_response

from api.bearer import token_required
from graph import audit, roles
from graph.serving import backends

blueprint = Blueprint("api_admin", __name__, url_prefix="/api/admin")


class AuditQuery(BaseModel):
    user: str | None = Field(default=None, max_length=100, description="An actor's username")
    event: str | None = Field(default=None, max_length=50, description="login, signup, ...")
    since: float = Field(default=0.0, ge=0, description="Unix time")
    after_seq: int = Field(default=0, ge=0, description="Continue after this entry")
    limit: int = Field(default=100, ge=1, le=500)


class AuditEntry(BaseModel):
    seq: int
    at: float
    event: str
    outcome: str
    actor_id: int | None
    actor: str | None
    client: str | None
    user_agent: str | None
    request_id: str | None
    details: dict[str, Any]
    prev: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_after_seq: int | None = Field(description="Pass as after_seq for the next page")


@blueprint.get("/audit")
@token_required
@validate_querystring(AuditQuery)
@validate_response(AuditPage)
async def audit_trail(query_args: AuditQuery):
    """The audit trail, oldest first: sign-ups, log-ins (ok, failed, throttled), log-outs,
    refresh-token reuse, password and email changes, account deletions, role changes,
    analytics queries and operators' commands, each with time, actor, client address, user
    agent, request id and outcome, chained by hashes (`flock audit verify`)."""
    b = backends()
    await roles.require_role(b, g.user_id, roles.ADMIN)
    q = query_args
    items = await audit.events_page(b, q.user, q.event, q.since, q.after_seq, q.limit)
    more = len(items) == q.limit
    return {"items": items, "next_after_seq": items[-1]["seq"] if more else None}
