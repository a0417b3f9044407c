"""Who-to-follow quality: hide 10% of socfb-Reed98's friendships, ask for suggestions, count how
many hidden friends come back. Compared with a popularity baseline in the same run.

    .venv/bin/python bench/suggestions_quality.py [--hide 0.1] [--seed 42] [--k 10]

It starts a throw-away stack, seeds the remaining 90% (each friendship as follows both ways),
runs the app's own named query (`cypher/queries/user_suggestions.cypher`, Adamic-Adar) and the
baseline (`cypher/queries/popular_user_ids.cypher`: most-followed accounts not yet followed) for
every user who lost a friendship, and prints recall@k and precision@k, macro-averaged over users.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path

from throwaway import DATASET, throwaway_stack

from flock.core.db import SyncGraph
from graph.schema import apply_schema
from graph.seed import read_edges, seed_social_graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--hide", type=float, default=0.1, help="share of friendships hidden")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    edges = sorted({tuple(sorted(edge)) for edge in read_edges(args.dataset) if edge[0] != edge[1]})
    rng = random.Random(args.seed)
    hidden = set(rng.sample(edges, round(len(edges) * args.hide)))
    kept = [edge for edge in edges if edge not in hidden]

    stack = throwaway_stack(with_worker=False, with_app=False)
    print("starting a throw-away stack...", flush=True)
    settings = stack.start()
    try:
        graph = SyncGraph(settings)
        apply_schema(graph)
        print(f"seeding {len(kept)} of {len(edges)} friendships...", flush=True)
        ids = seed_social_graph(graph, kept, 0, "bench-password-1")
        evaluate(graph, ids, edges, kept, hidden, args)
        graph.close()
    finally:
        stack.stop()


def evaluate(graph, ids, edges, kept, hidden, args) -> None:
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

    scores = {"Adamic-Adar (the app's query)": [], "most-followed baseline": []}
    started = time.perf_counter()
    for user in users:
        rows = graph.read("queries/user_suggestions", user_id=ids[user], limit=args.k)
        social = [by_id[row["id"]] for row in rows]
        baseline = [
            by_id[i] for i in popular if by_id[i] != user and by_id[i] not in following[user]
        ][: args.k]
        for name, picks in zip(scores, (social, baseline), strict=True):
            hits = len(set(picks) & truth[user])
            scores[name].append((hits / len(truth[user]), hits / args.k))
    elapsed = time.perf_counter() - started

    print(f"\n{args.dataset.name}: {len(ids)} users, {len(edges)} friendships, "
          f"{len(hidden)} hidden (seed {args.seed}); {len(users)} users evaluated; "
          f"{elapsed / len(users) * 1000:.1f} ms per suggestion query\n")  # fmt: skip
    base_recall = mean(r for r, _ in scores["most-followed baseline"])
    print(f"| method | recall@{args.k} | precision@{args.k} | recall vs baseline |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in scores.items():
        recall, precision = mean(r for r, _ in values), mean(p for _, p in values)
        ratio = recall / base_recall if base_recall else float("inf")
        print(f"| {name} | {recall:.3f} | {precision:.3f} | {ratio:.2f}x |")


def mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


if __name__ == "__main__":
    main()
