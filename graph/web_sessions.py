"""Web sessions, kept in the graph so that they can be ended: log-out, "log out everywhere" and
account deletion end them server-side, and a cookie copied before that is worth nothing after.

The cookie (signed by Quart with itsdangerous) carries a random token; Neo4j keeps only its
SHA-256 digest, its owner and when it expires (FLOCK_SESSION_TTL). Each page reads the viewer
through the session in one query, the one it read their profile with before. Like refresh
tokens they live in the graph, not in Redis: losing Redis logs nobody out.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import Unauthorized
from graph import revocation, user_views


async def start_session(b: Backends, user_id: int) -> str:
    """A new session for the user; returns the token the cookie carries."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    row = await b.graph.write_one(
        "queries/web_session_create",
        user_id=user_id,
        digest=_digest(token),
        expires_at=now + b.settings.session_ttl,
        now=now,
    )
    if row is None:
        raise Unauthorized("This account no longer exists.")
    return token


async def session_user(b: Backends, token: str) -> dict[str, Any] | None:
    """The signed-in user's own profile (with `id_int`), or None when the session has ended."""
    row = await b.graph.read_one("queries/web_session_user", digest=_digest(token), now=time.time())
    if row is None:
        return None
    user = await user_views.own_profile(b, row["id"])
    return {**user, "id_int": row["id"]} if user else None


async def end_session(b: Backends, token: str) -> None:
    """Log-out of this browser: the session ends, and its open live-update stream with it."""
    row = await b.graph.write_one("queries/web_session_delete", digest=_digest(token))
    if row is not None and row["user_id"] is not None:
        await revocation.tell_streams(b, row["user_id"])


async def end_all_sessions(b: Backends, user_id: int) -> dict[str, int]:
    """Every web session, refresh-token family and access token of the user ends now, on
    every device (graph/revocation.py), and their open live-update streams close."""
    now = time.time()
    row = await b.graph.write_one("queries/user_sessions_end_all", user_id=user_id, now=now)
    await revocation.end_everything(b, user_id, now)
    return row or {"sessions": 0, "tokens": 0}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
