"""`flock analytics`: the graph algorithms (jobs/algorithms/) run over the live graph and written
back as account properties; `flock export`: the graph's structure as Parquet or CSV files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from flock.cli.context import audited, fail, load_settings
from flock.core.db import SyncGraph
from flock.core.errors import DomainError
from graph import analytics as named_queries
from graph.exports import FORMATS, TABLES, export_tables
from jobs.algorithms.catalogue import ALGORITHMS, run_algorithms


@click.group("analytics")
def analytics() -> None:
    """Graph algorithms over the follow graph, written back for Cypher to read."""


@analytics.command("list")
def list_algorithms() -> None:
    """The algorithms, what each writes, and their parameters with defaults."""
    for algorithm in ALGORITHMS.values():
        params = ", ".join(f"{key}={spec[3]}" for key, spec in algorithm.params.items())
        click.echo(f"{algorithm.name}({params})\n    {algorithm.description}")


@analytics.command("run")
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME.KEY=VALUE",
    help="A parameter of one algorithm, e.g. pagerank.damping=0.9. Repeatable.",
)
def run(names, params) -> None:
    """Run the named algorithms (or `all`) over one snapshot of the follow graph and write their
    results back in short transactions; the site goes on meanwhile."""
    names = list(ALGORITHMS) if names == ("all",) else list(names)
    given: dict[str, dict] = {}
    for item in params:
        target, sep, value = item.partition("=")
        algorithm, dot, key = target.partition(".")
        if not sep or not dot or not key:
            raise click.UsageError(f"--param takes NAME.KEY=VALUE, not {item!r}")
        given.setdefault(algorithm, {})[key] = named_queries.parse_value(value)
    _run(names, given)


@audited("analytics_run")
def _run(names: list[str], given: dict) -> dict:
    settings = load_settings()
    try:
        with SyncGraph(settings, long=True) as graph:
            reports = run_algorithms(graph, names, given)
    except DomainError as error:
        fail("analytics run", error.detail)
    for report in reports:
        click.echo(
            f"{report.name}: {report.nodes} accounts, {report.edges} follows, "
            f"{report.took_ms} ms; {json.dumps(report.stats)}"
        )
    return {"algorithms": names, "params": given}


@click.command("export")
@click.option(
    "--to", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="The folder the files go to (made if missing).",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True)
@click.option(
    "--table", "tables", multiple=True, type=click.Choice(list(TABLES)),
    help="Only these tables (repeatable); all by default.",
)  # fmt: skip
def export(folder: Path, fmt: str, tables: tuple[str, ...]) -> None:
    """Write users, follows, likes, reposts, posts and replies (ids, times, usernames; no other
    personal data, no post text) as Parquet or CSV files, read in pages."""
    _export(folder, fmt, list(tables))


@audited("graph_export")
def _export(folder: Path, fmt: str, tables: list[str]) -> dict:
    settings = load_settings()
    try:
        with SyncGraph(settings, long=True) as graph:
            written = export_tables(graph, folder, fmt, tables or None)
    except DomainError as error:
        fail("export", error.detail)
    for name, rows in written.items():
        click.echo(f"{folder / f'{name}.{fmt}'}: {rows} rows")
    return {"format": fmt, "tables": list(written)}
