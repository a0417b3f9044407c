"""The RQ worker process: `flock worker`."""

from __future__ import annotations

import itertools
import logging
import os
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

import redis
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector
from rq import Queue, SimpleWorker
from rq.defaults import DEFAULT_WORKER_TTL
from rq.exceptions import StopRequested
from rq.job import Job

from flock.core.backends import sentinel_parts, sync_redis_client
from flock.core.logs import REQUEST_ID
from flock.core.settings import Settings
from jobs.queue import QUEUE_NAMES, default_queue, replicas_holding_all_writes, sync_redis
from jobs.tasks import canary, upkeep

log = logging.getLogger("flock.worker")
REPLICATED = ContextVar("replicated", default=False)  # Redis has replicas to wait for
RQ_SOCKET_TIMEOUT = DEFAULT_WORKER_TTL  # seconds; RQ's blocking dequeue lasts its TTL - 15
JOB_REPLICA_WAIT_MS = 5000  # a worker can wait; a loaded machine's replica can lag

JOBS = Counter("flock_jobs_total", "Jobs run by workers", ["queue", "job", "outcome"])
JOB_SECONDS = Histogram(
    "flock_job_seconds", "Time a job ran", ["job"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)  # fmt: skip
JOB_LATENCY = Histogram(
    "flock_job_latency_seconds", "From a job being queued to it being done", ["job"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)  # fmt: skip


def run_worker(settings: Settings, name: str | None = None) -> None:
    """Work the queues until stopped; the scheduler runs retries that wait (back-off).

    Jobs run in this process (RQ's SimpleWorker, not a fork per job), so each job reuses the
    Neo4j driver, Redis and Typesense clients made by the first one: a job costs milliseconds,
    not a new set of connections. Run more worker processes to work more jobs at once.

    RQ ends its loop when Redis goes away; this one then waits for Redis and starts a new loop
    (the RQ worker is built inside it: building one talks to Redis too), so a Redis restart
    never leaves Flock without a worker. Only SIGTERM or SIGINT stop it. Liveness, abandoned
    jobs, due retries and kept jobs are the upkeep thread's (jobs/tasks/upkeep.py)."""
    # RQ blocks on BLPOP for up to DEQUEUE_SECONDS; a connection whose socket timeout is
    # shorter fails there whenever the queue is idle, and RQ then backs off for up to a minute
    # before it listens again (RQ raises the timeout only for connections made after the
    # worker is built, so every connection of this client is made with it).
    connection = sync_redis_client(
        settings.redis_url, settings.ca_file, socket_timeout=RQ_SOCKET_TIMEOUT,
        socket_connect_timeout=2,
    )  # fmt: skip
    REPLICATED.set(sentinel_parts(settings.redis_url) is not None)
    queues = [Queue(queue, connection=connection) for queue in QUEUE_NAMES]
    base_name = name or f"flock-worker-{uuid.uuid4().hex[:12]}"
    keeper = upkeep.Upkeep(settings)
    keeper.name = base_name
    keeper.start()  # alive from now on, before RQ registers the worker
    if settings.worker_metrics_port:
        _serve_metrics(settings)
    for attempt in itertools.count():
        keeper.name = f"{base_name}-{attempt}" if attempt else base_name
        try:
            worker = StoppableWorker(
                queues,
                connection=connection,
                name=keeper.name,
                maintenance_interval=30,
                job_class=ReplicatedJob,
            )
            worker.work(with_scheduler=False, logging_level=settings.log_level)
        except (redis.RedisError, StopRequested, ValueError) as error:
            # ValueError: RQ found a live registration under this name (a restarted Redis)
            log.warning("worker_loop_failed", extra={"error": repr(error)})
        if StoppableWorker.stop_asked or not _pause(1.0):
            return
        log.warning("worker_loop_restarting", extra={"attempt": attempt + 1})


class ReplicatedJob(Job):
    """A job whose Redis writes (feeds, caches) are on a replica before it counts as done,
    when Redis has replicas (Sentinel): a failover right after it cannot take them back. If the
    master dies first, the wait fails, and the job is retried on the new master."""

    def _execute(self):
        result = super()._execute()
        if (
            REPLICATED.get()
            and replicas_holding_all_writes(self.connection, JOB_REPLICA_WAIT_MS) < 1
        ):
            raise ReplicaBehind("no replica holds this job's writes yet: run it again later")
        return result


class ReplicaBehind(RuntimeError):
    """The job's writes are on the master only; a failover now would lose them: retry."""


class StoppableWorker(SimpleWorker):
    """RQ's SimpleWorker, remembering that a stop was asked for (by SIGTERM or SIGINT), so that
    run_worker tells a stop from a lost Redis."""

    stop_asked = False

    def request_stop(self, signum, frame):
        StoppableWorker.stop_asked = True
        super().request_stop(signum, frame)

    def perform_job(self, job, queue, *rest) -> bool:
        """Run the job under the id of the request that queued it, log how it went, and count
        it: outcome, time running, and time from being queued to done (for a search-index job,
        the indexing lag)."""
        REQUEST_ID.set(job.meta.get("request_id"))
        started = time.monotonic()
        try:
            done = super().perform_job(job, queue, *rest)
            outcome = "done" if done else "failed"
            seconds = time.monotonic() - started
            JOBS.labels(queue.name, job.func_name, outcome).inc()
            JOB_SECONDS.labels(job.func_name).observe(seconds)
            if job.enqueued_at is not None:
                queued = job.enqueued_at.replace(tzinfo=job.enqueued_at.tzinfo or UTC)
                JOB_LATENCY.labels(job.func_name).observe(
                    (datetime.now(UTC) - queued).total_seconds()
                )
            log.info(
                f"job_{outcome}",
                extra={"job": job.func_name, "job_id": job.id, "seconds": round(seconds, 4)},
            )
            return done
        finally:
            REQUEST_ID.set(None)


def _serve_metrics(settings: Settings) -> None:
    """This worker's metrics (all of this machine's, in multiprocess mode) on their own port,
    for a worker on a machine with no app."""
    registry = None
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    start_http_server(
        settings.worker_metrics_port, addr=settings.host, registry=registry or REGISTRY
    )


def _pause(seconds: float) -> bool:
    """Sleep; False when a stop was asked for meanwhile."""
    try:
        time.sleep(seconds)
    except (redis.RedisError, StopRequested):
        pass
    return not StoppableWorker.stop_asked


def ping_worker(settings: Settings, timeout: float = 30.0) -> dict:
    """Enqueue the canary job and wait for a worker to run it; return its result."""
    token = uuid.uuid4().hex
    job = default_queue(settings).enqueue(canary.echo, token, result_ttl=60)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = job.get_status(refresh=True)
        if status == "finished":
            result = job.return_value()
            if result["token"] != token:
                raise RuntimeError("the worker answered with another job's token")
            return result
        if status == "failed":
            raise RuntimeError(f"the canary job failed: {job.latest_result()}")
        time.sleep(0.05)
    raise TimeoutError(f"no worker ran the canary job within {timeout:.0f}s")


def live_workers(settings: Settings) -> list[str]:
    """The names of the workers alive now (their upkeep renews this every few seconds, busy or
    idle)."""
    return upkeep.alive_worker_names(sync_redis(settings.redis_url, settings.ca_file))
