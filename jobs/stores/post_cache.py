"""The Redis copy of what a page of posts shows, so that a warm page needs no Neo4j round trip.

Three kinds of entries, each a copy of the graph that a write throws away when it changes it:

- `pv:<post id>`: the post's view: its body, its author's id, its like and reply counts.
  Thrown away by an edit, a delete, a like or unlike, and a reply to it or its deletion.
- `card:<user id>`: an author's id, username and display name. Thrown away by a profile edit
  and by the account's deletion.
- `marks:<user id>`: the user's own marks on posts (`l<id>` liked, `r<id>` reposted,
  `b<id>` bookmarked), complete for post ids at or above `marks-floor:<user id>`. Thrown away
  by the user's likes, reposts and bookmarks and their undoing.
- `hidden:<user id>`: the accounts blocked either way with the user, whose posts, quotes and
  reposts a page never shows them. Thrown away by a block or unblock of either.

Filling is guarded against a write that lands while a reader is at the graph (the classic
cache-aside race): each entry has a generation counter (`*-gen:`), which every write increments
before it throws the entry away. A reader reads the counter before it asks the graph and stores
what it found only if the counter has not moved since. A write whose invalidation never reached
Redis (Redis down at that moment) leaves a stale entry for at most the entry's time to live.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import orjson
import redis
from redis import asyncio as aioredis

from flock.core.backends import lua_script

log = logging.getLogger("flock.post_cache")

TTL = 15 * 60  # seconds an entry lives without a write: the bound on a missed invalidation
GEN_TTL = 24 * 3600  # generation counters outlive any read in flight by far
MARKS_CAP = 5000  # most marks cached per user; the floor rises to what is covered
PRESENT = "-"  # a member of every cached marks set, so that an empty set still exists
MARKS = {"l": "liked", "r": "reposted", "b": "bookmarked"}  # member prefix -> what it marks


def view_key(post_id: int) -> str:
    return f"pv:{post_id}"


def card_key(user_id: int) -> str:
    return f"card:{user_id}"


def marks_key(user_id: int) -> str:
    return f"marks:{user_id}"


def marks_floor_key(user_id: int) -> str:
    return f"marks-floor:{user_id}"


def hidden_key(user_id: int) -> str:
    return f"hidden:{user_id}"


COPY_PREFIXES = ("pv:", "card:", "marks:", "marks-floor:", "hidden:")  # jobs/stores/copies.py


def gen_key(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"{kind}-gen:{ident}"


@dataclass
class CachedPage:
    """What Redis holds for a page of posts, read in one round trip (`read_page`, or the warm
    home page's script); whatever is missing comes from the graph (graph/read_through.py)."""

    views: dict[int, dict] = field(default_factory=dict)  # the posts' and their quotes'
    views_read: set[int] = field(default_factory=set)  # looked up, found or not
    quote_ids: list[int] = field(default_factory=list)  # quoted by the posts' cached views
    cards: dict[int, dict] = field(default_factory=dict)
    cards_read: set[int] = field(default_factory=set)
    view_gens: dict[int, bytes | None] = field(default_factory=dict)  # of the views missing
    card_gens: dict[int, bytes | None] = field(default_factory=dict)  # of the cards missing
    marked: dict[str, set[int]] | None = None  # the viewer's marks; None: no marks set cached
    marks_read: set[int] = field(default_factory=set)
    marks_floor: int | None = None  # the cached marks set is complete from this id up
    marks_gen: bytes | None = None
    hidden: set[int] | None = None  # accounts blocked either way; None: not cached
    hidden_gen: bytes | None = None

    def marks_for(self, post_ids: list[int]) -> dict[str, set[int]] | None:
        """The viewer's marks on these posts; None when the cached set does not cover them
        (no set, or it is complete only above the oldest of them)."""
        covered = self.marks_floor is not None and self.marks_floor <= min(post_ids, default=0)
        if self.marked is None or not covered or not set(post_ids) <= self.marks_read:
            return None
        return self.marked

    def covers(self, post_ids: list[int], viewer_id: int | None) -> bool:
        """Whether this read looked up everything a page of these posts needs."""
        wanted = set(post_ids)
        if not wanted <= self.views_read:
            return False
        return viewer_id is None or wanted <= self.marks_read


# ----------------------------------------------------------------------------- reading (app)

# What a page of posts needs from the copy, read by one script: the posts' views, the views of
# the posts they quote, the cards of their authors (and of `people`, the reposters), the
# generations of whatever is missing (read before the graph is asked, to guard the fill), the
# viewer's marks on the posts and the accounts hidden from them. A body shared by two scripts:
# READ_PAGE below and the warm home page's (jobs/stores/home_page.py), which first reads the
# feed slice. It expects the locals post_ids, posts_seen, people, people_seen, `viewer` (1 or
# 0) and `mk`, the index in KEYS of the viewer's marks key, followed by the marks floor, the
# marks generation, the hidden set and its generation.
# Ids stay strings (Lua's numbers are doubles, inexact above 2^53). An author's id is read from
# its view's JSON as written by `_fill` (`"author_id": <digits>`; text inside a JSON string has
# its quotes escaped, so it cannot look like that).
PAGE_HELPERS = """
local function add(list, seen, id)
  if id and not seen[id] then seen[id] = true; list[#list + 1] = id end
end
local function mget(prefix, ids)
  if #ids == 0 then return {} end
  local keys = {}
  for i, id in ipairs(ids) do keys[i] = prefix .. id end
  return redis.call('MGET', unpack(keys))
end
local function gaps(prefix, ids, values)
  local missing = {}
  for i, id in ipairs(ids) do if not values[i] then missing[#missing + 1] = id end end
  return missing, mget(prefix, missing)
end
"""
PAGE_BODY = """
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
local all_ids, all_views = {}, {}
for i, id in ipairs(post_ids) do all_ids[i] = id; all_views[i] = views[i] end
for i, id in ipairs(quote_ids) do
  all_ids[#post_ids + i] = id; all_views[#post_ids + i] = quote_views[i]
end
local view_gaps, view_gens = gaps('pv-gen:', all_ids, all_views)
local card_gaps, card_gens = gaps('card-gen:', people, cards)
local page = {post_ids, views, quote_ids, quote_views, people, cards,
              view_gaps, view_gens, card_gaps, card_gens}
if viewer == 1 then
  local asked = {}
  for _, prefix in ipairs({'l', 'r', 'b'}) do  -- MARKS, in its order
    for _, id in ipairs(post_ids) do asked[#asked + 1] = prefix .. id end
  end
  asked[#asked + 1] = '-'
  page[11] = redis.call('SMISMEMBER', KEYS[mk], unpack(asked))
  page[12] = redis.call('GET', KEYS[mk + 1])
  page[13] = redis.call('GET', KEYS[mk + 2])
  page[14] = redis.call('SMEMBERS', KEYS[mk + 3])
  page[15] = redis.call('GET', KEYS[mk + 4])
end
"""

# KEYS: the viewer's marks, marks floor, marks generation, hidden set, its generation (absent
# for no viewer). ARGV: 1 how many post ids, then the post ids, then more people (reposters).
READ_PAGE = (
    PAGE_HELPERS
    + """
local post_ids, posts_seen, people, people_seen = {}, {}, {}, {}
local n = tonumber(ARGV[1])
for i = 2, n + 1 do add(post_ids, posts_seen, ARGV[i]) end
for i = n + 2, #ARGV do add(people, people_seen, ARGV[i]) end
local viewer, mk = (#KEYS > 0) and 1 or 0, 1
"""
    + PAGE_BODY
    + "return page\n"
)


READ_PAGE_SCRIPT = lua_script(READ_PAGE)


def viewer_keys(viewer_id: int) -> list[str]:
    """The viewer's keys a page script reads, in the order PAGE_BODY expects them."""
    marks = marks_key(viewer_id)
    hidden = hidden_key(viewer_id)
    return [marks, marks_floor_key(viewer_id), gen_key(marks), hidden, gen_key(hidden)]


async def read_page(
    r: aioredis.Redis, post_ids: list[int], viewer_id: int | None, people: set[int] = frozenset()
) -> CachedPage:
    """Everything the copy holds for a page of these posts (and the cards of `people`), as
    this viewer sees it: one round trip."""
    keys = viewer_keys(viewer_id) if viewer_id is not None else []
    args = [len(post_ids), *post_ids, *sorted(people)]
    reply = await READ_PAGE_SCRIPT(keys=keys, args=args, client=r)
    return page_from(reply)


def page_from(reply: list) -> CachedPage:
    """A CachedPage from PAGE_BODY's `page` table."""
    post_ids = [int(i) for i in reply[0]]
    quote_ids = [int(i) for i in reply[2]]
    people = [int(i) for i in reply[4]]
    page = CachedPage(
        views=_loaded(post_ids, reply[1]) | _loaded(quote_ids, reply[3]),
        views_read=set(post_ids) | set(quote_ids),
        quote_ids=quote_ids,
        cards=_loaded(people, reply[5]),
        cards_read=set(people),
        view_gens=dict(zip((int(i) for i in reply[6]), reply[7], strict=True)),
        card_gens=dict(zip((int(i) for i in reply[8]), reply[9], strict=True)),
    )
    if len(reply) > 10:
        flags, floor, page.marks_gen, hidden, page.hidden_gen = reply[10:15]
        page.marked = marks_from(post_ids, flags)
        page.marks_read = set(post_ids)  # looked up, found or not
        page.marks_floor = int(floor) if floor is not None else None
        page.hidden = hidden_from(hidden)
    return page


async def card_gens(r: aioredis.Redis, user_ids: list[int]) -> dict[int, bytes | None]:
    """The generations of these users' cards, read before the graph is asked for them (cards
    of authors the page's script could not know: met in the graph read)."""
    return dict(zip(user_ids, await r.mget([gen_key(card_key(i)) for i in user_ids]), strict=True))


def _loaded(ids: list[int], values: list[bytes | None]) -> dict[int, dict]:
    return {i: orjson.loads(v) for i, v in zip(ids, values, strict=True) if v}


def hidden_from(members) -> set[int] | None:
    """The cached hidden accounts from the set's members; None when it is not cached."""
    if PRESENT.encode() not in members:
        return None
    return {int(m) for m in members if m != PRESENT.encode()}


def marks_from(post_ids: list[int], flags: list[int]) -> dict[str, set[int]] | None:
    """The viewer's marks on these posts from SMISMEMBER of every `<mark><id>` (in MARKS
    order, then PRESENT); None when no marks set is cached."""
    if not flags[-1]:
        return None
    n = len(post_ids)
    marks = {}
    for k, name in enumerate(MARKS.values()):
        marked = zip(post_ids, flags[k * n : (k + 1) * n], strict=True)
        marks[name] = {i for i, flag in marked if flag}
    return marks


# Store each value only if its generation is still the one read before the graph was asked.
# KEYS: n value keys, then their n generation keys. ARGV: ttl, n generations, n values.
FILL_IF_UNCHANGED = """
local n = #KEYS / 2
for i = 1, n do
  if (redis.call('GET', KEYS[n + i]) or '') == ARGV[1 + i] then
    redis.call('SET', KEYS[i], ARGV[1 + n + i], 'EX', ARGV[1])
  end
end
return n
"""

# The same for a marks set. KEYS: the set, its floor, its generation.
# ARGV: ttl, generation, floor, then the members.
FILL_MARKS_IF_UNCHANGED = """
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SADD', KEYS[1], '-')
for i = 4, #ARGV, 500 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

FILL_SCRIPT = lua_script(FILL_IF_UNCHANGED)
FILL_MARKS_SCRIPT = lua_script(FILL_MARKS_IF_UNCHANGED)


async def fill_views(r: aioredis.Redis, views: dict[int, dict], gens: dict) -> None:
    """Copy views read from the graph, unless a write moved their generation since `gens`."""
    await _fill(r, {view_key(i): (v, gens[i]) for i, v in views.items()})


async def fill_cards(r: aioredis.Redis, cards: dict[int, dict], gens: dict) -> None:
    """Copy author cards read from the graph, unless a write moved their generation since."""
    await _fill(r, {card_key(i): (c, gens[i]) for i, c in cards.items()})


async def fill_marks(
    r: aioredis.Redis, user_id: int, members: list[str], floor: int, gen: bytes | None
) -> None:
    """Copy the user's marks (`l<id>`...) on posts from `floor` up, unless they marked or
    unmarked a post since `gen`."""
    keys = [marks_key(user_id), marks_floor_key(user_id), gen_key(marks_key(user_id))]
    await FILL_MARKS_SCRIPT(keys=keys, args=[TTL, gen or b"", floor, *members], client=r)


# The accounts hidden from a user. KEYS: the set, its generation. ARGV: ttl, generation, ids.
FILL_HIDDEN_IF_UNCHANGED = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SADD', KEYS[1], '-', unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

FILL_HIDDEN_SCRIPT = lua_script(FILL_HIDDEN_IF_UNCHANGED)


async def fill_hidden(
    r: aioredis.Redis, user_id: int, hidden: list[int], gen: bytes | None
) -> None:
    """Copy the accounts hidden from the user, unless a block changed them since `gen`."""
    keys = [hidden_key(user_id), gen_key(hidden_key(user_id))]
    await FILL_HIDDEN_SCRIPT(keys=keys, args=[TTL, gen or b"", *hidden], client=r)


async def _fill(r: aioredis.Redis, entries: dict[str, tuple[dict, bytes | None]]) -> None:
    """entries: key -> (value, the generation read before the graph was asked)."""
    if not entries:
        return
    keys = list(entries)
    gens = [entries[k][1] or b"" for k in keys]
    values = [json.dumps(entries[k][0]) for k in keys]
    await FILL_SCRIPT(keys=[*keys, *map(gen_key, keys)], args=[TTL, *gens, *values], client=r)


# ----------------------------------------------------------------------------- writes


async def forget_posts(r: aioredis.Redis, post_ids: list[int]) -> None:
    """Posts whose text, counts or existence changed: their views go."""
    await _forget(r, _views(post_ids))


async def forget_card(r: aioredis.Redis, user_id: int) -> None:
    """The user's name or display name changed."""
    await _forget(r, _card(user_id))


async def forget_mark(r: aioredis.Redis, user_id: int, post_id: int) -> None:
    """The user liked, reposted or bookmarked the post, or took it back: its view (the counts)
    and their marks go."""
    await _forget(r, _views([post_id]), _marks(user_id))


async def forget_account(r: aioredis.Redis, user_id: int, post_ids: list[int]) -> None:
    """An account is gone: its card, its marks, and the posts it wrote or changed."""
    await _forget(r, _views(post_ids), _card(user_id), _marks(user_id))


async def forget_hidden(r: aioredis.Redis, user_ids: list[int]) -> None:
    """A block between these users began or ended."""
    await _forget(r, *[([hidden_key(u)], None) for u in user_ids])


def forget_posts_now(r: redis.Redis, post_ids: list[int]) -> None:
    """`forget_posts` for jobs (blocking client)."""
    with r.pipeline(transaction=False) as pipe:
        _queue_forget(pipe, *_views(post_ids))
        pipe.execute()


# An entry to forget: its keys, and the key whose generation guards them (None: each its own).
Entry = tuple[list[str], str | None]


def _views(post_ids: list[int]) -> Entry:
    return [view_key(i) for i in post_ids], None


def _card(user_id: int) -> Entry:
    return [card_key(user_id)], None


def _marks(user_id: int) -> Entry:
    return [marks_key(user_id), marks_floor_key(user_id)], marks_key(user_id)


async def _forget(r: aioredis.Redis, *entries: Entry) -> None:
    """Forget the entries in one round trip; with Redis down they expire within TTL."""
    try:
        async with r.pipeline(transaction=False) as pipe:
            for keys, gen_of in entries:
                _queue_forget(pipe, keys, gen_of)
            await pipe.execute()
    except redis.RedisError as error:
        log.warning("post_cache_forget_failed", extra={"error": repr(error)})


def _queue_forget(pipe, keys: list[str], gen_of: str | None = None) -> None:
    """Move each entry's generation on, then delete it (a fill in between is refused)."""
    if not keys:
        return
    for key in [gen_of] if gen_of else keys:
        pipe.incr(gen_key(key))
        pipe.expire(gen_key(key), GEN_TTL)
    pipe.delete(*keys)
