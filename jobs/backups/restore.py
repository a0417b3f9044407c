"""Restoring an archive's parts: the graph into an empty Neo4j (checked against the manifest's
counts), the images' originals into the media store, and the generated secrets read back.
The whole procedure, services and rebuilds included, is `flock restore` (flock/restore.py)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from typing import Any

from flock.core.crypto import DataCipher, KeyMissing
from flock.core.db import SyncGraph
from flock.core.settings import KEPT_SECRETS, Settings
from jobs.backups.archive import OpenedArchive, Stage
from jobs.backups.export import BATCH, DATA_CHECK, GRAPH_PART
from jobs.stores import media as media_store


class RestoreFailed(Exception):
    """The archive was sound, but restoring it did not give back what it holds."""


def check_data_keys(settings: Settings, manifest: dict) -> None:
    """Refuse (DataKeysRefused) unless FLOCK_DATA_KEY and FLOCK_DATA_INDEX_KEY open the
    archive's encrypted data: checked before anything is touched."""
    check = manifest.get("data_key")
    if check is None:
        return  # an archive from before encryption at rest
    wanted = f"the data keys of the site the archive was made on (key id {check['id']})"
    if not settings.data_key or not settings.data_index_key:
        raise DataKeysRefused(f"FLOCK_DATA_KEY and FLOCK_DATA_INDEX_KEY must be {wanted}")
    try:
        cipher = DataCipher(settings.data_key, settings.data_index_key)
        opened = cipher.decrypt_text(check["check"], "backup-check") == DATA_CHECK
    except (KeyMissing, ValueError):
        opened = False
    if not opened:
        raise DataKeysRefused(f"FLOCK_DATA_KEY does not open this archive: give {wanted}")
    if cipher.blind_index(DATA_CHECK) != check["index_check"]:
        raise DataKeysRefused(f"FLOCK_DATA_INDEX_KEY does not match this archive: give {wanted}")


class DataKeysRefused(Exception):
    """The data keys given do not open the archive's encrypted data; nothing was changed."""


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


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        return base64.b64decode(value["$bytes"])
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


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
    store = media_store.raw_media_store(settings)  # ciphertext back as it was
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
