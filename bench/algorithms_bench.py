"""Graph algorithms over a million follows: which library is fast enough, how long the job takes
against a real Neo4j, and what it costs the site's warm reads meanwhile.

    .venv/bin/python bench/algorithms_bench.py [--users 100000] [--per-user 5] [--seconds 15]
                                               [--no-networkx] [--no-job]

1. In memory: a preferential-attachment graph (`--users` accounts, each making `--per-user`
   friendships, every friendship two follows: 100,000 x 5 x 2 = a million follows), each
   algorithm timed with igraph (what `jobs/algorithms/compute.py` uses) and with networkx, in the
   same run (networkx ÷ igraph is the ratio).
2. The job: the same graph seeded into a throw-away stack, `run_algorithms(all)` timed end to end
   (snapshot in pages, computation, batched write-back), while `wrk` reads warm home timelines of
   1,000 of its users in runs of `--seconds` until the job is done; their rate and p99 are
   compared with as many idle runs just before.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import threading
import time
from pathlib import Path

import igraph
import networkx as nx
from load import Load, Result
from throwaway import bench_tokens, throwaway_stack
from timeline_bench import read_once

from flock.core.db import SyncGraph
from graph.schema import apply_schema
from graph.seed import seed_social_graph
from jobs.algorithms import compute
from jobs.algorithms.catalogue import ALGORITHMS, run_algorithms
from jobs.algorithms.snapshot import FollowGraph

HOME = (1, "GET", "/api/timeline?limit=20")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--per-user", type=int, default=5, help="friendships each account makes")
    parser.add_argument("--samples", type=int, default=50, help="betweenness sources, both")
    parser.add_argument("--seconds", type=int, default=10, help="of each warm-read run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--no-job", action="store_true")
    args = parser.parse_args()

    friendships = igraph.Graph.Barabasi(args.users, args.per_user, directed=False, start_from=None)
    friendships.simplify()
    pairs = friendships.get_edgelist()
    graph = FollowGraph(list(range(args.users)), pairs + [(b, a) for a, b in pairs])
    print(f"{args.users} accounts, {len(graph.edges)} follows (load average "
          f"{os.getloadavg()[0]:.1f})\n", flush=True)  # fmt: skip
    libraries(graph, args)
    if not args.no_job:
        job(pairs, args)


def libraries(graph: FollowGraph, args) -> None:
    reference = None if args.no_networkx else nx.DiGraph(graph.edges)
    ties = None if reference is None else reference.to_undirected()
    runs = {
        "pagerank": (
            lambda: compute.pagerank(graph),
            lambda: nx.pagerank(reference, tol=1e-8),
        ),
        "components": (
            lambda: compute.components(graph),
            lambda: list(nx.weakly_connected_components(reference)),
        ),
        "communities (Leiden / Louvain)": (
            lambda: compute.communities(graph),
            lambda: nx.community.louvain_communities(ties, seed=42),
        ),
        f"betweenness ({args.samples} sources)": (
            lambda: compute.betweenness(graph, samples=args.samples),
            lambda: nx.betweenness_centrality(reference, k=args.samples, seed=42),
        ),
        "kcore": (lambda: compute.kcore(graph), lambda: nx.core_number(ties)),
        "similarity (top 10)": (lambda: compute.similarity(graph), None),
    }
    print("| algorithm | igraph (Flock) | networkx | networkx ÷ igraph |")
    print("| --- | ---: | ---: | ---: |")
    for name, (ours, theirs) in runs.items():
        took = timed(ours)
        other = timed(theirs) if theirs and reference is not None else None
        print(f"| {name} | {took:.2f} s | {f'{other:.2f} s' if other else '-'} | "
              f"{f'{other / took:.0f}x' if other else '-'} |", flush=True)  # fmt: skip


def job(pairs: list[tuple[int, int]], args) -> None:
    stack = throwaway_stack()
    print("\nstarting a throw-away stack...", flush=True)
    settings = stack.start()
    try:
        with SyncGraph(settings, long=True) as graph:
            apply_schema(graph)
            started = time.perf_counter()
            ids = seed_social_graph(graph, pairs, 1, "bench-password-1")
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
            readers = random.Random(1).sample(sorted(ids.values()), min(1000, len(ids)))
            tokens = bench_tokens(graph, settings, readers)
            load = Load(Path(tempfile.mkdtemp(prefix="flock-bench-")), tokens)
            app = [stack.processes["app"].pid]
            print("every reader's feed built...", flush=True)
            read_once(settings, tokens)
            reports, errors = [], []

            def run_job() -> None:
                with SyncGraph(settings, long=True) as own:
                    try:
                        began = time.perf_counter()
                        reports.extend(run_algorithms(own, list(ALGORITHMS)))
                        reports.append(time.perf_counter() - began)
                    except Exception as error:  # noqa: BLE001 - printed below
                        errors.append(error)

            def warm(runs: int | None = None, until=None) -> list[Result]:
                done = []
                while (runs is not None and len(done) < runs) or (until and until.is_alive()):
                    done.append(
                        load.run(settings.app_url, [HOME], args.connections, args.seconds, app)
                    )
                return done

            warm(runs=1)  # the app and Neo4j settle (the first run of a new graph is slower)
            idle = warm(runs=3)
            worker = threading.Thread(target=run_job)
            worker.start()
            busy = warm(until=worker)
            worker.join()
            if errors:
                raise errors[0]
            took = reports.pop()
            print(f"\nthe job (all {len(ALGORITHMS)} algorithms, {reports[0].nodes} accounts, "
                  f"{reports[0].edges} follows): {took:.1f} s end to end; each (with the "
                  f"snapshot): " + ", ".join(f"{r.name} {r.took_ms / 1000:.1f} s" for r in reports)
                  + "\n")  # fmt: skip
            print(f"| warm home timelines | idle ({len(idle)} x {args.seconds} s) | while the job "
                  f"ran ({len(busy)} x {args.seconds} s) | ratio |")  # fmt: skip
            print("| --- | ---: | ---: | ---: |")
            rps = [sum(r.rps for r in rows) / len(rows) for rows in (idle, busy)]
            p99 = [max(r.p99_ms for r in rows) for rows in (idle, busy)]
            fails = [sum(r.errors for r in rows) for rows in (idle, busy)]
            print(f"| requests/s (mean) | {rps[0]:.0f} | {rps[1]:.0f} | {rps[1] / rps[0]:.2f} |")
            print(
                f"| p99 (worst run) | {p99[0]:.1f} ms | {p99[1]:.1f} ms | {p99[1] / p99[0]:.2f} |"
            )
            print(f"| errors | {fails[0]} | {fails[1]} | |")
    finally:
        stack.stop()


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
