"""What every command group shares: the one settings loader, the audit decorator for admin
commands, and progress bars for long stages."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import click

from flock.core.db import GRAPH_ERRORS, SyncGraph
from flock.core.settings import NoStackRunning, Settings
from graph.audit import record_operator


def load_settings(*, stack: bool = True, secrets: bool = True) -> Settings:
    """The settings in force; a malformed FLOCK_* value is one line and exit 2.

    `stack`: the services of the stack `flock run` started under the same FLOCK_VAR_DIR, where
    no FLOCK_* URL names them (exit 1 when none runs). `secrets=False`: no secret is generated
    (a restore may bring them; `backup verify` needs none)."""
    try:
        settings = Settings.from_env(generate_secrets=secrets)
    except ValueError as error:
        click.echo(f"flock: {error}", err=True)
        sys.exit(2)
    if not stack:
        return settings
    try:
        return settings.with_running_stack()
    except NoStackRunning as error:
        click.echo(f"flock: {error}", err=True)
        sys.exit(1)


def audited(event: str = "admin_command", command: str | None = None):
    """Put the command in the audit trail once it has succeeded: the command returns the
    details to record (a dict), and with `command` set the entry names it."""

    def decorate(run: Callable[..., dict[str, Any] | None]):
        @functools.wraps(run)
        def audited_run(*args, **kwargs):
            details = run(*args, **kwargs) or {}
            if command is not None:
                details = {"command": command, **details}
            record(load_settings(), event, **details)

        return audited_run

    return decorate


def record(settings: Settings, event: str, **details: Any) -> None:
    """Append an operator's entry (a warning if the graph cannot take it)."""
    try:
        with SyncGraph(settings) as graph:
            record_operator(graph, settings.secret_key, event, **details)
    except GRAPH_ERRORS as error:
        click.echo(f"flock: warning: not in the audit trail ({error})", err=True)


@contextmanager
def stage(label: str, total: int):
    """A progress bar for one stage of a long command."""
    started = time.monotonic()
    with click.progressbar(length=max(total, 1), label=label) as bar:
        yield bar.update
    click.echo(f"{label}: {time.monotonic() - started:.1f}s")


def fail(command: str, message: str, code: int = 1):
    """Say why the command failed, in one line, and exit."""
    click.echo(f"flock {command}: {message}", err=True)
    sys.exit(code)
