"""Rate limits: fixed-window counters in Redis, checked and counted in one atomic step.

`take` is one Lua script: either every counter it names is below its limit and each is counted,
or none is counted and the caller learns how long to wait. So N concurrent requests over a limit
of L let exactly L through (a check, then a count, in two round trips would let more).

A dead Redis must not lock everyone out: the limits then let requests through and log it.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.exceptions import RedisError

from graph.errors import TooManyRequests

log = logging.getLogger("flock.ratelimits")
REFUSED = Counter("flock_rate_limited_total", "Actions refused by a rate limit (429)", ["limit"])

# KEYS: the counters. ARGV: the window in seconds, then one limit per counter.
# Returns 0 when all were below their limits (and all were counted), else the seconds until the
# first exhausted counter resets (and nothing was counted).
TAKE = """
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 1 then ttl = 1 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return 0
"""

# KEYS: counters to give one back to (a try that turned out not to count).
GIVE_BACK = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 0
"""


async def take(r: aioredis.Redis, limits: dict[str, int], window_seconds: int) -> int:
    """Count one action on every counter in `limits` (key -> limit) if all allow it; returns 0
    when allowed, else the seconds to wait (and nothing was counted)."""
    keys = list(limits)
    try:
        wait = int(await r.eval(TAKE, len(keys), *keys, window_seconds, *limits.values()))
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})
        return 0
    if wait:
        REFUSED.labels(keys[0].split(":")[1]).inc()  # throttle:<what>:...
    return wait


async def throttle(r: aioredis.Redis, key: str, limit: int, window_seconds: int, what: str) -> None:
    """Refuse with 429 (and Retry-After) once `limit` actions happened in the window."""
    wait = await take(r, {key: limit}, window_seconds)
    if wait:
        raise too_many(what, wait)


async def give_back(r: aioredis.Redis, keys: list[str]) -> None:
    """Uncount one action on each counter (it succeeded where only failures count)."""
    try:
        await r.eval(GIVE_BACK, len(keys), *keys)
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})


async def reset(r: aioredis.Redis, keys: list[str]) -> None:
    try:
        await r.delete(*keys)
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})


def too_many(what: str, wait: int) -> TooManyRequests:
    return TooManyRequests(
        f"Too many {what}. Try again in {wait} seconds.", headers={"Retry-After": str(wait)}
    )
