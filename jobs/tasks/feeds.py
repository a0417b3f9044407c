"""Feed tasks: fan a new post out, take deleted posts out, rebuild a feed from the graph."""

from __future__ import annotations

import time
from collections.abc import Callable

from jobs.stores import feeds, post_cache
from jobs.stores.feeds import FANOUT_BATCH
from jobs.tasks.context import WorkerContext, worker_context

MAX_ID = 2**63 - 1


def fan_out_post(post_id: int) -> int:
    """Push a new post into the feeds of its author's active followers, in batches.

    Authors with more than FLOCK_FANOUT_LIMIT followers are merged at read time instead.
    Returns how many feeds got it.
    """
    ctx = worker_context()
    settings, r = ctx.settings, ctx.redis
    info = ctx.graph.read("queries/fanout_post_info", id=post_id)
    if not info:
        return 0  # deleted before the job ran
    author_id = info[0]["author_id"]
    parent_author_id = info[0]["parent_author_id"]
    own = [author_id] if info[0]["author_sees_it"] else []
    pushed = feeds.push(r, settings, post_id, own)
    if info[0]["follower_count"] > settings.fanout_limit:
        feeds.mark_big_author(r, author_id)
        return pushed
    if feeds.is_big_author(r, author_id):
        return pushed
    batches = ctx.graph.stream(
        "queries/fanout_recipients",
        batch=FANOUT_BATCH,
        author_id=author_id,
        active_since=time.time() - settings.active_days * 86400,
        parent_author_id=parent_author_id,
    )
    for user_ids in batches:
        pushed += feeds.push(r, settings, post_id, user_ids)
    return pushed


def remove_post(post_id: int, author_id: int) -> None:
    """Take a deleted post out of its author's and every follower's feed, and out of the post
    cache."""
    ctx = worker_context()
    post_cache.forget_posts_now(ctx.redis, [post_id])
    feeds.remove(ctx.redis, [post_id], [author_id])
    for batch in ctx.graph.stream("queries/follower_ids", batch=FANOUT_BATCH, author_id=author_id):
        feeds.remove(ctx.redis, [post_id], batch)


def remove_account_posts(author_id: int, post_ids: list[int], follower_ids: list[int]) -> None:
    """A deleted account's posts leave the feeds of those who followed it (read before the
    follows were deleted), and its own feed goes."""
    ctx = worker_context()
    post_cache.forget_posts_now(ctx.redis, post_ids)
    for start in range(0, len(follower_ids), FANOUT_BATCH):
        feeds.remove(ctx.redis, post_ids, follower_ids[start : start + FANOUT_BATCH])
    feeds.delete(ctx.redis, author_id)


def regenerate_feed(user_id: int) -> int:
    """Rebuild one user's feed from Cypher (the same rules as the cold path); returns its size."""
    return _regenerate(worker_context(), user_id)


def rebuild_feeds(ctx: WorkerContext, user_id: int | None, progress: Callable[[int], None]) -> int:
    """Rebuild one user's feed, or every user's, in this process; returns how many."""
    if user_id is not None:
        _regenerate(ctx, user_id)
        progress(1)
        return 1
    done, after = 0, -1
    while rows := ctx.graph.read("queries/user_ids_page", after_id=after, batch=FANOUT_BATCH):
        for row in rows:
            _regenerate(ctx, row["id"])
            progress(1)
            done += 1
        after = rows[-1]["id"]
    return done


def _regenerate(ctx: WorkerContext, user_id: int) -> int:
    feeds.forget_rebuild_claim(ctx.redis, user_id)
    rows = ctx.graph.read(
        "queries/home_timeline_ids",
        viewer_id=user_id,
        max_id=MAX_ID,
        since_id=0,
        limit=ctx.settings.timeline_cap,
    )
    ids = [row["id"] for row in rows]
    feeds.replace(ctx.redis, ctx.settings, user_id, ids)
    return len(ids)
