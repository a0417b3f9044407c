"""`flock users grant|revoke NAME ROLE`: the roles an operator gives (graph/roles.py)."""

from __future__ import annotations

import click

from flock.cli.context import audited, fail, load_settings
from flock.core.db import SyncGraph
from graph import roles


@click.group()
def users() -> None:
    """Accounts, as an operator sees them."""


@users.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(roles.ROLES))
@audited("role_grant")
def users_grant(username: str, role: str) -> dict:
    """Give @USERNAME a role (analyst: may use /api/analytics; admin: may read the audit
    trail at /api/admin/audit)."""
    return _change_role(roles.grant_role, username, role)


@users.command("revoke")
@click.argument("username")
@click.argument("role", type=click.Choice(roles.ROLES))
@audited("role_revoke")
def users_revoke(username: str, role: str) -> dict:
    """Take a role away from @USERNAME."""
    return _change_role(roles.revoke_role, username, role)


def _change_role(change, username: str, role: str) -> dict:
    with SyncGraph(load_settings()) as graph:
        held = change(graph, username, role)
    if held is None:
        fail("users", f"no user is called @{username}")
    click.echo(f"@{username}: roles {', '.join(held) or '(none)'}")
    return {"user": username, "role": role}
