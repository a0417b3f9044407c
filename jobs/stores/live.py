"""Live updates: what a signed-in user's open stream (GET /api/streaming) is told, through Redis.

Each event for a user is appended to `live-log:<user id>` (a Redis stream, capped and short-lived:
the window in which a client that reconnects with `Last-Event-ID` misses nothing) and published
on the channel `live:<user id>` with the id the log gave it. Every app process subscribes, on one
connection, to the channels of the users it has streams open for (after Mastodon's streaming
server), so that a post fanned out by any worker reaches a stream held by any app process.

Events: `update` (a new entry in the home timeline), `delete` (a post gone), `notification`
(someone liked, reposted, replied to, mentioned, quoted or followed the user). `online:<user id>`
marks users with a stream open, refreshed at each heartbeat: fan-out publishes only to them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import redis
import redis.asyncio as aioredis

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


def channel(user_id: int) -> str:
    return f"live:{user_id}"


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
                pipe.eval(PUBLISH_SCRIPT, 2, *_keys(user_id), *_args(event, data))
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
            pipe.eval(PUBLISH_SCRIPT, 2, *_keys(user_id), *_args(event, data))
        pipe.execute()


def _keys(user_id: int) -> list[str]:
    return [log_key(user_id), channel(user_id)]


def _args(event: str, data: dict) -> list:
    return [event, json.dumps(data), LOG_LENGTH, LOG_SECONDS]


# ----------------------------------------------------------------------------- streams (app)


async def mark_online(r: aioredis.Redis, user_id: int) -> None:
    await r.set(online_key(user_id), 1, ex=ONLINE_SECONDS)


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
