"""Backups: what goes into an archive (jobs/stores/archive.py), where archives are kept, and
how their parts go back into the stores.

The graph part is an online export, made consistent by pausing writes rather than by stopping
Neo4j (Community cannot dump a running database):

1. writes are paused everywhere (graph/pause.py): the app answers them 503 with Retry-After,
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import redis

from flock.settings import KEPT_SECRETS, Settings
from graph import pause
from graph.db import SyncGraph
from jobs.stores import media as media_store
from jobs.stores.archive import (
    SUFFIX,
    ArchiveWriter,
    OpenedArchive,
    Stage,
    archive_name,
    identity_from,
    quiet_stage,
)

log = logging.getLogger("flock.backups")

GRAPH_PART = "graph.jsonl.gz"
EXPORT_ATTEMPTS = 3
PAUSE_TTL = 15.0  # seconds the pause lasts unless renewed (renewed every third of it)
BATCH = 2000
LAST_GOOD_KEY = "backup:last-good"
LAST_ATTEMPT_KEY = "backup:last-attempt"
LOCK_KEY = "backup:lock"


class BackupFailed(Exception):
    """The backup could not be made; nothing was left half-written at the target."""


class RestoreFailed(Exception):
    """The archive was sound, but restoring it did not give back what it holds."""


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


# ----------------------------------------------------------------------------- backing up


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
        }
        local = writer.close(manifest, work / name, settings.backup_key, stage)
        size = local.stat().st_size
        location = _store(settings, local, target, name)
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


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["$bytes"])
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def _add_media(
    settings: Settings, writer: ArchiveWriter, media_ids: list[int], stage: Stage
) -> list[int]:
    """Copy each image's original into the archive; returns the ids whose original is gone."""
    store = media_store.media_store(settings)
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


# ----------------------------------------------------------------------------- where archives live


def _s3(settings: Settings):
    return boto3.client("s3", endpoint_url=settings.s3_endpoint_url or None)


def _split_s3(target: str) -> tuple[str, str]:
    bucket, _, prefix = target.removeprefix("s3://").partition("/")
    return bucket, prefix.strip("/")


def _store(settings: Settings, local: Path, target: str, name: str) -> str:
    """Put the finished archive at the target; returns where it is."""
    if target.startswith("s3://"):
        bucket, prefix = _split_s3(target)
        key = f"{prefix}/{name}" if prefix else name
        _s3(settings).upload_file(str(local), bucket, key)
        return f"s3://{bucket}/{key}"
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    shutil.move(local, final)
    return str(final)


def list_archives(settings: Settings, target: str = "") -> list[str]:
    """The archives at the target, oldest first."""
    target = target or settings.backup_target
    if target.startswith("s3://"):
        bucket, prefix = _split_s3(target)
        pages = (
            _s3(settings)
            .get_paginator("list_objects_v2")
            .paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else "")
        )
        keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
        return sorted(f"s3://{bucket}/{k}" for k in keys if _is_archive(k.rsplit("/", 1)[-1]))
    folder = Path(target)
    if not folder.is_dir():
        return []
    return sorted(str(p) for p in folder.iterdir() if _is_archive(p.name))


def prune_archives(settings: Settings, keep: int, target: str = "") -> list[str]:
    """Delete all but the newest `keep` archives at the target; returns those deleted."""
    archives = list_archives(settings, target)
    old = archives[: max(0, len(archives) - keep)]
    for location in old:
        if location.startswith("s3://"):
            bucket, key = _split_s3(location)
            _s3(settings).delete_object(Bucket=bucket, Key=key)
        else:
            Path(location).unlink(missing_ok=True)
    return old


def _is_archive(name: str) -> bool:
    return name.startswith("flock-backup-") and name.endswith(SUFFIX)


def fetch_archive(settings: Settings, location: str, work_dir: Path) -> Path:
    """A local path to the archive (downloaded first when it is on S3)."""
    if not location.startswith("s3://"):
        return Path(location)
    bucket, key = _split_s3(location)
    local = work_dir / key.rsplit("/", 1)[-1]
    work_dir.mkdir(parents=True, exist_ok=True)
    _s3(settings).download_file(bucket, key, str(local))
    return local


# ----------------------------------------------------------------------------- scheduled


