"""Warm home-timeline throughput with 1, 2 and 4 app processes behind nginx, against the same
Neo4j, Redis, Typesense and worker, loaded by `wrk` (Debian's; a native load generator whose
own CPU per request is reported beside the numbers).

    .venv/bin/python bench/scaling_bench.py [--processes 1 2 4] [--seconds 15] [--connections 32]

Each app process is one Hypercorn process; with more than one, `flock run`'s nginx balances
them (deploy/nginx/flock.conf.template). Every user's feed is built and read once first, so
every measured read is warm. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

import httpx
from load import Load, pin_groups, wrk_path
from throwaway import DATASET, bench_tokens, throwaway_stack

from flock.core.db import SyncGraph
from flock.stack.processes import free_port
from flock.stack.stack import Stack
from graph.seed import read_edges, seed_social_graph
from jobs.queue import sync_redis
from jobs.tasks.context import WorkerContext
from jobs.tasks.feeds import rebuild_feeds

HOME = (1, "GET", "/api/timeline?limit=20")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--no-pin", action="store_true",
        help="leave every process on every core (by default wrk gets a core of its own, the "
        "services the next, and the app processes the rest, as far as the cores allow)",
    )  # fmt: skip
    args = parser.parse_args()
    wrk_path()  # before anything starts
    services = throwaway_stack(with_app=False)
    print("starting Neo4j, Redis, Typesense and a worker...", flush=True)
    settings = services.start()
    os.environ.update(settings.as_env())
    work = Path(tempfile.mkdtemp(prefix="flock-scaling-"))
    try:
        tokens = seed(settings, args.dataset)
        load = Load(work, tokens)
        wrk_cpus, service_cpus, app_cpus = plan_cores(not args.no_pin)
        if service_cpus:
            pin_groups([p.pid for p in services.processes.values()], service_cpus)
        print(f"cores: wrk {wrk_cpus or 'any'}, services {service_cpus or 'any'}, "
              f"apps {app_cpus or 'any'}", flush=True)  # fmt: skip
        results = []
        for n in args.processes:
            apps = Stack(
                settings.replace(port=free_port(), var_dir=work / f"apps-{n}"),
                with_worker=False,
                web_processes=n,
                balancer=True,  # nginx in front of one process too: the same path for every n
            )
            print(f"{n} app process(es)...", flush=True)
            running = apps.start()
            try:
                base = f"http://127.0.0.1:{running.port}"
                warm_every_feed(base, tokens)
                pids = [p.pid for name, p in apps.processes.items() if name.startswith("app")]
                if app_cpus:
                    pin_groups(pids, app_cpus)
                    pin_groups([p.pid for p in apps.processes.values() if p.pid not in pids],
                               service_cpus)  # fmt: skip
                result = load.run(base, [HOME], args.connections, args.seconds, pids, cpus=wrk_cpus)
                results.append((n, result))
            finally:
                apps.stop()
        report(results, args)
    finally:
        services.stop()
        shutil.rmtree(work, ignore_errors=True)


def plan_cores(pin: bool) -> tuple[set[int], set[int], set[int]]:
    """(wrk's, the services', the app processes') cores: wrk the last, the services the one
    before, the apps the rest; on two cores wrk has one and the rest share the other (the apps
    then measure how one core is shared, not how cores add up: that needs four or more)."""
    cores = sorted(os.sched_getaffinity(0))
    if not pin or len(cores) < 2:
        return set(), set(), set()
    if len(cores) == 2:
        return {cores[1]}, {cores[0]}, {cores[0]}
    return {cores[-1]}, {cores[-2]}, set(cores[:-2])


def seed(settings, dataset: Path) -> list[str]:
    print(f"seeding {dataset.name}...", flush=True)
    with SyncGraph(settings, long=True) as graph:
        ids = seed_social_graph(graph, read_edges(dataset), 5, "bench-password-1")
        context = WorkerContext(settings, graph, sync_redis(settings.redis_url))
        rebuild_feeds(context, None, lambda _: None)
        return bench_tokens(graph, settings, list(ids.values()))


def warm_every_feed(base: str, tokens: list[str]) -> None:
    """Every user reads once: feeds and the post cache are warm, the users active."""
    with httpx.Client(base_url=base, timeout=60) as http:
        for token in random.Random(1).sample(tokens, len(tokens)):
            http.get("/api/timeline?limit=20", headers={"Authorization": f"Bearer {token}"})


def report(results, args) -> None:
    base_rate = results[0][1].rps
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; wrk -t1 -c{args.connections} -d{args.seconds}s, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    print(
        "| app processes | req/s | ÷ 1 process | p50 | p99 | app CPU ms/request "
        "| wrk CPU ms/request | machine busy |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, r in results:
        print(
            f"| {n} | {r.rps:.0f} | {r.rps / base_rate:.2f} | {r.p50_ms:.1f}ms | "
            f"{r.p99_ms:.1f}ms | {r.server_cpu_ms:.2f} | {r.wrk_cpu_ms:.3f} | "
            f"{100 * r.machine_busy:.0f}% |"
        )


if __name__ == "__main__":
    main()
