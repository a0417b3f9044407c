"""Everything that follows a write, one layer per entry, top first:

- `events.py`: the one door: each event lists its effects (caches invalidated now, tasks
  queued for the worker).
- `tasks/`: the RQ entry points (plain functions of ids) and the worker's upkeep.
- `backups/`: the encrypted archive: export, targets, schedule, restore.
- `stores/` and `queue.py`: the derived stores (Redis feeds, the post copy, the search index,
  who-to-follow lists, the image store; no RQ in them) and the queue with its kept jobs.

Each imports only the layers below it, then `flock.core` and `cypher`; never `graph/`.
"""
