"""A warm home page in one round trip: one Lua script reads the viewer's feed slice, marks them
seen, and reads everything the posts on the slice need from the Redis copy: their views, the
views of the posts they quote, the cards of their authors, reposters and quoted authors, the
viewer's marks on them and the accounts hidden from the viewer.

It only reads keys whose rules live elsewhere (jobs/stores/feeds.py, jobs/stores/post_cache.py)
and hands back what it found in their shapes (`FeedSlice`, `CachedPage`); whatever it found
missing is then read the usual way by graph/post_views.py. It is the common case made cheap,
never a second set of rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from redis import asyncio as aioredis

from flock.settings import Settings
from jobs.stores import feeds, post_cache
from jobs.stores.feeds import SAME_SCORE_SLACK, FeedSlice
from jobs.stores.post_cache import CachedPage

# KEYS: 1 feed, 2 its repost map, 3 big-authors, 4 the viewer's seen mark, 5 marks, 6 marks
# floor, 7 marks generation, 8 hidden accounts, 9 their generation.
# ARGV: 1 max id, 2 since id, 3 how many members, 4 feed ttl, 5 seen-mark ttl.
# Ids stay strings (Lua's numbers are doubles, inexact above 2^53). An author's id is read from
# its view's JSON as written by post_cache (`"author_id": <digits>`; text inside a JSON string
# has its quotes escaped, so it cannot look like that).
WARM_PAGE = """
local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, ARGV[3])
local size = redis.call('ZCARD', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
local big = redis.call('SMEMBERS', KEYS[3])
local first_seen = redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[5]) and 1 or 0
if size == 0 then return {0, first_seen, members, big} end

local function add(list, seen, id)
  if id and not seen[id] then seen[id] = true; list[#list + 1] = id end
end
local function mget(prefix, ids)
  if #ids == 0 then return {} end
  local keys = {}
  for i, id in ipairs(ids) do keys[i] = prefix .. id end
  return redis.call('MGET', unpack(keys))
end

local post_ids, posts_seen, people, people_seen = {}, {}, {}, {}
for _, member in ipairs(members) do
  if member ~= 'ready' then
    local _, post, reposter = string.match(member, '^(%d+):(%d+):(%d+)$')
    add(post_ids, posts_seen, post or member)
    add(people, people_seen, reposter)
  end
end
local views = mget('pv:', post_ids)
local quote_ids, quotes_seen = {}, {}
for _, view in ipairs(views) do
  if view then
    add(people, people_seen, string.match(view, '"author_id": (%d+)'))
    local quoted = string.match(view, '"quote_id": "(%d+)"')
    if quoted and not posts_seen[quoted] then add(quote_ids, quotes_seen, quoted) end
  end
end
local quote_views = mget('pv:', quote_ids)
for _, view in ipairs(quote_views) do
  if view then add(people, people_seen, string.match(view, '"author_id": (%d+)')) end
end
local cards = mget('card:', people)
local asked = {}
for _, prefix in ipairs({'l', 'r', 'b'}) do  -- post_cache.MARKS, in its order
  for _, id in ipairs(post_ids) do asked[#asked + 1] = prefix .. id end
end
asked[#asked + 1] = '-'
local flags = redis.call('SMISMEMBER', KEYS[5], unpack(asked))
return {size, first_seen, members, big, post_ids, views, quote_ids, quote_views, people, cards,
        flags, redis.call('GET', KEYS[6]), redis.call('GET', KEYS[7]),
        redis.call('SMEMBERS', KEYS[8]), redis.call('GET', KEYS[9])}
"""


@dataclass
class WarmPage:
    feed: FeedSlice | None  # None: the viewer has no feed (it is to be built)
    first_seen: bool  # the seen mark was set now: the first page in SEEN_EVERY seconds
    cached: CachedPage | None  # what the Redis copy held for the slice's posts


async def read_warm_page(
    r: aioredis.Redis,
    settings: Settings,
    viewer_id: int,
    max_id: int,
    since_id: int,
    count: int,
    seen_every: int,
) -> WarmPage:
    """The feed's entries between since_id and max_id (exclusive), newest first, at most
    `count`; and the Redis copy of their posts, for the viewer. One round trip."""
    keys = [
        feeds.feed_key(viewer_id),
        feeds.reposts_key(viewer_id),
        feeds.BIG_AUTHORS,
        f"seen:{viewer_id}",
        post_cache.marks_key(viewer_id),
        post_cache.marks_floor_key(viewer_id),
        post_cache.gen_key(post_cache.marks_key(viewer_id)),
        post_cache.hidden_key(viewer_id),
        post_cache.gen_key(post_cache.hidden_key(viewer_id)),
    ]
    ttl = feeds.feed_ttl(settings)
    args = [max_id, since_id, count + SAME_SCORE_SLACK, ttl, seen_every]
    reply = await r.eval(WARM_PAGE, len(keys), *keys, *args)
    size, first_seen, members, big = reply[0], bool(reply[1]), reply[2], reply[3]
    if size == 0:
        return WarmPage(None, first_seen, None)
    feed = feeds.feed_slice(members, size, big, settings, max_id, since_id, count)
    post_ids = [int(i) for i in reply[4]]
    quote_ids = [int(i) for i in reply[6]]
    flags, floor, marks_gen, hidden, hidden_gen = reply[10:15]
    cached = CachedPage(
        views=_views(post_ids, reply[5]) | _views(quote_ids, reply[7]),
        views_read=set(post_ids) | set(quote_ids),
        marks_gen=marks_gen,
        marks_read=set(post_ids),
        marked=post_cache.marks_from(post_ids, flags, b"0"),  # the floor is checked per page
        marks_floor=int(floor) if floor is not None else None,
        hidden=post_cache.hidden_from(hidden),
        hidden_gen=hidden_gen,
        cards={int(i): orjson.loads(c) for i, c in zip(reply[8], reply[9], strict=True) if c},
        cards_read={int(i) for i in reply[8]},
    )
    return WarmPage(feed, first_seen, cached)


def _views(ids: list[int], values: list[bytes | None]) -> dict[int, dict]:
    return {i: orjson.loads(v) for i, v in zip(ids, values, strict=True) if v}
