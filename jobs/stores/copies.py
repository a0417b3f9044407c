"""What Redis holds that copies the graph, and knowing when Redis may have lost writes.

Redis keeps copies of graph facts for speed: revocation facts (is a log-in ended, since when
do an account's tokens count) and the post cache (post views, author cards, a viewer's marks
and hidden accounts). Each copy is written when its fact changes. A write Redis acknowledged
can still be taken back: a failover promotes a replica that had not received the master's
last writes, a restart replays an append-only file synced once a second. A copy whose update
was taken back would then be wrong until it expires: a revoked token accepted, a deleted
post's view served.

Each life of a Redis master has its own replication id (`master_replid`: new at a restart
and at a promotion). The id whose data was last reconciled with the graph is kept in Redis
itself (`RECONCILED_KEY`); the upkeep of every worker compares the two each tick, and when
they differ one worker (the one that claims the id) queues the reconciliation
(jobs/tasks/recovery.py): forget every copy (they are read again from the graph) and rebuild
every feed.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from jobs.stores import post_cache

RECONCILED_KEY = "flock:reconciled-replid"
CLAIM_SECONDS = 300  # a claimed reconciliation whose job was lost is claimed again after this
FORGET_BATCH = 500
VALID_AFTER, LOGIN = "tokens-after:", "login:"
COPY_PREFIXES = (VALID_AFTER, LOGIN, *post_cache.COPY_PREFIXES)


def valid_after_key(user_id: int) -> str:
    """The copy of an account's `tokens_valid_after`."""
    return f"{VALID_AFTER}{user_id}"


def family_key(family: str) -> str:
    """The copy of whether a log-in (refresh-token family) has ended."""
    return f"{LOGIN}{family}"


def master_replid(r: redis.Redis) -> str:
    """The replication id of the master's current life."""
    return r.info("replication")["master_replid"]


def reconciled_replid(r: redis.Redis) -> str | None:
    value = r.get(RECONCILED_KEY)
    return value.decode() if value else None


def claim_reconciliation(r: redis.Redis, replid: str) -> bool:
    """True for the one caller that is to reconcile this life of the master."""
    return bool(r.set(f"flock:reconcile-claim:{replid}", 1, nx=True, ex=CLAIM_SECONDS))


def mark_reconciled(r: redis.Redis, replid: str) -> None:
    r.set(RECONCILED_KEY, replid)


def forget(r: redis.Redis, prefixes: Iterable[str] = COPY_PREFIXES) -> int:
    """Delete every key under the prefixes; returns how many."""
    forgotten = 0
    for prefix in prefixes:
        batch = []
        for key in r.scan_iter(match=f"{prefix}*", count=FORGET_BATCH):
            batch.append(key)
            if len(batch) >= FORGET_BATCH:
                forgotten += r.unlink(*batch)
                batch = []
        if batch:
            forgotten += r.unlink(*batch)
    return forgotten
