"""`flock cypher`: the analysts' named queries (cypher/analytics/), or an operator's own
read-only Cypher, printed as a table, CSV or JSON lines."""

from __future__ import annotations

import asyncio
import sys

import click

from flock.cli.context import audited, fail, load_settings
from flock.cli.output import write_result
from flock.core.errors import DomainError
from graph import analytics


@click.command("cypher")
@click.argument("name", required=False)
@click.option("--query", "-q", "text", help="Your own Cypher instead of a named query.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help='A parameter; VALUE is JSON (10, true, "x") or else text. Repeatable.',
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds.")
@click.option("--max-rows", type=int, default=1000, show_default=True)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
def cypher_command(name, text, params, fmt, timeout, max_rows, list_queries) -> None:
    """Run a named query of cypher/analytics/ (or --query) read-only: writes are refused by the
    server, a query past --timeout is stopped, at most --max-rows rows are printed."""
    if list_queries:
        for q in analytics.catalogue():
            args = ", ".join([*q.required, *(f"{k}={v}" for k, v in q.defaults.items())])
            click.echo(f"{q.name}({args})\n    {q.description}")
        return
    if (name is None) == (text is None):
        raise click.UsageError("give a query NAME or --query, not both (see --list)")
    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param takes KEY=VALUE, not {item!r}")
        given[key] = analytics.parse_value(value)
    _run_and_print(name, text, given, fmt, timeout, max_rows)


@audited("analytics_query")
def _run_and_print(name, text, given, fmt, timeout, max_rows) -> dict:
    settings = load_settings()
    try:
        result = asyncio.run(
            analytics.run_named_or_own(settings, name, text, given, timeout, max_rows)
        )
    except DomainError as error:
        fail("cypher", error.detail)
    write_result(result, fmt, sys.stdout)
    if result.truncated:
        click.echo(f"(stopped at {max_rows} rows; raise --max-rows for more)", err=True)
    return {"query": name or text, "params": given}
