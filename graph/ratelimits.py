"""Rate limits: fixed-window counters in Redis, checked and counted in one atomic step.

Each counter is named by what it limits (`post`, `follow`, `upload`, `signup`, `login`: the
label of its metric) and whose it is (an account, `address:<client>`); `key` makes its Redis
key, the only place one is made. `take` is one Lua script: either every counter it names is
below its limit and each is counted, or none is counted and the caller learns how long to wait.
So N concurrent requests over a limit of L let exactly L through (a check, then a count, in
two round trips would let more).

A dead Redis must not lock everyone out: the limits then let requests through and log it.
"""

from __future__ import annotations

import logging

import redis.asyncio as aioredis
from prometheus_client import Counter
from redis.exceptions import RedisError

from flock.core.backends import lua_script
from flock.core.errors import TooManyRequests

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


TAKE_SCRIPT = lua_script(TAKE)
GIVE_BACK_SCRIPT = lua_script(GIVE_BACK)


def key(name: str, subject: object) -> str:
    """The Redis key of the counter `name` (what it limits) of `subject` (whose it is)."""
    return f"throttle:{name}:{subject}"


async def take(r: aioredis.Redis, name: str, limits: dict[object, int], window_seconds: int) -> int:
    """Count one `name` action on the counter of every subject in `limits` (subject -> limit)
    if all allow it; returns 0 when allowed, else the seconds to wait (nothing was counted)."""
    keys = [key(name, subject) for subject in limits]
    try:
        wait = int(await TAKE_SCRIPT(keys=keys, args=[window_seconds, *limits.values()], client=r))
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})
        return 0
    if wait:
        REFUSED.labels(name).inc()
    return wait


async def throttle(
    r: aioredis.Redis, name: str, subject: object, limit: int, window_seconds: int, what: str
) -> None:
    """Refuse with 429 (and Retry-After) once `limit` actions happened in the window."""
    wait = await take(r, name, {subject: limit}, window_seconds)
    if wait:
        raise too_many(what, wait)


async def give_back(r: aioredis.Redis, name: str, subjects: list[object]) -> None:
    """Uncount one action on each counter (it succeeded where only failures count)."""
    try:
        await GIVE_BACK_SCRIPT(keys=[key(name, s) for s in subjects], client=r)
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})


async def reset(r: aioredis.Redis, name: str, subjects: list[object]) -> None:
    """Forget the counters (a success that clears earlier failures)."""
    try:
        await r.delete(*[key(name, s) for s in subjects])
    except RedisError as error:
        log.warning("ratelimit_unavailable", extra={"error": repr(error)})


def too_many(what: str, wait: int) -> TooManyRequests:
    return TooManyRequests(
        f"Too many {what}. Try again in {wait} seconds.", headers={"Retry-After": str(wait)}
    )
