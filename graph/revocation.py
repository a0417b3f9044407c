"""Whether an access token still counts, and what ends one: the check every API request makes.

An access token (graph/access_tokens.py) names its account, its log-in (the refresh-token
family it was issued with, or an app's authorization: graph/oauth.py) and when it was issued.
It is refused from the moment

- its log-in ends (`end_login`: log-out, a refresh token's reuse), or
- every session of the account ends (`end_everything`: "log out everywhere", a password change,
  the account's deletion, an operator's `flock users log-out`): tokens issued before are void.

The graph holds both facts (refresh-token families are revoked there; the account keeps
`tokens_valid_after`). Redis holds a copy, so the check is one `MGET` of two keys, the same
single round trip the old deny list took. The copy of a fact is written when the fact changes
and lives as long as an access token does; a key that is missing is read from the graph and
copied back. When Redis cannot answer, the check asks the graph: it fails closed, never open
(and with neither store answering, the request is a 503).

Ending a log-in or everything also tells the account's open live-update streams
(jobs/stores/live.py), which then check their token again and close (api/streaming.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from redis.exceptions import RedisError

from flock.core.backends import Backends
from flock.core.errors import Unauthorized
from jobs.stores import live
from jobs.stores.copies import family_key, valid_after_key

log = logging.getLogger("flock.revocation")

SESSION_ENDED = "session_ended"  # what open streams are told
ENDED = b"ended"
LIVE = b"live"


@dataclass(frozen=True)
class TokenFacts:
    user_id: int
    family: str
    issued_at: float


async def check(b: Backends, token: TokenFacts) -> None:
    """Refuse (401) a token whose log-in or account sessions have ended, or whose account is
    gone. One Redis round trip when the copy is there; the graph otherwise."""
    keys = [valid_after_key(token.user_id), family_key(token.family)]
    try:
        after, family = await b.redis.mget(keys)
    except RedisError as error:
        log.warning("revocation_check_from_graph", extra={"error": repr(error)})
        after, family = await _from_graph(b, token, copy=False)
    else:
        if after is None or family is None:
            after, family = await _from_graph(b, token, copy=True)
    if family == ENDED:
        raise Unauthorized("The access token was revoked (its log-in has ended).")
    if token.issued_at < float(after):
        raise Unauthorized("The access token was revoked (every session of the account ended).")


async def end_login(b: Backends, user_id: int, family: str) -> None:
    """The log-in's tokens stop counting now (its refresh tokens are revoked in the graph by
    the caller's statement first), and the account's open streams are told."""
    await _copy(b, {family_key(family): ENDED})
    await live.tell_streams(b.redis, user_id, SESSION_ENDED)


async def end_everything(b: Backends, user_id: int, at: float) -> None:
    """Every access token of the account issued before `at` stops counting (the graph's
    `tokens_valid_after` was set to `at` by the caller's statement first), and its open
    streams are told."""
    await _copy(b, {valid_after_key(user_id): repr(at).encode()})
    await live.tell_streams(b.redis, user_id, SESSION_ENDED)


async def tell_streams(b: Backends, user_id: int) -> None:
    """The account's open streams check that their token or session still counts."""
    await live.tell_streams(b.redis, user_id, SESSION_ENDED)


async def _from_graph(b: Backends, token: TokenFacts, copy: bool) -> tuple[bytes, bytes]:
    row = await b.graph.read_one(
        "queries/access_token_state", user_id=token.user_id, family=token.family
    )
    if row is None:
        raise Unauthorized("This account no longer exists.")
    after = repr(float(row["valid_after"])).encode()
    family = ENDED if row["family_ended"] else LIVE
    if copy:
        await _copy(b, {valid_after_key(token.user_id): after, family_key(token.family): family})
    return after, family


async def _copy(b: Backends, values: dict[str, bytes]) -> None:
    """Copy facts for as long as an access token lives; a failure is logged (the graph holds
    them, and a missing copy is read from it)."""
    ttl = b.settings.access_token_ttl
    try:
        async with b.redis.pipeline(transaction=False) as pipe:
            for key, value in values.items():
                pipe.set(key, value, ex=ttl)
            await pipe.execute()
    except RedisError as error:
        log.warning("revocation_copy_failed", extra={"error": repr(error)})


def now() -> float:
    return time.time()
