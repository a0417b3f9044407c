"""The Redis copy of what a page of posts shows, so that a warm page needs no Neo4j round trip.

Entries, each a copy of the graph that a write throws away when it changes it:

- `pf:<post id>`: the post's view as a page shows it, its author's card inside (`author`):
  its body, its author's id, its like and reply counts. Thrown away by an edit, a delete, a
  like or unlike, and a reply to it or its deletion; and with its author's card.
- `card:<user id>`: an author's id, username and display name. Thrown away by a profile edit
  and by the account's deletion, with every view that holds it (`author-views:<user id>`
  lists them). A view is copied only with the card Redis holds at that moment, by the fill
  script itself: so a view never holds a card older than the card entry.
- `mk:<user id>`: the user's own marks on posts, a hash of post id -> its marks (`l`
  liked, `r` reposted, `b` bookmarked), complete for post ids at or above
  `marks-floor:<user id>`. Thrown away by the user's likes, reposts and bookmarks and their
  undoing.
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
PRESENT = "-"  # a field of every cached marks hash, so that an empty one still exists
MARKS = {"l": "liked", "r": "reposted", "b": "bookmarked"}  # member prefix -> what it marks


def view_key(post_id: int) -> str:
    return f"pf:{post_id}"  # "pv:" held views without their authors' cards (before issue 27)


def card_key(user_id: int) -> str:
    return f"card:{user_id}"


def marks_key(user_id: int) -> str:
    return f"mk:{user_id}"  # "marks:" was a set of `<mark><post id>` (before issue 27)


def marks_floor_key(user_id: int) -> str:
    return f"marks-floor:{user_id}"


def hidden_key(user_id: int) -> str:
    return f"hidden:{user_id}"


def author_views_key(user_id: int) -> str:
    return f"author-views:{user_id}"


COPY_PREFIXES = (  # jobs/stores/copies.py
    "pf:", "card:", "mk:", "marks-floor:", "hidden:", "author-views:",
)  # fmt: skip


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
    marked: dict[str, set[int]] | None = None  # the viewer's marks; None: none cached
    marks_read: set[int] = field(default_factory=set)
    marks_floor: int | None = None  # the cached marks are complete from this id up
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

# What a page of posts needs from the copy, read by one script: the posts' views (with their
# authors' cards inside), the views of the posts they quote, the cards of `people` (the
# reposters), the generations of whatever is missing (read before the graph is asked, to guard
# the fill), the viewer's marks on the posts and the accounts hidden from them. A body shared by
# two scripts: READ_PAGE below and the warm home page's (jobs/stores/home_page.py), which first
# reads the feed slice. It expects the locals post_ids, posts_seen, people, people_seen,
# `viewer` (1 or 0) and `mk`, the index in KEYS of the viewer's marks key, followed by the marks
# floor, the marks generation, the hidden set and its generation.
# Every value that passes through Lua costs Redis a conversion each way, every string made in
# Lua an allocation and every redis.call a fixed cost: the script makes as few as it can
# (issue 27: 0.9 ms of Redis's one core a page, when the views' authors were found by pattern
# and their cards read apart; 0.34 ms now, bench/README.md). Ids stay strings (Lua's numbers
# are doubles, inexact above 2^53). A view that quotes starts with its
# `quote_id` (`_fragment`), so the script finds it with an anchored match.
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
"""
PAGE_BODY = """
local views = mget('pf:', post_ids)
local quote_ids, quotes_seen = {}, {}
for _, view in ipairs(views) do
  if view then
    local quoted = string.match(view, '^{"quote_id": "(%d+)"')
    if quoted and not posts_seen[quoted] then add(quote_ids, quotes_seen, quoted) end
  end
end
local keys = {}  -- the quoted posts' views and the people's cards, in one MGET
for i, id in ipairs(quote_ids) do keys[i] = 'pf:' .. id end
for i, id in ipairs(people) do keys[#quote_ids + i] = 'card:' .. id end
local more = #keys > 0 and redis.call('MGET', unpack(keys)) or {}
local quote_views, cards = {}, {}
for i = 1, #quote_ids do quote_views[i] = more[i] end
for i = 1, #people do cards[i] = more[#quote_ids + i] end
local view_gaps, card_gaps, gen_keys = {}, {}, {}  -- what is missing, and its generations
for i, id in ipairs(post_ids) do if not views[i] then view_gaps[#view_gaps + 1] = id end end
for i, id in ipairs(quote_ids) do if not quote_views[i] then view_gaps[#view_gaps + 1] = id end end
for i, id in ipairs(people) do if not cards[i] then card_gaps[#card_gaps + 1] = id end end
for _, id in ipairs(view_gaps) do gen_keys[#gen_keys + 1] = 'pf-gen:' .. id end
for _, id in ipairs(card_gaps) do gen_keys[#gen_keys + 1] = 'card-gen:' .. id end
local gens = #gen_keys > 0 and redis.call('MGET', unpack(gen_keys)) or {}
local view_gens, card_gens = {}, {}
for i = 1, #view_gaps do view_gens[i] = gens[i] end
for i = 1, #card_gaps do card_gens[i] = gens[#view_gaps + i] end
local page = {views, quote_ids, quote_views, cards, view_gaps, view_gens, card_gaps, card_gens}
if viewer == 1 then
  page[9] = redis.call('HMGET', KEYS[mk], '-', unpack(post_ids))
  page[10] = redis.call('MGET', KEYS[mk + 1], KEYS[mk + 2], KEYS[mk + 4])
  page[11] = redis.call('SMEMBERS', KEYS[mk + 3])
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
    post_ids, people_ids = distinct_ids(post_ids), distinct_ids(sorted(people))
    args = [len(post_ids), *post_ids, *people_ids]
    reply = await READ_PAGE_SCRIPT(keys=keys, args=args, client=r)
    return page_from(reply, post_ids, people_ids)


def page_from(reply: list, post_ids: list[int], people: list[int]) -> CachedPage:
    """A CachedPage from PAGE_BODY's `page` table, for these posts and people (distinct, in
    the order the script took them: `distinct_ids`)."""
    quote_ids = [int(i) for i in reply[1]]
    cards = _loaded(people, reply[3])
    views = _unpacked(post_ids, reply[0], cards) | _unpacked(quote_ids, reply[2], cards)
    page = CachedPage(
        views=views,
        views_read=set(post_ids) | set(quote_ids),
        quote_ids=quote_ids,
        cards=cards,
        cards_read=set(people) | set(cards),
        view_gens=dict(zip((int(i) for i in reply[4]), reply[5], strict=True)),
        card_gens=dict(zip((int(i) for i in reply[6]), reply[7], strict=True)),
    )
    if len(reply) > 8:
        flags, (floor, page.marks_gen, page.hidden_gen), hidden = reply[8:11]
        page.marked = marks_from(post_ids, flags)
        page.marks_read = set(post_ids)  # looked up, found or not
        page.marks_floor = int(floor) if floor is not None else None
        page.hidden = hidden_from(hidden)
    return page


def distinct_ids(ids) -> list[int]:
    """Ids without repeats, first seen first (as the scripts' `add` keeps them)."""
    return list(dict.fromkeys(int(i) for i in ids))


async def card_gens(r: aioredis.Redis, user_ids: list[int]) -> dict[int, bytes | None]:
    """The generations of these users' cards, read before the graph is asked for them (cards
    of authors the page's script could not know: met in the graph read)."""
    return dict(zip(user_ids, await r.mget([gen_key(card_key(i)) for i in user_ids]), strict=True))


def _loaded(ids: list[int], values: list[bytes | None]) -> dict[int, dict]:
    return {i: orjson.loads(v) for i, v in zip(ids, values, strict=True) if v}


def _unpacked(ids: list[int], values: list[bytes | None], cards: dict[int, dict]) -> dict:
    """Views from their copies, each author's card (inside the copy) put into `cards`."""
    views = {}
    for i, value in zip(ids, values, strict=True):
        if value:
            view = orjson.loads(value)
            cards[view["author_id"]] = view.pop("author")
            views[i] = view
    return views


def hidden_from(members) -> set[int] | None:
    """The cached hidden accounts from the set's members; None when it is not cached."""
    if PRESENT.encode() not in members:
        return None
    return {int(m) for m in members if m != PRESENT.encode()}


def marks_from(post_ids: list[int], values: list[bytes | None]) -> dict[str, set[int]] | None:
    """The viewer's marks on these posts from HMGET of PRESENT and the posts' ids; None when
    no marks are cached."""
    if not values[0]:
        return None
    marks: dict[str, set[int]] = {name: set() for name in MARKS.values()}
    for post_id, letters in zip(post_ids, values[1:], strict=True):
        for letter in (letters or b"").decode():
            marks[MARKS[letter]].add(post_id)
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

# Views, the same way, each closed with its author's card as Redis holds it now (none: the view
# is not copied) and noted among the author's views. KEYS: n views, their n generations, their
# authors' n cards and n view lists. ARGV: ttl, n generations, n views without their closing
# brace (`_fragment`), n post ids.
FILL_VIEWS_IF_UNCHANGED = """
local n = #KEYS / 4
for i = 1, n do
  if (redis.call('GET', KEYS[n + i]) or '') == ARGV[1 + i] then
    local card = redis.call('GET', KEYS[2 * n + i])
    if card then
      redis.call('SET', KEYS[i], ARGV[1 + n + i] .. card .. '}', 'EX', ARGV[1])
      redis.call('EXPIRE', KEYS[2 * n + i], ARGV[1])  -- the card outlives the views holding it
      redis.call('SADD', KEYS[3 * n + i], ARGV[1 + 2 * n + i])
      redis.call('EXPIRE', KEYS[3 * n + i], ARGV[1])
    end
  end
end
return n
"""

# The marks hash. KEYS: the hash, its floor, its generation.
# ARGV: ttl, generation, floor, then a post id and its marks, pair after pair.
FILL_MARKS_IF_UNCHANGED = """
if (redis.call('GET', KEYS[3]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '-', '1')
for i = 4, #ARGV, 500 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 499, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""

# An author's card and every view holding it. KEYS: the card, its generation, the author's
# view list. ARGV: the generation's ttl. The views' keys are made here from the list.
FORGET_CARD = """
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
local ids = redis.call('SMEMBERS', KEYS[3])
for i = 1, #ids, 500 do
  local keys = {}
  for j = i, math.min(i + 499, #ids) do keys[#keys + 1] = 'pf:' .. ids[j] end
  redis.call('DEL', unpack(keys))
end
redis.call('DEL', KEYS[3])
return #ids
"""

FILL_SCRIPT = lua_script(FILL_IF_UNCHANGED)
FILL_VIEWS_SCRIPT = lua_script(FILL_VIEWS_IF_UNCHANGED)
FILL_MARKS_SCRIPT = lua_script(FILL_MARKS_IF_UNCHANGED)
FORGET_CARD_SCRIPT = lua_script(FORGET_CARD)


async def fill_views(r: aioredis.Redis, views: dict[int, dict], gens: dict) -> None:
    """Copy views read from the graph, unless a write moved their generation since `gens`,
    each with its author's card as Redis holds it (so fill the cards first)."""
    if not views:
        return
    ids = list(views)
    authors = [views[i]["author_id"] for i in ids]
    keys = [
        *(view_key(i) for i in ids),
        *(gen_key(view_key(i)) for i in ids),
        *(card_key(a) for a in authors),
        *(author_views_key(a) for a in authors),
    ]
    args = [TTL, *(gens[i] or b"" for i in ids), *(_fragment(views[i]) for i in ids), *ids]
    await FILL_VIEWS_SCRIPT(keys=keys, args=args, client=r)


def _fragment(view: dict) -> str:
    """A view's copy without its closing brace, for the fill script to close with the author's
    card; `{"quote_id": "<id>", ...` first when it quotes (PAGE_BODY looks there)."""
    quote_id = view.get("quote_id")
    ordered = {"quote_id": quote_id, **view} if quote_id else view
    return json.dumps(ordered)[:-1] + ', "author": '


async def fill_cards(r: aioredis.Redis, cards: dict[int, dict], gens: dict) -> None:
    """Copy author cards read from the graph, unless a write moved their generation since."""
    await _fill(r, {card_key(i): (c, gens[i]) for i, c in cards.items()})


async def fill_marks(
    r: aioredis.Redis, user_id: int, members: list[str], floor: int, gen: bytes | None
) -> None:
    """Copy the user's marks (`l<id>`...) on posts from `floor` up, unless they marked or
    unmarked a post since `gen`."""
    letters: dict[str, str] = {}
    for member in members:
        letters[member[1:]] = letters.get(member[1:], "") + member[0]
    pairs = [value for item in letters.items() for value in item]
    keys = [marks_key(user_id), marks_floor_key(user_id), gen_key(marks_key(user_id))]
    await FILL_MARKS_SCRIPT(keys=keys, args=[TTL, gen or b"", floor, *pairs], client=r)


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
    """The user's name or display name changed: their card goes, with every view holding it."""
    try:
        keys = [card_key(user_id), gen_key(card_key(user_id)), author_views_key(user_id)]
        await FORGET_CARD_SCRIPT(keys=keys, args=[GEN_TTL], client=r)
    except redis.RedisError as error:
        log.warning("post_cache_forget_failed", extra={"error": repr(error)})


async def forget_mark(r: aioredis.Redis, user_id: int, post_id: int) -> None:
    """The user liked, reposted or bookmarked the post, or took it back: its view (the counts)
    and their marks go."""
    await _forget(r, _views([post_id]), _marks(user_id))


async def forget_account(r: aioredis.Redis, user_id: int, post_ids: list[int]) -> None:
    """An account is gone: its card, its marks, and the posts it wrote or changed."""
    await _forget(r, _views(post_ids), _marks(user_id))
    await forget_card(r, user_id)


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
