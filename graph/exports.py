"""`flock export`: the graph's public structure as Parquet or CSV files for notebooks, and the
follow graph as an igraph or networkx graph in one call.

Each table is read in pages (`cypher/export/`, each a short read transaction) and written as it
comes, so a large graph is never held whole. Only ids, times, usernames and what the graph
algorithms wrote leave: no e-mail addresses, no post text, nothing deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from flock.core.db import SyncGraph
from flock.core.errors import Invalid
from flock.core.settings import Settings
from jobs.algorithms.snapshot import read_follow_graph

PAGE = 5000
FORMATS = ("parquet", "csv")


@dataclass(frozen=True)
class Table:
    name: str
    schema: pa.Schema


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "users",
            pa.schema(
                [
                    ("id", pa.int64()),
                    ("username", pa.string()),
                    ("created_at", pa.float64()),
                    ("pagerank", pa.float64()),
                    ("community", pa.int64()),
                    ("component", pa.int64()),
                    ("coreness", pa.int64()),
                    ("betweenness", pa.float64()),
                ]
            ),
        ),
        Table(
            "follows",
            pa.schema(
                [("follower_id", pa.int64()), ("followed_id", pa.int64()), ("at", pa.float64())]
            ),
        ),
        Table(
            "likes",
            pa.schema([("user_id", pa.int64()), ("post_id", pa.int64()), ("at", pa.float64())]),
        ),
        Table(
            "reposts",
            pa.schema(
                [
                    ("id", pa.int64()),
                    ("user_id", pa.int64()),
                    ("post_id", pa.int64()),
                    ("at", pa.float64()),
                ]
            ),
        ),
        Table(
            "posts",
            pa.schema(
                [
                    ("id", pa.int64()),
                    ("author_id", pa.int64()),
                    ("created_at", pa.float64()),
                    ("reply_to_id", pa.int64()),
                    ("quote_of_id", pa.int64()),
                ]
            ),
        ),
        Table(
            "replies",
            pa.schema(
                [
                    ("post_id", pa.int64()),
                    ("parent_id", pa.int64()),
                    ("author_id", pa.int64()),
                    ("parent_author_id", pa.int64()),
                    ("at", pa.float64()),
                ]
            ),
        ),
    )
}


def export_tables(
    graph: SyncGraph, folder: Path, fmt: str = "parquet", names: list[str] | None = None
) -> dict[str, int]:
    """Write each named table (all by default) to `folder/<name>.<fmt>`; returns rows each."""
    names = names or list(TABLES)
    unknown = [name for name in names if name not in TABLES]
    if unknown or fmt not in FORMATS:
        raise Invalid(
            f"Tables are {', '.join(TABLES)}; formats {', '.join(FORMATS)}.",
            errors={"tables": unknown} if unknown else {"format": [fmt]},
        )
    folder.mkdir(parents=True, exist_ok=True)
    return {name: _export(graph, TABLES[name], folder / f"{name}.{fmt}", fmt) for name in names}


def _export(graph: SyncGraph, table: Table, path: Path, fmt: str) -> int:
    writer: Any = (
        pq.ParquetWriter(path, table.schema)
        if fmt == "parquet"
        else pa_csv.CSVWriter(path, table.schema)
    )
    written = 0
    try:
        for rows in _pages(graph, f"export/{table.name}"):
            columns = list(zip(*rows, strict=True)) if rows else [[] for _ in table.schema]
            arrays = [
                pa.array(column, type=f.type)
                for column, f in zip(columns, table.schema, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=table.schema))
            written += len(rows)
    finally:
        writer.close()
    return written


def _pages(graph: SyncGraph, name: str):
    after = -1
    while True:
        page = graph.read(name, after=after, batch=PAGE)
        yield [row for entry in page for row in entry["rows"]]
        if len(page) < PAGE:
            return
        after = page[-1]["id"]


def follow_graph(kind: str = "igraph", settings: Settings | None = None):
    """The follow graph in memory, in one call (like `graph.analytics.dataframe`): an igraph
    `Graph` (vertex attribute `id`: the account id) or a networkx `DiGraph` whose nodes are
    account ids (needs networkx). Settings: those in force, by default the running stack's."""
    if kind not in ("igraph", "networkx"):
        raise Invalid("kind is igraph or networkx.", errors={"kind": [kind]})
    with SyncGraph(settings or Settings.from_env().with_running_stack(), long=True) as graph:
        snapshot = read_follow_graph(graph)
    if kind == "igraph":
        result = snapshot.directed
        result.vs["id"] = snapshot.ids
        return result
    import networkx as nx

    result = nx.DiGraph()
    result.add_nodes_from(snapshot.ids)
    result.add_edges_from((snapshot.ids[a], snapshot.ids[b]) for a, b in snapshot.edges)
    return result
