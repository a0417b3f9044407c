"""Home-timeline feeds in Redis: every rule about them lives here (after Mastodon's FeedManager).

`feed:<user id>` is a sorted set of post ids (member and score: the id), capped at
FLOCK_TIMELINE_CAP, holding a `ready` sentinel at score 0: the key exists exactly when the feed
is materialised, so "is there a feed" and "what is in it" are one read. A feed expires a little
before its owner stops counting as active, because from then on fan-out skips them; their next
read finds no feed, falls back to Cypher and has it regenerated.

`big-authors` is the set of accounts with too many followers to fan out to (with the same
sentinel); their posts are merged in at read time. An account joins it when a follow takes it
over FLOCK_FANOUT_LIMIT and stays until the set is rebuilt, so each post is either fanned out or
merged, never neither. The posts themselves are copied in Redis by jobs/post_cache.py.

Jobs take ids, re-read the graph, and can run twice without harm.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import redis
import redis.asyncio as aioredis

from flock.settings import Settings
from graph.db import SyncGraph
from jobs import post_cache
from jobs.queues import enqueue_async, sync_redis

log = logging.getLogger("flock.feeds")

SENTINEL = "ready"
FANOUT_BATCH = 1000

# Adds a post to each feed that exists, then trims to the cap (rank 0 is the sentinel, kept).
PUSH_SCRIPT = """
local added = 0
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('ZADD', key, ARGV[1], ARGV[1])
    redis.call('ZREMRANGEBYRANK', key, 1, -(tonumber(ARGV[2]) + 1))
    added = added + 1
  end
end
return added
"""


def feed_key(user_id: int) -> str:
    return f"feed:{user_id}"


BIG_AUTHORS = "big-authors"


def rebuild_pending_key(user_id: int) -> str:
    return f"feed-rebuild-pending:{user_id}"


def feed_ttl(settings: Settings) -> int:
    return max(settings.active_days * 86400 - 3600, 60)


# ----------------------------------------------------------------------------- reading (app)


@dataclass
class FeedSlice:
    ids: list[int]
    full: bool  # the feed holds as many posts as the cap: older ones may be missing
    big_authors: set[int] | None  # None: the set is missing and must be rebuilt


async def read_feed(
    r: aioredis.Redis, settings: Settings, user_id: int, max_id: int, since_id: int, count: int
) -> FeedSlice | None:
    """Ids between since_id and max_id (exclusive), newest first; None when there is no feed."""
    async with r.pipeline(transaction=False) as pipe:
        pipe.zrevrangebyscore(feed_key(user_id), f"({max_id}", f"({since_id}", start=0, num=count)
        pipe.zcard(feed_key(user_id))
        pipe.expire(feed_key(user_id), feed_ttl(settings))
        pipe.smembers(BIG_AUTHORS)
        members, size, _, big = await pipe.execute()
    if size == 0:
        return None
    return FeedSlice(
        ids=[int(m) for m in members if m != SENTINEL.encode()],
        full=size - 1 >= settings.timeline_cap,
        big_authors={int(m) for m in big if m != SENTINEL.encode()}
        if SENTINEL.encode() in big
        else None,
    )


async def store_big_authors(r: aioredis.Redis, author_ids: list[int]) -> None:
    await r.sadd(BIG_AUTHORS, SENTINEL, *author_ids)


async def note_follower_count(r: aioredis.Redis, settings: Settings, author_id: int, count: int):
    """A follow took the author over the fan-out limit: merge their posts at read time."""
    if count > settings.fanout_limit:
        try:
            await r.sadd(BIG_AUTHORS, author_id)
        except redis.RedisError as error:
            log.warning("event=big_author_note_failed author=%s error=%r", author_id, error)


async def push_own_post(r: aioredis.Redis, settings: Settings, author_id: int, post_id: int):
    """The author sees their new post at once; fan-out to followers follows in the worker."""
    try:
        await r.eval(PUSH_SCRIPT, 1, feed_key(author_id), post_id, settings.timeline_cap)
    except redis.RedisError as error:
        log.warning("event=own_post_push_failed author=%s error=%r", author_id, error)


async def rebuild_feed_soon(r: aioredis.Redis, settings: Settings, user_id: int) -> None:
    """Follow and unfollow change which posts belong: drop the feed, so reads go to Cypher
    (always right) until the queued rebuild has run."""
    try:
        await r.delete(feed_key(user_id))
    except redis.RedisError as error:
        log.warning("event=feed_drop_failed user=%s error=%r", user_id, error)
    await enqueue_async(settings, regenerate_feed, user_id)


# ----------------------------------------------------------------------------- jobs (worker)


def fan_out_post(post_id: int) -> int:
    """Push a new post into the feeds of its author's active followers, in batches.

    Authors with more than FLOCK_FANOUT_LIMIT followers are merged at read time instead.
    Returns how many feeds got it.
    """
    settings, graph, r = _job_context()
    info = graph.read("queries/fanout_post_info", id=post_id)
    if not info:
        return 0  # deleted before the job ran
    author_id = info[0]["author_id"]
    parent_author_id = info[0]["parent_author_id"]
    own = [author_id] if parent_author_id in (None, author_id) else []
    pushed = _push(r, settings, post_id, own)
    if info[0]["follower_count"] > settings.fanout_limit:
        r.sadd(BIG_AUTHORS, author_id)
        return pushed
    if r.sismember(BIG_AUTHORS, author_id):
        return pushed
    batches = graph.stream(
        "queries/fanout_recipients",
        batch=FANOUT_BATCH,
        author_id=author_id,
        active_since=time.time() - settings.active_days * 86400,
        parent_author_id=parent_author_id,
    )
    for user_ids in batches:
        pushed += _push(r, settings, post_id, user_ids)
    return pushed


def remove_post(post_id: int, author_id: int) -> None:
    """Take a deleted post out of every follower's feed and out of the post cache."""
    settings, graph, r = _job_context()
    post_cache.forget_posts_now(r, [post_id])
    r.zrem(feed_key(author_id), post_id)
    for batch in graph.stream("queries/follower_ids", batch=FANOUT_BATCH, author_id=author_id):
        with r.pipeline(transaction=False) as pipe:
            for user_id in batch:
                pipe.zrem(feed_key(user_id), post_id)
            pipe.execute()


