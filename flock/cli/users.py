"""`flock users grant|revoke NAME ROLE`: the roles an operator gives (graph/roles.py); and
`flock users log-out NAME`: every session and token of an account ends (a stolen device)."""

from __future__ import annotations

import asyncio

import click

from flock.cli.context import audited, fail, load_settings
from flock.core.backends import Backends
from flock.core.db import SyncGraph
from flock.core.errors import NotFound
from graph import roles, user_views, web_sessions


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


@users.command("log-out")
@click.argument("username")
@audited("admin_logout")
def users_log_out(username: str) -> dict:
    """End every web session, log-in and access token of @USERNAME at once, on every device
    (open live-update streams close too), as "log out everywhere" does."""
    settings = load_settings()
    ended = asyncio.run(_end_everything(settings, username))
    if ended is None:
        fail("users", f"no user is called @{username}")
    click.echo(f"@{username}: {ended['sessions']} web session(s) and {ended['tokens']} "
               "refresh token(s) ended; every access token of the account is refused")  # fmt: skip
    return {"user": username}


async def _end_everything(settings, username: str) -> dict | None:
    b = Backends.connect(settings)
    try:
        user_id = await user_views.user_id_of(b, username, None)
        return await web_sessions.end_all_sessions(b, user_id)
    except NotFound:
        return None
    finally:
        await b.close()


def _change_role(change, username: str, role: str) -> dict:
    with SyncGraph(load_settings()) as graph:
        held = change(graph, username, role)
    if held is None:
        fail("users", f"no user is called @{username}")
    click.echo(f"@{username}: roles {', '.join(held) or '(none)'}")
    return {"user": username, "role": role}
