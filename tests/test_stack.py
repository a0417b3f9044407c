"""The foundation: the real stack starts, reports readiness, and its parts work end to end."""

from __future__ import annotations

import re
import socket
import time
import uuid

import httpx
import typesense
from neo4j import GraphDatabase

from flock.core.backends import typesense_client


def test_healthz_answers(http):
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_every_dependency_up(http):
    response = http.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"neo4j", "redis", "typesense", "worker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_turns_503_naming_a_stopped_dependency_and_recovers(stack, http):
    typesense_server = stack.processes["typesense"]
    typesense_server.stop()
    try:
        response = http.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["down"] == ["typesense"]
        assert body["checks"]["typesense"]["ok"] is False
        assert body["checks"]["neo4j"]["ok"] is True
    finally:
        typesense_server.start()
        typesense_server.wait_ready()
    assert http.get("/readyz").status_code == 200


def test_unknown_api_route_is_a_problem_document(http):
    response = http.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_schema_migration_is_idempotent(flock_cli, settings):
    first = flock_cli("schema", "apply")
    second = flock_cli("schema", "apply")
    assert first.returncode == 0, first.stderr
    # The app applied the schema when it started, so neither run has anything left to create.
    assert first.stdout.strip() == "schema applied: 0 created"
    assert second.stdout.strip() == "schema applied: 0 created"
    with _driver(settings) as driver:
        names = {r["name"] for r in driver.execute_query("SHOW CONSTRAINTS").records}
    assert {"user_id_unique", "user_username_key_unique", "post_id_unique"} <= names


def test_cypher_round_trip(settings):
    marker = uuid.uuid4().hex
    with _driver(settings) as driver:
        driver.execute_query("CREATE (:RoundTrip {marker: $marker})", marker=marker)
        records = driver.execute_query(
            "MATCH (n:RoundTrip {marker: $marker}) RETURN n.marker AS marker", marker=marker
        ).records
        driver.execute_query("MATCH (n:RoundTrip {marker: $marker}) DELETE n", marker=marker)
    assert [r["marker"] for r in records] == [marker]


def test_real_worker_runs_a_job(flock_cli, stack):
    result = flock_cli("worker", "ping")
    assert result.returncode == 0, result.stderr
    # The canary reports the pid it ran in: the stack's worker process, not the CLI.
    assert f"worker pid {stack.processes['worker'].process.pid} ran the canary job" in result.stdout


def test_typesense_round_trip(settings):
    client = typesense_client(settings)
    name = f"roundtrip_{uuid.uuid4().hex[:8]}"
    client.collections.create({"name": name, "fields": [{"name": "text", "type": "string"}]})
    try:
        client.collections[name].documents.create({"id": "1", "text": "hello flock"})
        found = client.collections[name].documents.search({"q": "helo", "query_by": "text"})
        assert found["found"] == 1
        assert found["hits"][0]["document"]["text"] == "hello flock"
    finally:
        client.collections[name].delete()
    try:
        client.collections[name].retrieve()
        raise AssertionError("collection still exists")
    except typesense.exceptions.ObjectNotFound:
        pass


def test_settings_come_from_environment(flock_cli):
    result = flock_cli("settings", env={"FLOCK_PORT": "9123", "FLOCK_FANOUT_LIMIT": "42"})
    assert result.returncode == 0, result.stderr
    lines = set(result.stdout.splitlines())
    assert "FLOCK_PORT=9123" in lines
    assert "FLOCK_FANOUT_LIMIT=42" in lines
    assert "FLOCK_SECRET_KEY=********" in lines  # secrets are never printed


def test_malformed_setting_is_refused_clearly(flock_cli):
    result = flock_cli("settings", env={"FLOCK_PORT": "eighty"})
    assert result.returncode == 2
    assert "FLOCK_PORT='eighty' is not a number" in result.stderr


