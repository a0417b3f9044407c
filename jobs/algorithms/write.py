"""Results written back to the graph in batches, each a short transaction of its own (the site
goes on meanwhile), and the run recorded with its time and parameters."""

from __future__ import annotations

import json
from typing import Any

from flock.core.db import SyncGraph

BATCH = 2000  # accounts a transaction


def write_properties(graph: SyncGraph, ids: list[int], props: dict[str, list[Any]]) -> int:
    """`props[name][i]` becomes property `name` of account `ids[i]`; returns accounts written."""
    written = 0
    for start in range(0, len(ids), BATCH):
        rows = [
            {"id": ids[i], "props": {name: values[i] for name, values in props.items()}}
            for i in range(start, min(start + BATCH, len(ids)))
        ]
        written += graph.write("algorithms/write_properties", rows=rows)[0]["written"]
    return written


def write_similar(graph: SyncGraph, ids: list[int], picks: list[list[dict]]) -> int:
    """Each account's SIMILAR relationships replaced by its picks; returns relationships."""
    written = 0
    for start in range(0, len(ids), BATCH):
        rows = [
            {"id": ids[i], "similar": picks[i]}
            for i in range(start, min(start + BATCH, len(ids)))
            if picks[i]
        ]
        bare = [ids[i] for i in range(start, min(start + BATCH, len(ids))) if not picks[i]]
        if bare:
            graph.write("algorithms/clear_similar", ids=bare)
        if rows:
            written += graph.write("algorithms/write_similar", rows=rows)[0]["written"]
    return written


def record_run(
    graph: SyncGraph,
    name: str,
    ran_at: float,
    params: dict[str, Any],
    stats: dict[str, Any],
    took_ms: int,
    nodes: int,
    edges: int,
) -> None:
    graph.write(
        "algorithms/run_record",
        algorithm=name,
        ran_at=ran_at,
        params=json.dumps(params, sort_keys=True),
        stats=json.dumps(stats, sort_keys=True),
        took_ms=took_ms,
        nodes=nodes,
        edges=edges,
    )
