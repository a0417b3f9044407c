"""`flock run --web-processes 2 --workers 2`: two app processes behind Debian's nginx and two
workers, serving one site: requests spread over both apps, a journey through nginx works, and
with one app killed nginx sends reads to the other while the supervisor starts it again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from flock.settings import STACK_FILE
from flock.stack.processes import free_port


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, wait_until):
    var_dir = tmp_path_factory.mktemp("scaled")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")},
        "FLOCK_VAR_DIR": str(var_dir),
        "FLOCK_PORT": str(port),
        **{
            f"FLOCK_{name}": str(free_port())
            for name in (
                "NEO4J_BOLT_PORT",
                "REDIS_PORT",
                "TYPESENSE_PORT",
                "TYPESENSE_PEERING_PORT",
            )
        },
    }
    log = open(var_dir / "flock-run.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "flock.cli", "run", "--web-processes", "2", "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return process.poll() is not None

    try:
        wait_until(ready, timeout=300)
        assert process.poll() is None, (var_dir / "flock-run.log").read_text()
        yield base, var_dir
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def services(var_dir) -> dict:
    return json.loads((var_dir / STACK_FILE).read_text())["services"]


def served_by(var_dir, label: str, request_id: str) -> bool:
    text = (var_dir / "logs" / f"{label}.log").read_text(errors="replace")
    return f'"request_id": "{request_id}"' in text


def test_two_apps_behind_nginx_and_two_workers_serve_one_site(scaled, sign_up, wait_until):
    base, var_dir = scaled
    assert {"app", "app-2", "worker", "worker-2", "nginx"} <= set(services(var_dir))
    with httpx.Client(base_url=base, timeout=30) as http:
        ids = []
        for _ in range(20):
            response = http.get("/healthz")
            assert response.status_code == 200
            ids.append(response.headers["X-Request-ID"])  # made by nginx, kept by the app
        wait_until(lambda: any(served_by(var_dir, "app", i) for i in ids))
        wait_until(lambda: any(served_by(var_dir, "app-2", i) for i in ids))
        reader, author = sign_up(http, "sr"), sign_up(http, "sa")
        assert http.put(
            f"/api/users/{author['username']}/follow", headers=reader["auth"]
        ).is_success
        http.get("/api/timeline", headers=reader["auth"])  # active: gets fan-out
        posted = http.post("/api/tweets", json={"text": "through nginx"}, headers=author["auth"])
        assert posted.status_code == 201, posted.text

        def reader_sees_it() -> bool:
            items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
            return [p["id"] for p in items] == [posted.json()["id"]]

        wait_until(reader_sees_it)


def test_reads_keep_succeeding_when_an_app_process_dies(scaled, wait_until):
    base, var_dir = scaled
    os.kill(services(var_dir)["app"]["pid"], signal.SIGKILL)
    failures = 0
    with httpx.Client(base_url=base, timeout=30) as http:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if http.get("/healthz").status_code != 200:
                failures += 1
    assert failures == 0  # nginx took the other app for every read
    wait_until(lambda: services(var_dir)["app"]["restarts"] >= 1, timeout=60)
