"""Scheduled runs: the worker's upkeep asks `algorithms_if_due` in a thread of its own; one worker
of all runs every algorithm when FLOCK_ANALYTICS_EVERY_HOURS have passed since the last run."""

from __future__ import annotations

import socket
import time

import redis

from flock.core.db import SyncGraph
from flock.core.settings import Settings
from jobs.algorithms.catalogue import ALGORITHMS, RunReport, run_algorithms

LAST_RUN_KEY = "algorithms:last-run"
LOCK_KEY = "algorithms:lock"


def algorithms_if_due(settings: Settings, graph: SyncGraph, r: redis.Redis) -> list[RunReport]:
    every = settings.analytics_every_hours * 3600
    if every <= 0:
        return []
    now = time.time()
    if now - float(r.get(LAST_RUN_KEY) or 0) < every:
        return []
    if not r.set(LOCK_KEY, socket.gethostname(), nx=True, ex=3600):
        return []  # another worker is running them
    try:
        r.set(LAST_RUN_KEY, now)  # a failed run waits for the next period too: it logs why
        return run_algorithms(graph, list(ALGORITHMS))
    finally:
        r.delete(LOCK_KEY)
