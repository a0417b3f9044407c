"""`flock run` as an operator runs it: a child that dies is started again while the rest keep
serving, Ctrl-C stops everything, and the README's maintenance commands find the running stack
with nothing but FLOCK_VAR_DIR set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import jwt
import pytest
import redis
from helpers import flock_run, stack_env
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from flock.core.db import SyncGraph
from flock.core.settings import STACK_FILE, Settings
from jobs.stores.copies import family_key, valid_after_key
from jobs.stores.feeds import SENTINEL, feed_key

SERVICES_IN_KILL_ORDER = ("worker", "app", "redis", "typesense", "neo4j")


def clean_env(var_dir) -> dict[str, str]:
    """What a person's shell has: no FLOCK_* URL, only where the stack keeps its data."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")}
    return {**keep, "FLOCK_VAR_DIR": str(var_dir)}


def flock(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flock.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


class RunningStack:
    def __init__(self, var_dir, process: subprocess.Popen, port: int):
        self.var_dir, self.process = var_dir, process
        self.base = f"http://127.0.0.1:{port}"

    def record(self) -> dict | None:
        try:
            return json.loads((self.var_dir / STACK_FILE).read_text())
        except (OSError, ValueError):
            return None

    def pid(self, service: str) -> int | None:
        record = self.record()
        return record["services"][service]["pid"] if record else None

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.base}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False


@pytest.fixture(scope="module")
def running(tmp_path_factory, wait_until):
    """`flock run` in its own var directory on free ports, as `make run` starts it."""
    env = stack_env(tmp_path_factory.mktemp("supervised"))
    with flock_run(env, wait_until=wait_until) as process:
        yield RunningStack(Path(env["FLOCK_VAR_DIR"]), process, int(env["FLOCK_PORT"]))


