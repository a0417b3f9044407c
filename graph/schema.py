"""Schema migration: every statement in `cypher/schema/`, applied in name order, idempotently.

Several processes may apply it at once (app processes starting together): a rule another one
created a moment before is already there, which is what was wanted."""

from __future__ import annotations

from neo4j.exceptions import ClientError

from cypher import names
from graph.db import SyncGraph

ALREADY_THERE = (
    "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
    "Neo.ClientError.Schema.ConstraintAlreadyExists",
    "Neo.ClientError.Schema.IndexAlreadyExists",
)


def apply_schema(graph: SyncGraph) -> int:
    """Create the missing constraints and indexes; return how many were created (0 when none)."""
    created = 0
    for name in names("schema"):
        try:
            counters = graph.run_counted(name)
        except ClientError as error:
            if error.code not in ALREADY_THERE:
                raise
            continue
        created += counters.constraints_added + counters.indexes_added
    return created
