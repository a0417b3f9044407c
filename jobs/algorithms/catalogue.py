"""The graph algorithms by name, with their parameters, and one run of any of them: a snapshot
of the follow graph, the computation, the write-back and the run's record."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flock.core.db import SyncGraph
from flock.core.errors import Invalid
from jobs.algorithms import compute
from jobs.algorithms.snapshot import read_follow_graph
from jobs.algorithms.write import record_run, write_properties, write_similar

log = logging.getLogger("flock.algorithms")


@dataclass(frozen=True)
class Algorithm:
    name: str
    description: str
    compute: Callable[..., tuple[list[Any], dict[str, Any]]]
    writes: str  # the account property, or "SIMILAR" for relationships
    params: dict[str, tuple[type, float, float, Any]] = field(default_factory=dict)
    # name -> (type, lowest, highest, default)


ALGORITHMS: dict[str, Algorithm] = {
    a.name: a
    for a in (
        Algorithm(
            "pagerank",
            "PageRank over follows (u.pagerank; sums to 1).",
            compute.pagerank,
            "pagerank",
            {"damping": (float, 0.01, 0.99, 0.85)},
        ),
        Algorithm(
            "components",
            "Weakly connected components (u.component: the smallest account id in it).",
            compute.components,
            "component",
        ),
        Algorithm(
            "communities",
            "Leiden communities by modularity (u.community: the smallest account id in it).",
            compute.communities,
            "community",
            {
                "resolution": (float, 0.01, 100.0, 1.0),
                "seed": (int, 0, 2**31 - 1, 42),
                "iterations": (int, 1, 1000, 10),
            },
        ),
        Algorithm(
            "betweenness",
            "Betweenness estimated from sampled sources (u.betweenness, normalised).",
            compute.betweenness,
            "betweenness",
            {"samples": (int, 1, 1_000_000, 500), "seed": (int, 0, 2**31 - 1, 42)},
        ),
        Algorithm(
            "kcore",
            "Core number over follows as ties (u.coreness).",
            compute.kcore,
            "coreness",
        ),
        Algorithm(
            "similarity",
            "Jaccard of the followed accounts, top k each: (u)-[:SIMILAR {score}]->(v).",
            compute.similarity,
            "SIMILAR",
            {"top_k": (int, 1, 100, 10), "cutoff": (float, 0.0, 1.0, 0.0)},
        ),
    )
}


@dataclass
class RunReport:
    name: str
    params: dict[str, Any]
    stats: dict[str, Any]
    took_ms: int
    nodes: int
    edges: int


def checked_params(name: str, given: dict[str, Any]) -> dict[str, Any]:
    """The algorithm's parameters: its defaults with `given` over them, each checked."""
    if name not in ALGORITHMS:
        raise Invalid(
            f"There is no graph algorithm called {name!r}: {', '.join(ALGORITHMS)}.",
            errors={"name": ["Unknown."]},
        )
    spec = ALGORITHMS[name].params
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise Invalid(
            f"{name} takes no parameter {', '.join(unknown)}.",
            errors={key: ["Unknown."] for key in unknown},
        )
    params = {}
    for key, (kind, lowest, highest, default) in spec.items():
        value = given.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"{key} must be a number.", errors={key: ["Not a number."]})
        if kind is int and value != int(value):
            raise Invalid(f"{key} must be a whole number.", errors={key: ["Not whole."]})
        value = kind(value)
        if not math.isfinite(value) or not lowest <= value <= highest:
            raise Invalid(
                f"{key} must be between {lowest} and {highest}.",
                errors={key: ["Out of range."]},
            )
        params[key] = value
    return params


def run_algorithms(
    graph: SyncGraph, names: list[str], given: dict[str, dict[str, Any]] | None = None
) -> list[RunReport]:
    """Run the named algorithms over one snapshot of the follow graph and write their results
    back (properties of all of them in one pass); returns what each run reports."""
    given = given or {}
    params = {name: checked_params(name, given.get(name, {})) for name in names}
    started = time.perf_counter()
    snapshot = read_follow_graph(graph)
    read_ms = (time.perf_counter() - started) * 1000
    reports, props = [], {}
    for name in names:
        algorithm = ALGORITHMS[name]
        began = time.perf_counter()
        values, stats = algorithm.compute(snapshot, **params[name])
        if algorithm.writes == "SIMILAR":
            stats["written"] = write_similar(graph, snapshot.ids, values)
        else:
            props[algorithm.writes] = values
        took = round(read_ms + (time.perf_counter() - began) * 1000)
        reports.append(
            RunReport(name, params[name], stats, took, len(snapshot.ids), len(snapshot.edges))
        )
    if props:
        write_properties(graph, snapshot.ids, props)
    ran_at = time.time()
    for report in reports:
        record_run(
            graph, report.name, ran_at, report.params, report.stats, report.took_ms,
            report.nodes, report.edges,
        )  # fmt: skip
        log.info("algorithm_ran", extra={"algorithm": report.name, "took_ms": report.took_ms})
    return reports
