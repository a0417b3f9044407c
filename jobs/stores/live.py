"""Live updates: what a signed-in user's open stream (GET /api/streaming) is told, through Redis.

Each event for a user is appended to `live-log:<user id>` (a Redis stream, capped and short-lived:
the window in which a client that reconnects with `Last-Event-ID` misses nothing) and published
on the channel `live:<user id>` with the id the log gave it. Every app process subscribes, on one
connection, to the channels of the users it has streams open for (after Mastodon's streaming
server), so that a post fanned out by any worker reaches a stream held by any app process.

Events: `update` (a new entry in the home timeline), `delete` (a post gone), `notification`
(someone liked, reposted, replied to, mentioned, quoted or followed the user). `online:<user id>`
marks users with a stream open, refreshed at each heartbeat: fan-out publishes only to them.
`streams:<user id>` and `streams` count the open streams (of a user, of the site) for their caps.
A `{"signal": ...}` message on a channel is for the streams themselves, never shown.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import Any

import redis
import redis.asyncio as aioredis

from flock.core.backends import lua_script, lua_script_sync

log = logging.getLogger("flock.live")

LOG_LENGTH = 500  # events kept per user for resuming
LOG_SECONDS = 300  # ... and for how long after the last one
ONLINE_SECONDS = 90  # a stream refreshes its mark at every heartbeat, well within this

# Appends the event to the user's log and publishes it with its id. KEYS: log, channel.
# ARGV: event, data, length, seconds.
PUBLISH_SCRIPT = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*',
                      'event', ARGV[1], 'data', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], cjson.encode({id = id, event = ARGV[1], data = ARGV[2]}))
return id
"""


# Opens a stream if the caps allow. KEYS: the account's open streams, every open stream (sorted
# sets of stream ids by when each last said it was alive). ARGV: stream id, now, stale before
# (a stream silent since then is gone: its process died), the account's cap, the site's cap.
# Returns 0 (opened), 1 (the account is at its cap) or 2 (the site is).
OPEN_STREAM_SCRIPT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], 3600)
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 0
"""
OPEN_STREAM = lua_script(OPEN_STREAM_SCRIPT)
PUBLISH = lua_script(PUBLISH_SCRIPT)  # sent once, then called by its digest, in pipelines too
PUBLISH_NOW = lua_script_sync(PUBLISH_SCRIPT)  # the same for jobs
ALL_STREAMS = "streams"
ACCOUNT_AT_CAP, SITE_AT_CAP = 1, 2


def channel(user_id: int) -> str:
    return f"live:{user_id}"


PUBLIC = "live:public"  # every new tweet's id, for the public timeline's streams


def tag_channel(tag: str) -> str:
    """A hashtag's new posts, for its streams."""
    return f"live:tag:{tag.lower()}"


async def publish_public(
    r: aioredis.Redis, event: str, post_id: int, tags: Iterable[str], public: bool = True
) -> None:
    """Tell the public timeline's streams (a tweet; `public` False: a reply, hashtags only)
    and its hashtags' streams of a post (`update`, `status.update`, `delete`). Not logged:
    these streams do not resume."""
    message = json.dumps(
        {"id": str(post_id), "event": event, "data": json.dumps({"id": str(post_id)})}
    )
    channels = [PUBLIC] if public else []
    channels += [tag_channel(tag) for tag in tags]
    try:
        async with r.pipeline(transaction=False) as pipe:
            for name in channels:
                pipe.publish(name, message)
            await pipe.execute()
    except redis.RedisError as error:
        log.warning("live_publish_failed", extra={"error": repr(error)})


def log_key(user_id: int) -> str:
    return f"live-log:{user_id}"


def online_key(user_id: int) -> str:
    return f"online:{user_id}"


# ----------------------------------------------------------------------------- publishing


