"""`flock restore ARCHIVE`: a backup back into an empty Flock, then its derived stores rebuilt.

Order matters, so that a bad archive changes nothing: the archive is decrypted and every part
checked against its manifest first (in a private temporary folder, not the target's); only then
are the services reached, the graph checked for emptiness (or cleared with --force), and the
graph, the images' originals and the generated secrets put back. Last, what is derived from them
is made again: Redis (feeds and caches) from the graph, the search index, the served image
versions.

Services: those named by FLOCK_* URLs, or the stack `flock run` runs under FLOCK_VAR_DIR; with
neither, the embedded Neo4j, Redis and Typesense are started for the restore (with the archive's
secrets, on a new data directory) and stopped after it, ready for `make run`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flock.core.db import SyncGraph
from flock.core.settings import DATA_KEYS, KEPT_SECRETS, Settings, keep_secret, running_stack
from flock.stack.stack import Stack
from graph import audit
from graph.schema import apply_schema
from jobs.backups import restore as backups
from jobs.backups import targets
from jobs.backups.archive import Stage, open_archive
from jobs.queue import sync_redis
from jobs.stores import media as media_store
from jobs.stores import search_index
from jobs.tasks import feeds as feed_tasks
from jobs.tasks.context import WorkerContext


class RestoreRefused(Exception):
    """The target is not one to restore into (as it stands); nothing was changed."""


@dataclass
class Restored:
    manifest: dict
    images: int
    feeds: int
    indexed: dict
    rendered: int
    notes: list[str]


def restore(
    settings: Settings, location: str, force: bool, stage: Stage, say: Callable[[str], None]
) -> Restored:
    """Restore the archive at `location` (a path or s3://...). `settings` come from the
    environment without generated secrets (the archive may bring them)."""
    set_by_environment = {name for name in KEPT_SECRETS if getattr(settings, name)}
    work = Path(tempfile.mkdtemp(prefix="flock-restore-"))
    try:
        path = targets.fetch_archive(settings, location, work)
        archive = open_archive(path, settings.backup_key, work, stage)
        say(
            f"{path.name}: made {archive.manifest['created_at']} by Flock "
            f"{archive.manifest['flock_version']} on Neo4j {archive.manifest['neo4j_version']}; "
            "every part matches its checksum"
        )
        archived = backups.archived_secrets(archive)
        settings = settings.with_kept_data_keys()
        backups.check_data_keys(settings, archive.manifest)
        stack, settings = _services(settings, archived, say)
        try:
            return _restore_into(
                settings, archive, archived, set_by_environment, force, stack is not None, stage
            )
        finally:
            if stack is not None:
                say("Stopping the services started for the restore...")
                stack.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _services(
    settings: Settings, archived: dict[str, str], say: Callable[[str], None]
) -> tuple[Stack | None, Settings]:
    """The services to restore into; a Stack when this command had to start them."""
    urls = (settings.neo4j_uri, settings.redis_url, settings.typesense_url)
    if all(urls) or running_stack(settings.var_dir):
        return None, settings.with_generated_secrets().with_running_stack()
    fresh_graph = not (settings.var_dir / "neo4j" / "data").exists()
    for setting, path in DATA_KEYS.items():  # checked against the archive: kept for `make run`
        if not (settings.var_dir / path).exists():
            keep_secret(settings.var_dir / path, getattr(settings, setting))
    for setting, value in archived.items():
        path = settings.var_dir / KEPT_SECRETS[setting]
        if getattr(settings, setting) or path.exists():
            continue  # set by the environment, or an existing server's
        if setting == "neo4j_password" and not fresh_graph:
            continue
        keep_secret(path, value)
    settings = settings.with_generated_secrets()
    say("Starting Neo4j, Redis and Typesense for the restore...")
    stack = Stack(settings, with_worker=False, with_app=False)
    return stack, stack.start()


def _restore_into(
    settings: Settings,
    archive,
    archived: dict[str, str],
    set_by_environment: set[str],
    force: bool,
    started_here: bool,
    stage: Stage,
) -> Restored:
    notes = []
    with SyncGraph(settings, long=True) as graph:
        if not backups.graph_is_empty(graph):
            if not force:
                raise RestoreRefused(
                    "the graph is not empty: restoring would mix two sites. Restore into a new "
                    "data directory (FLOCK_VAR_DIR), or pass --force to replace everything in it"
                )
            backups.clear_graph(graph, stage)
        apply_schema(graph)
        backups.restore_graph(graph, archive, stage)
        images = backups.restore_media(settings, archive, stage)
        if "secret_key" in set_by_environment:
            notes.append("FLOCK_SECRET_KEY is set: it, not the archive's key, signs sessions")
        elif _restore_secret_key(settings, archived) and not started_here:
            notes.append("restart the app: it signs sessions with the restored key from then on")
        r = sync_redis(settings.redis_url, settings.ca_file)
        r.flushdb()  # feeds, caches, limits and jobs of what was there before: all derived
        _, users = feed_tasks.feeds_to_rebuild(graph, None)
        with stage("Rebuilding feeds", users) as advance:
            feeds = feed_tasks.rebuild_feeds(WorkerContext(settings, graph, r), None, advance)
        with stage("Indexing for search", search_index.reindex_size(graph)) as advance:
            indexed = search_index.reindex(settings, graph, r, advance)
        with stage("Rendering images", images) as advance:
            rendered, _ = media_store.rebuild_served_versions(settings, graph, advance)
        key = archived.get("secret_key") or settings.secret_key  # the chain's key
        made = archive.manifest["created_at"]
        audit.record_operator(graph, key, "admin_command", command="restore", made=made)
    return Restored(archive.manifest, images, feeds, indexed, rendered, notes)


def _restore_secret_key(settings: Settings, archived: dict[str, str]) -> bool:
    """Keep the archive's key that signs sessions and tokens, so people stay signed in;
    True when it changed."""
    key = archived.get("secret_key")
    if not key or settings.secret_key == key:
        return False
    keep_secret(settings.var_dir / KEPT_SECRETS["secret_key"], key)
    return True
