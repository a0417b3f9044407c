"""The RQ worker process: `flock worker`."""

from __future__ import annotations

import itertools
import logging
import time
import uuid

import redis
from rq import Queue, SimpleWorker, Worker
from rq.exceptions import StopRequested

from flock.settings import Settings
from jobs import upkeep
from jobs.queue import QUEUE_NAMES, default_queue, sync_redis
from jobs.tasks import canary

log = logging.getLogger("flock.worker")


def run_worker(settings: Settings, name: str | None = None) -> None:
    """Work the queues until stopped; the scheduler runs retries that wait (back-off).

    Jobs run in this process (RQ's SimpleWorker, not a fork per job), so each job reuses the
    Neo4j driver, Redis and Typesense clients made by the first one: a job costs milliseconds,
    not a new set of connections. Run more worker processes to work more jobs at once.

    RQ ends its loop when Redis goes away; this one then waits for Redis and starts a new loop,
    so a Redis restart never leaves Flock without a worker. Only SIGTERM or SIGINT stop it."""
    connection = sync_redis(settings.redis_url)
    queues = [Queue(queue, connection=connection) for queue in QUEUE_NAMES]
    upkeep.start_upkeep(settings)  # relays jobs kept while Redis was down; prunes stray uploads
    for attempt in itertools.count():
        worker = StoppableWorker(
            queues, connection=connection, name=f"{name}-{attempt}" if name and attempt else name
        )
        try:
            worker.work(with_scheduler=True, logging_level=settings.log_level)
        except (redis.RedisError, StopRequested) as error:
            log.warning("event=worker_loop_failed error=%r", error)
        if StoppableWorker.stop_asked or not _pause(1.0):
            return
        log.warning("event=worker_loop_restarting attempt=%d", attempt + 1)


class StoppableWorker(SimpleWorker):
    """RQ's SimpleWorker, remembering that a stop was asked for (by SIGTERM or SIGINT), so that
    run_worker tells a stop from a lost Redis."""

    stop_asked = False

    def request_stop(self, signum, frame):
        StoppableWorker.stop_asked = True
        super().request_stop(signum, frame)


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


def live_workers(settings: Settings) -> list[Worker]:
    """Workers whose heartbeat is recent enough to count as alive."""
    connection = sync_redis(settings.redis_url)
    now = time.time()
    alive = []
    for worker in Worker.all(connection=connection):
        beat = worker.last_heartbeat
        if beat is not None and now - beat.timestamp() < settings.worker_heartbeat_seconds:
            alive.append(worker)
    return alive
