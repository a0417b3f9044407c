"""Prometheus metrics at `/metrics`: requests by route and status, their latency, the RQ
queue (waiting, scheduled for retry, failed) and the time of the last good backup, read from
Redis at scrape time, home-timeline pages
by path (hot or cold) and the hits and misses of the Redis post copy.

One process's view: with FLOCK_WEB_WORKERS above 1, each Hypercorn worker counts its own
requests (prometheus-client's multiprocess mode would be the next step).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from quart import Blueprint, Quart, Response, g, request
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from api.problems import problem_response
from flock.settings import running_stack
from graph.backends import backends
from jobs.queue import default_queue
from jobs.stores.backups import last_good

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
QUEUE = Gauge("flock_jobs", "RQ jobs of the default queue by state", ["state"])
LAST_BACKUP = Gauge(
    "flock_backup_last_success_timestamp_seconds",
    "When the last good backup was made (Unix time; 0: none yet)",
)
RESTARTS = Gauge(
    "flock_stack_restarts", "Times `flock run` started a child again after it died", ["service"]
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
    """The process's metrics in Prometheus' text format: for a client that sends the bearer
    token FLOCK_METRICS_TOKEN or, when none is set, for loopback clients only."""
    settings = backends().settings
    if not _may_scrape(settings):
        return problem_response(403, "Metrics are for the operator's monitoring only.")
    try:
        await asyncio.to_thread(_read_queue, settings)
    except Exception:  # noqa: BLE001, S110 - a dead Redis must not break the scrape
        pass
    stack = running_stack(settings.var_dir)  # the supervisor's record, when it runs one
    for service, state in (stack or {}).get("services", {}).items():
        RESTARTS.labels(service).set(state["restarts"])
    return Response(generate_latest(), content_type=CONTENT_TYPE_LATEST)


def _may_scrape(settings) -> bool:
    if settings.metrics_token:
        expected = f"Bearer {settings.metrics_token}"
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), expected.encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _read_queue(settings) -> None:
    queue = default_queue(settings)
    good = last_good(queue.connection)
    LAST_BACKUP.set(good["at"] if good else 0)
    QUEUE.labels("queued").set(queue.count)
    QUEUE.labels("scheduled").set(ScheduledJobRegistry(queue=queue).count)
    QUEUE.labels("failed").set(FailedJobRegistry(queue=queue).count)
