"""Who-to-follow quality: hide a share of each graph's friendships, ask for suggestions, count how
many hidden friends come back. The blended method the app uses, plain Adamic-Adar and a
popularity baseline, in the same run, one table per graph.

    .venv/bin/python bench/suggestions_quality.py [DATASET ...] [--hide 0.1] [--seeds 3] [--k 10]

Data sets are edge lists in the common formats (whitespace or comma separated, with or without
a header); by default socfb-Reed98 (`../shared/datasets/`) and the sparse Hartford graph
(`bench/datasets/`). Timeouts come from the environment, as every FLOCK_* setting does:
FLOCK_NEO4J_QUERY_TIMEOUT for each query (30 s unless set).

For each graph and seed it clears a throw-away stack's graph, seeds the kept friendships (each as
follows both ways), runs the graph algorithms the blend reads (`flock analytics run pagerank
communities`, the same code), then for every user who lost a friendship asks:
- blended: `cypher/queries/user_suggestion_signals.cypher` ranked by `jobs/stores/suggestions.rank`
  (what the app serves), with the popular fill the app adds;
- Adamic-Adar: `cypher/queries/user_suggestions.cypher` (the app's query before the blend);
- most-followed baseline: `cypher/queries/popular_user_ids.cypher`, minus accounts followed;
and prints recall@k and precision@k macro-averaged over users and seeds, and each query's time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections import defaultdict
from pathlib import Path

from throwaway import DATASET, ROOT, throwaway_stack

from flock.core.db import SyncGraph
from graph.schema import apply_schema
from graph.seed import read_edges, seed_social_graph
from jobs.algorithms.catalogue import run_algorithms
from jobs.stores import suggestions

SPARSE = ROOT / "bench" / "datasets" / "hartford_drug.edgelist"
METHODS = ("blended (the app)", "Adamic-Adar", "most-followed baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path, default=[DATASET, SPARSE])
    parser.add_argument("--hide", type=float, default=0.1, help="share of friendships hidden")
    parser.add_argument("--seeds", type=int, default=3, help="hidings averaged per graph")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument(
        "--sweep", nargs="*", default=[], metavar="SIGNAL=WEIGHT,...",
        help="also rank with these weights over the app's (tuning), e.g. community=0.3,engaged=0",
    )  # fmt: skip
    args = parser.parse_args()

    os.environ.setdefault("FLOCK_NEO4J_QUERY_TIMEOUT", "30")
    stack = throwaway_stack(with_worker=False, with_app=False)
    print("starting a throw-away stack...", flush=True)
    settings = stack.start()
    try:
        with SyncGraph(settings, long=True) as graph:
            for dataset in args.datasets:
                bench_graph(graph, dataset, args)
    finally:
        stack.stop()


def bench_graph(graph: SyncGraph, dataset: Path, args) -> None:
    edges = sorted({tuple(sorted(e)) for e in read_edges(dataset) if e[0] != e[1]})
    methods = [*METHODS, *(f"blended, {w}" for w in args.sweep)]
    scores: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
    times: dict[str, list[float]] = {"blended (the app)": [], "Adamic-Adar": []}
    algorithms_ms, users_evaluated = [], 0
    for seed in range(args.seeds):
        rng = random.Random(42 + seed)
        hidden = set(rng.sample(edges, round(len(edges) * args.hide)))
        kept = [edge for edge in edges if edge not in hidden]
        while graph.write("backup/graph_clear", batch=10_000)[0]["deleted"]:
            pass
        apply_schema(graph)
        ids = seed_social_graph(graph, kept, 0, "bench-password-1")
        started = time.perf_counter()
        run_algorithms(graph, ["pagerank", "communities"])
        algorithms_ms.append((time.perf_counter() - started) * 1000)
        users_evaluated += evaluate(graph, ids, kept, hidden, args, scores, times)

    print(
        f"\n## {dataset.name}: {len({i for e in edges for i in e})} users, {len(edges)} "
        f"friendships, {args.hide:.0%} hidden, {args.seeds} seeds, {users_evaluated} users "
        f"evaluated; pagerank and communities: {statistics.mean(algorithms_ms):.0f} ms a run\n"
    )
    base = mean(r for r, _ in scores["most-followed baseline"])
    plain = mean(r for r, _ in scores["Adamic-Adar"])
    print(f"| method | recall@{args.k} | precision@{args.k} | recall vs baseline | "
          f"recall vs Adamic-Adar | query p50 | query p99 |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in methods:
        recall, precision = mean(r for r, _ in scores[name]), mean(p for _, p in scores[name])
        took = sorted(times.get(name, []))
        p50 = f"{took[len(took) // 2]:.1f} ms" if took else "-"
        p99 = f"{took[min(len(took) - 1, int(len(took) * 0.99))]:.1f} ms" if took else "-"
        print(f"| {name} | {recall:.3f} | {precision:.3f} | {ratio(recall, base)} | "
              f"{ratio(recall, plain)} | {p50} | {p99} |")  # fmt: skip
    print(flush=True)


def evaluate(graph, ids, kept, hidden, args, scores, times) -> int:
    k = args.k
    truth: dict[int, set[int]] = defaultdict(set)
    for a, b in hidden:
        truth[a].add(b)
        truth[b].add(a)
    following: dict[int, set[int]] = defaultdict(set)
    for a, b in kept:
        following[a].add(b)
        following[b].add(a)
    users = sorted(u for u in truth if u in ids)  # a user who lost every friendship is not seeded
    by_id = {user_id: index for index, user_id in ids.items()}
    popular = [row["id"] for row in graph.read("queries/popular_user_ids", limit=1000)]
    for user in users[:3]:  # each query planned once before it is timed
        graph.read(
            "queries/user_suggestion_signals",
            user_id=ids[user],
            pool=suggestions.CACHED,
        )
        graph.read("queries/user_suggestions", user_id=ids[user], limit=k)
    for user in users:
        started = time.perf_counter()
        signals = graph.read(
            "queries/user_suggestion_signals",
            user_id=ids[user],
            pool=suggestions.CACHED,
        )
        times["blended (the app)"].append((time.perf_counter() - started) * 1000)
        blended = [
            by_id[row["id"]]
            for row in suggestions.rank(signals, popular[: suggestions.CACHED], ids[user], k)
        ]
        started = time.perf_counter()
        rows = graph.read("queries/user_suggestions", user_id=ids[user], limit=k)
        times["Adamic-Adar"].append((time.perf_counter() - started) * 1000)
        plain = [by_id[row["id"]] for row in rows]
        baseline = [
            by_id[i] for i in popular if by_id[i] != user and by_id[i] not in following[user]
        ]
        swept = [
            [
                by_id[row["id"]]
                for row in suggestions.rank(
                    signals, popular[: suggestions.CACHED], ids[user], k,
                    {**suggestions.WEIGHTS, **weights(sweep)},
                )
            ]
            for sweep in args.sweep
        ]  # fmt: skip
        picked = (blended, plain, baseline[:k], *swept)
        for name, picks in zip(scores, picked, strict=True):
            hits = len(set(picks[:k]) & truth[user])
            scores[name].append((hits / len(truth[user]), hits / k))
    return len(users)


def weights(text: str) -> dict[str, float]:
    return {k: float(v) for k, v in (item.split("=") for item in text.split(","))}


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}x" if base else "-"


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":
    main()
