"""`flock schema`, `flock seed`, and the rebuilds of what is derived from the graph:
`flock timelines rebuild`, `flock search reindex`, `flock media rebuild|prune`."""

from __future__ import annotations

from pathlib import Path

import click

from flock.cli.context import audited, fail, load_settings
from flock.core.db import SyncGraph
from graph.schema import apply_schema
from graph.seed import read_edges, seed_social_graph
from jobs.queue import sync_redis
from jobs.stores import media as media_store
from jobs.stores import search_index
from jobs.tasks import feeds as feed_tasks
from jobs.tasks.context import WorkerContext


@click.group()
def schema() -> None:
    """The graph's constraints and indexes (cypher/schema/)."""


@schema.command("apply")
def schema_apply() -> None:
    """Create missing constraints and indexes; running it twice changes nothing."""
    with SyncGraph(load_settings(), long=True) as graph:
        created = apply_schema(graph)
    click.echo(f"schema applied: {created} created")


@click.command()
@click.argument("edges", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tweets-per-user", default=3, show_default=True)
@click.option("--password", default="seeded-password-1", show_default=True)
def seed(edges: Path, tweets_per_user: int, password: str) -> None:
    """Load a social graph (one `src dst` edge a line) as users, mutual follows and tweets,
    with reposts that spread between friends and a few quotes."""
    pairs = read_edges(edges)
    users = len({i for pair in pairs for i in pair})
    with SyncGraph(load_settings(), long=True) as graph:
        with click.progressbar(
            length=users + 2 * len(pairs) + users * tweets_per_user, label="Seeding"
        ) as bar:
            seed_social_graph(graph, pairs, tweets_per_user, password, bar.update)
    click.echo(
        f"seeded {users} users, {2 * len(pairs)} follows, {users * tweets_per_user} tweets, "
        f"some reposted and quoted (password for every seeded user: {password}); "
        "run `flock timelines rebuild` and `flock search reindex` to refresh derived data"
    )


@click.group()
def timelines() -> None:
    """Home-timeline feeds in Redis (derived from the graph)."""


@timelines.command("rebuild")
@click.option("--user", "username", default=None, help="Only this user's feed.")
@audited(command="timelines rebuild")
def timelines_rebuild(username: str | None) -> dict:
    """Rebuild feeds from Cypher: one user's, or everyone's."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        try:
            user_id, total = feed_tasks.feeds_to_rebuild(graph, username)
        except LookupError as error:
            fail("timelines rebuild", str(error))
        ctx = WorkerContext(settings, graph, sync_redis(settings.redis_url, settings.ca_file))
        with click.progressbar(length=total, label="Rebuilding feeds") as bar:
            done = feed_tasks.rebuild_feeds(ctx, user_id, bar.update)
    click.echo(f"rebuilt {done} feed(s)")
    return {"user": username}


@click.group()
def search() -> None:
    """The Typesense index (derived from the graph)."""


@search.command("reindex")
@audited(command="search reindex")
def search_reindex() -> None:
    """Rebuild the posts and users collections from Neo4j into fresh collections, then switch
    the aliases: search keeps answering from the old ones until the new ones are complete."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        try:
            size = search_index.reindex_size(graph)
            with click.progressbar(length=size, label="Reindexing") as bar:
                r = sync_redis(settings.redis_url, settings.ca_file)
                written = search_index.reindex(settings, graph, r, bar.update)
        except Exception as error:  # noqa: BLE001 - an operator command: say what failed
            fail("search reindex", f"failed, the old index stays in use: {error!r}")
    click.echo(", ".join(f"{count} {alias}" for alias, count in written.items()) + " indexed")


@click.group()
def media() -> None:
    """Uploaded images: their served versions are derived from the originals."""


@media.command("rebuild")
@audited(command="media rebuild")
def media_rebuild() -> None:
    """Re-render every image's served versions (large and thumbnail) from its original."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        with click.progressbar(length=media_store.image_count(graph), label="Rendering") as bar:
            rendered, missing = media_store.rebuild_served_versions(settings, graph, bar.update)
    click.echo(
        f"{rendered} image(s) rendered" + (f", {missing} original(s) missing" if missing else "")
    )


@media.command("prune")
@click.option("--older-than-hours", default=24.0, show_default=True)
@audited(command="media prune")
def media_prune(older_than_hours: float) -> dict:
    """Delete uploads that were never attached to a post."""
    settings = load_settings()
    with SyncGraph(settings, long=True) as graph:
        pruned = media_store.prune_unattached(settings, graph, older_than_hours * 3600)
    click.echo(f"{pruned} unattached upload(s) deleted")
    return {"pruned": pruned}