def backup_if_due(settings: Settings, graph: SyncGraph, r: redis.Redis) -> str | None:
    """The upkeep's scheduled backup: when FLOCK_BACKUP_EVERY_HOURS have passed since the last
    good one (a failed one is tried again after a tenth of that), one worker makes it and
    prunes the target to FLOCK_BACKUP_KEEP archives. Returns where it went."""
    every = settings.backup_every_hours * 3600
    if every <= 0 or not settings.backup_key:
        return None
    now = time.time()
    good = last_good(r)
    attempt = float(r.get(LAST_ATTEMPT_KEY) or 0)
    if good and now - good["at"] < every or now - attempt < every / 10:
        return None
    if not r.set(LOCK_KEY, socket.gethostname(), nx=True, ex=3600):
        return None  # another worker is making it
    try:
        r.set(LAST_ATTEMPT_KEY, now)
        result = make_backup(settings, graph, r)
        prune_archives(settings, settings.backup_keep)
        return result.location
    finally:
        r.delete(LOCK_KEY)


# ----------------------------------------------------------------------------- restoring


def graph_is_empty(graph: SyncGraph) -> bool:
    size = graph.read("backup/graph_size")[0]
    return size["nodes"] == 0 and size["relationships"] == 0


def clear_graph(graph: SyncGraph, stage: Stage) -> None:
    """Delete every node and relationship (`flock restore --force`)."""
    total = graph.read("backup/graph_size")[0]["nodes"]
    with stage("Clearing the graph", total) as advance:
        while deleted := graph.write("backup/graph_clear", batch=1000)[0]["deleted"]:
            advance(deleted)


def restore_graph(graph: SyncGraph, archive: OpenedArchive, stage: Stage) -> None:
    """Create the archive's nodes and relationships in an empty graph, then check the counts
    per label and type against the manifest."""
    counts = archive.manifest["counts"]
    total = sum(counts["nodes"].values()) + sum(counts["relationships"].values())
    graph.write("backup/restore_index")
    with archive.reading() as open_part, stage("Restoring the graph", total) as advance:
        with gzip.open(open_part(GRAPH_PART), "rt", encoding="utf-8") as lines:
            header = json.loads(next(lines))
            if header.get("format") != "flock-graph/1":
                raise RestoreFailed(f"unknown graph format {header!r}")
            for kind, batch in _batches(lines):
                if kind == "n":
                    graph.write("backup/restore_nodes", nodes=batch)
                else:
                    graph.write("backup/restore_relationships", relationships=batch)
                advance(len(batch))
    while graph.write("backup/restore_finish", batch=5000)[0]["finished"]:
        pass
    graph.write("backup/restore_index_drop")
    _check_counts(graph, counts)


def _batches(lines) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    kind, batch = None, []
    for line in lines:
        item = json.loads(line)
        ((key, value),) = item.items()
        if kind is not None and (key != kind or len(batch) >= BATCH):
            yield kind, batch
            batch = []
        kind = key
        if key == "n":
            node_id, labels, properties = value
            batch.append({"id": node_id, "labels": labels, "properties": _props(properties)})
        else:
            start, end, rel_type, properties = value
            batch.append(
                {"start": start, "end": end, "type": rel_type, "properties": _props(properties)}
            )
    if batch:
        yield kind, batch


def _props(properties: dict[str, Any]) -> dict[str, Any]:
    return {key: _decoded(value) for key, value in properties.items()}


def _check_counts(graph: SyncGraph, expected: dict[str, dict[str, int]]) -> None:
    row = graph.read("backup/graph_counts")[0]
    found = {
        "nodes": {label: n for label, n in row["labels"] if n},
        "relationships": {rel_type: n for rel_type, n in row["types"] if n},
    }
    if found != expected:
        raise RestoreFailed(f"the restored graph holds {found}, the archive {expected}")


def restore_media(settings: Settings, archive: OpenedArchive, stage: Stage) -> int:
    """Put every image's original back in the media store (disk or S3)."""
    store = media_store.media_store(settings)
    names = archive.part_names("media/")
    with archive.reading() as open_part, stage("Restoring images", len(names)) as advance:
        for name in names:
            store.put(name, open_part(name).read(), "application/octet-stream")
            advance(1)
    return len(names)


def archived_secrets(archive: OpenedArchive) -> dict[str, str]:
    """The generated secrets the archive holds, by setting name (secret_key, ...)."""
    with archive.reading() as open_part:
        return {
            setting: open_part(f"secrets/{path}").read().decode()
            for setting, path in KEPT_SECRETS.items()
            if f"secrets/{path}" in archive.manifest["parts"]
        }
