"""Making a backup: the graph exported as one moment of it, the images' originals and the
generated secrets, written as one encrypted archive (jobs/backups/archive.py) to its target
(jobs/backups/targets.py).

The graph part is an online export, made consistent by pausing writes rather than by stopping
Neo4j (Community cannot dump a running database):

1. writes are paused everywhere (flock/core/pause.py): the app answers them 503 with Retry-After,
   while every read, warm or cold, keeps being served;
2. the transactions that were running when the pause began are let finish;
3. the export reads every node, then every relationship, in one read transaction;
4. Neo4j's bookmark (the last committed transaction) is compared before and after: equal means
   nothing was written while the export read, so the archive holds one moment of the graph.
   Otherwise (a writer that does not ask the pause, such as an operator's command, or any
   write while Redis could not be asked) the export is made again, and refused after a few
   tries: an archive is consistent or it is not made.

Writes are paused for the export alone; images (never changed once stored) are copied after.
"""

from __future__ import annotations

import base64
import gzip
import json
import logging
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import redis

from flock.core import pause
from flock.core.crypto import data_cipher
from flock.core.db import SyncGraph
from flock.core.settings import KEPT_SECRETS, Settings
from jobs.backups import targets
from jobs.backups.archive import ArchiveWriter, Stage, archive_name, identity_from, quiet_stage
from jobs.stores import media as media_store

log = logging.getLogger("flock.backups")

GRAPH_PART = "graph.jsonl.gz"
EXPORT_ATTEMPTS = 3
PAUSE_TTL = 15.0  # seconds the pause lasts unless renewed (renewed every third of it)
BATCH = 2000
LAST_GOOD_KEY = "backup:last-good"


class BackupFailed(Exception):
    """The backup could not be made; nothing was left half-written at the target."""


@dataclass
class BackupResult:
    location: str
    bytes: int
    manifest: dict[str, Any]
    seconds: float
    paused_seconds: float


@dataclass
class _Export:
    nodes: Counter = field(default_factory=Counter)
    relationships: Counter = field(default_factory=Counter)
    media_ids: list[int] = field(default_factory=list)
    attempts: int = 0
    paused_seconds: float = 0.0


def make_backup(
    settings: Settings, graph: SyncGraph, r: redis.Redis, to: str = "", stage: Stage = quiet_stage
) -> BackupResult:
    """Write one encrypted archive of the graph, the images' originals and the generated
    secrets to `to` (a folder or s3://bucket/prefix; default FLOCK_BACKUP_TO)."""
    identity_from(settings.backup_key)  # no key, no work
    started = time.monotonic()
    target = to or settings.backup_target
    work = _work_dir(settings)
    name = archive_name(time.time())
    graph_file = work / GRAPH_PART
    try:
        export = _export_graph(settings, graph, r, graph_file, stage)
        writer = ArchiveWriter(work / (name + ".plain"))
        writer.add_file(GRAPH_PART, graph_file)
        graph_file.unlink()
        missing = _add_media(settings, writer, export.media_ids, stage)
        for secret, path in KEPT_SECRETS.items():
            writer.add_bytes(f"secrets/{path}", getattr(settings, secret).encode())
        manifest = {
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": socket.gethostname(),
            "flock_version": version("flock"),
            "neo4j_version": _neo4j_version(graph),
            "counts": {
                "nodes": dict(sorted(export.nodes.items())),
                "relationships": dict(sorted(export.relationships.items())),
            },
            "media": {"originals": len(export.media_ids) - len(missing), "missing": missing},
            "export": {"attempts": export.attempts, "writes_paused_seconds": export.paused_seconds},
            "data_key": data_key_check(settings),
        }
        local = writer.close(manifest, work / name, settings.backup_key, stage)
        size = local.stat().st_size
        location = targets.store(settings, local, target, name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - started
    _record_good(r, location, size)
    log.info(
        "backup_made",
        extra={
            "location": location,
            "bytes": size,
            "seconds": round(seconds, 3),
            "writes_paused_seconds": export.paused_seconds,
        },
    )
    return BackupResult(location, size, manifest, seconds, export.paused_seconds)


DATA_CHECK = "flock-data-key-check"


def data_key_check(settings: Settings) -> dict[str, str]:
    """What lets a restore tell, before it touches anything, that the data keys it is given
    open the archive: the current key's id (never the key), a value encrypted under it, and
    the blind index of that value."""
    cipher = data_cipher(settings)
    return {
        "id": cipher.current,
        "check": cipher.encrypt_text(DATA_CHECK, "backup-check"),
        "index_check": cipher.blind_index(DATA_CHECK),
    }


def _export_graph(
    settings: Settings, graph: SyncGraph, r: redis.Redis, out: Path, stage: Stage
) -> _Export:
    """The graph, as one moment of it, to a gzipped JSON-lines file (see the module's note)."""
    size = graph.read("backup/graph_size")[0]
    total = size["nodes"] + size["relationships"]
    pause.pause_writes(r, PAUSE_TTL, "backup")
    renewing = _Renewal(r)
    paused_at = time.monotonic()
    try:
        _let_running_transactions_finish(settings, graph)
        export = _export_unchanged(graph, out, total, stage)
    finally:
        renewing.stop()
        pause.resume_writes(r)
    export.paused_seconds = round(time.monotonic() - paused_at, 3)
    return export


def _export_unchanged(graph: SyncGraph, out: Path, total: int, stage: Stage) -> _Export:
    """Export until Neo4j's bookmark shows that nothing committed while the export read."""
    for attempt in range(1, EXPORT_ATTEMPTS + 1):
        before = graph.last_bookmark()
        with stage("Exporting the graph", total) as advance:
            export = _write_export(graph, out, advance)
        if graph.last_bookmark() == before:
            export.attempts = attempt
            return export
        log.warning("backup_export_changed", extra={"attempt": attempt})
    raise BackupFailed(
        f"the graph kept changing while it was exported ({EXPORT_ATTEMPTS} tries): is "
        "something writing without asking the pause (an operator's command, an app that "
        "cannot reach Redis)? Try again."
    )


def _let_running_transactions_finish(settings: Settings, graph: SyncGraph) -> None:
    """Wait (up to a request's timeout) until the transactions running at the pause are done:
    a write that began just before it must not commit during the export."""
    running = {row["id"] for row in graph.read("backup/transactions_running")}
    deadline = time.monotonic() + settings.neo4j_query_timeout + 1
    while running and time.monotonic() < deadline:
        time.sleep(0.02)
        running &= {row["id"] for row in graph.read("backup/transactions_running")}


def _write_export(graph: SyncGraph, out: Path, advance: Callable[[int], None]) -> _Export:
    """Nodes first, then relationships: written to two gzip members of one file (a gzip reader
    reads them as one stream), so that a restore creates every node before any relationship."""
    export = _Export()
    edges_path = out.with_name(out.name + ".edges")
    with (
        gzip.open(out, "wt", encoding="utf-8") as nodes,
        gzip.open(edges_path, "wt", encoding="utf-8") as edges,
    ):
        nodes.write(json.dumps({"format": "flock-graph/1"}) + "\n")
        for node_id, labels, properties, outgoing in graph.rows("backup/graph_nodes", BATCH):
            encoded = {k: _encoded(k, v) for k, v in properties.items()}
            nodes.write(json.dumps({"n": [node_id, labels, encoded]}) + "\n")
            export.nodes.update(labels)
            if "Media" in labels:
                export.media_ids.append(properties["id"])
            for end, rel_type, rel_properties in outgoing:
                encoded = {k: _encoded(k, v) for k, v in rel_properties.items()}
                edges.write(json.dumps({"r": [node_id, end, rel_type, encoded]}) + "\n")
                export.relationships[rel_type] += 1
            advance(1 + len(outgoing))
    with open(out, "ab") as whole, open(edges_path, "rb") as tail:
        shutil.copyfileobj(tail, whole)
    edges_path.unlink()
    return export


def _encoded(name: str, value: Any) -> Any:
    """A property as JSON: Flock stores numbers, text, booleans and lists of them; bytes are
    tagged; anything else is a bug to fix here before a backup can drop it silently."""
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(value).decode()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encoded(name, item) for item in value]
    kind = type(value).__name__
    raise BackupFailed(f"property {name} holds a {kind}, which backups do not store")


