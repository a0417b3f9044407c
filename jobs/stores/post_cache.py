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
from dataclasses import dataclass, field, replace

import orjson
import redis
from redis import asyncio as aioredis

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


def gen_key(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"{kind}-gen:{ident}"


@dataclass
class CachedPage:
    """What Redis holds for a page of posts; whatever is missing comes from the graph."""

    views: dict[int, dict] = field(default_factory=dict)
    marks: dict[str, set[int]] | None = None  # "liked" etc. -> post ids; None: not cached
    marks_gen: bytes | None = None
    hidden: set[int] | None = None  # accounts blocked either way; None: not cached
    hidden_gen: bytes | None = None
    # Read ahead for a whole home page (jobs/stores/home_page.py): which posts' views and
    # marks, and which users' cards, were looked up (found or not). None: only those asked.
    views_read: set[int] | None = None
    marks_read: set[int] | None = None
    marked: dict[str, set[int]] | None = None  # among marks_read; None: no marks set cached
    marks_floor: int | None = None  # the cached marks set is complete from this id up
    cards: dict[int, dict] = field(default_factory=dict)
    cards_read: set[int] = field(default_factory=set)

    def for_posts(self, post_ids: list[int]) -> CachedPage:
        """This read-ahead for a page of some of its posts: the viewer's marks count as cached
        when the set is complete down to the oldest of these."""
        covered = self.marks_floor is not None and self.marks_floor <= min(post_ids, default=0)
        return replace(self, marks=self.marked if covered else None)

    def covers(self, post_ids: list[int], viewer_id: int | None) -> bool:
        """Whether this read-ahead looked up everything a page of these posts needs."""
        wanted = set(post_ids)
        if self.views_read is None or not wanted <= self.views_read:
            return False
        return viewer_id is None or (self.marks_read is not None and wanted <= self.marks_read)


# ----------------------------------------------------------------------------- reading (app)


async def read_page(r: aioredis.Redis, post_ids: list[int], viewer_id: int | None) -> CachedPage:
    """Views and the viewer's marks on these posts: one round trip. (The generations of views
    are read only for those missing, by `view_gens`, before the graph is asked.)"""
    keys = [view_key(i) for i in post_ids]
    async with r.pipeline(transaction=False) as pipe:
        pipe.mget(keys)
        if viewer_id is not None:
            members = [f"{m}{i}" for m in MARKS for i in post_ids]
            pipe.smismember(marks_key(viewer_id), [*members, PRESENT])
            pipe.get(marks_floor_key(viewer_id))
            pipe.get(gen_key(marks_key(viewer_id)))
            pipe.smembers(hidden_key(viewer_id))
            pipe.get(gen_key(hidden_key(viewer_id)))
        replies = await pipe.execute()
    page = CachedPage(
        views={i: orjson.loads(v) for i, v in zip(post_ids, replies[0], strict=True) if v},
    )
    if viewer_id is not None:
        flags, floor, page.marks_gen = replies[1], replies[2], replies[3]
        hidden, page.hidden_gen = replies[4], replies[5]
        page.hidden = hidden_from(hidden)
        page.marks = marks_from(post_ids, flags, floor)
    return page


def hidden_from(members) -> set[int] | None:
    """The cached hidden accounts from the set's members; None when it is not cached."""
    if PRESENT.encode() not in members:
        return None
    return {int(m) for m in members if m != PRESENT.encode()}


def marks_from(post_ids: list[int], flags: list[int], floor: bytes | None):
    """The viewer's marks on these posts from SMISMEMBER of every `<mark><id>` (in MARKS
    order, then PRESENT) and the set's floor; None when the set does not cover them."""
    covered = floor is not None and int(floor) <= min(post_ids, default=0)
    if not (flags[-1] and covered):
        return None
    n = len(post_ids)
    marks = {}
    for k, name in enumerate(MARKS.values()):
        marked = zip(post_ids, flags[k * n : (k + 1) * n], strict=True)
        marks[name] = {i for i, flag in marked if flag}
    return marks


async def read_cards(r: aioredis.Redis, user_ids: list[int]) -> dict[int, dict]:
    """The cached author cards among these."""
    values = await r.mget([card_key(i) for i in user_ids])
    return {i: orjson.loads(v) for i, v in zip(user_ids, values, strict=True) if v}


async def view_gens(r: aioredis.Redis, post_ids: list[int]) -> dict[int, bytes | None]:
    """The generations of these posts' views, read before the graph is asked for them."""
    return dict(zip(post_ids, await r.mget([gen_key(view_key(i)) for i in post_ids]), strict=True))


async def card_gens(r: aioredis.Redis, user_ids: list[int]) -> dict[int, bytes | None]:
    """The generations of these users' cards, read before the graph is asked for them."""
    return dict(zip(user_ids, await r.mget([gen_key(card_key(i)) for i in user_ids]), strict=True))


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
    await r.eval(FILL_MARKS_IF_UNCHANGED, 3, *keys, TTL, gen or b"", floor, *members)


# The accounts hidden from a user. KEYS: the set, its generation. ARGV: ttl, generation, ids.
FILL_HIDDEN_IF_UNCHANGED = """
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SADD', KEYS[1], '-', unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
"""


async def fill_hidden(
    r: aioredis.Redis, user_id: int, hidden: list[int], gen: bytes | None
) -> None:
    """Copy the accounts hidden from the user, unless a block changed them since `gen`."""
    keys = [hidden_key(user_id), gen_key(hidden_key(user_id))]
    await r.eval(FILL_HIDDEN_IF_UNCHANGED, 2, *keys, TTL, gen or b"", *hidden)


async def _fill(r: aioredis.Redis, entries: dict[str, tuple[dict, bytes | None]]) -> None:
    """entries: key -> (value, the generation read before the graph was asked)."""
    if not entries:
        return
    keys = list(entries)
    gens = [entries[k][1] or b"" for k in keys]
    values = [json.dumps(entries[k][0]) for k in keys]
    await r.eval(FILL_IF_UNCHANGED, 2 * len(keys), *keys, *map(gen_key, keys), TTL, *gens, *values)


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
