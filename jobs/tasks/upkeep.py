"""What every worker process does in a thread beside its jobs, whatever the job traffic:

- says it is alive (`worker-alive:<name>`, renewed every tick, gone within LIVENESS_TTL of the
  process's death), which `/readyz` reads and which tells abandoned jobs from running ones;
- puts jobs whose worker died back on the queue within seconds (RQ's own clean-up would wait for
  the job's timeout and the next maintenance pass, minutes later);
- moves retries whose back-off has passed to the queue (RQ's scheduler, run here in the thread
  under a lock taken and released each tick, so a dead worker never keeps it);
- relays the jobs kept in the graph while Redis was down (every few seconds);
- notices when Redis may have lost writes (a failover, a restart) and has its copies of the
  graph made good (jobs/tasks/recovery.py);
- deletes uploads never attached to a post (every hour, once they are a day old);
- makes the scheduled backup when FLOCK_BACKUP_EVERY_HOURS have passed (one worker of all, in
  a thread of its own: an export must not hold up the signs of life);
- runs the graph algorithms when FLOCK_ANALYTICS_EVERY_HOURS have passed (one worker of all, in
  a thread of its own, beside the jobs: a long computation holds up no fan-out).

Every step waits for the next tick when a store is down; none ends the thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler
from rq.utils import parse_composite_key

from flock.core.db import GRAPH_ERRORS, SyncGraph
from flock.core.settings import Settings
from jobs import queue
from jobs.algorithms.schedule import algorithms_if_due
from jobs.backups.schedule import backup_if_due
from jobs.queue import QUEUE_NAMES, sync_redis
from jobs.stores import media
from jobs.tasks import recovery

log = logging.getLogger("flock.jobs.upkeep")

TICK = 2.0  # seconds between two rounds of liveness, abandoned jobs and due retries
LIVENESS_TTL = 10  # seconds a worker counts as alive after its last sign of life
RELAY_EVERY = 5.0  # seconds between two looks for kept jobs
PRUNE_EVERY = 3600.0  # seconds between two sweeps of stray uploads
STRAY_UPLOAD_AGE = 24 * 3600.0  # an upload unattached for this long is abandoned


def liveness_key(worker_name: str) -> str:
    return f"worker-alive:{worker_name}"


def alive_worker_names(r: redis.Redis) -> list[str]:
    """The names of the workers that said they were alive within LIVENESS_TTL."""
    prefix = liveness_key("")
    return [key.decode()[len(prefix) :] for key in r.scan_iter(match=f"{prefix}*", count=500)]


class Upkeep:
    """The upkeep of one worker process; `name` follows the RQ worker it currently runs."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.name: str | None = None
        self.redis = sync_redis(settings.redis_url, settings.ca_file)

    def start(self) -> threading.Thread:
        """Run in a daemon thread, as long as the process runs."""
        thread = threading.Thread(target=self._forever, daemon=True, name="upkeep")
        thread.start()
        if self.settings.backup_every_hours > 0:
            threading.Thread(target=self._backups, daemon=True, name="backups").start()
        if self.settings.analytics_every_hours > 0:
            threading.Thread(target=self._algorithms, daemon=True, name="algorithms").start()
        return thread

    def _algorithms(self) -> None:
        with SyncGraph(self.settings, long=True) as graph:
            while True:
                try:
                    algorithms_if_due(self.settings, graph, self.redis)
                except Exception as error:  # noqa: BLE001 - logged; tried at the next period
                    log.warning("algorithms_failed", extra={"error": repr(error)})
                time.sleep(TICK)

    def _backups(self) -> None:
        with SyncGraph(self.settings, long=True) as graph:
            while True:
                try:
                    backup_if_due(self.settings, graph, self.redis)
                except Exception as error:  # noqa: BLE001 - logged; tried again later
                    log.warning("backup_failed", extra={"error": repr(error)})
                time.sleep(TICK)

    def _forever(self) -> None:
        graph = SyncGraph(self.settings)
        next_relay = next_prune = time.monotonic()
        while True:
            _quietly("liveness", self.say_alive)
            _quietly("abandoned", self.requeue_abandoned_jobs)
            _quietly("retries", self.enqueue_due_retries)
            _quietly("redis-lost-writes", self.reconcile_if_redis_lost_writes)
            if time.monotonic() >= next_relay:
                next_relay = time.monotonic() + RELAY_EVERY
                _quietly("relay", lambda: queue.relay_pending_jobs(self.settings, graph))
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                _quietly(
                    "prune",
                    lambda: media.prune_unattached(self.settings, graph, STRAY_UPLOAD_AGE),
                )
            time.sleep(TICK)

    def say_alive(self) -> None:
        if self.name:
            self.redis.set(liveness_key(self.name), int(time.time()), ex=LIVENESS_TTL)

    def requeue_abandoned_jobs(self) -> int:
        """Jobs started by a worker that is no longer alive (or by none it names): expire their
        started entries and let RQ's clean-up retry them (or fail them when no retry is left)."""
        alive = set(alive_worker_names(self.redis))
        if not self.name or self.name not in alive:
            return 0  # not sure of our own liveness yet: judge nobody
        abandoned = 0
        for name in QUEUE_NAMES:
            registry = StartedJobRegistry(name, connection=self.redis)
            for entry in self.redis.zrange(registry.key, 0, -1):
                job_id, _ = parse_composite_key(entry.decode())
                try:
                    job = Job.fetch(job_id, connection=self.redis)
                except NoSuchJobError:  # an entry with no job (a failover can leave one)
                    self.redis.zrem(registry.key, entry)
                    continue
                if job.get_status(refresh=False) != JobStatus.STARTED:
                    # a leftover (a failover can keep the entry of a job that ended, or was
                    # queued again): RQ's clean-up skips it, and it would sit there forever
                    self.redis.zrem(registry.key, entry)
                    continue
                if job.worker_name and job.worker_name in alive:
                    continue
                self.redis.zadd(registry.key, {entry: 1}, xx=True)  # expired long ago
                abandoned += 1
            if abandoned:
                registry.cleanup()
        return abandoned

    def reconcile_if_redis_lost_writes(self) -> int:
        return recovery.reconcile_if_redis_lost_writes(self.settings, self.redis)

    def enqueue_due_retries(self) -> int:
        """Move scheduled jobs (retries waiting out their back-off) whose time has come."""
        scheduler = RQScheduler(list(QUEUE_NAMES), connection=self.redis)
        if not scheduler.acquire_locks():
            return 0  # another worker does it this tick
        try:
            scheduler.enqueue_scheduled_jobs()
        finally:
            scheduler.release_locks()
        return 0


def _quietly(task: str, run: Callable[[], int | None]) -> None:
    try:
        done = run()
        if done:
            log.info("upkeep_done", extra={"task": task, "count": done})
    except (redis.RedisError, *GRAPH_ERRORS, OSError) as error:
        log.warning("upkeep_failed", extra={"task": task, "error": repr(error)})
