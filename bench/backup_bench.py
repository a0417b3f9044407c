"""Backup and restore on socfb-Reed98: archive size, backup time, the pause that writers see and
what readers see meanwhile, restore time until `/readyz` is green (RTO), and the data at risk
between scheduled backups (RPO).

    .venv/bin/python bench/backup_bench.py [--tweets-per-user 10] [--images 100]

It starts a throw-away stack, seeds the data set (ten tweets per user by default, reposts and
quotes, and images attached to posts), then runs `flock backup` while one client keeps posting
and four keep reading home timelines; stops the stack, deletes its data directory, runs
`flock restore` into a new one and starts a stack on it. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from PIL import Image, ImageDraw
from throwaway import DATASET, PORTS, bench_tokens, throwaway_stack

from flock.core.db import SyncGraph
from flock.core.settings import Settings
from flock.stack.processes import free_port
from flock.stack.stack import Stack
from graph.seed import read_edges, seed_social_graph
from jobs.backups.archive import new_key
from jobs.queue import sync_redis
from jobs.tasks.context import WorkerContext
from jobs.tasks.feeds import rebuild_feeds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--tweets-per-user", type=int, default=10)
    parser.add_argument("--images", type=int, default=100)
    parser.add_argument("--every-hours", type=float, default=24.0, help="for the RPO line")
    args = parser.parse_args()
    key, _ = new_key()
    archives = Path(tempfile.mkdtemp(prefix="flock-bench-archives-"))
    stack = throwaway_stack()
    print("starting a throw-away stack...", flush=True)
    settings = stack.start()
    env = {**os.environ, **settings.as_env(), "FLOCK_BACKUP_KEY": key}
    try:
        base = f"http://{settings.host}:{settings.port}"
        tokens = seed(settings, args)
        upload_images(base, list(tokens.values()), args.images)
        wait_for_worker(settings)  # the images' versions are rendered before the load starts
        during = backup_under_load(base, tokens, env, archives)
    finally:
        stack.stop()
    shutil.rmtree(settings.var_dir)
    (archive,) = archives.iterdir()
    restored = restore_elsewhere(archive, key)
    report(args, during, archive, restored)
    shutil.rmtree(archives)


def seed(settings, args) -> dict[int, str]:
    print(f"seeding {args.dataset.name} with {args.tweets_per_user} tweets a user...", flush=True)
    with SyncGraph(settings, long=True) as graph:
        ids = seed_social_graph(
            graph, read_edges(args.dataset), args.tweets_per_user, "bench-password-1"
        )
        os.environ.update(settings.as_env())
        context = WorkerContext(settings, graph, sync_redis(settings.redis_url))
        rebuild_feeds(context, None, lambda _: None)
        users = list(ids.values())
        return dict(zip(users, bench_tokens(graph, settings, users), strict=True))


def upload_images(base: str, tokens: list[str], count: int) -> None:
    print(f"uploading {count} images...", flush=True)
    rng = random.Random(7)
    with httpx.Client(base_url=base, timeout=60) as http:
        for n in range(count):
            auth = {"Authorization": f"Bearer {rng.choice(tokens)}"}
            made = http.post("/api/media", files={"file": ("p.jpg", picture(rng))}, headers=auth)
            made.raise_for_status()
            http.post(
                "/api/tweets", json={"text": f"picture {n}", "media_ids": [made.json()["id"]]},
                headers=auth,
            ).raise_for_status()  # fmt: skip


def wait_for_worker(settings) -> None:
    from rq import Queue
    from rq.registry import StartedJobRegistry

    queue = Queue("default", connection=sync_redis(settings.redis_url))
    while queue.count or StartedJobRegistry(queue=queue).count:
        time.sleep(0.2)


def picture(rng: random.Random) -> bytes:
    """A photo-sized JPEG with some detail, so that its size is like a phone's upload."""
    side = 1600
    image = Image.effect_noise((side, side), 60).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(20):
        x, y = rng.randrange(side), rng.randrange(side)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + 300, y + 200), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def backup_under_load(base: str, tokens: dict[int, str], env: dict, archives: Path) -> dict:
    """`flock backup` while one client posts and four read timelines, all the time."""
    writes: list[tuple[float, float, int]] = []
    reads: list[tuple[float, float, int]] = []
    stop = threading.Event()
    users = list(tokens)

    def writer():
        rng = random.Random(1)
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                auth = {"Authorization": f"Bearer {tokens[rng.choice(users)]}"}
                began = time.monotonic()
                status = http.post("/api/tweets", json={"text": "now"}, headers=auth).status_code
                writes.append((began, time.monotonic(), status))

    def reader(seed: int):
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                auth = {"Authorization": f"Bearer {tokens[rng.choice(users)]}"}
                began = time.monotonic()
                status = http.get("/api/timeline?limit=20", headers=auth).status_code
                reads.append((began, time.monotonic(), status))

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader, args=(n,)) for n in range(4)
    ]
    for thread in threads:
        thread.start()
    time.sleep(5)  # a baseline of the same load before the backup
    print("backing up under load...", flush=True)
    started = time.monotonic()
    made = subprocess.run(
        [sys.executable, "-m", "flock.cli", "backup", "--to", str(archives)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    ended = time.monotonic()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    if made.returncode != 0:
        raise SystemExit(made.stderr)
    paused = float(re.search(r"graph writes paused ([\d.]+)s", made.stdout).group(1))
    refused = [w for w in writes if w[2] == 503]
    return {
        "backup_seconds": ended - started,
        "paused_seconds": paused,
        "refused": len(refused),
        "refused_window": (max(w[1] for w in refused) - min(w[0] for w in refused))
        if refused
        else 0.0,
        "other_write_errors": sum(1 for w in writes if w[2] not in (201, 503)),
        "writes": len(writes),
        "read_errors": sum(1 for r in reads if r[2] != 200),
        "reads_before": [r[1] - r[0] for r in reads if r[1] < started],
        "reads_during": [r[1] - r[0] for r in reads if r[0] >= started and r[1] <= ended],
        "output": made.stdout.strip().splitlines()[-1],
    }


def restore_elsewhere(archive: Path, key: str) -> dict:
    """`flock restore` into a new data directory on new ports, then a stack on it, timed until
    /readyz answers 200."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")},
        "FLOCK_VAR_DIR": tempfile.mkdtemp(prefix="flock-bench-restored-"),
        "FLOCK_BACKUP_KEY": key,
        "FLOCK_LOG_LEVEL": "WARNING",
        **{f"FLOCK_{name}": str(free_port()) for name in PORTS},
    }
    print("restoring into a new data directory...", flush=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "flock.cli", "restore", str(archive)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    restored_at = time.monotonic()
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    serving = Stack(Settings.from_env(env))
    settings = serving.start()
    try:
        url = f"http://{settings.host}:{settings.port}/readyz"
        while httpx.get(url, timeout=5).status_code != 200:
            time.sleep(0.1)
        ready_at = time.monotonic()
    finally:
        serving.stop()
        shutil.rmtree(settings.var_dir, ignore_errors=True)
    return {
        "restore_seconds": restored_at - started,
        "rto_seconds": ready_at - started,
        "output": done.stdout.strip().splitlines()[-1],
        "stages": [line for line in done.stdout.splitlines() if re.search(r": [\d.]+s$", line)],
    }


def ms(samples: list[float], q: float) -> str:
    if len(samples) < 2:
        return "-"
    return f"{statistics.quantiles(samples, n=100)[int(q) - 1] * 1000:.0f}"


def report(args, during: dict, archive: Path, restored: dict) -> None:
    before, under = during["reads_before"], during["reads_during"]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    data = f"{args.dataset.name}, {args.tweets_per_user} tweets a user, {args.images} images"
    refused = f"{during['refused']} of {during['writes']}, within {during['refused_window']:.2f} s"
    rows = [
        ("machine", machine),
        ("data", data),
        ("backup", during["output"]),
        ("archive size", f"{archive.stat().st_size / 1e6:.1f} MB"),
        ("backup time (wall, CLI start to exit)", f"{during['backup_seconds']:.1f} s"),
        ("graph writes paused (measured by the backup)", f"{during['paused_seconds']:.2f} s"),
        ("writes refused with 503 (of all during the run)", refused),
        ("other write errors", str(during["other_write_errors"])),
        ("read errors", str(during["read_errors"])),
        ("timeline p50 / p99 ms before the backup", _quantiles(before)),
        ("timeline p50 / p99 ms during the backup", _quantiles(under)),
        ("restore", restored["output"]),
        ("restore time (CLI)", f"{restored['restore_seconds']:.1f} s"),
        ("restore stages", "; ".join(restored["stages"])),
        ("RTO: restore start to /readyz 200", f"{restored['rto_seconds']:.1f} s"),
        ("RPO", f"FLOCK_BACKUP_EVERY_HOURS ({args.every_hours:g} h) + the backup's time"),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def _quantiles(samples: list[float]) -> str:
    return f"{ms(samples, 50)} / {ms(samples, 99)} ({len(samples)} reads)"


if __name__ == "__main__":
    main()
