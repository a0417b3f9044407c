"""Home-timeline feeds in Redis: every rule about them lives here (after Mastodon's FeedManager).

`feed:<user id>` is a sorted set of timeline entries, capped at FLOCK_TIMELINE_CAP, holding a
`ready` sentinel at score 0: the key exists exactly when the feed is materialised, so "is there
a feed" and "what is in it" are one read. An entry's score is its id; a post's member is its id,
a repost's is `<repost id>:<post id>:<reposter id>`. A post shows once, at its first entry (the
rule of cypher/queries/home_timeline_ids.cypher): `feed-reposts:<user id>` maps each post shown
through a repost to that repost's member, so that pushing a repost checks in O(1) whether the
post is already there. A feed expires a little
before its owner stops counting as active, because from then on fan-out skips them; their next
read finds no feed, falls back to Cypher and has it regenerated.

`big-authors` is the set of accounts with too many followers to fan out to (with the same
sentinel); their posts are merged in at read time. An account joins it when a follow takes it
over FLOCK_FANOUT_LIMIT and stays until the set is rebuilt, so each post is either fanned out or
merged, never neither (`followers_get_fan_out` decides it, the tasks only loop). The posts
themselves are copied in Redis by jobs/stores/post_cache.py.

Reading (the app, async) and writing (the tasks, blocking) the feeds; no RQ here: what queues
the writes is jobs/events.py, the tasks that run them are jobs/tasks/feeds.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis

from flock.core.backends import lua_script, lua_script_sync
from flock.core.db import Graph
from flock.core.settings import Settings

log = logging.getLogger("flock.feeds")

SENTINEL = "ready"
SAME_SCORE_SLACK = 8  # members read beyond a page: ids that round to a bound's score
FANOUT_BATCH = 1000

# Adds a post to each feed that exists (in place of a repost of it that got there first), then
# trims to the cap (rank 0 is the sentinel, kept). KEYS: n feeds, then their n repost maps.
# ARGV: post id, cap. Returns the (1-based) positions of the feeds that got it.
PUSH_SCRIPT = """
local n = #KEYS / 2
local cap = tonumber(ARGV[2])
local added = {}
for i = 1, n do
  local size = redis.call('ZCARD', KEYS[i])  -- 0: no feed (a feed holds its sentinel)
  if size > 0 then
    local shown = redis.call('HGET', KEYS[n + i], ARGV[1])
    if shown then
      size = size - redis.call('ZREM', KEYS[i], shown)
      redis.call('HDEL', KEYS[n + i], ARGV[1])
    end
    size = size + redis.call('ZADD', KEYS[i], ARGV[1], ARGV[1])
    if size > cap + 1 then  -- trimming ranks only when over
      redis.call('ZREMRANGEBYRANK', KEYS[i], 1, -(cap + 1))
    end
    added[#added + 1] = i
  end
end
return added
"""

# Adds a repost to each feed that exists unless its post is already there by itself or by an
# earlier repost (a later one is replaced). KEYS: n feeds, then their n repost maps.
# ARGV: member, repost id, post id, cap, ttl. Ids are compared as decimal strings (Lua's
# numbers are doubles, inexact above 2^53). Returns the (1-based) positions of the feeds that
# got it.
PUSH_REPOST_SCRIPT = """
local function earlier(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end
local n = #KEYS / 2
local added = {}
for i = 1, n do
  if redis.call('EXISTS', KEYS[i]) == 1 and not redis.call('ZSCORE', KEYS[i], ARGV[3]) then
    local shown = redis.call('HGET', KEYS[n + i], ARGV[3])
    local shown_id = shown and string.match(shown, '^(%d+)')
    if not shown or earlier(ARGV[2], shown_id) then
      if shown then redis.call('ZREM', KEYS[i], shown) end
      redis.call('ZADD', KEYS[i], ARGV[2], ARGV[1])
      redis.call('HSET', KEYS[n + i], ARGV[3], ARGV[1])
      redis.call('EXPIRE', KEYS[n + i], ARGV[5])
      redis.call('ZREMRANGEBYRANK', KEYS[i], 1, -(tonumber(ARGV[4]) + 1))
      added[#added + 1] = i
    end
  end
end
return added
"""

# Takes a repost out of each feed. KEYS: n feeds, then their n repost maps. ARGV: member, post
# id. Returns the (1-based) positions of the feeds where it was the post's entry.
REMOVE_REPOST_SCRIPT = """
local n = #KEYS / 2
local shown = {}
for i = 1, n do
  redis.call('ZREM', KEYS[i], ARGV[1])
  if redis.call('HGET', KEYS[n + i], ARGV[2]) == ARGV[1] then
    redis.call('HDEL', KEYS[n + i], ARGV[2])
    shown[#shown + 1] = i
  end
end
return shown
"""


def feed_key(user_id: int) -> str:
    return f"feed:{user_id}"


def reposts_key(user_id: int) -> str:
    return f"feed-reposts:{user_id}"


def repost_member(repost_id: int, post_id: int, reposter_id: int) -> str:
    return f"{repost_id}:{post_id}:{reposter_id}"


@dataclass(frozen=True)
class Entry:
    """A place in a home timeline: a post (reposter_id None) or a repost of it."""

    id: int
    post_id: int
    reposter_id: int | None = None

    @classmethod
    def parse(cls, member: bytes | str) -> Entry:
        text = member.decode() if isinstance(member, bytes) else member
        if ":" not in text:
            return cls(int(text), int(text))
        entry_id, post_id, reposter_id = (int(part) for part in text.split(":"))
        return cls(entry_id, post_id, reposter_id)

    @property
    def member(self) -> str:
        if self.reposter_id is None:
            return str(self.id)
        return repost_member(self.id, self.post_id, self.reposter_id)


BIG_AUTHORS = "big-authors"


def rebuild_pending_key(user_id: int) -> str:
    return f"feed-rebuild-pending:{user_id}"


def feed_ttl(settings: Settings) -> int:
    return max(settings.active_days * 86400 - 3600, 60)


# ----------------------------------------------------------------------------- reading (app)


@dataclass
class FeedSlice:
    entries: list[Entry]
    full: bool  # the feed holds as many posts as the cap: older ones may be missing
    big_authors: set[int] | None  # None: the set is missing and must be rebuilt


def feed_slice(
    members: list[Entry],
    size: int,
    big: list[bytes] | set[bytes],
    settings: Settings,
    max_id: int,
    since_id: int,
    count: int,
) -> FeedSlice:
    """Ids between since_id and max_id (exclusive), newest first, from what Redis returned: the
    members read (parsed, without the sentinel), the feed's size and the big-authors set
    (jobs/stores/home_page.py reads them).

    Scores are doubles, exact only up to 2^53, and ids are about 2^58: ids a few dozen apart
    share a score. So the range is read with inclusive bounds and SAME_SCORE_SLACK more members
    than asked, then cut exactly here by the ids themselves (the members)."""
    entries = sorted(members, key=lambda e: e.id, reverse=True)
    return FeedSlice(
        entries=[e for e in entries if since_id < e.id < max_id][:count],
        full=size - 1 >= settings.timeline_cap,
        big_authors={int(m) for m in big if m != SENTINEL.encode()}
        if SENTINEL.encode() in big
        else None,
    )


async def rebuild_big_authors(r: aioredis.Redis, graph: Graph, settings: Settings) -> set[int]:
    """The big-authors set, made again from the graph (it was missing)."""
    row = await graph.read_one("queries/big_author_ids", fanout_limit=settings.fanout_limit)
    await r.sadd(BIG_AUTHORS, SENTINEL, *row["ids"])
    return set(row["ids"])


async def note_follower_count(r: aioredis.Redis, settings: Settings, author_id: int, count: int):
    """A follow took the author over the fan-out limit: merge their posts at read time."""
    if is_big(settings, count):
        try:
            await r.sadd(BIG_AUTHORS, author_id)
        except redis.RedisError as error:
            log.warning("big_author_note_failed", extra={"author": author_id, "error": repr(error)})


PUSH = lua_script(PUSH_SCRIPT)
PUSH_REPOST = lua_script(PUSH_REPOST_SCRIPT)
PUSH_NOW = lua_script_sync(PUSH_SCRIPT)  # the same for jobs
PUSH_REPOST_NOW = lua_script_sync(PUSH_REPOST_SCRIPT)
REMOVE_REPOST_NOW = lua_script_sync(REMOVE_REPOST_SCRIPT)


async def push_own_post(r: aioredis.Redis, settings: Settings, author_id: int, post_id: int):
    """The author sees their new post at once; fan-out to followers follows in the worker."""
    try:
        keys = [feed_key(author_id), reposts_key(author_id)]
        await PUSH(keys=keys, args=[post_id, settings.timeline_cap], client=r)
    except redis.RedisError as error:
        log.warning("own_post_push_failed", extra={"author": author_id, "error": repr(error)})


async def push_own_repost(r: aioredis.Redis, settings: Settings, entry: Entry) -> None:
    """The reposter sees their repost at once (unless the post is in their timeline already)."""
    try:
        keys = [feed_key(entry.reposter_id), reposts_key(entry.reposter_id)]
        args = _repost_args(settings, entry)
        await PUSH_REPOST(keys=keys, args=args, client=r)
    except redis.RedisError as error:
        log.warning(
            "own_repost_push_failed", extra={"user": entry.reposter_id, "error": repr(error)}
        )


async def drop_feed(r: aioredis.Redis, user_id: int) -> None:
    """Which posts belong changed (a follow, an unfollow, a long absence): drop the feed, so
    reads go to Cypher (always right) until a rebuild has run."""
    try:
        await r.delete(feed_key(user_id), reposts_key(user_id))
    except redis.RedisError as error:
        log.warning("feed_drop_failed", extra={"user": user_id, "error": repr(error)})


async def claim_rebuild(r: aioredis.Redis, user_id: int) -> bool:
    """True for the first reader that finds no feed: it asks for the one rebuild (not one per
    read while it is pending)."""
    return bool(await r.set(rebuild_pending_key(user_id), 1, nx=True, ex=60))


# ----------------------------------------------------------------------------- writing (tasks)


def push(r: redis.Redis, settings: Settings, post_id: int, user_ids: Iterable[int]) -> list[int]:
    """Add a post to each of these users' feeds that exists; returns those who got it."""
    users = list(user_ids)
    if not users:
        return []
    positions = PUSH_NOW(keys=_keys(users), args=[post_id, settings.timeline_cap], client=r)
    return [users[int(p) - 1] for p in positions]


def push_repost(
    r: redis.Redis, settings: Settings, entry: Entry, user_ids: Iterable[int]
) -> list[int]:
    """Add a repost to each of these users' feeds that exists and does not show its post yet;
    returns those who got it."""
    users = list(user_ids)
    if not users:
        return []
    positions = PUSH_REPOST_NOW(keys=_keys(users), args=_repost_args(settings, entry), client=r)
    return [users[int(p) - 1] for p in positions]


def remove_repost(r: redis.Redis, entry: Entry, user_ids: list[int]) -> list[int]:
    """Take a repost out of these users' feeds; returns those for whom it was the post's entry
    (and who may now be owed a later repost of it)."""
    if not user_ids:
        return []
    positions = REMOVE_REPOST_NOW(
        keys=_keys(user_ids), args=[entry.member, entry.post_id], client=r
    )
    return [user_ids[int(p) - 1] for p in positions]


def remove(r: redis.Redis, post_ids: list[int], user_ids: Iterable[int]) -> None:
    """Take these posts out of these users' feeds (one ZREM per feed)."""
    if not post_ids:
        return
    with r.pipeline(transaction=False) as pipe:
        for user_id in user_ids:
            pipe.zrem(feed_key(user_id), *post_ids)
        pipe.execute()


def replace(r: redis.Redis, settings: Settings, user_id: int, entries: list[Entry]) -> None:
    """The user's whole feed, newest first, as computed from the graph."""
    reposts = {str(e.post_id): e.member for e in entries if e.reposter_id is not None}
    with r.pipeline(transaction=True) as pipe:
        pipe.delete(feed_key(user_id), reposts_key(user_id))
        pipe.zadd(feed_key(user_id), {SENTINEL: 0, **{e.member: e.id for e in entries}})
        pipe.expire(feed_key(user_id), feed_ttl(settings))
        if reposts:
            pipe.hset(reposts_key(user_id), mapping=reposts)
            pipe.expire(reposts_key(user_id), feed_ttl(settings))
        pipe.execute()


def delete(r: redis.Redis, user_id: int) -> None:
    r.delete(feed_key(user_id), reposts_key(user_id))


def forget_rebuild_claim(r: redis.Redis, user_id: int) -> None:
    """A rebuild is starting: a feed dropped after this point asks for another one."""
    r.delete(rebuild_pending_key(user_id))


def _keys(user_ids: Iterable[int]) -> list[str]:
    """Each user's feed, then each user's repost map (the layout the scripts expect)."""
    users = list(user_ids)
    return [feed_key(u) for u in users] + [reposts_key(u) for u in users]


def _repost_args(settings: Settings, entry: Entry) -> list:
    return [entry.member, entry.id, entry.post_id, settings.timeline_cap, feed_ttl(settings)]


def is_big(settings: Settings, follower_count: int) -> bool:
    """Too many followers to fan out to: their posts and reposts are merged at read time."""
    return follower_count > settings.fanout_limit


def followers_get_fan_out(
    r: redis.Redis, settings: Settings, author_id: int, follower_count: int
) -> bool:
    """The fan-out decision for a new post or repost of this author: True when their followers'
    feeds get it by fan-out; False for a big author, who is noted in `big-authors` (if not yet)
    so that readers merge their posts in."""
    if is_big(settings, follower_count):
        r.sadd(BIG_AUTHORS, author_id)
        return False
    return not r.sismember(BIG_AUTHORS, author_id)  # big until the set is rebuilt
