"""What every worker process does in the background besides its jobs: relay the jobs kept in
the graph while Redis was down (every few seconds), and delete uploads never attached to a post
(every hour, once they are a day old)."""

from __future__ import annotations

import logging
import threading
import time

import redis

from flock.settings import Settings
from graph.db import GRAPH_ERRORS, SyncGraph
from jobs import queue
from jobs.stores import media

log = logging.getLogger("flock.jobs.upkeep")

RELAY_EVERY = 5.0  # seconds between two looks for kept jobs
PRUNE_EVERY = 3600.0  # seconds between two sweeps of stray uploads
STRAY_UPLOAD_AGE = 24 * 3600.0  # an upload unattached for this long is abandoned


def start_upkeep(settings: Settings) -> threading.Thread:
    """Run the upkeep in a daemon thread of the worker process, as long as it runs."""
    thread = threading.Thread(target=_upkeep_forever, args=(settings,), daemon=True, name="upkeep")
    thread.start()
    return thread


def _upkeep_forever(settings: Settings) -> None:
    graph = SyncGraph(settings)
    next_prune = time.monotonic()
    while True:
        _quietly("relay", lambda: queue.relay_pending_jobs(settings, graph))
        if time.monotonic() >= next_prune:
            next_prune = time.monotonic() + PRUNE_EVERY
            _quietly("prune", lambda: media.prune_unattached(settings, graph, STRAY_UPLOAD_AGE))
        time.sleep(RELAY_EVERY)


def _quietly(task: str, run) -> None:
    """Upkeep waits for the next round when a store is down; it never ends the thread."""
    try:
        done = run()
        if done:
            log.info("event=upkeep_done task=%s count=%d", task, done)
    except (redis.RedisError, *GRAPH_ERRORS, OSError) as error:
        log.warning("event=upkeep_failed task=%s error=%r", task, error)