def _add_media(
    settings: Settings, writer: ArchiveWriter, media_ids: list[int], stage: Stage
) -> list[int]:
    """Copy each image's original into the archive; returns the ids whose original is gone."""
    store = media_store.raw_media_store(settings)  # originals as stored: ciphertext
    missing = []
    with stage("Copying images", len(media_ids)) as advance:
        for media_id in media_ids:
            key = media_store.media_key(media_id, "original")
            data = store.get(key)
            if data is None:
                missing.append(media_id)
            else:
                writer.add_bytes(key, data)
            advance(1)
    return missing


def _neo4j_version(graph: SyncGraph) -> str:
    rows = graph.read("backup/neo4j_version")
    return next((f"{r['version']} {r['edition']}" for r in rows if r["name"] == "Neo4j Kernel"), "")


class _Renewal:
    """Keeps the pause alive while the export runs (it lapses on its own if we die)."""

    def __init__(self, r: redis.Redis):
        self.r, self.done = r, threading.Event()
        self.thread = threading.Thread(target=self._renew, daemon=True, name="pause-renewal")
        self.thread.start()

    def _renew(self) -> None:
        while not self.done.wait(PAUSE_TTL / 3):
            try:
                pause.pause_writes(self.r, PAUSE_TTL, "backup")
            except redis.RedisError as error:
                log.warning("backup_pause_renewal_failed", extra={"error": repr(error)})

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def _work_dir(settings: Settings) -> Path:
    """A private folder for the plain tar (it holds the secrets until encrypted)."""
    work = settings.var_dir / "backups" / f".work-{time.time_ns()}"
    work.mkdir(parents=True, mode=0o700)
    return work


def _record_good(r: redis.Redis, location: str, size: int) -> None:
    try:
        r.set(LAST_GOOD_KEY, json.dumps({"at": time.time(), "location": location, "bytes": size}))
    except redis.RedisError:
        log.warning("backup_record_failed", extra={"location": location})


def last_good(r: redis.Redis) -> dict[str, Any] | None:
    """When the last backup was made, where it went and its size (None: none yet)."""
    raw = r.get(LAST_GOOD_KEY)
    return json.loads(raw) if raw else None