async def publish(r: aioredis.Redis, user_ids: Iterable[int], event: str, data: dict) -> None:
    """Tell these users' open streams (from the app); never fails a request."""
    users = list(dict.fromkeys(user_ids))
    if not users:
        return
    try:
        async with r.pipeline(transaction=False) as pipe:
            for user_id in users:
                await PUBLISH(keys=_keys(user_id), args=_args(event, data), client=pipe)
            await pipe.execute()
    except redis.RedisError as error:
        log.warning("live_publish_failed", extra={"error": repr(error)})


def publish_now(r: redis.Redis, user_ids: Iterable[int], event: str, data: dict) -> None:
    """`publish` from a job, to those of these users who have a stream open."""
    users = list(dict.fromkeys(user_ids))
    if not users:
        return
    flags = r.mget([online_key(u) for u in users])  # one command for a batch of a thousand
    online = [u for u, flag in zip(users, flags, strict=True) if flag is not None]
    if not online:
        return
    with r.pipeline(transaction=False) as pipe:
        for user_id in online:
            PUBLISH_NOW(keys=_keys(user_id), args=_args(event, data), client=pipe)
        pipe.execute()


def _keys(user_id: int) -> list[str]:
    return [log_key(user_id), channel(user_id)]


def _args(event: str, data: dict) -> list:
    return [event, json.dumps(data), LOG_LENGTH, LOG_SECONDS]


# ----------------------------------------------------------------------------- streams (app)


def streams_key(user_id: int) -> str:
    return f"streams:{user_id}"


async def open_stream(
    r: aioredis.Redis, user_id: int, stream_id: str, per_account: int, site_max: int
) -> int:
    """Count a new stream of the user's, and mark them online, if the caps allow: 0, else
    ACCOUNT_AT_CAP or SITE_AT_CAP (nothing was counted)."""
    now = time.time()
    keys = [streams_key(user_id), ALL_STREAMS]
    args = [stream_id, now, now - ONLINE_SECONDS, per_account, site_max]
    refused = int(await OPEN_STREAM(keys=keys, args=args, client=r))
    if not refused:
        await mark_online(r, user_id, stream_id)
    return refused


async def mark_online(r: aioredis.Redis, user_id: int, stream_id: str) -> None:
    """A stream says it is alive (at each heartbeat): fan-out publishes to its user."""
    now = time.time()
    async with r.pipeline(transaction=False) as pipe:
        pipe.set(online_key(user_id), 1, ex=ONLINE_SECONDS)
        pipe.zadd(streams_key(user_id), {stream_id: now})
        pipe.zadd(ALL_STREAMS, {stream_id: now})
        await pipe.execute()


async def close_stream(r: aioredis.Redis, user_id: int, stream_id: str) -> None:
    async with r.pipeline(transaction=False) as pipe:
        pipe.zrem(streams_key(user_id), stream_id)
        pipe.zrem(ALL_STREAMS, stream_id)
        await pipe.execute()


async def tell_streams(r: aioredis.Redis, user_id: int, signal: str) -> None:
    """A signal to the user's open streams themselves (not an event for the client, not
    logged): `session_ended` makes each check that its token or session still counts."""
    try:
        await r.publish(channel(user_id), json.dumps({"signal": signal}))
    except redis.RedisError as error:
        log.warning("live_signal_failed", extra={"error": repr(error)})


async def events_after(r: aioredis.Redis, user_id: int, last_id: str) -> list[dict[str, Any]]:
    """The user's logged events after `last_id` (a stream id), oldest first: what a stream that
    reconnects missed. An id that is not a stream id gives nothing."""
    try:
        entries = await r.xrange(log_key(user_id), min=f"({last_id}", max="+")
    except redis.ResponseError:
        return []
    return [
        {"id": entry_id.decode(), **{k.decode(): v.decode() for k, v in fields.items()}}
        for entry_id, fields in entries
    ]


def parse_message(raw: bytes | str) -> dict[str, str]:
    """A published event: {id, event, data}."""
    return json.loads(raw)


def stream_id_order(event_id: str) -> tuple[int, int]:
    """Redis stream ids ("<ms>-<seq>") in their order."""
    ms, _, seq = event_id.partition("-")
    return int(ms), int(seq or 0)
