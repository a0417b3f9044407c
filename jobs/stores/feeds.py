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

Reading (the app, async) and writing (the tasks, blocking) the feeds; no RQ here: what queues
the writes is jobs/events.py, the tasks that run them are jobs/tasks/feeds.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis

from flock.settings import Settings

log = logging.getLogger("flock.feeds")

SENTINEL = "ready"
SAME_SCORE_SLACK = 8  # members read beyond a page: ids that round to a bound's score
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
    """Ids between since_id and max_id (exclusive), newest first; None when there is no feed.

    Scores are doubles, exact only up to 2^53, and ids are about 2^58: ids a few dozen apart
    share a score. So the range is read with inclusive bounds and a little more than asked,
    then cut exactly by the ids themselves (the members)."""
    async with r.pipeline(transaction=False) as pipe:
        pipe.zrevrangebyscore(
            feed_key(user_id), max_id, since_id, start=0, num=count + SAME_SCORE_SLACK
        )
        pipe.zcard(feed_key(user_id))
        pipe.expire(feed_key(user_id), feed_ttl(settings))
        pipe.smembers(BIG_AUTHORS)
        members, size, _, big = await pipe.execute()
    if size == 0:
        return None
    ids = sorted((int(m) for m in members if m != SENTINEL.encode()), reverse=True)
    return FeedSlice(
        ids=[i for i in ids if since_id < i < max_id][:count],
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


async def drop_feed(r: aioredis.Redis, user_id: int) -> None:
    """Which posts belong changed (a follow, an unfollow, a long absence): drop the feed, so
    reads go to Cypher (always right) until a rebuild has run."""
    try:
        await r.delete(feed_key(user_id))
    except redis.RedisError as error:
        log.warning("event=feed_drop_failed user=%s error=%r", user_id, error)


async def claim_rebuild(r: aioredis.Redis, user_id: int) -> bool:
    """True for the first reader that finds no feed: it asks for the one rebuild (not one per
    read while it is pending)."""
    return bool(await r.set(rebuild_pending_key(user_id), 1, nx=True, ex=60))


# ----------------------------------------------------------------------------- writing (tasks)


def push(r: redis.Redis, settings: Settings, post_id: int, user_ids: Iterable[int]) -> int:
    """Add a post to each of these users' feeds that exists; returns how many got it."""
    keys = [feed_key(u) for u in user_ids]
    if not keys:
        return 0
    return int(r.register_script(PUSH_SCRIPT)(keys=keys, args=[post_id, settings.timeline_cap]))


def remove(r: redis.Redis, post_ids: list[int], user_ids: Iterable[int]) -> None:
    """Take these posts out of these users' feeds (one ZREM per feed)."""
    if not post_ids:
        return
    with r.pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.zrem(feed_key(user_id), *post_ids)
        pipe.execute()


def replace(r: redis.Redis, settings: Settings, user_id: int, post_ids: list[int]) -> None:
    """The user's whole feed, newest first, as computed from the graph."""
    with r.pipeline(transaction=True) as pipe:
        pipe.delete(feed_key(user_id))
        pipe.zadd(feed_key(user_id), {SENTINEL: 0, **{str(i): i for i in post_ids}})
        pipe.expire(feed_key(user_id), feed_ttl(settings))
        pipe.execute()


def delete(r: redis.Redis, user_id: int) -> None:
    r.delete(feed_key(user_id))


def forget_rebuild_claim(r: redis.Redis, user_id: int) -> None:
    """A rebuild is starting: a feed dropped after this point asks for another one."""
    r.delete(rebuild_pending_key(user_id))


def is_big_author(r: redis.Redis, author_id: int) -> bool:
    return bool(r.sismember(BIG_AUTHORS, author_id))


def mark_big_author(r: redis.Redis, author_id: int) -> None:
    r.sadd(BIG_AUTHORS, author_id)
