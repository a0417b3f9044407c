"""The RQ queue, and the jobs kept in the graph while Redis is down, relayed when it is back.

Jobs take ids and re-read state, so running one twice does no harm. A request never fails
because Redis is unreachable, but the jobs it would have queued (fan-out of a new post, removal
of a deleted one, a feed rebuild after a follow) must still run, or feeds that survive the outage
would miss what happened during it. So a job that cannot be queued is written to Neo4j as a
`:PendingJob` (the module and name of its function, its arguments as JSON), and every worker
relays kept jobs into the queue every few seconds once Redis answers again (jobs/tasks/upkeep.py).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import time
from collections.abc import Callable
from functools import cache

import redis
from rq import Queue, Retry

from flock.core.backends import sentinel_parts, sync_redis_client
from flock.core.db import GRAPH_ERRORS, SyncGraph
from flock.core.ids import new_id
from flock.core.logs import REQUEST_ID
from flock.core.settings import Settings

QUEUE_NAMES = ("default",)
DEFAULT_RETRY = Retry(max=5, interval=[1, 5, 15, 60, 300])
RELAY_BATCH = 500
REPLICA_WAIT_MS = 500
REPLICA_PROBE_KEY = "flock:replica-probe"  # written before a WAIT (replicas_holding_all_writes)

log = logging.getLogger("flock.jobs")


@cache
def sync_redis(url: str, ca_file: str = "") -> redis.Redis:
    """One blocking Redis client per URL and process (RQ is synchronous); `rediss://` verifies
    the server's certificate (against `ca_file` when given)."""
    return sync_redis_client(url, ca_file, socket_timeout=5, socket_connect_timeout=2)


def replicas_holding_all_writes(client: redis.Redis, timeout_ms: int) -> int:
    """How many replicas hold every write made to the master so far, by any connection.

    WAIT counts only up to the last write of the connection it runs on, and a client's pool
    may hand out another connection than the one that wrote: a small write first, on the same
    connection (one pipeline), puts everything written before it under the WAIT."""
    pipe = client.pipeline(transaction=False)
    pipe.set(REPLICA_PROBE_KEY, 1, ex=60)
    pipe.wait(1, timeout_ms)
    return pipe.execute()[-1]


def default_queue(settings: Settings) -> Queue:
    return Queue("default", connection=sync_redis(settings.redis_url, settings.ca_file))


def enqueue(settings: Settings, job: Callable, *args, retry: Retry = DEFAULT_RETRY) -> None:
    """Queue a job with retries; with Redis down, keep it in the graph for the relay."""
    try:
        queue = default_queue(settings)
        queue.enqueue(job, *args, retry=retry, result_ttl=0, meta={"request_id": REQUEST_ID.get()})
        replicated = sentinel_parts(settings.redis_url) is not None
        if replicated and replicas_holding_all_writes(queue.connection, REPLICA_WAIT_MS) < 1:
            # No replica holds the job yet, and a failover now would lose it: keep it in the
            # graph too (it may then run twice; jobs are idempotent).
            raise redis.RedisError("no replica acknowledged the job")
    except redis.RedisError as error:
        log.warning(
            "enqueue_failed",
            extra={"job": job.__name__, "job_args": repr(args), "error": repr(error)},
        )
        keep_for_later(settings, job, args, retry)


async def enqueue_async(
    settings: Settings, job: Callable, *args, retry: Retry = DEFAULT_RETRY
) -> None:
    await asyncio.to_thread(enqueue, settings, job, *args, retry=retry)


# ----------------------------------------------------------------------------- kept jobs


def keep_for_later(
    settings: Settings, job: Callable, args: tuple, retry: Retry = DEFAULT_RETRY
) -> None:
    """Write a job that could not be queued to the graph, with its retry policy, for the relay
    to queue later as it would have been queued."""
    try:
        _graph(settings).write(
            "queries/pending_job_create",
            id=new_id(),
            function=f"{job.__module__}.{job.__qualname__}",
            args=json.dumps(list(args)),
            retry=json.dumps({"max": retry.max, "intervals": retry.intervals}),
            now=time.time(),
        )
    except GRAPH_ERRORS as error:  # both stores down: nothing left to write to
        log.error(
            "job_lost", extra={"job": job.__name__, "job_args": repr(args), "error": repr(error)}
        )


def relay_pending_jobs(settings: Settings, graph: SyncGraph) -> int:
    """Queue the kept jobs, oldest first, and forget those queued; returns how many."""
    queue = default_queue(settings)
    relayed = 0
    while rows := graph.read("queries/pending_jobs_page", limit=RELAY_BATCH):
        queued = []
        for row in rows:
            function = _job_function(row["function"])
            if function is not None:
                args = json.loads(row["args"])
                queue.enqueue(function, *args, retry=_retry(row["retry"]), result_ttl=0)
            queued.append(row["id"])
        graph.write("queries/pending_jobs_delete", ids=queued)
        relayed += len(queued)
    return relayed


def _retry(kept: str | None) -> Retry:
    """The retry policy a kept job was queued with (the default for jobs kept before)."""
    if not kept:
        return DEFAULT_RETRY
    policy = json.loads(kept)
    return Retry(max=policy["max"], interval=policy["intervals"])


def _job_function(path: str) -> Callable | None:
    """The job function named by a kept job; only Flock's own tasks are run."""
    module_name, _, name = path.rpartition(".")
    if not module_name.startswith("jobs.tasks."):
        log.error("pending_job_refused", extra={"function": path})
        return None
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        log.error("pending_job_unknown", extra={"function": path})
        return None


@cache
def _graph(settings: Settings) -> SyncGraph:
    return SyncGraph(settings)
