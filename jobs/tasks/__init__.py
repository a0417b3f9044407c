"""The RQ entry points: plain functions of ids that re-read the graph and can run twice without
harm. Each worker process shares one context (`context.py`); `upkeep.py` is the worker's
background thread (liveness, orphaned jobs, retries, kept jobs, scheduled backups).

May import: `jobs.backups`, `jobs.stores`, `jobs.queue`, `flock.core`, `cypher`."""
