"""Home-timeline benchmark on the real stack: warm reads against a trivial endpoint of the same
app, cold reads against warm, and fan-out lag for an author with many followers, for posts and
for reposts.

    .venv/bin/python bench/timeline_bench.py [--requests 3000] [--concurrency 16]

It starts its own throw-away stack (same Hypercorn settings for every endpoint), seeds
socfb-Reed98 (962 users, follows both ways, a few tweets each, about half the users reposting
something a friend posted or reposted: timelines mix posts and reposts), and prints a table of
ratios measured in the same run. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import time
from pathlib import Path

import httpx
import redis
from rq import Queue
from throwaway import DATASET, throwaway_stack

from api.tokens import issue_access_token
from flock.settings import Settings
from flock.stack.stack import Stack
from graph.db import SyncGraph
from graph.ids import new_id
from graph.seed import read_edges, seed_social_graph
from jobs.queue import sync_redis
from jobs.stores.feeds import SENTINEL, feed_key, reposts_key
from jobs.tasks.context import WorkerContext
from jobs.tasks.feeds import rebuild_feeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--cold-requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--tweets-per-user", type=int, default=5)
    parser.add_argument("--fanout-followers", type=int, default=10_000)
    parser.add_argument("--fanout-posts", type=int, default=20)
    parser.add_argument("--fanout-reposts", type=int, default=20)
    args = parser.parse_args()

    stack = throwaway_stack()
    print("starting a throw-away stack...", flush=True)
    settings = stack.start()
    os.environ.update(settings.as_env())  # the in-process feed rebuild reads these
    try:
        run(stack, settings, args)
    finally:
        stack.stop()


def run(stack: Stack, settings: Settings, args: argparse.Namespace) -> None:
    graph = SyncGraph(settings, long=True)
    base = f"http://{settings.host}:{settings.port}"
    rds = redis.Redis.from_url(settings.redis_url)
    print(f"seeding {args.dataset.name}...", flush=True)
    ids = seed_social_graph(
        graph, read_edges(args.dataset), args.tweets_per_user, "bench-password-1"
    )
    user_ids = list(ids.values())
    tokens = {u: issue_access_token(settings.replace(access_token_ttl=3600), u) for u in user_ids}
    print(f"building {len(user_ids)} feeds...", flush=True)
    context = WorkerContext(settings, graph, sync_redis(settings.redis_url))
    rebuild_feeds(context, None, lambda _: None)
    rng = random.Random(1)

    def timeline_request():
        user = rng.choice(user_ids)
        return "/api/timeline?limit=20", {"Authorization": f"Bearer {tokens[user]}"}

    # Warm-up: every user reads once, so bodies are cached and last-seen marks are fresh.
    warm_up = [
        ("/api/timeline?limit=20", {"Authorization": f"Bearer {tokens[u]}"}) for u in user_ids
    ]
    asyncio.run(load(base, warm_up, args.concurrency))
    trivial = asyncio.run(load(base, [("/healthz", {})] * args.requests, args.concurrency))
    warm = asyncio.run(
        load(base, [timeline_request() for _ in range(args.requests)], args.concurrency)
    )

    stack.processes["worker"].stop()  # no rebuilds: every read below stays cold
    for key in rds.scan_iter("feed:*"):
        rds.delete(key)
    cold = asyncio.run(
        load(base, [timeline_request() for _ in range(args.cold_requests)], args.concurrency)
    )
    Queue("default", connection=rds).empty()  # the rebuilds those cold reads asked for
    stack.processes["worker"].start()
    stack.processes["worker"].wait_ready()

    shown = asyncio.run(reposts_shown(base, [timeline_request() for _ in range(200)]))
    lags, repost_lags = fan_out_lags(graph, rds, settings, base, args, user_ids)
    report(args, trivial, warm, cold, lags, repost_lags, shown)


async def reposts_shown(base: str, requests: list[tuple[str, dict]]) -> float:
    """The share of home-timeline entries that are reposts, over a sample of pages."""
    entries = reposts = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for path, headers in requests:
            items = (await client.get(path, headers=headers)).json()["items"]
            entries += len(items)
            reposts += sum(1 for item in items if item["reposted_by"])
    return reposts / max(entries, 1)


async def load(base: str, requests: list[tuple[str, dict]], concurrency: int) -> dict:
    """Send the requests with `concurrency` in flight; throughput and latency percentiles."""
    latencies: list[float] = []
    queue: asyncio.Queue = asyncio.Queue()
    for item in requests:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker():
            while not queue.empty():
                path, headers = queue.get_nowait()
                started = time.perf_counter()
                response = await client.get(path, headers=headers)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"rps": len(requests) / elapsed, **percentiles(latencies)}


# How many of the feeds (KEYS) hold the post (ARGV[1]): one round trip for 10,000 feeds.
COUNT_HAVING = """
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('ZSCORE', key, ARGV[1]) then n = n + 1 end
end
return n
"""

# How many of the feeds' repost maps (KEYS) show the post (ARGV[1]) through a repost.
COUNT_REPOSTED = """
local n = 0
for _, key in ipairs(KEYS) do
  if redis.call('HEXISTS', key, ARGV[1]) == 1 then n = n + 1 end
