"""The operator's record: structured logs whose request ids follow a request into its jobs, and
the audit trail of security events (who, from where, how it went), chained so that an edited
or removed entry is found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import httpx
from neo4j import GraphDatabase


def log_lines(path) -> list[dict]:
    lines = []
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_request_id_follows_the_request_into_its_jobs(stack, http, new_user, wait_until):
    """Given or made, the id comes back in X-Request-ID; the app's line about the request and
    the worker's line about each job it queued carry it; every line is one JSON object."""
    user = new_user("rq")
    given = f"trace-{uuid.uuid4().hex}"
    made = http.post(
        "/api/tweets", json={"text": "traced"}, headers={**user["auth"], "X-Request-ID": given}
    )
    assert made.status_code == 201 and made.headers["X-Request-ID"] == given
    generated = http.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32 and generated != given
    hostile = http.get("/healthz", headers={"X-Request-ID": "a b;c"}).headers["X-Request-ID"]
    assert hostile != "a b;c" and len(hostile) == 32  # not a sane token: replaced

    app_log = stack.processes["app"].log_path
    worker_log = stack.processes["worker"].log_path

    def worker_ran_its_jobs() -> bool:
        return any(
            line.get("request_id") == given and line["message"] == "job_done"
            for line in log_lines(worker_log)
        )

    wait_until(worker_ran_its_jobs)
    (request_line,) = [
        line
        for line in log_lines(app_log)
        if line.get("request_id") == given and line["message"] == "request"
    ]
    assert request_line["route"] == "/api/tweets" and request_line["status"] == 201
    assert request_line["role"] == "app" and request_line["level"] == "INFO"
    assert {"time", "logger", "pid"} <= set(request_line)
    for line in log_lines(worker_log):
        assert line["role"] == "worker"


def test_security_events_are_audited_with_who_where_and_how(
    http, new_user, sign_up, flock_cli, settings
):
    """Sign-up, failed and good log-ins, a password change and a log-out, each with actor,
    client address, user agent, request id and outcome; an admin reads them through the API,
    an operator with `flock audit`; others may not."""
    browser = {"User-Agent": "AuditTest/1.0"}
    name = f"au{uuid.uuid4().hex[:8]}"
    body = {"username": name, "email": f"{name}@example.org", "password": "first-password-1"}
    assert http.post("/api/auth/signup", json=body, headers=browser).status_code == 201
    wrong = http.post(
        "/api/auth/token", json={"login": name, "password": "not it at all"},
        headers={**browser, "X-Request-ID": "audit-wrong-1"},
    )  # fmt: skip
    assert wrong.status_code == 401
    pair = http.post(
        "/api/auth/token", json={"login": name, "password": "first-password-1"}, headers=browser
    ).json()
    auth = {**browser, "Authorization": f"Bearer {pair['access_token']}"}
    changed = http.put(
        "/api/users/me/password",
        json={"current_password": "first-password-1", "new_password": "second-password-2"},
        headers=auth,
    )
    assert changed.status_code in (200, 204), changed.text
    again = http.post(
        "/api/auth/token", json={"login": name, "password": "second-password-2"}, headers=browser
    ).json()
    auth = {**browser, "Authorization": f"Bearer {again['access_token']}"}
    assert http.post("/api/auth/logout", json={}, headers=auth).status_code == 204

    admin = new_user("ad")
    denied = http.get("/api/admin/audit", params={"user": name}, headers=admin["auth"])
    assert denied.status_code == 403
    granted = flock_cli("users", "grant", admin["username"], "admin")
    assert granted.returncode == 0, granted.stderr
    page = http.get("/api/admin/audit", params={"user": name}, headers=admin["auth"])
    assert page.status_code == 200, page.text
    entries = page.json()["items"]
    assert [(e["event"], e["outcome"]) for e in entries] == [
        ("signup", "ok"),
        ("login", "failed"),
        ("login", "ok"),
        ("password_change", "ok"),
        ("login", "ok"),
        ("logout", "ok"),
    ]
    for entry in entries:
        assert entry["actor"] == name and entry["client"] == "127.0.0.1"
        assert entry["user_agent"] == "AuditTest/1.0" and entry["request_id"]
    assert entries[1]["request_id"] == "audit-wrong-1"
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)

    grants = flock_cli("audit", "--event", "role_grant")
    assert grants.returncode == 0, grants.stderr
    granted_entry = json.loads(grants.stdout.splitlines()[-1])
    assert granted_entry["details"] == {"user": admin["username"], "role": "admin"}
    assert granted_entry["actor"].startswith("operator:")
    mine = flock_cli("audit", "--user", name, "--event", "login")
    assert [json.loads(x)["outcome"] for x in mine.stdout.splitlines()] == ["failed", "ok", "ok"]
    assert "first-password-1" not in page.text + mine.stdout


def test_analytics_queries_are_audited(http, new_user, flock_cli):
    analyst = new_user("an")
    flock_cli("users", "grant", analyst["username"], "analyst")
    ran = http.post("/api/analytics/query", json={"name": "top_hashtags"}, headers=analyst["auth"])
    assert ran.status_code == 200, ran.text
    listed = flock_cli("audit", "--user", analyst["username"], "--event", "analytics_query")
    (entry,) = [json.loads(x) for x in listed.stdout.splitlines()]
    assert entry["details"]["query"] == "top_hashtags"


def test_audit_verify_finds_an_edited_and_a_removed_entry(isolated_stack, sign_up):
    """On a stack of its own (the main stack's chain must stay intact): the chain verifies,
    then an entry edited in the database breaks it at that entry, and so does one removed."""
    _, settings = isolated_stack
    with httpx.Client(base_url=f"http://127.0.0.1:{settings.port}", timeout=30) as http:
        for _ in range(3):
            sign_up(http, "ch")
    env = {**os.environ, **settings.as_env()}

    def verify() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flock.cli", "audit", "verify"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    intact = verify()
    assert intact.returncode == 0 and "audit trail intact" in intact.stdout, intact.stderr
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as neo:
        seq = neo.execute_query("MATCH (e:AuditEvent) RETURN max(e.seq) - 2 AS s").records[0]["s"]
        original = neo.execute_query(
            "MATCH (e:AuditEvent {seq: $seq}) RETURN e.client AS client", seq=seq
        ).records[0]["client"]
        neo.execute_query("MATCH (e:AuditEvent {seq: $seq}) SET e.client = '10.6.6.6'", seq=seq)
        edited = verify()
        assert edited.returncode == 1
        assert f"entry {seq} was changed" in edited.stderr
        neo.execute_query("MATCH (e:AuditEvent {seq: $seq}) SET e.client = $c", seq=seq, c=original)
        assert verify().returncode == 0
        kept = neo.execute_query(
            "MATCH (e:AuditEvent {seq: $seq}) RETURN properties(e) AS p", seq=seq
        ).records[0]["p"]
        neo.execute_query("MATCH (e:AuditEvent {seq: $seq}) DELETE e", seq=seq)
        removed = verify()
        assert removed.returncode == 1 and f"entry {seq} is missing" in removed.stderr
        neo.execute_query("CREATE (e:AuditEvent) SET e = $p", p=kept)
    assert verify().returncode == 0
