"""Feed tasks: fan a new post or repost out, take deleted posts and withdrawn reposts out,
rebuild a feed from the graph."""

from __future__ import annotations

import time
from collections.abc import Callable

from prometheus_client import Histogram

from flock.core.db import SyncGraph
from flock.core.ids import MAX_ID, id_for_time, time_of_id
from jobs.stores import feeds, live, post_cache
from jobs.stores.feeds import FANOUT_BATCH, Entry
from jobs.tasks.context import WorkerContext, worker_context

FANOUT_LAG = Histogram(
    "flock_fanout_lag_seconds",
    "From a post (or repost) being made to the last follower's feed holding it",
    ["kind"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
CATCH_UP_SECONDS = 60  # a rebuild pushes again what was made this long before it read


def fan_out_post(post_id: int, again: bool = False) -> int:
    """Push a new post into the feeds of its author's active followers, in batches.

    Authors with more than FLOCK_FANOUT_LIMIT followers are merged at read time instead.
    `again`: a replay after Redis lost writes (jobs/tasks/recovery.py): pushed quietly (no live
    update, no fan-out lag counted). Returns how many feeds got it.
    """
    ctx = worker_context()
    settings, r = ctx.settings, ctx.redis
    info = ctx.graph.read("queries/fanout_post_info", id=post_id)
    if not info:
        return 0  # deleted before the job ran
    author_id = info[0]["author_id"]
    parent_author_id = info[0]["parent_author_id"]
    own = [author_id] if info[0]["author_sees_it"] else []
    pushed = len(feeds.push(r, settings, post_id, own))
    if not feeds.followers_get_fan_out(r, settings, author_id, info[0]["follower_count"]):
        return pushed
    update = {"id": str(post_id), "post_id": str(post_id), "reposted_by": None}
    batches = ctx.graph.batches(
        "queries/fanout_recipients",
        batch=FANOUT_BATCH,
        author_id=author_id,
        active_since=time.time() - settings.active_days * 86400,
        parent_author_id=parent_author_id,
    )
    for user_ids in batches:
        got_it = feeds.push(r, settings, post_id, user_ids)
        if not again:
            live.publish_now(r, got_it, "update", update)
        pushed += len(got_it)
    if not again:
        FANOUT_LAG.labels("post").observe(time.time() - time_of_id(post_id))
    return pushed


def fan_out_repost(repost_id: int, again: bool = False) -> int:
    """Push a new repost into the feeds of its reposter's active followers that do not show
    its post yet (a big account's reposts are merged at read time); `again` as for
    fan_out_post. Returns how many got it."""
    ctx = worker_context()
    settings, r = ctx.settings, ctx.redis
    info = ctx.graph.read("queries/fanout_repost_info", repost_id=repost_id)
    if not info:
        return 0  # taken back before the job ran
    reposter_id = info[0]["reposter_id"]
    entry = Entry(repost_id, info[0]["post_id"], reposter_id)
    if not feeds.followers_get_fan_out(r, settings, reposter_id, info[0]["follower_count"]):
        return 0
    pushed = 0
    update = {"id": str(repost_id), "post_id": str(entry.post_id), "reposted_by": str(reposter_id)}
    for user_ids in ctx.graph.batches(
        "queries/fanout_repost_recipients",
        batch=FANOUT_BATCH,
        reposter_id=reposter_id,
        post_id=entry.post_id,
        active_since=time.time() - settings.active_days * 86400,
    ):
        got_it = feeds.push_repost(r, settings, entry, user_ids)
        if not again:
            live.publish_now(r, got_it, "update", update)
        pushed += len(got_it)
    if not again:
        FANOUT_LAG.labels("repost").observe(time.time() - time_of_id(repost_id))
    return pushed


def withdraw_repost(repost_id: int, post_id: int, reposter_id: int) -> None:
    """Take a repost that was undone out of its reposter's and their followers' feeds; where it
    was the post's entry, the next repost of it by someone they follow takes its place."""
    ctx = worker_context()
    entry = Entry(repost_id, post_id, reposter_id)
    _withdraw(ctx, entry, [reposter_id])
    for batch in ctx.graph.batches(
        "queries/follower_ids", batch=FANOUT_BATCH, author_id=reposter_id
    ):
        _withdraw(ctx, entry, batch)


def _withdraw(ctx: WorkerContext, entry: Entry, user_ids: list[int]) -> None:
    shown_to = feeds.remove_repost(ctx.redis, entry, user_ids)
    if not shown_to:
        return
    rows = ctx.graph.read("queries/repost_next_entries", user_ids=shown_to, post_id=entry.post_id)
    for row in rows:
        later = Entry(row["id"], row["post_id"], row["reposter_id"])
        feeds.push_repost(ctx.redis, ctx.settings, later, [row["user_id"]])


def remove_post(post_id: int, author_id: int) -> None:
    """Take a deleted post out of its author's and every follower's feed, and out of the post
    cache."""
    ctx = worker_context()
    post_cache.forget_posts_now(ctx.redis, [post_id])
    feeds.remove(ctx.redis, [post_id], [author_id])
    deleted = {"id": str(post_id)}
    live.publish_now(ctx.redis, [author_id], "delete", deleted)
    for batch in ctx.graph.batches("queries/follower_ids", batch=FANOUT_BATCH, author_id=author_id):
        feeds.remove(ctx.redis, [post_id], batch)
        live.publish_now(ctx.redis, batch, "delete", deleted)


def remove_account_posts(
    author_id: int,
    post_ids: list[int],
    follower_ids: list[int],
    reposts: list[list[int]] | None = None,
) -> None:
    """A deleted account's posts and reposts (`[repost id, post id]`) leave the feeds of those
    who followed it (read before the follows were deleted), and its own feed goes."""
    ctx = worker_context()
    post_cache.forget_posts_now(ctx.redis, post_ids)
    for start in range(0, len(follower_ids), FANOUT_BATCH):
        batch = follower_ids[start : start + FANOUT_BATCH]
        feeds.remove(ctx.redis, post_ids, batch)
        for repost_id, post_id in reposts or []:
            _withdraw(ctx, Entry(repost_id, post_id, author_id), batch)
    feeds.delete(ctx.redis, author_id)


def regenerate_feed(user_id: int) -> int:
    """Rebuild one user's feed from Cypher (the same rules as the cold path); returns its size."""
    return _regenerate(worker_context(), user_id)


def feeds_to_rebuild(graph: SyncGraph, username: str | None) -> tuple[int | None, int]:
    """What `rebuild_feeds` will do: (the user's id, or None for everyone; how many feeds).
    LookupError when there is no such user."""
    if username is None:
        return None, graph.read("queries/user_count")[0]["users"]
    rows = graph.read("queries/user_id_by_username", username=username, viewer_id=None)
    if not rows:
        raise LookupError(f"no user is called @{username}")
    return rows[0]["id"], 1


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
    """Write the feed read from the graph, then catch up with what was posted meanwhile.

    A post stored after the read is not in what was read, and its fan-out may have run before
    the write, when the feed did not exist yet (or was the one now replaced): so the entries
    made since a little before the read (ids are times; a slow write may store an id made
    earlier) are read again after the write and pushed, which is idempotent; those read the
    first time and gone the second (deleted meanwhile) are taken out. A post whose
    fan-out runs after the write finds the feed and is pushed by it."""
    feeds.forget_rebuild_claim(ctx.redis, user_id)
    since = id_for_time(time.time() - CATCH_UP_SECONDS)
    entries = _feed_entries(ctx, user_id, since_id=0)
    feeds.replace(ctx.redis, ctx.settings, user_id, entries)
    recent = _feed_entries(ctx, user_id, since_id=since)
    for entry in reversed(recent):
        if entry.reposter_id is None:
            feeds.push(ctx.redis, ctx.settings, entry.post_id, [user_id])
        else:
            feeds.push_repost(ctx.redis, ctx.settings, entry, [user_id])
    for gone in {e for e in entries if e.id > since} - set(recent):  # deleted meanwhile
        if gone.reposter_id is None:
            feeds.remove(ctx.redis, [gone.post_id], [user_id])
        else:
            feeds.remove_repost(ctx.redis, gone, [user_id])
    return len(entries)


def _feed_entries(ctx: WorkerContext, user_id: int, since_id: int) -> list[Entry]:
    """A home timeline's entries newer than `since_id`, newest first, from the graph."""
    rows = ctx.graph.read(
        "queries/home_timeline_ids",
        viewer_id=user_id,
        max_id=MAX_ID,
        since_id=since_id,
        limit=ctx.settings.timeline_cap,
    )
    return [Entry(row["id"], row["post_id"], row["reposter_id"]) for row in rows]
