"""`flock`: what operators do, one module per command group (as Mastodon's `tootctl`).

Each group delegates to the same use cases, tasks and stores the app uses and sends no Cypher
of its own; settings come from one loader (`flock/cli/context.py`) and every admin command is
put in the audit trail by one decorator there.
"""

from __future__ import annotations

import sys

import click
import neo4j
import redis

from flock.cli import analytics, backups, cypher, derived, keys, stack, trail, users, worker
from flock.core.logs import configure_logging


@click.group()
def cli() -> None:
    """Flock: an open, graph-native Twitter-like platform."""
    configure_logging("WARNING", "cli")  # what commands say goes to stdout; logs are JSON


for command in (
    stack.run,
    stack.serve,
    stack.show_settings,
    worker.worker,
    derived.schema,
    derived.timelines,
    derived.search,
    derived.media,
    derived.seed,
    backups.backup,
    backups.restore,
    trail.audit,
    trail.writes,
    cypher.cypher_command,
    analytics.analytics,
    analytics.export,
    users.users,
    keys.keys,
):
    cli.add_command(command)


def main() -> None:
    """The `flock` command: a service that cannot be reached is one line, not a traceback."""
    try:
        cli()
    except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.AuthError) as error:
        click.echo(f"flock: cannot use Neo4j: {error}", err=True)
        sys.exit(1)
    except redis.ConnectionError as error:
        click.echo(f"flock: cannot reach Redis: {error}", err=True)
        sys.exit(1)
