"""Home timelines on the real stack, loaded by `wrk`: every row of issue 15's table in one run.

    .venv/bin/python bench/timeline_bench.py [--seconds 10] [--connections 16]

It starts its own throw-away stack (one Hypercorn process for the app), seeds socfb-Reed98
(962 users, follows both ways, five tweets each, reposts and quotes between friends), builds and
reads every feed once, and measures, each against a baseline taken in the same run:

- warm home pages against `/healthz` of the same app and against a bare Quart app on the same
  Hypercorn doing one `ZREVRANGE` of 20 ids (bench/floor_app.py);
- warm p99 of a user following 10,000 accounts against one following 10;
- cold pages (feeds deleted, worker stopped: the Cypher path) against warm, one in flight;
- the DeathStarBench-style mix: 60% home timelines, 30% user timelines, 10% new posts;
- fan-out: feed inserts per second of a post to 10,000 active followers against pipelined
  `ZADD`s from redis-py to the same feeds, and the lag from `POST /api/tweets` returning to the
  post being in the feeds, sampled (256 feeds a poll, never a walk over all of them).

Beside each load: the CPU per request of `wrk` and of the measured server process. The number
of app processes is measured by bench/scaling_bench.py. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import redis
from load import Load, Result
from rq import Queue
from throwaway import DATASET, bench_tokens, throwaway_stack

from flock.core.db import SyncGraph
from flock.core.ids import new_id
from flock.core.settings import Settings
from flock.stack.processes import free_port
from graph.seed import read_edges, seed_social_graph
from jobs.stores import feeds
from jobs.stores.feeds import FANOUT_BATCH, SENTINEL, feed_key, reposts_key
from jobs.tasks.context import worker_context
from jobs.tasks.feeds import fan_out_post, rebuild_feeds

HOME = (1, "GET", "/api/timeline?limit=20")
MASTODON_HOME = (1, "GET", "/api/v1/timelines/home?limit=20")  # the same feed, the same page
SAMPLE = 256  # feeds polled for the lag, per poll


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--tweets-per-user", type=int, default=5)
    parser.add_argument("--fanout-followers", type=int, default=10_000)
    parser.add_argument("--fanout-posts", type=int, default=20)
    parser.add_argument(
        "--fanout-runs", type=int, default=5, help="new posts fanned out in-process, averaged"
    )
    parser.add_argument(
        "--profile", type=Path, help="a folder for py-spy profiles (collapsed stacks) of the app"
    )
    parser.add_argument(
        "--warm-only", action="store_true", help="the warm rows only (Flock's and Mastodon's)"
    )
    args = parser.parse_args()

    stack = throwaway_stack()
    print("starting a throw-away stack...", flush=True)
    settings = stack.start()
    os.environ.update(settings.as_env())  # the in-process feed work reads these
    work = Path(tempfile.mkdtemp(prefix="flock-timeline-bench-"))
    floor = None
    try:
        graph = SyncGraph(settings, long=True)
        users = seed(graph, settings, args)
        floor, floor_base = start_floor_app(settings, users)
        rows = measure(stack, settings, graph, users, floor, floor_base, work, args)
        report(args, rows)
    finally:
        if floor is not None:
            floor.terminate()
            floor.wait()
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)


def seed(graph: SyncGraph, settings: Settings, args) -> dict[int, tuple[str, str]]:
    """user id -> (token, username) for every seeded user; every feed built and read once."""
    print(f"seeding {args.dataset.name}...", flush=True)
    ids = seed_social_graph(
        graph, read_edges(args.dataset), args.tweets_per_user, "bench-password-1"
    )
    tokens = bench_tokens(graph, settings, list(ids.values()))
    users = {
        u: (token, f"username_{index}")
        for (index, u), token in zip(ids.items(), tokens, strict=True)
    }
    print(f"building {len(users)} feeds...", flush=True)
    rebuild_feeds(worker_context(), None, lambda _: None)
    read_once(settings, [token for token, _ in users.values()])
    return users


def read_once(settings: Settings, tokens: list[str]) -> None:
    """Each of these users reads their home timeline once: feeds, post copies warm, active."""
    with httpx.Client(base_url=settings.app_url, timeout=60) as http:
        for token in tokens:
            http.get("/api/timeline?limit=20", headers={"Authorization": f"Bearer {token}"})


def start_floor_app(settings: Settings, users: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "FLOCK_BENCH_FEEDS": ",".join(feed_key(u) for u in users),
        "PYTHONPATH": str(Path(__file__).parent),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "floor_app:app"],
        env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/timeline").status_code == 200:
                return process, base
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


def measure(stack, settings, graph, users, floor, floor_base, work, args) -> dict:
    base, c, s = settings.app_url, args.connections, args.seconds
    app = [stack.processes["app"].pid]
    rp = [stack.processes["redis"].pid]  # Redis's own CPU, beside the app's
    tokens = [token for token, _ in users.values()]
    load = Load(work, tokens, [name for _, name in users.values()])
    rows: dict[str, Result | dict] = {}
    print("warm reads...", flush=True)
    rows["healthz"] = load.run(base, [(1, "GET", "/healthz")], c, s, app, redis_pids=rp)
    rows["floor"] = load.run(
        floor_base, [(1, "GET", "/timeline")], c, s, [floor.pid], redis_pids=rp
    )
    rows["warm"] = load.run(base, [HOME], c, s, app, profile=spy(args, "warm"), redis_pids=rp)
    rows["warm_mastodon"] = load.run(
        base, [MASTODON_HOME], c, s, app, profile=spy(args, "warm_mastodon"), redis_pids=rp
    )
    rows["warm_1"] = load.run(base, [HOME], 1, s, app, redis_pids=rp)
    rows["warm_gzip"] = load.run(base, [HOME], c, s, app, redis_pids=rp, gzip=True)
    if args.warm_only:
        return rows

    print("10,000 followees against 10...", flush=True)
    heavy, light, accounts = followee_users(graph, settings, args.fanout_followers)
    heavy_file, light_file = load.user_file("heavy", [heavy]), load.user_file("light", [light])
    rows["followees_10000"] = load.run(
        base, [HOME], 1, s, app, heavy_file, profile=spy(args, "followees_10000")
    )
    rows["followees_10"] = load.run(
        base, [HOME], 1, s, app, light_file, profile=spy(args, "followees_10")
    )

    print("fan-out...", flush=True)
    rows.update(fan_out(graph, settings, accounts, args))

    print("the mix (60% home, 30% user timelines, 10% posts)...", flush=True)
    mix = [(60, "GET", HOME[2]), (30, "GET", "/api/users/{u}/tweets?limit=20"),
           (10, "POST", "/api/tweets")]  # fmt: skip
    rows["mix"] = load.run(
        base, mix, c, s, app + [stack.processes["worker"].pid], profile=spy(args, "mix")
    )

    print("cold reads...", flush=True)
    rds = redis.Redis.from_url(settings.redis_url)
    stack.processes["worker"].stop()  # no rebuilds: every read below stays cold
    stack.processes["app"].stop()
    drop_feeds(rds)
    log = settings.var_dir / "logs" / "app.log"
    warmed_before = log.read_text(errors="replace").count("queries_warmed_up")
    stack.processes["app"].start()  # a new process: its first cold page is the one users see
    stack.processes["app"].wait_ready()
    app = [stack.processes["app"].pid]
    deadline = time.monotonic() + 120
    while log.read_text(errors="replace").count("queries_warmed_up") == warmed_before:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not warm its queries up in 120 s")
        time.sleep(0.1)  # until the new process has had every named query planned
    started = time.perf_counter()
    httpx.get(f"{base}/api/timeline?limit=20", headers=auth(tokens[0]), timeout=60)
    rows["first_cold_ms"] = 1000 * (time.perf_counter() - started)
    rows["cold_1"] = load.run(base, [HOME], 1, s, app, profile=spy(args, "cold"))
    rows["cold"] = load.run(base, [HOME], c, s, app)
    rows["cold_followees_10000"] = load.run(
        base, [HOME], 1, s, app, heavy_file, profile=spy(args, "cold_followees_10000")
    )
    rows["cold_followees_10"] = load.run(base, [HOME], 1, s, app, light_file)
    Queue("default", connection=rds).empty()  # the rebuilds those cold reads asked for
    stack.processes["worker"].start()
    stack.processes["worker"].wait_ready()
    return rows


def spy(args, name: str) -> Path | None:
    if args.profile is None:
        return None
    args.profile.mkdir(parents=True, exist_ok=True)
    return args.profile / f"{name}.txt"


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def drop_feeds(rds: redis.Redis) -> None:
    for key in rds.scan_iter("feed:*", count=1000):
        rds.delete(key)


def followee_users(graph: SyncGraph, settings: Settings, n: int) -> tuple[str, str, list[int]]:
    """`n` new accounts with a tweet each; one new user following all of them, one following
    ten. Returns their tokens and the accounts."""
    now = time.time()
    accounts = [
        {"id": new_id(), "username": f"account_{i}", "display_name": f"Account {i}"}
        for i in range(n)
    ]
    heavy = {"id": new_id(), "username": "follows_many", "display_name": "Follows many"}
    light = {"id": new_id(), "username": "follows_few", "display_name": "Follows few"}
    everyone = [heavy, light, *accounts]
    for start in range(0, len(everyone), 2000):
        graph.write("seed/users", users=everyone[start : start + 2000], password_hash="-", now=now)  # noqa: S106
    few = {a["id"] for a in accounts[-10:]}
    # One tweet each; the ten the light user follows write four, so that both users' pages
    # hold twenty posts (the same page, from 20 authors or from 10).
    tweets = [
        {"id": new_id(), "author_id": a["id"], "text": f"Hello {n} from {a['username']} #flock",
         "hashtag": "flock", "created_at": now}
        for a in accounts
        for n in range(4 if a["id"] in few else 1)
    ]  # fmt: skip
    for start in range(0, len(tweets), 2000):
        graph.write("seed/tweets", tweets=tweets[start : start + 2000])
    pairs = [[heavy["id"], a["id"]] for a in accounts] + [
        [light["id"], a["id"]] for a in accounts[-10:]
    ]
    for start in range(0, len(pairs), 2000):
        graph.write("seed/follows", pairs=pairs[start : start + 2000], now=now)
    context = worker_context()
    for user in (heavy, light):
        rebuild_feeds(context, user["id"], lambda _: None)
    tokens = bench_tokens(graph, settings, [heavy["id"], light["id"]])
    read_once(settings, tokens)
    return tokens[0], tokens[1], [a["id"] for a in accounts]


def fan_out(graph: SyncGraph, settings: Settings, followers: list[int], args) -> dict:
    """An author followed by every one of `followers` (active, feeds materialised) posts
    `fanout_posts` times through the API: the lag to the feeds, sampled; then the fan-out of one
    of those posts again in this process against pipelined ZADDs to the same feeds."""
    now = time.time()
    author = {"id": new_id(), "username": "fanout_author", "display_name": "Fan-out author"}
    graph.write("seed/users", users=[author], password_hash="-", now=now)  # noqa: S106
    pairs = [[f, author["id"]] for f in followers]
    for start in range(0, len(pairs), 2000):
        graph.write("seed/follows", pairs=pairs[start : start + 2000], now=now)
    rds = redis.Redis.from_url(settings.redis_url)
    with rds.pipeline(transaction=False) as pipe:
        for f in followers:
            pipe.delete(feed_key(f), reposts_key(f))
            pipe.zadd(feed_key(f), {SENTINEL: 0})  # materialised, empty feeds
        pipe.execute()
    (token,) = bench_tokens(graph, settings, [author["id"]])
    keys = [feed_key(f) for f in followers]
    rng = random.Random(3)
    lags, complete, missing, post_ids = [], [], 0, []
    with httpx.Client(base_url=settings.app_url, timeout=60) as http:
        for n in range(args.fanout_posts):
            sample = rng.sample(keys, SAMPLE)
            response = http.post("/api/tweets", json={"text": f"fan-out {n}"}, headers=auth(token))
            returned = time.perf_counter()
            post_id = response.json()["id"]
            lags.append(wait_for_sample(rds, sample, post_id) - returned)
            left, seen_at = until_all(rds, keys, post_id)
            complete.append(seen_at - returned)
            missing += left
            post_ids.append(int(post_id))
    context = worker_context()
    # The path users take: posts that are in no feed yet, fanned out by the worker's own task
    # here, against pipelined ZADDs of members that are new to the same feeds.
    fresh = fresh_posts(graph, author["id"], args.fanout_runs)
    fan_out_seconds, zadd_seconds, query_seconds, push_seconds = [], [], [], []
    for post_id in fresh:
        started = time.perf_counter()
        pushed = fan_out_post(post_id)
        fan_out_seconds.append(time.perf_counter() - started)
        assert pushed >= len(followers), pushed
        zadd_seconds.append(pipelined_zadds(rds, keys, new_id()))
        # Its two parts alone: the recipients from the graph, the pushes of a new member.
        started = time.perf_counter()
        batches = list(
            context.graph.batches(
                "queries/fanout_recipients", batch=FANOUT_BATCH, author_id=author["id"],
                active_since=0.0, parent_author_id=None,
            )
        )  # fmt: skip
        query_seconds.append(time.perf_counter() - started)
        started, member = time.perf_counter(), new_id()
        for batch in batches:
            feeds.push(context.redis, settings, member, batch)
        push_seconds.append(time.perf_counter() - started)
    # The no-op path, apart: a post already in every feed, again (a replay after a retry).
    again_seconds, again_zadd_seconds = [], []
    for post_id in fresh[:3]:
        started = time.perf_counter()
        fan_out_post(post_id, again=True)
        again_seconds.append(time.perf_counter() - started)
        again_zadd_seconds.append(pipelined_zadds(rds, keys, post_id))
    return {
        "lag": percentiles(lags),
        "lag_complete": percentiles(complete),
        "lag_missing": missing,
        "fanout_per_s": len(followers) / statistics.mean(fan_out_seconds),
        "zadd_per_s": len(followers) / statistics.mean(zadd_seconds),
        "fanout_again_per_s": len(followers) / statistics.mean(again_seconds),
        "zadd_again_per_s": len(followers) / statistics.mean(again_zadd_seconds),
        "fanout_parts_ms": (
            1000 * statistics.mean(fan_out_seconds),
            1000 * statistics.mean(query_seconds),
            1000 * statistics.mean(push_seconds),
            1000 * statistics.mean(zadd_seconds),
        ),
    }


def fresh_posts(graph: SyncGraph, author_id: int, n: int) -> list[int]:
    """`n` tweets of the author written straight to the graph: no job fans them out."""
    tweets = [
        {"id": new_id(), "author_id": author_id, "text": f"fresh {i}", "hashtag": "flock",
         "created_at": time.time()}
        for i in range(n)
    ]  # fmt: skip
    graph.write("seed/tweets", tweets=tweets)
    return [t["id"] for t in tweets]


def pipelined_zadds(rds: redis.Redis, keys: list[str], member: int) -> float:
    """Seconds for one ZADD of `member` to each feed, pipelined from redis-py."""
    started = time.perf_counter()
    with rds.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.zadd(key, {str(member): member})
        pipe.execute()
    return time.perf_counter() - started


def wait_for_sample(rds: redis.Redis, keys: list[str], post_id: str) -> float:
    """Poll every 5 ms (one pipeline of ZSCOREs over the sample) until every sampled feed holds
    the post; the time it was first seen in all of them."""
    deadline = time.perf_counter() + 60
    while True:
        with rds.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zscore(key, post_id)
            scores = pipe.execute()
        now = time.perf_counter()
        if all(score is not None for score in scores):
            return now
        if now > deadline:
            raise RuntimeError(f"{post_id} did not reach the sampled feeds in 60 s")
        time.sleep(0.005)


def until_all(rds: redis.Redis, keys: list[str], post_id: str) -> tuple[int, float]:
    """After the sampled lag: poll every 50 ms (a pipeline over every feed, not atomic, so Redis
    serves others between its commands) until every feed holds the post, 10 s at most.
    Returns how many still lack it, and when they were all seen."""
    deadline = time.perf_counter() + 10
    while True:
        with rds.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zscore(key, post_id)
            left = sum(score is None for score in pipe.execute())
        now = time.perf_counter()
        if not left or now > deadline:
            return left, now
        time.sleep(0.05)


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def report(args, rows: dict) -> None:
    r = rows
    print()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; wrk -t1, {args.connections} connections (1 where said), "
        f"{args.seconds} s a load; load average {os.getloadavg()[0]:.2f} at the end; "
        f"{time.strftime('%Y-%m-%d')}"
    )
    print()
    print(
        "| load | req/s | p50 ms | p99 ms | server CPU ms/req | Redis CPU ms/req "
        "| wrk CPU ms/req | machine busy | errors |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    names = {
        "healthz": "`/healthz` (trivial JSON)",
        "floor": "floor app: one ZREVRANGE (bench/floor_app.py)",
        "warm": "home timeline, warm",
        "warm_mastodon": "Mastodon's home timeline (`/api/v1/timelines/home`), warm",
        "warm_1": "home timeline, warm, 1 in flight",
        "warm_gzip": "home timeline, warm, `Accept-Encoding: gzip`",
        "followees_10000": "warm, a user following 10,000, 1 in flight",
        "followees_10": "warm, a user following 10, 1 in flight",
        "cold_1": "home timeline, cold, 1 in flight",
        "cold": "home timeline, cold",
        "cold_followees_10000": "cold, a user following 10,000, 1 in flight",
        "cold_followees_10": "cold, a user following 10, 1 in flight",
        "mix": "mix: 60% home, 30% user timeline, 10% posts",
    }
    for key, name in names.items():
        if key not in r:
            continue
        x = r[key]
        server = f"{x.server_cpu_ms:.2f}" if x.server_cpu_ms is not None else "-"
        rcpu = f"{x.redis_cpu_ms:.3f}" if x.redis_cpu_ms is not None else "-"
        print(
            f"| {name} | {x.rps:.0f} | {x.p50_ms:.1f} | {x.p99_ms:.1f} | {server} | {rcpu} | "
            f"{x.wrk_cpu_ms:.3f} | {100 * x.machine_busy:.0f}% | {x.errors} |"
        )
    print()
    print("| measure | value | goal |")
    print("| --- | ---: | ---: |")
    warm = r["warm"].rps
    for key, label in (("warm", "16 in flight"), ("warm_1", "1 in flight")):
        x, f = r[key], r["floor"]
        print(
            f"| Redis CPU per warm page, {label}, ms (÷ the floor app's ZREVRANGE) | "
            f"{x.redis_cpu_ms:.3f} (÷ {f.redis_cpu_ms:.3f} = "
            f"{x.redis_cpu_ms / max(f.redis_cpu_ms, 1e-9):.1f}) | ≤ 0.25 |"
        )
    print(
        f"| app CPU per warm page, ms (÷ the floor app's) | {r['warm'].server_cpu_ms:.2f} "
        f"(÷ {r['floor'].server_cpu_ms:.2f} = "
        f"{r['warm'].server_cpu_ms / r['floor'].server_cpu_ms:.1f}) | ≤ 1.0 |"
    )
    print(f"| warm home ÷ floor app (throughput) | {warm / r['floor'].rps:.2f} | ≥ 0.6 |")
    print(f"| warm home ÷ `/healthz` (throughput) | {warm / r['healthz'].rps:.2f} | ≥ 0.7 |")
    zipped = r["warm_gzip"]
    print(
        f"| gzip: server CPU ms per warm page, asked ÷ not | {zipped.server_cpu_ms:.2f} / "
        f"{r['warm'].server_cpu_ms:.2f} = {zipped.server_cpu_ms / r['warm'].server_cpu_ms:.2f} "
        f"| |"
    )
    masto, own = r["warm_mastodon"], r["warm"]
    print(
        f"| Mastodon's warm home ÷ Flock's, server CPU ms/req | {masto.server_cpu_ms:.2f} / "
        f"{own.server_cpu_ms:.2f} = {masto.server_cpu_ms / own.server_cpu_ms:.2f} | ≤ 1.3 |"
    )
    print(f"| Mastodon's warm home ÷ Flock's, throughput | {masto.rps / warm:.2f} | |")
    if args.warm_only:
        return
    print(
        f"| fan-out of a new post, feed inserts/s ÷ pipelined ZADD/s of new members | "
        f"{r['fanout_per_s']:.0f} / {r['zadd_per_s']:.0f} = "
        f"{r['fanout_per_s'] / r['zadd_per_s']:.2f} | ≥ 0.8 |"
    )
    print(
        f"| fan-out again (a post already in every feed) ÷ ZADD/s of existing members | "
        f"{r['fanout_again_per_s']:.0f} / {r['zadd_again_per_s']:.0f} = "
        f"{r['fanout_again_per_s'] / r['zadd_again_per_s']:.2f} | |"
    )
    whole, query, push, zadd = r["fanout_parts_ms"]
    print(
        f"| fan-out of a new post, ms (mean of {args.fanout_runs}): the task / its recipients "
        f"query / its pushes / pipelined ZADDs | {whole:.0f} / {query:.0f} / {push:.0f} / "
        f"{zadd:.0f} | |"
    )
    print(
        f"| fan-out lag, {args.fanout_followers:,} followers, p50 / p99 ms (sampled; feeds "
        f"missing it after 10 s: {r['lag_missing']}) | {r['lag']['p50_ms']:.0f} / "
        f"{r['lag']['p99_ms']:.0f} | p99 < 250 |"
    )
    print(
        f"| fan-out lag to every feed, p50 / p99 ms (a full check every 50 ms) | "
        f"{r['lag_complete']['p50_ms']:.0f} / {r['lag_complete']['p99_ms']:.0f} | |"
    )
    print(
        "| warm p99 (1 in flight, 20 posts a page), 10,000 followees ÷ 10 | "
        f"{r['followees_10000'].p99_ms:.1f} / "
        f"{r['followees_10'].p99_ms:.1f} = "
        f"{r['followees_10000'].p99_ms / r['followees_10'].p99_ms:.2f} | ≤ 1.1 |"
    )
    print(
        f"| cold p99 ÷ warm p99, 1 in flight | {r['cold_1'].p99_ms:.1f} / {r['warm_1'].p99_ms:.1f}"
        f" = {r['cold_1'].p99_ms / r['warm_1'].p99_ms:.1f} | ≤ 5 |"
    )
    heavy, light = r["cold_followees_10000"], r["cold_followees_10"]
    print(
        f"| cold p50 / p99 (1 in flight), 10,000 followees ÷ 10 | {heavy.p50_ms:.1f} / "
        f"{light.p50_ms:.1f} = {heavy.p50_ms / light.p50_ms:.2f}; {heavy.p99_ms:.1f} / "
        f"{light.p99_ms:.1f} = {heavy.p99_ms / light.p99_ms:.2f} | ≤ 3 |"
    )
    print(f"| first cold page of a new app process, ms | {r['first_cold_ms']:.0f} | |")
    print(
        f"| mix throughput, p50 / p99 ms | {r['mix'].rps:.0f} req/s, {r['mix'].p50_ms:.1f} / "
        f"{r['mix'].p99_ms:.1f} | a baseline |"
    )


if __name__ == "__main__":
    main()
