"""Scheduled backups: the worker's upkeep asks `backup_if_due` every tick; one worker at a time
makes the archive and prunes the target to FLOCK_BACKUP_KEEP."""

from __future__ import annotations

import socket
import time

import redis

from flock.core.db import SyncGraph
from flock.core.settings import Settings
from jobs.backups.export import last_good, make_backup
from jobs.backups.targets import prune_archives

LAST_ATTEMPT_KEY = "backup:last-attempt"
LOCK_KEY = "backup:lock"


def backup_if_due(settings: Settings, graph: SyncGraph, r: redis.Redis) -> str | None:
    """The upkeep's scheduled backup: when FLOCK_BACKUP_EVERY_HOURS have passed since the last
    good one (a failed one is tried again after a tenth of that), one worker makes it and
    prunes the target to FLOCK_BACKUP_KEEP archives. Returns where it went."""
    every = settings.backup_every_hours * 3600
    if every <= 0 or not settings.backup_key:
        return None
    now = time.time()
    good = last_good(r)
    attempt = float(r.get(LAST_ATTEMPT_KEY) or 0)
    if good and now - good["at"] < every or now - attempt < every / 10:
        return None
    if not r.set(LOCK_KEY, socket.gethostname(), nx=True, ex=3600):
        return None  # another worker is making it
    try:
        r.set(LAST_ATTEMPT_KEY, now)
        result = make_backup(settings, graph, r)
        prune_archives(settings, settings.backup_keep)
        return result.location
    finally:
        r.delete(LOCK_KEY)
