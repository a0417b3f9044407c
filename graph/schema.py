"""Schema migration: every statement in `cypher/schema/`, applied in name order, idempotently.

Several processes may apply it at once (app processes starting together): a rule another one
created a moment before is already there, which is what was wanted."""

from __future__ import annotations

import logging
import time

from neo4j.exceptions import ClientError, Neo4jError

from cypher import names
from flock.core.db import SyncGraph

log = logging.getLogger("flock.schema")

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


def warm_up_queries(graph: SyncGraph) -> int:
    """Have Neo4j plan every named statement of `cypher/queries/` once (each run with its
    example parameters and rolled back), so that the first user of each does not wait for its
    planning (a few hundred milliseconds a statement). Plans are kept by the DBMS: the second
    process to start finds them there. Returns how many were planned."""
    started, planned = time.perf_counter(), 0
    for name in names("queries"):
        try:
            graph.run_discarded(name)
            planned += 1
        except Neo4jError as error:
            log.warning("query_warm_up_failed", extra={"query": name, "error": repr(error)})
    log.info(
        "queries_warmed_up",
        extra={"count": planned, "seconds": round(time.perf_counter() - started, 2)},
    )
    return planned
