"""Monitoring with the tools operators run: the shipped alert rules pass promtool's checks and
unit tests, every metric they and the dashboard name exists, and a real Prometheus scraping a
stack sees FlockWorkerDown fire when the worker stops."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from flock.stack.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "flock.json"


def promtool(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("promtool"), "promtool missing: `make test` installs Debian's prometheus"
    return subprocess.run(["promtool", *args], capture_output=True, text=True, timeout=120)


def test_alert_rules_pass_promtool_checks_and_unit_tests(tmp_path):
    checked = promtool("check", "rules", str(PROMETHEUS_DIR / "alerts.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool("test", "rules", str(PROMETHEUS_DIR / "alerts_test.yml"))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    alerts = set(re.findall(r"- alert: (\w+)", (PROMETHEUS_DIR / "alerts.yml").read_text()))
    unit_tested = set(
        re.findall(r"alertname: (\w+)", (PROMETHEUS_DIR / "alerts_test.yml").read_text())
    )
    assert alerts == unit_tested and len(alerts) >= 9
    config = tmp_path / "prometheus.yml"  # the shipped config, its token file made here
    (tmp_path / "token").write_text("t")
    shutil.copy(PROMETHEUS_DIR / "alerts.yml", tmp_path / "alerts.yml")
    config.write_text(
        (PROMETHEUS_DIR / "prometheus.yml")
        .read_text()
        .replace("/etc/prometheus/flock-metrics-token", str(tmp_path / "token"))
    )
    valid = promtool("check", "config", str(config))
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_every_metric_the_alerts_and_dashboard_name_is_made_by_flock():
    """A typo in an expression would make an alert that never fires: each name must be one
    that Flock's code defines."""
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    named = set(re.findall(r"\bflock_\w+", (PROMETHEUS_DIR / "alerts.yml").read_text()))
    named |= {name for expr in expressions for name in re.findall(r"\bflock_\w+", expr)}
    source = "\n".join(
        path.read_text() for folder in ("flock", "graph", "jobs", "api") for path in
        (ROOT / folder).rglob("*.py")
    )  # fmt: skip
    for name in named:
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        assert f'"{base}"' in source, f"{name} is not a metric Flock defines"
    assert len(named) >= 12


def test_prometheus_fires_flock_worker_down_when_the_worker_stops(isolated_stack, tmp_path):
    """The real Prometheus (Debian's), scraping the isolated stack every second with the
    shipped alert rules; the worker stops; FlockWorkerDown goes pending, then firing."""
    second, settings = isolated_stack
    assert shutil.which("prometheus"), "prometheus missing: `make test` installs it"
    (tmp_path / "token").write_text(settings.metrics_token)
    config = tmp_path / "prometheus.yml"
    config.write_text(
        f"""
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
rule_files: ["{PROMETHEUS_DIR / "alerts.yml"}"]
scrape_configs:
  - job_name: flock
    authorization: {{type: Bearer, credentials_file: "{tmp_path / "token"}"}}
    static_configs: [{{targets: ["127.0.0.1:{settings.port}"]}}]
"""
    )
    port = free_port()
    log = open(tmp_path / "prometheus.log", "w")  # noqa: SIM115 - closed below
    prometheus = subprocess.Popen(
        [
            "prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api/v1"
    worker = second.processes["worker"]
    try:
        _wait(lambda: _query(api, "max(flock_workers_alive)") >= 1, 90, "scraped, worker alive")
        assert _alert_state(api, "FlockWorkerDown") is None
        worker.stop()
        _wait(lambda: _alert_state(api, "FlockWorkerDown") == "pending", 60, "pending")
        _wait(lambda: _alert_state(api, "FlockWorkerDown") == "firing", 90, "firing")
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=30)
        log.close()
        if not worker.alive():
            worker.restart()
        base = f"http://127.0.0.1:{settings.port}"
        _wait(lambda: httpx.get(f"{base}/readyz").status_code == 200, 90, "worker back")


def _query(api: str, expr: str) -> float:
    try:
        result = httpx.get(f"{api}/query", params={"query": expr}, timeout=5).json()
    except (httpx.HTTPError, ValueError):  # not listening yet, or still starting (no JSON)
        return -1
    values = result.get("data", {}).get("result", [])
    return float(values[0]["value"][1]) if values else -1


def _alert_state(api: str, name: str) -> str | None:
    try:
        alerts = httpx.get(f"{api}/alerts", timeout=5).json()["data"]["alerts"]
    except (httpx.HTTPError, ValueError, KeyError):  # still starting
        return None
    states = [a["state"] for a in alerts if a["labels"]["alertname"] == name]
    return states[0] if states else None


def _wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what}")
        time.sleep(0.2)


def test_a_worker_on_its_own_machine_serves_its_metrics(settings, flock_cli):
    """FLOCK_WORKER_METRICS_PORT: a worker with no app beside it is scraped directly."""
    import os
    import sys

    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
        **settings.as_env(),
        "FLOCK_WORKER_METRICS_PORT": str(port),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flock.cli", "worker", "--name", f"alone-{time.time_ns()}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/metrics"

        def canary_counted() -> bool:
            flock_cli("worker", "ping", "--timeout", "10")  # some worker runs it: maybe this one
            try:
                text = httpx.get(url, timeout=5).text
            except httpx.HTTPError:
                return False
            return 'job="jobs.tasks.canary.echo",outcome="done"' in text

        _wait(canary_counted, 120, "the worker's own metrics count a job it ran")
    finally:
        worker.terminate()  # a warm stop: it ends the job in hand (perhaps another test's) first
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()  # stopping a stack is test_supervision's; this test is its metrics
            worker.wait(timeout=30)
