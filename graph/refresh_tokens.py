"""API refresh tokens, kept in the graph: rotating, with reuse detection.

A refresh token is `<family>.<secret>`, opaque to clients; Neo4j keeps only its SHA-256 digest,
its family (one log-in and its rotations), its owner and when it expires. Each refresh spends the
token and issues the next of the same family. A spent token presented again means it leaked: the
whole family is revoked (RFC 6819, OAuth 2.0 Security BCP). They live in the graph, not in Redis,
because they are state that cannot be rebuilt: losing Redis must not log every client out, and a
log-in must work while Redis is down.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
import uuid

from flock.core.backends import Backends
from flock.core.errors import Unauthorized
from graph import audit, revocation

log = logging.getLogger("flock.tokens")


async def issue_refresh_token(b: Backends, user_id: int, family: str | None = None) -> str:
    """A new refresh token for the user, in a new family unless one is given."""
    family = family or uuid.uuid4().hex
    token = f"{family}.{secrets.token_urlsafe(32)}"
    now = time.time()
    row = await b.graph.write_one(
        "queries/refresh_token_create",
        user_id=user_id,
        digest=_digest(token),
        family=family,
        expires_at=now + b.settings.refresh_token_ttl,
        now=now,
    )
    if row is None:
        raise Unauthorized("This account no longer exists.")
    return token


async def rotate_refresh_token(b: Backends, token: str) -> tuple[int, str]:
    """Spend a refresh token and return (user id, the next refresh token of its family)."""
    digest, now = _digest(token), time.time()
    row = await b.graph.write_one("queries/refresh_token_spend", digest=digest, now=now)
    if row is None:
        raise Unauthorized("The refresh token is not valid.")
    if row["revoked"]:
        raise Unauthorized("The refresh token was revoked.")
    if row["reused"]:
        await end_login(b, row["user_id"], row["family"])
        log.warning("refresh_token_reuse", extra={"user": row["user_id"], "family": row["family"]})
        await audit.record(b, "refresh_token_reuse", "refused", actor_id=row["user_id"])
        raise Unauthorized("The refresh token was already used; log in again.")
    return row["user_id"], await issue_refresh_token(b, row["user_id"], row["family"])


async def revoke_refresh_token(b: Backends, token: str) -> None:
    """Log-out with a refresh token: its whole log-in (family) stops working, access tokens
    included."""
    row = await b.graph.write_one(
        "queries/refresh_family_revoke", digest=_digest(token), family=None
    )
    if row is not None:
        await revocation.end_login(b, row["user_id"], row["family"])


async def end_login(b: Backends, user_id: int, family: str) -> None:
    """The log-in `family` ends: its refresh tokens and access tokens stop working now."""
    await b.graph.write("queries/refresh_family_revoke", digest=None, family=family)
    await revocation.end_login(b, user_id, family)


def family_of(token: str) -> str:
    """The log-in (family) a refresh token belongs to."""
    return token.partition(".")[0]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
