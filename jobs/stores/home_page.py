"""A warm home page in one round trip: one Lua script reads the viewer's feed slice, marks them
seen, and reads everything the posts on the slice need from the Redis copy: their views, the
views of the posts they quote, the cards of their authors, reposters and quoted authors, the
viewer's marks on them and the accounts hidden from the viewer.

It only reads keys whose rules live elsewhere (jobs/stores/feeds.py, jobs/stores/post_cache.py)
and hands back what it found in their shapes (`FeedSlice`, `CachedPage`); whatever it found
missing is then read the usual way by graph/post_views.py. It is the common case made cheap,
never a second set of rules.

The seen mark (`seen:<user id>`, SEEN_EVERY seconds) lets a page record the viewer's activity in
the graph at most that often (graph/timelines.py); fan-out serves only users seen lately.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import asyncio as aioredis

from flock.core.backends import lua_script
from flock.core.ids import MAX_ID
from flock.core.settings import Settings
from jobs.stores import feeds, post_cache
from jobs.stores.feeds import SAME_SCORE_SLACK, SENTINEL, Entry, FeedSlice
from jobs.stores.post_cache import CachedPage

SEEN_EVERY = 300  # seconds between two writes of a user's last_seen_at


def seen_key(user_id: int) -> str:
    return f"seen:{user_id}"


# KEYS: 1 feed, 2 its repost map, 3 big-authors, 4 the viewer's seen mark, then the viewer's
# keys of the post copy (post_cache.viewer_keys). ARGV: 1 max id, 2 since id, 3 how many
# members, 4 feed ttl, 5 seen-mark ttl, 6 how many of the members' posts to read. Reads the
# slice, then what post_cache.PAGE_BODY reads for those posts.
WARM_PAGE = (
    post_cache.PAGE_HELPERS
    + """
local members = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, ARGV[3])
local size = redis.call('ZCARD', KEYS[1])
local big = redis.call('SMEMBERS', KEYS[3])
local first_seen = redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[5]) and 1 or 0
if first_seen == 1 then  -- the feed is kept while it is read: renewed once a seen mark
  redis.call('EXPIRE', KEYS[1], ARGV[4])
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
if size == 0 then return {0, first_seen, members, big} end
local post_ids, posts_seen, people, people_seen = {}, {}, {}, {}
for n, member in ipairs(members) do
  if n > tonumber(ARGV[6]) then break end  -- the posts of the page's first members
  if string.find(member, ':', 1, true) then  -- a repost: <repost id>:<post id>:<reposter id>
    local _, post, reposter = string.match(member, '^(%d+):(%d+):(%d+)$')
    add(post_ids, posts_seen, post)
    add(people, people_seen, reposter)
  elseif member ~= 'ready' then
    add(post_ids, posts_seen, member)
  end
end
local viewer, mk = 1, 5
"""
    + post_cache.PAGE_BODY
    + "return {size, first_seen, members, big, page}\n"
)
WARM_PAGE_SCRIPT = lua_script(WARM_PAGE)


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
    posts: int,
) -> WarmPage:
    """The feed's entries between since_id and max_id (exclusive), newest first, at most
    `count`; and the Redis copy of the posts of the first `posts` of them (and of the few more
    members read for entries that share a score), for the viewer. One round trip."""
    keys = [
        feeds.feed_key(viewer_id),
        feeds.reposts_key(viewer_id),
        feeds.BIG_AUTHORS,
        seen_key(viewer_id),
        *post_cache.viewer_keys(viewer_id),
    ]
    ttl = feeds.feed_ttl(settings)
    # Members that share a score with a bound are read beyond the page and cut by id: only
    # when there is a bound (a first page has none).
    slack = SAME_SCORE_SLACK if max_id < MAX_ID or since_id > 0 else 0
    ahead = posts + slack
    args = [max_id, since_id, count + slack, ttl, SEEN_EVERY, ahead]
    reply = await WARM_PAGE_SCRIPT(keys=keys, args=args, client=r)
    size, first_seen, members, big = reply[0], bool(reply[1]), reply[2], reply[3]
    if size == 0:
        return WarmPage(None, first_seen, None)
    sentinel = SENTINEL.encode()
    parsed = [None if m == sentinel else Entry.parse(m) for m in members]
    feed = feeds.feed_slice([e for e in parsed if e], size, big, settings, max_id, since_id, count)
    entries = [e for e in parsed[:ahead] if e]  # those whose posts the script read
    post_ids = post_cache.distinct_ids(e.post_id for e in entries)
    people = post_cache.distinct_ids(e.reposter_id for e in entries if e.reposter_id is not None)
    return WarmPage(feed, first_seen, post_cache.page_from(reply[4], post_ids, people))
