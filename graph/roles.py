"""Roles an operator gives an account: `analyst` (the analytics endpoint) and `admin` (the audit
trail). The one place that checks them and the one place that changes them (`flock users`)."""

from __future__ import annotations

from flock.core.backends import Backends
from flock.core.db import SyncGraph
from flock.core.errors import Forbidden

ANALYST = "analyst"
ADMIN = "admin"
ROLES = (ANALYST, ADMIN)
NEEDED_FOR = {
    ANALYST: "Analytics needs the analyst role (an operator grants it with `flock`).",
    ADMIN: "The audit trail needs the admin role (an operator grants it).",
}


async def require_role(b: Backends, user_id: int, role: str) -> None:
    """Refuse (403) unless the account holds the role."""
    row = await b.graph.read_one("queries/user_roles", id=user_id)
    if row is None or role not in row["roles"]:
        raise Forbidden(NEEDED_FOR[role])


def grant_role(graph: SyncGraph, username: str, role: str) -> list[str] | None:
    """Give @username the role; its roles after, or None when there is no such account."""
    rows = graph.write("queries/user_grant_role", username=username, role=role)
    return rows[0]["roles"] if rows else None


def revoke_role(graph: SyncGraph, username: str, role: str) -> list[str] | None:
    """Take the role from @username; its roles after, or None when there is no such account."""
    rows = graph.write("queries/user_revoke_role", username=username, role=role)
    return rows[0]["roles"] if rows else None