def test_run_with_a_busy_port_stops_and_names_the_service(flock_cli, settings, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = flock_cli(
            "run",
            env={
                "FLOCK_VAR_DIR": str(tmp_path),
                "FLOCK_REDIS_URL": "",
                "FLOCK_REDIS_PORT": str(port),
            },
        )
    assert result.returncode == 1
    assert f"redis: port {port} on 127.0.0.1 is already in use" in result.stderr


def test_run_with_a_service_dying_at_start_stops_everything(flock_cli, settings, tmp_path):
    redis_port = _free_port()
    result = flock_cli(
        "run",
        env={
            "FLOCK_VAR_DIR": str(tmp_path),
            "FLOCK_NEO4J_URI": "",
            "FLOCK_NEO4J_BOLT_PORT": str(_free_port()),
            "FLOCK_NEO4J_HEAP": "not-a-size",
            "FLOCK_REDIS_URL": "",
            "FLOCK_REDIS_PORT": str(redis_port),
        },
    )
    assert result.returncode == 1
    assert "neo4j exited while starting" in result.stderr
    assert str(tmp_path / "neo4j" / "logs" / "console.log") in result.stderr
    time.sleep(0.5)
    with socket.socket() as probe:  # the redis it started first was stopped again
        assert probe.connect_ex(("127.0.0.1", redis_port)) != 0


def _driver(settings):
    return GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_metrics_count_requests_by_route_and_report_the_queue(http):
    assert http.get("/healthz").status_code == 200
    assert http.get("/api/users/nobody_at_all").status_code == 404
    response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    healthz = re.search(
        r'flock_http_requests_total\{method="GET",route="/healthz",status="200"\} (\d+)', text
    )
    assert healthz and float(healthz.group(1)) >= 1
    assert 'route="/api/users/<username>",status="404"' in text
    assert 'flock_http_request_seconds_bucket{le="0.005",method="GET",route="/healthz"}' in text
    assert re.search(r'flock_jobs\{queue="default",state="failed"\} \d', text)
    assert 'flock_up{dependency="neo4j"} 1.0' in text
    assert re.search(r"flock_workers_alive [1-9]", text)


def test_an_idle_worker_keeps_saying_it_is_alive(settings, wait_until):
    """The worker's sign of life does not depend on job traffic: with nothing queued it is
    renewed every few seconds and lives only seconds (so /readyz knows within seconds)."""
    import redis

    from jobs.tasks.upkeep import LIVENESS_TTL, liveness_key

    with redis.Redis.from_url(settings.redis_url) as r:
        keys = list(r.scan_iter(match=liveness_key("*")))
        assert keys, "no worker says it is alive"
        assert 0 < r.ttl(keys[0]) <= LIVENESS_TTL
        first = int(r.get(keys[0]))
        wait_until(lambda: r.get(keys[0]) is not None and int(r.get(keys[0])) > first, 15)


def test_log_ins_do_not_stall_other_requests(base_url, new_user, settings):
    """Password hashing runs off the event loop: while 32 failed log-ins run, 16 at a time,
    /healthz keeps answering at once."""
    import statistics
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    user = new_user("ar")
    latencies, done = [], threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while not done.is_set():
                started = time.perf_counter()
                client.get("/healthz")
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)

    def guess(i: int) -> int:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            body = {"login": f"nobody{i}{user['username']}", "password": "not the password"}
            return client.post("/api/auth/token", json=body).status_code

    prober = threading.Thread(target=probe)
    prober.start()
    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(guess, range(32)))
    done.set()
    prober.join()
    assert set(codes) <= {401, 429}
    assert len(latencies) >= 5
    assert statistics.quantiles(latencies, n=10)[-1] < 0.5, sorted(latencies)[-5:]


def test_every_named_query_is_planned_when_the_app_starts(settings, wait_until):
    """Each statement of cypher/queries runs once with the example parameters of its header,
    rolled back, so its first user does not wait for the planner; a header that does not fit
    its statement shows up here."""
    import json

    from cypher import names

    log = settings.var_dir / "logs" / "app.log"

    def lines() -> list[dict]:
        rows = []
        for line in log.read_text(errors="replace").splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # Hypercorn's own lines
        return rows

    wait_until(lambda: any(r.get("message") == "queries_warmed_up" for r in lines()), timeout=120)
    failed = [r for r in lines() if r.get("message") == "query_warm_up_failed"]
    assert failed == []
    done = next(r for r in lines() if r.get("message") == "queries_warmed_up")
    assert done["count"] == len(names("queries"))
