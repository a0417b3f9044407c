"""`flock worker` (an RQ worker on Flock's queues) and `flock worker ping`."""

from __future__ import annotations

import time

import click

from flock.cli.context import fail, load_settings
from flock.core.logs import configure_logging
from flock.worker import ping_worker, run_worker


@click.group(invoke_without_command=True)
@click.option("--name", default=None, help="The worker's name in Redis.")
@click.pass_context
def worker(ctx: click.Context, name: str | None) -> None:
    """Run an RQ worker on Flock's queues."""
    if ctx.invoked_subcommand is None:
        settings = load_settings(stack=False)
        configure_logging(settings.log_level, "worker")
        run_worker(settings, name)


@worker.command("ping")
@click.option("--timeout", default=30.0, show_default=True)
def worker_ping(timeout: float) -> None:
    """Enqueue a canary job and wait for a worker to run it."""
    started = time.monotonic()
    try:
        result = ping_worker(load_settings(), timeout)
    except (TimeoutError, RuntimeError) as error:
        fail("worker ping", str(error))
    elapsed = (time.monotonic() - started) * 1000
    click.echo(f"worker pid {result['pid']} ran the canary job in {elapsed:.0f} ms")