end
return n
"""


def fan_out_lags(graph, rds, settings, base, args, user_ids) -> tuple[dict, dict]:
    """Seconds from POST /api/tweets (then PUT .../repost of others' tweets) returning to the
    post (the repost) being in every follower's feed."""
    now = time.time()
    author = {"id": new_id(), "username": "fanout_author", "display_name": "Fan-out author"}
    followers = [
        {"id": new_id(), "username": f"follower_{i}", "display_name": f"Follower {i}"}
        for i in range(args.fanout_followers)
    ]
    print(f"adding an author with {len(followers)} active followers...", flush=True)
    everyone = [author, *followers]
    for start in range(0, len(everyone), 2000):
        graph.write("seed/users", users=everyone[start : start + 2000], password_hash="-", now=now)  # noqa: S106
    pairs = [[follower["id"], author["id"]] for follower in followers]
    for start in range(0, len(pairs), 2000):
        graph.write("seed/follows", pairs=pairs[start : start + 2000], now=now)
    with rds.pipeline(transaction=False) as pipe:
        for follower in followers:
            pipe.zadd(feed_key(follower["id"]), {SENTINEL: 0})  # materialised, empty feeds
        pipe.execute()
    token = issue_access_token(settings, author["id"])
    auth = {"Authorization": f"Bearer {token}"}
    keys = [feed_key(follower["id"]) for follower in followers]
    repost_keys = [reposts_key(follower["id"]) for follower in followers]
    count_having = rds.register_script(COUNT_HAVING)
    count_reposted = rds.register_script(COUNT_REPOSTED)
    lags, repost_lags = [], []
    with httpx.Client(base_url=base, timeout=60) as client:
        for n in range(args.fanout_posts):
            response = client.post("/api/tweets", json={"text": f"fan-out {n}"}, headers=auth)
            returned = time.perf_counter()
            post_id = response.json()["id"]
            wait_for(count_having, keys, post_id)
            lags.append(time.perf_counter() - returned)
        someone = random.Random(2).sample(user_ids, args.fanout_reposts)
        for user_id in someone:
            theirs = client.get(f"/api/users/{username_of(graph, user_id)}/tweets?limit=1")
            post_id = theirs.json()["items"][0]["id"]
            response = client.put(f"/api/tweets/{post_id}/repost", headers=auth)
            returned = time.perf_counter()
            response.raise_for_status()
            wait_for(count_reposted, repost_keys, post_id)
            repost_lags.append(time.perf_counter() - returned)
    return percentiles(lags), percentiles(repost_lags)


def wait_for(count, keys: list[str], post_id: str) -> None:
    """Poll (every 5 ms, one Lua walk over the feeds) until `count` finds the post in all of
    them; at most 60 s."""
    started = time.perf_counter()
    while count(keys=keys, args=[post_id]) < len(keys):
        if time.perf_counter() - started > 60:
            raise RuntimeError(f"{post_id} did not reach every follower in 60 s")
        time.sleep(0.005)


def username_of(graph, user_id: int) -> str:
    return graph.read("queries/users_by_ids", ids=[user_id], viewer_id=None)[0]["user"]["username"]


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def report(
    args, trivial: dict, warm: dict, cold: dict, lags: dict, repost_lags: dict, shown: float
) -> None:
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load: {args.requests} requests, {args.concurrency} in flight, one Hypercorn worker")
    print()
    print(f"{'measure':<34}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>10}")
    rows = [
        ("trivial JSON endpoint (/healthz)", trivial, 1.0),
        ("home timeline, warm (Redis)", warm, warm["rps"] / trivial["rps"]),
        ("home timeline, cold (Cypher)", cold, cold["rps"] / warm["rps"]),
    ]
    for name, result, ratio in rows:
        print(
            f"{name:<34}{result['rps']:>10.0f}{result['p50_ms']:>10.1f}"
            f"{result['p99_ms']:>10.1f}{ratio:>10.2f}"
        )
    for what, result in (("post", lags), ("repost", repost_lags)):
        print(
            f"{'fan-out lag (' + what + '), ' + str(args.fanout_followers) + ' followers':<34}"
            f"{'':>10}{result['p50_ms']:>10.1f}{result['p99_ms']:>10.1f}"
        )
    print()
    print(f"timeline entries that are reposts (200 warm pages): {100 * shown:.0f}%")
    print("ratio: warm/trivial throughput (target >= 0.5); cold/warm throughput")
    print("fan-out lag target: p99 under 1000 ms")


if __name__ == "__main__":
    main()