def remove_posts(post_ids: list[int], author_id: int) -> None:
    """A deleted account's posts leave every feed (the account's own feed goes too)."""
    for post_id in post_ids:
        remove_post(post_id, author_id)
    _, _, r = _job_context()
    r.delete(feed_key(author_id))


def regenerate_feed(user_id: int) -> int:
    """Rebuild one user's feed from Cypher (the same rules as the cold path); returns its size."""
    settings, graph, r = _job_context()
    r.delete(rebuild_pending_key(user_id))  # a drop after this point asks for another rebuild
    ids = [
        row["id"]
        for row in graph.read(
            "queries/home_timeline_ids",
            viewer_id=user_id,
            max_id=2**63 - 1,
            since_id=0,
            limit=settings.timeline_cap,
        )
    ]
    ttl = feed_ttl(settings)
    with r.pipeline(transaction=True) as pipe:
        pipe.delete(feed_key(user_id))
        pipe.zadd(feed_key(user_id), {SENTINEL: 0, **{str(i): i for i in ids}})
        pipe.expire(feed_key(user_id), ttl)
        pipe.execute()
    return len(ids)


def rebuild_feeds(settings: Settings, graph: SyncGraph, user_id: int | None, progress) -> int:
    """Rebuild one user's feed, or every user's, in this process; returns how many."""
    if user_id is not None:
        regenerate_feed(user_id)
        progress(1)
        return 1
    done, after = 0, -1
    while True:
        rows = graph.read("queries/user_ids_page", after_id=after, batch=FANOUT_BATCH)
        if not rows:
            return done
        for row in rows:
            regenerate_feed(row["id"])
            progress(1)
            done += 1
        after = rows[-1]["id"]


def _push(r: redis.Redis, settings: Settings, post_id: int, user_ids: Iterable[int]) -> int:
    keys = [feed_key(u) for u in user_ids]
    if not keys:
        return 0
    return int(r.register_script(PUSH_SCRIPT)(keys=keys, args=[post_id, settings.timeline_cap]))


@cache
def _job_context() -> tuple[Settings, SyncGraph, redis.Redis]:
    """One graph driver and Redis client per worker process, reused by every job."""
    settings = Settings.from_env()
    return settings, SyncGraph(settings), sync_redis(settings.redis_url)
