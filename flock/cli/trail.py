"""`flock audit` (read and verify the audit trail) and `flock writes pause|resume`."""

from __future__ import annotations

import json
import time
from datetime import datetime

import click

from flock.cli.context import audited, fail, load_settings
from flock.core.db import SyncGraph
from flock.core.pause import pause_writes, resume_writes
from graph.audit import events_sync, verify
from jobs.queue import sync_redis


@click.group(invoke_without_command=True)
@click.option("--user", "actor", default=None, help="Only entries of this account (username).")
@click.option("--event", default=None, help="Only this event (login, signup, backup, ...).")
@click.option("--since", default=None, help="From this time on: ISO 8601, or hours ago (24h).")
@click.option("--limit", default=100, show_default=True)
@click.pass_context
def audit(ctx: click.Context, actor, event, since, limit) -> None:
    """The audit trail (graph/audit.py), oldest first, one JSON object a line."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        after = _since(since)
    except ValueError:
        hint = "an ISO 8601 time or a number of hours (24h)"
        raise click.BadParameter(hint, param_hint="--since") from None
    with SyncGraph(load_settings()) as graph:
        for entry in events_sync(graph, actor, event, after, limit):
            click.echo(json.dumps(entry, ensure_ascii=False))


@audit.command("verify")
def audit_verify() -> None:
    """Check the chain: no entry changed, removed or inserted since it was written."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        verdict = verify(graph, settings.secret_key)
    if verdict.problem:
        fail("audit verify", f"BROKEN after {verdict.entries} good entries: {verdict.problem}")
    click.echo(f"audit trail intact: {verdict.entries} entries")


def _since(given: str | None) -> float:
    if not given:
        return 0.0
    if given.endswith("h"):
        return time.time() - float(given[:-1]) * 3600
    return datetime.fromisoformat(given).timestamp()


@click.group()
def writes() -> None:
    """Pause graph writes everywhere (the site stays up, read-only), or resume them."""


@writes.command("pause")
@click.option("--seconds", type=float, default=300.0, show_default=True,
              help="The pause ends by itself after this long.")  # fmt: skip
@audited(command="writes pause")
def writes_pause(seconds: float) -> dict:
    """Writes answer 503 with Retry-After until resumed or the time is up; reads go on."""
    settings = load_settings()
    pause_writes(sync_redis(settings.redis_url, settings.ca_file), seconds, "operator")
    click.echo(f"graph writes paused for {seconds:g}s (`flock writes resume` ends it)")
    return {"seconds": seconds}


@writes.command("resume")
@audited(command="writes resume")
def writes_resume() -> None:
    """Graph writes are accepted again."""
    settings = load_settings()
    resume_writes(sync_redis(settings.redis_url, settings.ca_file))
    click.echo("graph writes resumed")
