"""`flock run`, `flock serve` and `flock settings`: the embedded stack, the app alone, and the
settings in force."""

from __future__ import annotations

import os
import signal
import sys
import time

import click

from flock.cli.context import load_settings
from flock.stack.processes import StackError
from flock.stack.stack import Stack, hypercorn_argv


@click.command()
@click.option(
    "--web-processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="App processes; more than one are put behind nginx on FLOCK_PORT.",
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes."
)
@click.option(
    "--typesense-nodes",
    default=1,
    show_default=True,
    type=click.Choice(["1", "3", "5"]),
    help="Typesense nodes; 3 or 5 form a Raft cluster.",
)
@click.option("--redis-sentinel", is_flag=True,
              help="A Redis replica and three Sentinels (failover).")  # fmt: skip
def run(web_processes: int, workers: int, typesense_nodes: str, redis_sentinel: bool) -> None:
    """Start Neo4j, Redis, Typesense, workers and the app on 127.0.0.1; Ctrl-C stops all."""
    stack = Stack(
        load_settings(stack=False),
        web_processes=web_processes,
        workers=workers,
        typesense_nodes=int(typesense_nodes),
        redis_sentinel=redis_sentinel,
    )
    # Install both explicitly: a shell may have started us with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    started = time.monotonic()
    try:
        click.echo("Starting Flock's stack (logs under var/)...")
        running = stack.start()
        click.echo(
            f"Flock is ready in {time.monotonic() - started:.1f}s: "
            f"{running.app_url}/  (Ctrl-C stops everything)"
        )
        while True:  # supervise: a child that dies is started again; the rest keep serving
            for process in stack.revive():
                click.echo(
                    f"flock run: {process.name} had stopped; started again "
                    f"(restart {process.restarts}, log: {process.log_path})",
                    err=True,
                )
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("\nStopping...")
        _stop_uninterrupted(stack)
        click.echo("Stopped.")
    except StackError as error:
        _stop_uninterrupted(stack)
        click.echo(f"flock run: {error}", err=True)
        sys.exit(1)


@click.command()
def serve() -> None:
    """Serve the app alone on FLOCK_HOST:FLOCK_PORT (its services are elsewhere)."""
    argv = hypercorn_argv(load_settings(stack=False))
    os.execvp(argv[0], argv)  # noqa: S606 - hand the process over to Hypercorn


@click.command("settings")
def show_settings() -> None:
    """Print the settings in force (secrets masked)."""
    settings = load_settings(stack=False)
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if any(word in name for word in ("password", "secret", "_key")) and value:
            value = "********"
        click.echo(f"FLOCK_{name.upper()}={value}")


def _stop_uninterrupted(stack: Stack) -> None:
    """Stop the stack; a second Ctrl-C must not leave servers running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stack.stop()


def _stop_on_sigterm(*_: object) -> None:
    raise KeyboardInterrupt
