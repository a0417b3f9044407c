"""Jobs that could not be queued because Redis was down, kept in the graph until they can be.

A request never fails because Redis is unreachable, but the jobs it would have queued (fan-out of
a new post, removal of a deleted one, a feed rebuild after a follow) must still run, or feeds
that survive the outage would miss what happened during it. So a job that cannot be queued is
written to Neo4j as a `:PendingJob` (the module and name of its function, its arguments as JSON),
and every worker relays kept jobs into the queue every few seconds once Redis answers again
(jobs/upkeep.py).
Jobs are idempotent (they take ids and re-read the graph), so relaying one twice does no harm.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable
from functools import cache

from flock.settings import Settings
from graph.db import GRAPH_ERRORS, SyncGraph
from graph.ids import new_id

log = logging.getLogger("flock.jobs.pending")

RELAY_BATCH = 500


def keep_for_later(settings: Settings, job: Callable, args: tuple) -> None:
    """Write a job that could not be queued to the graph, for the relay to queue later."""
    try:
        _graph(settings).write(
            "queries/pending_job_create",
            id=new_id(),
            function=f"{job.__module__}.{job.__qualname__}",
            args=json.dumps(list(args)),
            now=time.time(),
        )
    except GRAPH_ERRORS as error:  # both stores down: nothing left to write to
        log.error("event=job_lost job=%s args=%r error=%r", job.__name__, args, error)


def relay_pending_jobs(settings: Settings, graph: SyncGraph) -> int:
    """Queue the kept jobs, oldest first, and forget those queued; returns how many."""
    from jobs.queues import DEFAULT_RETRY, default_queue

    queue = default_queue(settings)
    relayed = 0
    while rows := graph.read("queries/pending_jobs_page", limit=RELAY_BATCH):
        queued = []
        for row in rows:
            function = _job_function(row["function"])
            if function is not None:
                args = json.loads(row["args"])
                queue.enqueue(function, *args, retry=DEFAULT_RETRY, result_ttl=0)
            queued.append(row["id"])
        graph.write("queries/pending_jobs_delete", ids=queued)
        relayed += len(queued)
    return relayed


def _job_function(path: str) -> Callable | None:
    """The job function named by a kept job; only Flock's own jobs are run."""
    module_name, _, name = path.rpartition(".")
    if not module_name.startswith("jobs."):
        log.error("event=pending_job_refused function=%s", path)
        return None
    try:
        return getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError):
        log.error("event=pending_job_unknown function=%s", path)
        return None


@cache
def _graph(settings: Settings) -> SyncGraph:
    return SyncGraph(settings)
