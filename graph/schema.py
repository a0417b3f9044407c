"""Schema migration: every statement in `cypher/schema/`, applied in name order, idempotently."""

from __future__ import annotations

from cypher import names
from graph.db import SyncGraph


def apply_schema(graph: SyncGraph) -> int:
    """Create the missing constraints and indexes; return how many were created (0 when none)."""
    created = 0
    for name in names("schema"):
        counters = graph.run_counted(name)
        created += counters.constraints_added + counters.indexes_added
    return created
