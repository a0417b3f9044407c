"""After Redis may have lost writes (a failover, a restart): make it agree with the graph
again. Why and how it is noticed: jobs/stores/copies.py."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import redis

from flock.core.ids import id_for_time
from flock.core.settings import Settings
from jobs import queue
from jobs.stores import copies
from jobs.tasks.context import WorkerContext, worker_context
from jobs.tasks.feeds import fan_out_post, fan_out_repost

log = logging.getLogger("flock.jobs.recovery")

# How far back writes can have been lost: a replica lags at most a few seconds before the
# master refuses writes (min-replicas-max-lag), the append-only file is synced every second,
# and a failover is over within its timeout (10 s). What was made since is fanned out again.
LOSS_WINDOW_SECONDS = 120
BATCH = 1000


def reconcile_if_redis_lost_writes(settings: Settings, r: redis.Redis) -> int:
    """Queue the reconciliation when the master's life is not the one last reconciled (one
    worker of all does: the one that claims it). Returns 1 when it queued it."""
    replid = copies.master_replid(r)
    if copies.reconciled_replid(r) == replid or not copies.claim_reconciliation(r, replid):
        return 0
    log.warning("redis_reconciliation_queued", extra={"replid": replid})
    queue.enqueue(settings, reconcile_with_graph, replid, time.time())
    return 1


def reconcile_with_graph(replid: str, noticed_at: float) -> dict[str, int]:
    """Forget every copy of a graph fact (each is read again from the graph when next needed),
    and fan out again the posts and reposts made within LOSS_WINDOW_SECONDS before the loss was
    noticed (pushing is idempotent: a feed that has one keeps it once). Feeds made since the
    loss read the graph; a deleted post's entry left behind is skipped when read."""
    ctx = worker_context()
    forgotten = copies.forget(ctx.redis)
    since_id = id_for_time(noticed_at - LOSS_WINDOW_SECONDS)
    posts = reposts = 0
    for post_id in _made_since(ctx, "queries/posts_made_since", since_id):
        fan_out_post(post_id, again=True)
        posts += 1
    for repost_id in _made_since(ctx, "queries/reposts_made_since", since_id):
        fan_out_repost(repost_id, again=True)
        reposts += 1
    copies.mark_reconciled(ctx.redis, replid)
    done = {"forgotten": forgotten, "posts": posts, "reposts": reposts}
    log.warning("redis_reconciled", extra={"replid": replid, **done})
    return done


def _made_since(ctx: WorkerContext, query: str, since_id: int) -> Iterator[int]:
    after = 0
    while rows := ctx.graph.read(query, since_id=since_id, after_id=after, batch=BATCH):
        yield from (row["id"] for row in rows)
        after = rows[-1]["id"]
