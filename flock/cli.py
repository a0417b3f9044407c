"""`flock`: what operators do — run the stack, run a worker, apply the schema, inspect settings."""

from __future__ import annotations

import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
import neo4j
import redis

from flock.settings import NoStackRunning, Settings
from flock.stack.processes import StackError
from graph.db import GRAPH_ERRORS, SyncGraph, neo4j_target
from graph.schema import apply_schema
from graph.seed import read_edges, seed_social_graph
from jobs.queue import sync_redis
from jobs.stores import media as media_store
from jobs.stores import search_index
from jobs.tasks import feeds as feed_tasks
from jobs.tasks.context import WorkerContext


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


@click.group()
def cli() -> None:
    """Flock: an open, graph-native Twitter-like platform."""
    from flock.logs import configure_logging

    configure_logging("WARNING", "cli")  # what commands say goes to stdout; logs are JSON


@cli.command()
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
    from flock.stack.stack import Stack

    settings = _settings()
    stack = Stack(
        settings,
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


def _stop_uninterrupted(stack) -> None:
    """Stop the stack; a second Ctrl-C must not leave servers running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stack.stop()


@cli.command()
def serve() -> None:
    """Serve the app alone on FLOCK_HOST:FLOCK_PORT (its services are elsewhere)."""
    import os

    from flock.stack.stack import hypercorn_argv

    argv = hypercorn_argv(_settings())
    os.execvp(argv[0], argv)  # noqa: S606 - hand the process over to Hypercorn


@cli.group(invoke_without_command=True)
@click.option("--name", default=None, help="The worker's name in Redis.")
@click.pass_context
def worker(ctx: click.Context, name: str | None) -> None:
    """Run an RQ worker on Flock's queues."""
    if ctx.invoked_subcommand is None:
        from flock.logs import configure_logging
        from jobs.worker import run_worker

        settings = _settings()
        configure_logging(settings.log_level, "worker")
        run_worker(settings, name)


@worker.command("ping")
@click.option("--timeout", default=30.0, show_default=True)
def worker_ping(timeout: float) -> None:
    """Enqueue a canary job and wait for a worker to run it."""
    from jobs.worker import ping_worker

    started = time.monotonic()
    try:
        result = ping_worker(_stack_settings(), timeout)
    except (TimeoutError, RuntimeError) as error:
        click.echo(f"flock worker ping: {error}", err=True)
        sys.exit(1)
    elapsed = (time.monotonic() - started) * 1000
    click.echo(f"worker pid {result['pid']} ran the canary job in {elapsed:.0f} ms")


@cli.group()
def schema() -> None:
    """The graph's constraints and indexes (cypher/schema/)."""


@schema.command("apply")
def schema_apply() -> None:
    """Create missing constraints and indexes; running it twice changes nothing."""
    with SyncGraph(_stack_settings(), long=True) as graph:
        created = apply_schema(graph)
    click.echo(f"schema applied: {created} created")


@cli.group()
def timelines() -> None:
    """Home-timeline feeds in Redis (derived from the graph)."""


@timelines.command("rebuild")
@click.option("--user", "username", default=None, help="Only this user's feed.")
def timelines_rebuild(username: str | None) -> None:
    """Rebuild feeds from Cypher: one user's, or everyone's."""
    settings = _stack_settings()
    with SyncGraph(settings, long=True) as graph:
        user_id = None
        if username:
            rows = graph.read("queries/user_id_by_username", username=username, viewer_id=None)
            if not rows:
                click.echo(f"flock timelines rebuild: no user is called @{username}", err=True)
                sys.exit(1)
            user_id = rows[0]["id"]
        total = 1 if user_id else graph.read("queries/user_count")[0]["users"]
        ctx = WorkerContext(settings, graph, sync_redis(settings.redis_url, settings.ca_file))
        with click.progressbar(length=total, label="Rebuilding feeds") as bar:
            done = feed_tasks.rebuild_feeds(ctx, user_id, bar.update)
    _audit(settings, "admin_command", command="timelines rebuild", user=username)
    click.echo(f"rebuilt {done} feed(s)")


@cli.group()
def search() -> None:
    """The Typesense index (derived from the graph)."""


@search.command("reindex")
def search_reindex() -> None:
    """Rebuild the posts and users collections from Neo4j into fresh collections, then switch
    the aliases: search keeps answering from the old ones until the new ones are complete."""
    settings = _stack_settings()
    with SyncGraph(settings, long=True) as graph:
        try:
            size = search_index.reindex_size(graph)
            with click.progressbar(length=size, label="Reindexing") as bar:
                r = sync_redis(settings.redis_url, settings.ca_file)
                written = search_index.reindex(settings, graph, r, bar.update)
        except Exception as error:  # noqa: BLE001 - an operator command: say what failed
            message = f"flock search reindex: failed, the old index stays in use: {error!r}"
            click.echo(message, err=True)
            sys.exit(1)
    _audit(settings, "admin_command", command="search reindex")
    click.echo(", ".join(f"{count} {alias}" for alias, count in written.items()) + " indexed")


@cli.group()
def media() -> None:
    """Uploaded images: their served versions are derived from the originals."""


@media.command("rebuild")
def media_rebuild() -> None:
    """Re-render every image's served versions (large and thumbnail) from its original."""
    settings = _stack_settings()
    with SyncGraph(settings, long=True) as graph:
        total = graph.read("queries/media_count")[0]["images"]
        with click.progressbar(length=total, label="Rendering") as bar:
            rendered, missing = media_store.rebuild_served_versions(settings, graph, bar.update)
    _audit(settings, "admin_command", command="media rebuild")
    click.echo(
        f"{rendered} image(s) rendered" + (f", {missing} original(s) missing" if missing else "")
    )


@media.command("prune")
@click.option("--older-than-hours", default=24.0, show_default=True)
def media_prune(older_than_hours: float) -> None:
    """Delete uploads that were never attached to a post."""
    settings = _stack_settings()
    with SyncGraph(settings, long=True) as graph:
        pruned = media_store.prune_unattached(settings, graph, older_than_hours * 3600)
    _audit(settings, "admin_command", command="media prune", pruned=pruned)
    click.echo(f"{pruned} unattached upload(s) deleted")


@cli.group(invoke_without_command=True)
@click.option("--to", "to", default="", help="A folder or s3://bucket/prefix [FLOCK_BACKUP_TO].")
@click.pass_context
def backup(ctx: click.Context, to: str) -> None:
    """Write an encrypted archive of the graph, the images and the secrets (FLOCK_BACKUP_KEY).
    Graph writes pause while the graph is exported; reads go on."""
    if ctx.invoked_subcommand is not None:
        return
    from jobs.stores.archive import KeyMissing
    from jobs.stores.backups import BackupFailed, make_backup

    settings = _stack_settings()
    try:
        with SyncGraph(settings, long=True) as graph:
            result = make_backup(
                settings, graph, sync_redis(settings.redis_url, settings.ca_file), to, _stage
            )
    except (KeyMissing, BackupFailed) as error:
        click.echo(f"flock backup: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"backed up {_contents(result.manifest)} to {result.location} "
        f"({result.bytes / 1e6:.2f} MB, {result.seconds:.1f}s; graph writes paused "
        f"{result.paused_seconds:.2f}s)"
    )
    _audit(settings, "admin_command", command="backup", location=result.location)
    if result.manifest["media"]["missing"]:
        click.echo(
            f"note: {len(result.manifest['media']['missing'])} image original(s) were already "
            "gone from the media store",
            err=True,
        )


@backup.command("keygen")
def backup_keygen() -> None:
    """Print a new backup key (an age identity) and its public recipient."""
    from jobs.stores.archive import new_key

    identity, recipient = new_key()
    click.echo(f"# public key: {recipient}")
    click.echo("# Keep this line somewhere safe, away from this machine: without it no")
    click.echo("# archive can be restored. Then set it as FLOCK_BACKUP_KEY.")
    click.echo(identity)


@backup.command("verify")
@click.argument("archive")
def backup_verify(archive: str) -> None:
    """Decrypt ARCHIVE (a path or s3://...) and check every part against its manifest."""
    import shutil
    import tempfile

    from jobs.stores.archive import ArchiveRefused, KeyMissing, open_archive
    from jobs.stores.backups import fetch_archive

    settings = _settings_without_secrets()
    work = Path(tempfile.mkdtemp(prefix="flock-verify-"))
    try:
        opened = open_archive(fetch_archive(settings, archive, work), settings.backup_key, work,
                              _stage)  # fmt: skip
    except (ArchiveRefused, KeyMissing) as error:
        click.echo(f"flock backup verify: {error}", err=True)
        sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m = opened.manifest
    click.echo(
        f"{archive}: good. Made {m['created_at']} by Flock {m['flock_version']} on Neo4j "
        f"{m['neo4j_version']}: {_contents(m)}; {len(m['parts'])} parts checked"
    )


@backup.command("list")
@click.option("--to", "to", default="", help="A folder or s3://bucket/prefix [FLOCK_BACKUP_TO].")
def backup_list(to: str) -> None:
    """The archives kept at the backup target, oldest first."""
    from jobs.stores.backups import list_archives

    for location in list_archives(_settings(), to):
        click.echo(location)


@cli.command()
@click.argument("archive")
@click.option("--force", is_flag=True, help="Replace a graph that is not empty.")
def restore(archive: str, force: bool) -> None:
    """Restore ARCHIVE (a path or s3://...) into an empty Flock, then rebuild feeds, the search
    index and the served images. A wrong key or a damaged archive changes nothing."""
    from flock.restore import RestoreRefused
    from flock.restore import restore as restore_archive
    from jobs.stores.archive import ArchiveRefused, KeyMissing
    from jobs.stores.backups import RestoreFailed

    settings = _settings_without_secrets()
    try:
        done = restore_archive(settings, archive, force, _stage, click.echo)
    except (ArchiveRefused, KeyMissing, RestoreRefused) as error:
        click.echo(f"flock restore: refused, nothing was changed: {error}", err=True)
        sys.exit(1)
    except (RestoreFailed, StackError) as error:
        click.echo(f"flock restore: failed: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"restored {_contents(done.manifest)} (made {done.manifest['created_at']}); "
        f"rebuilt {done.feeds} feeds, indexed "
        + ", ".join(f"{n} {alias}" for alias, n in done.indexed.items())
        + f", rendered {done.rendered} images"
    )
    for note in done.notes:
        click.echo(f"note: {note}")


def _audit(settings: Settings, event: str, **details) -> None:
    """Put an operator's command in the audit trail (a warning if the graph cannot take it)."""
    from graph.audit import record_operator

    try:
        with SyncGraph(settings) as graph:
            record_operator(graph, settings.secret_key, event, **details)
    except GRAPH_ERRORS as error:
        click.echo(f"flock: warning: not in the audit trail ({error})", err=True)


def _contents(manifest: dict) -> str:
    counts = manifest["counts"]
    return (
        f"{sum(counts['nodes'].values())} nodes, {sum(counts['relationships'].values())} "
        f"relationships and {manifest['media']['originals']} images"
    )


@cli.group(invoke_without_command=True)
@click.option("--user", "actor", default=None, help="Only entries of this account (username).")
@click.option("--event", default=None, help="Only this event (login, signup, backup, ...).")
@click.option("--since", default=None, help="From this time on: ISO 8601, or hours ago (24h).")
@click.option("--limit", default=100, show_default=True)
@click.pass_context
def audit(ctx: click.Context, actor, event, since, limit) -> None:
    """The audit trail (graph/audit.py), oldest first, one JSON object a line."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from graph.audit import events_sync

    try:
        after = _since(since)
    except ValueError:
        hint = "an ISO 8601 time or a number of hours (24h)"
        raise click.BadParameter(hint, param_hint="--since") from None
    with SyncGraph(_stack_settings()) as graph:
        for entry in events_sync(graph, actor, event, after, limit):
            click.echo(json.dumps(entry, ensure_ascii=False))


@audit.command("verify")
def audit_verify() -> None:
    """Check the chain: no entry changed, removed or inserted since it was written."""
    from graph.audit import verify

    settings = _stack_settings()
    with SyncGraph(settings, long=True) as graph:
        verdict = verify(graph, settings.secret_key)
    if verdict.problem:
        click.echo(f"flock audit verify: BROKEN after {verdict.entries} good entries: "
                   f"{verdict.problem}", err=True)  # fmt: skip
        sys.exit(1)
    click.echo(f"audit trail intact: {verdict.entries} entries")


def _since(given: str | None) -> float:
    from datetime import datetime

    if not given:
        return 0.0
    if given.endswith("h"):
        return time.time() - float(given[:-1]) * 3600
    return datetime.fromisoformat(given).timestamp()


@cli.group()
def writes() -> None:
    """Pause graph writes everywhere (the site stays up, read-only), or resume them."""


@writes.command("pause")
@click.option("--seconds", type=float, default=300.0, show_default=True,
              help="The pause ends by itself after this long.")  # fmt: skip
def writes_pause(seconds: float) -> None:
    """Writes answer 503 with Retry-After until resumed or the time is up; reads go on."""
    from graph.pause import pause_writes

    settings = _stack_settings()
    pause_writes(sync_redis(settings.redis_url, settings.ca_file), seconds, "operator")
    _audit(settings, "admin_command", command="writes pause", seconds=seconds)
    click.echo(f"graph writes paused for {seconds:g}s (`flock writes resume` ends it)")


@writes.command("resume")
def writes_resume() -> None:
    from graph.pause import resume_writes

    settings = _stack_settings()
    resume_writes(sync_redis(settings.redis_url, settings.ca_file))
    _audit(settings, "admin_command", command="writes resume")
    click.echo("graph writes resumed")


@cli.command()
@click.argument("edges", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tweets-per-user", default=3, show_default=True)
@click.option("--password", default="seeded-password-1", show_default=True)
def seed(edges: Path, tweets_per_user: int, password: str) -> None:
    """Load a social graph (one `src dst` edge a line) as users, mutual follows and tweets,
    with reposts that spread between friends and a few quotes."""
    pairs = read_edges(edges)
    users = len({i for pair in pairs for i in pair})
    with SyncGraph(_stack_settings(), long=True) as graph:
        with click.progressbar(
            length=users + 2 * len(pairs) + users * tweets_per_user, label="Seeding"
        ) as bar:
            seed_social_graph(graph, pairs, tweets_per_user, password, bar.update)
    click.echo(
        f"seeded {users} users, {2 * len(pairs)} follows, {users * tweets_per_user} tweets, "
        f"some reposted and quoted (password for every seeded user: {password}); "
        "run `flock timelines rebuild` and `flock search reindex` to refresh derived data"
    )


@cli.command("cypher")
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
    import asyncio

    from neo4j import AsyncGraphDatabase

    from flock.output import write_result
    from graph import analytics
    from graph.errors import DomainError

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
    settings = _stack_settings()

    async def run():
        uri, tls = neo4j_target(settings)
        driver = AsyncGraphDatabase.driver(
            uri,
            **tls,
            auth=(settings.neo4j_user, settings.neo4j_password),
            notifications_min_severity="OFF",
        )
        try:
            if name is not None:
                named = analytics.named_query(name)
                query, values = named.text, analytics.named_params(named, given)
            else:
                query, values = text, given
            return await analytics.run_read_only(
                driver, settings.neo4j_database, query, values, timeout, max_rows
            )
        finally:
            await driver.close()

    try:
        result = asyncio.run(run())
    except DomainError as error:
        click.echo(f"flock cypher: {error.detail}", err=True)
        sys.exit(1)
    _audit(settings, "analytics_query", query=name or text, params=given)
    write_result(result, fmt, sys.stdout)
    if result.truncated:
        click.echo(f"(stopped at {max_rows} rows; raise --max-rows for more)", err=True)


@cli.group()
def users() -> None:
    """Accounts, as an operator sees them."""


@users.command("grant")
@click.argument("username")
@click.argument("role", type=click.Choice(["analyst", "admin"]))
def users_grant(username: str, role: str) -> None:
    """Give @USERNAME a role (analyst: may use /api/analytics; admin: may read the audit
    trail at /api/admin/audit)."""
    _change_role("queries/user_grant_role", username, role)


@users.command("revoke")
@click.argument("username")
@click.argument("role", type=click.Choice(["analyst", "admin"]))
def users_revoke(username: str, role: str) -> None:
    """Take a role away from @USERNAME."""
    _change_role("queries/user_revoke_role", username, role)


def _change_role(query: str, username: str, role: str) -> None:
    settings = _stack_settings()
    with SyncGraph(settings) as graph:
        rows = graph.write(query, username=username, role=role)
    if not rows:
        click.echo(f"flock users: no user is called @{username}", err=True)
        sys.exit(1)
    event = "role_grant" if query.endswith("grant_role") else "role_revoke"
    _audit(settings, event, user=username, role=role)
    click.echo(f"@{username}: roles {', '.join(rows[0]['roles']) or '(none)'}")


@cli.command("settings")
def show_settings() -> None:
    """Print the settings in force (secrets masked)."""
    settings = _settings()
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if any(word in name for word in ("password", "secret", "_key")) and value:
            value = "********"
        click.echo(f"FLOCK_{name.upper()}={value}")


def _stop_on_sigterm(*_: object) -> None:
    raise KeyboardInterrupt


def _stack_settings() -> Settings:
    """The settings, with the services of the stack `flock run` started (under the same
    FLOCK_VAR_DIR) where no FLOCK_* URL names them."""
    try:
        return _settings().with_running_stack()
    except NoStackRunning as error:
        click.echo(f"flock: {error}", err=True)
        sys.exit(1)


@contextmanager
def _stage(label: str, total: int):
    """A progress bar for one stage of a long command."""
    started = time.monotonic()
    with click.progressbar(length=max(total, 1), label=label) as bar:
        yield bar.update
    click.echo(f"{label}: {time.monotonic() - started:.1f}s")


def _settings_without_secrets() -> Settings:
    try:
        return Settings.from_env(generate_secrets=False)
    except ValueError as error:
        click.echo(f"flock: {error}", err=True)
        sys.exit(2)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as error:
        click.echo(f"flock: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
