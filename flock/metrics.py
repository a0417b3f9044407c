"""Prometheus metrics at `/metrics`, for every process of this machine.

Counted where they happen (prometheus-client, in each process): requests by route template
and status with their latency (here), home-timeline pages by path and post-cache lookups
(graph/), rate-limit refusals and log-in failures (graph/), jobs by queue, function and outcome
with their run time and queue-to-done latency, and fan-out lag (jobs/). With several app or
worker processes, `flock run` gives them one PROMETHEUS_MULTIPROC_DIR and this endpoint sums
them (prometheus-client's multiprocess mode); a worker on another machine serves its own on
FLOCK_WORKER_METRICS_PORT.

Read at scrape time: whether Neo4j, Redis, Typesense and a worker answer (`flock_up`), how many
workers are alive, the RQ queue by state, jobs kept in the graph while Redis was down, the time
of the last good backup, and the supervisor's restarts.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from quart import Blueprint, Quart, Response, g, request
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from api.problems import problem_response
from flock.core.settings import running_stack
from flock.health import dependency_report
from graph.serving import backends
from jobs.backups.export import last_good
from jobs.queue import QUEUE_NAMES, sync_redis
from jobs.tasks.upkeep import alive_worker_names

blueprint = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "flock_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "flock_http_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def install_metrics(app: Quart) -> None:
    app.register_blueprint(blueprint)

    @app.before_request
    async def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    async def count_request(response):
        started = g.get("metrics_started")
        if started is not None:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        return response


@blueprint.get("/metrics")
async def metrics():
    """Every process's metrics in Prometheus' text format: for a client that sends the bearer
    token FLOCK_METRICS_TOKEN or, when none is set, for loopback clients only."""
    settings = backends().settings
    if not _may_scrape(settings):
        return problem_response(403, "Metrics are for the operator's monitoring only.")
    now = _Snapshot()
    now.up = {name: result["ok"] for name, result in (await dependency_report()).items()}
    await asyncio.gather(
        asyncio.to_thread(_read_redis, settings, now),
        _read_graph(now),
        return_exceptions=True,  # a dependency down leaves its values out, never the scrape
    )
    stack = running_stack(settings.var_dir)  # the supervisor's record, when it runs one
    now.restarts = {k: v["restarts"] for k, v in (stack or {}).get("services", {}).items()}
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(now)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(settings) -> bool:
    if settings.metrics_token:
        expected = f"Bearer {settings.metrics_token}"
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), expected.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


class _ThisProcess:
    """This process's own metrics (without multiprocess mode)."""

    def collect(self):
        return REGISTRY.collect()


class _Snapshot:
    """What is read at scrape time, as gauges."""

    def __init__(self):
        self.up: dict[str, bool] = {}
        self.workers: int | None = None
        self.jobs: dict[tuple[str, str], int] = {}
        self.kept_jobs: int | None = None
        self.last_backup: float | None = None
        self.restarts: dict[str, int] = {}

    def collect(self):
        up = GaugeMetricFamily("flock_up", "A dependency answers (1) or not", labels=["dependency"])
        for name, ok in self.up.items():
            up.add_metric([name], 1 if ok else 0)
        yield up
        if self.workers is not None:
            yield GaugeMetricFamily("flock_workers_alive", "Workers alive now", value=self.workers)
        jobs = GaugeMetricFamily(
            "flock_jobs", "RQ jobs by queue and state", labels=["queue", "state"]
        )
        for (queue, state), count in self.jobs.items():
            jobs.add_metric([queue, state], count)
        yield jobs
        if self.kept_jobs is not None:
            kept = "Jobs kept in the graph while Redis was down"
            yield GaugeMetricFamily("flock_kept_jobs", kept, value=self.kept_jobs)
        if self.last_backup is not None:
            yield GaugeMetricFamily(
                "flock_backup_last_success_timestamp_seconds",
                "When the last good backup was made (Unix time; 0: none yet)",
                value=self.last_backup,
            )
        restarts = GaugeMetricFamily(
            "flock_stack_restarts",
            "Times `flock run` started a child again after it died",
            labels=["service"],
        )
        for service, count in self.restarts.items():
            restarts.add_metric([service], count)
        yield restarts


def _read_redis(settings, now: _Snapshot) -> None:
    r = sync_redis(settings.redis_url, settings.ca_file)
    now.workers = len(alive_worker_names(r))
    for name in QUEUE_NAMES:
        queue = Queue(name, connection=r)
        now.jobs[(name, "queued")] = queue.count
        now.jobs[(name, "started")] = StartedJobRegistry(queue=queue).count
        now.jobs[(name, "scheduled")] = ScheduledJobRegistry(queue=queue).count
        now.jobs[(name, "failed")] = FailedJobRegistry(queue=queue).count
    good = last_good(r)
    now.last_backup = good["at"] if good else 0.0


async def _read_graph(now: _Snapshot) -> None:
    row = await backends().graph.read_one("queries/pending_job_count")
    now.kept_jobs = row["jobs"] if row else 0
