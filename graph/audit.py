"""The audit trail: who did what that matters for security, from where, and how it went.

Entries are `:AuditEvent` nodes in the graph (so backups keep them), appended one at a time
under a lock on the chain's head, which gives them one order (`seq`). Each entry carries the
hash of the one before (`prev`) and its own (`hash`): an HMAC-SHA256, keyed by a key derived
from the site's secret key, over its fields and `prev`. Editing, removing or inserting an entry
breaks the chain there, and without the key nobody can mend it; `flock audit verify` walks the
chain. Nothing is ever updated or deleted by Flock. Every entry is also logged (logger
`flock.audit`), for a log store.

Events: signup, login (ok, failed, throttled), logout, refresh_token_reuse, password_change,
email_change, account_delete, role_grant, role_revoke, analytics_query (the query and its
parameters), admin_command (reindex, rebuild, backup, restore, ...).
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from quart import g, has_request_context, request

from flock.core.backends import Backends
from flock.core.db import SyncGraph
from flock.core.logs import REQUEST_ID

log = logging.getLogger("flock.audit")

SIGNED = (
    "seq", "at", "event", "outcome", "actor_id", "actor", "client", "user_agent", "request_id",
    "details", "prev",
)  # fmt: skip
MAX_USER_AGENT = 300


def chain_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"flock audit chain", hashlib.sha256).digest()


def entry_hash(key: bytes, entry: dict[str, Any]) -> str:
    signed = {name: entry.get(name) for name in SIGNED}
    text = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _fields(event: str, outcome: str, actor_id, actor, context, details) -> dict[str, Any]:
    return {
        "at": time.time(),
        "event": event,
        "outcome": outcome,
        "actor_id": actor_id,
        "actor": actor,
        **context,
        "details": json.dumps(details, sort_keys=True, default=str) if details else None,
    }


def _chained(key: bytes, fields: dict[str, Any]):
    def build(head: dict[str, Any]) -> dict[str, Any]:
        entry = {
            **fields,
            "actor": fields["actor"] or head["username"],
            "seq": head["seq"] + 1,
            "prev": head["hash"],
        }
        return {"entry": {**entry, "hash": entry_hash(key, entry)}}

    return build


def _append(graph, key: str, fields: dict[str, Any]):
    """Append under the head's lock (Graph or SyncGraph: the caller awaits the async one)."""
    return graph.write_after(
        "audit/head_lock", "audit/append", _chained(chain_key(key), fields),
        actor_id=fields["actor_id"],
    )  # fmt: skip


async def record(
    b: Backends,
    event: str,
    outcome: str = "ok",
    *,
    actor_id: int | None = None,
    actor: str | None = None,
    **details: Any,
) -> None:
    """Append an entry about the request being served (its client address, user agent and
    request id come with it)."""
    fields = _fields(event, outcome, actor_id, actor, _request_context(), details)
    written = await _append(b.graph, b.settings.secret_key, fields)
    _log(written["entry"])


def record_operator(
    graph: SyncGraph, secret_key: str, event: str, outcome: str = "ok", **details: Any
) -> None:
    """Append an entry about an operator's command (`flock backup`, `flock users grant`...)."""
    context = {"client": "cli", "user_agent": "flock", "request_id": REQUEST_ID.get()}
    fields = _fields(event, outcome, None, f"operator:{_os_user()}", context, details)
    _log(_append(graph, secret_key, fields)["entry"])


def _request_context() -> dict[str, Any]:
    if not has_request_context():
        return {"client": None, "user_agent": None, "request_id": REQUEST_ID.get()}
    return {
        "client": g.get("client_address"),
        "user_agent": (request.headers.get("User-Agent") or "")[:MAX_USER_AGENT] or None,
        "request_id": g.get("request_id"),
    }


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _log(entry: dict[str, Any]) -> None:
    log.info("audit", extra={f"audit_{k}": v for k, v in entry.items() if k not in ("prev",)})


# ----------------------------------------------------------------------------- reading


async def events_page(
    b: Backends, actor: str | None, event: str | None, since: float, after_seq: int, limit: int
) -> list[dict[str, Any]]:
    rows = await b.graph.read(
        "audit/events", actor=actor, event=event, since=since, after_seq=after_seq, limit=limit
    )
    return [_shown(row["entry"]) for row in rows]


def events_sync(
    graph: SyncGraph, actor: str | None, event: str | None, since: float, limit: int
) -> list[dict[str, Any]]:
    rows = graph.read(
        "audit/events", actor=actor, event=event, since=since, after_seq=0, limit=limit
    )
    return [_shown(row["entry"]) for row in rows]


def _shown(entry: dict[str, Any]) -> dict[str, Any]:
    shown = {name: entry.get(name) for name in (*SIGNED, "hash")}
    shown["details"] = json.loads(entry["details"]) if entry.get("details") else {}
    return shown


@dataclass
class Verdict:
    entries: int
    problem: str | None


def verify(graph: SyncGraph, secret_key: str) -> Verdict:
    """Walk the chain: every entry in sequence, linked to the one before, its hash right, and
    the head at the last one."""
    key = chain_key(secret_key)
    expected_seq, prev, count = 1, "", 0
    for (entry,) in _chain(graph):
        seq = entry.get("seq")
        if seq != expected_seq:
            return Verdict(count, f"entry {expected_seq} is missing (next found: {seq})")
        if entry.get("prev") != prev:
            return Verdict(count, f"entry {seq} does not follow entry {seq - 1}")
        if entry.get("hash") != entry_hash(key, entry):
            return Verdict(count, f"entry {seq} was changed after it was written")
        prev, expected_seq, count = entry["hash"], seq + 1, count + 1
    head = graph.read("audit/head")
    head_seq, head_hash = (head[0]["seq"], head[0]["hash"]) if head else (0, "")
    if (head_seq, head_hash) != (count, prev):
        return Verdict(count, f"the chain ends at entry {count}, its head says {head_seq}")
    return Verdict(count, None)


def _chain(graph: SyncGraph) -> Iterator[tuple]:
    return graph.rows("audit/chain", 1000)