def test_readme_commands_find_the_running_stack(running, tmp_path):
    env = clean_env(running.var_dir)
    edges = tmp_path / "tiny.edges"
    edges.write_text("1 2\n2 3\n3 1\n")
    for args, says in [
        (("schema", "apply"), "schema applied"),
        (("seed", str(edges), "--tweets-per-user", "1"), "seeded 3 users"),
        (("timelines", "rebuild"), "rebuilt"),
        (("search", "reindex"), "indexed"),
        (("cypher", "most_followed", "--format", "json"), '"followers": 2'),
        (("worker", "ping"), "ran the canary job"),
    ]:
        result = flock(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
        assert says in result.stdout, (args, result.stdout)
    frame = subprocess.run(
        [sys.executable, "-c",
         "from graph.analytics import dataframe; print(len(dataframe('most_followed')))"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert frame.returncode == 0, frame.stderr
    assert int(frame.stdout) >= 3


def test_the_app_serves_from_one_process_per_core_by_default(running):
    """`flock run` without FLOCK_WEB_WORKERS: one Hypercorn worker process per core this
    machine lets it use, in the app's process group (they all die and restart with it)."""
    group = running.pid("app")
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != group:
                continue
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError):
            continue
        if b"spawn_main" in command:
            workers.append(command)
    assert len(workers) == len(os.sched_getaffinity(0)), workers
    assert httpx.get(f"{running.base}/healthz", timeout=10).status_code == 200


def test_commands_say_in_one_line_when_no_stack_runs(tmp_path):
    result = flock("timelines", "rebuild", env=clean_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("flock: no Flock stack is running under")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_child_that_dies_is_started_again_while_the_rest_serve(running, wait_until):
    """Each child in turn is killed (-9); the supervisor starts it again, `/healthz` kept
    answering unless the app itself was the one killed, and the site works afterwards."""
    failures: dict[str, int] = {}
    current = {"killed": ""}
    stop = threading.Event()

    def load() -> None:  # a bounded, light load: one health check every 50 ms
        with httpx.Client(base_url=running.base, timeout=5) as client:
            while not stop.wait(0.05):
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if not ok:
                    failures[current["killed"]] = failures.get(current["killed"], 0) + 1

    loader = threading.Thread(target=load, daemon=True)
    loader.start()
    try:
        for service in SERVICES_IN_KILL_ORDER:
            before = running.pid(service)
            current["killed"] = service
            os.killpg(before, signal.SIGKILL)
            wait_until(lambda s=service, b=before: running.pid(s) not in (None, b), 60)
            wait_until(running.ready, timeout=240)
            current["killed"] = ""
    finally:
        stop.set()
        loader.join()
    assert set(failures) <= {"app"}, failures
    record = running.record()
    assert {s: record["services"][s]["restarts"] for s in SERVICES_IN_KILL_ORDER} == dict.fromkeys(
        SERVICES_IN_KILL_ORDER, 1
    )
    metrics = httpx.get(f"{running.base}/metrics").text
    assert 'flock_stack_restarts{service="neo4j"} 1.0' in metrics

    with httpx.Client(base_url=running.base, timeout=30) as http:
        names = []
        for prefix in ("sa", "sb"):
            name = f"{prefix}{os.urandom(4).hex()}"
            body = {"username": name, "email": f"{name}@example.org", "password": "pw-after-kills"}
            assert http.post("/api/auth/signup", json=body).status_code == 201
            names.append(name)
        auth = []
        for name in names:
            pair = http.post("/api/auth/token", json={"login": name, "password": "pw-after-kills"})
            auth.append({"Authorization": f"Bearer {pair.json()['access_token']}"})
        assert http.put(f"/api/users/{names[0]}/follow", headers=auth[1]).status_code == 200
        http.get("/api/timeline", headers=auth[1])
        posted = http.post("/api/tweets", json={"text": "after the storm"}, headers=auth[0])
        assert posted.status_code == 201

        def reaches_the_follower() -> bool:
            items = http.get("/api/timeline", headers=auth[1]).json()["items"]
            return [p["text"] for p in items] == ["after the storm"]

        wait_until(reaches_the_follower, 60)
        wait_until(lambda: http.get("/api/search", params={"q": "storm"}).json()["items"] != [], 60)


@pytest.fixture(scope="module")
def hub(running, tmp_path_factory):
    """username_0 followed by FANS active accounts whose feeds exist, seeded in bulk; the hub's
    API token and the fans' ids."""
    edges = tmp_path_factory.mktemp("hub") / "star.edges"
    edges.write_text("".join(f"0 {i}\n" for i in range(100_000, 100_000 + FANS)))
    env = clean_env(running.var_dir)
    seeded = flock("seed", str(edges), "--tweets-per-user", "0", env=env, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    record = running.record()
    rds = redis.Redis.from_url(record["redis_url"])
    with SyncGraph(Settings.from_env(env).with_running_stack()) as graph:
        found = graph.read("queries/user_id_by_username", username="username_0", viewer_id=None)
        hub_id = found[0]["id"]
        fans = [
            i for ids in graph.batches("queries/follower_ids", 1000, author_id=hub_id) for i in ids
        ]
    with rds.pipeline(transaction=False) as pipe:
        for fan in fans:
            pipe.zadd(feed_key(fan), {SENTINEL: 0})  # materialised (empty) feeds get fan-out
        pipe.execute()
    pair = httpx.post(
        f"{running.base}/api/auth/token",
        json={"login": "username_0", "password": "seeded-password-1"}, timeout=30,
    )  # fmt: skip
    assert pair.status_code == 200, pair.text
    yield {"auth": {"Authorization": f"Bearer {pair.json()['access_token']}"}, "fans": fans}
    rds.close()


FANS = 9000  # under FLOCK_FANOUT_LIMIT: fanned out on write


def everyone_has(running, fans: list[int], post_ids: list[str]) -> bool:
    with redis.Redis.from_url(running.record()["redis_url"]) as rds:
        with rds.pipeline(transaction=False) as pipe:
            for fan in fans:
                for post_id in post_ids:
                    pipe.zscore(feed_key(fan), post_id)
            return all(score is not None for score in pipe.execute())


def test_a_fan_out_whose_worker_died_is_finished_by_another(running, hub, wait_until):
    """The worker is killed while the fan-out job is running; within a minute every follower
    has the post all the same (abandoned jobs are requeued within seconds)."""
    rds = redis.Redis.from_url(running.record()["redis_url"])
    started = StartedJobRegistry("default", connection=rds)
    for _attempt in range(10):
        worker_pid = running.pid("worker")
        posted = httpx.post(
            f"{running.base}/api/tweets", json={"text": "mid fan-out"}, headers=hub["auth"],
            timeout=30,
        )  # fmt: skip
        assert posted.status_code == 201
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not started.get_job_ids(cleanup=False):
            time.sleep(0.002)
        if not started.get_job_ids(cleanup=False):
            continue  # it finished before it was seen running: try again
        os.killpg(worker_pid, signal.SIGKILL)
        if not everyone_has(running, hub["fans"], [posted.json()["id"]]):
            break  # caught it half done
        wait_until(lambda p=worker_pid: running.pid("worker") != p, 60)
        wait_until(running.ready, 60)
    else:
        pytest.fail("never caught the fan-out job half done")
    try:
        wait_until(lambda: everyone_has(running, hub["fans"], [posted.json()["id"]]), 60)
    except AssertionError:
        queue = Queue("default", connection=rds)
        state = {
            "queued": queue.count,
            "started": started.get_job_ids(cleanup=False),
            "scheduled": ScheduledJobRegistry(queue=queue).get_job_ids(),
            "failed": FailedJobRegistry(queue=queue).get_job_ids(),
            "alive": [k.decode() for k in rds.scan_iter(match="worker-alive:*")],
            "worker_log": (running.var_dir / "logs" / "worker.log").read_text()[-3000:],
        }
        raise AssertionError(f"the post did not reach every follower: {state}") from None
    rds.close()


def test_posts_reach_every_follower_across_a_redis_restart(running, hub, wait_until):
    """Redis is killed while the worker is busy fanning out; posts made before, during and after
    all reach every follower within a minute."""
    post_ids = []

    def post(text: str) -> None:
        answer = httpx.post(
            f"{running.base}/api/tweets", json={"text": text}, headers=hub["auth"], timeout=30
        )
        assert answer.status_code == 201, answer.text
        post_ids.append(answer.json()["id"])

    for i in range(3):
        post(f"before {i}")
    os.killpg(running.pid("redis"), signal.SIGKILL)
    for i in range(3):
        post(f"during {i}")
    wait_until(running.ready, timeout=120)
    post("after")
    wait_until(lambda: everyone_has(running, hub["fans"], post_ids), 60)


def test_writes_redis_took_back_at_a_restart_are_made_good(running, wait_until):
    """A Redis restart (or a failover) can take back writes it acknowledged. Two such losses
    are made by hand: a post taken out of a follower's feed, and the copy of "log out
    everywhere" put back to before it, which lets the old token in again. After Redis restarts
    (a new life of the master), the follower sees the post and the old token is refused."""
    with httpx.Client(base_url=running.base, timeout=30) as http:
        author, reader = (_signed_up(http, prefix) for prefix in ("ra", "rr"))
        assert http.put(f"/api/users/{author['name']}/follow", headers=reader["auth"]).is_success
        http.get("/api/timeline", headers=reader["auth"])  # active: gets fan-out
        posted = http.post("/api/tweets", json={"text": "kept"}, headers=author["auth"]).json()

        def timeline(auth) -> list[str]:
            return [p["id"] for p in http.get("/api/timeline", headers=auth).json()["items"]]

        wait_until(lambda: timeline(reader["auth"]) == [posted["id"]])
        old = reader["auth"]
        old_token = old["Authorization"].removeprefix("Bearer ")
        assert http.post("/api/auth/logout/everywhere", headers=old).status_code == 204
        assert http.get("/api/timeline", headers=old).status_code == 401
        reader = _signed_up(http, reader["name"], existing=True)
        reader_id = http.get(f"/api/users/{reader['name']}").json()["id"]
        assert timeline(reader["auth"]) == [posted["id"]]  # its token's facts are copied now
        rds = redis.Redis.from_url(running.record()["redis_url"])
        rds.zrem(feed_key(int(reader_id)), posted["id"])
        rds.set(valid_after_key(int(reader_id)), repr(0.0), ex=3600)
        rds.set(family_key(jwt.decode(old_token, options={"verify_signature": False})["fam"]),
                "live", ex=3600)  # fmt: skip
        assert timeline(reader["auth"]) == []  # the losses show
        let_in = http.get("/api/timeline", headers=old)
        assert let_in.status_code == 200, let_in.text
        rds.close()
        before = running.pid("redis")
        os.killpg(before, signal.SIGKILL)
        wait_until(lambda: running.pid("redis") not in (None, before), 60)
        wait_until(running.ready, timeout=120)
        wait_until(lambda: http.get("/api/timeline", headers=old).status_code == 401, 60)
        wait_until(lambda: timeline(reader["auth"]) == [posted["id"]], 60)


def _signed_up(http: httpx.Client, prefix: str, existing: bool = False) -> dict:
    name = prefix if existing else f"{prefix}{os.urandom(4).hex()}"
    if not existing:
        body = {"username": name, "email": f"{name}@example.org", "password": "pw-restarted"}
        assert http.post("/api/auth/signup", json=body).status_code == 201
    pair = http.post("/api/auth/token", json={"login": name, "password": "pw-restarted"})
    return {"name": name, "auth": {"Authorization": f"Bearer {pair.json()['access_token']}"}}


def test_ctrl_c_stops_every_process(running, wait_until):
    pids = [state["pid"] for state in running.record()["services"].values()]
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=120) == 0
    assert not (running.var_dir / STACK_FILE).exists()

    def gone(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    wait_until(lambda: all(gone(pid) for pid in pids), 30)
