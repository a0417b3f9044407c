"""Personal data kept encrypted in the graph (flock/core/crypto.py): today the e-mail address.

Stored as ciphertext under FLOCK_DATA_KEY, found by its keyed blind index (`email_key`): log-in
by e-mail, uniqueness and an address change never put the plain address in Neo4j's store or
transaction logs. `rotate_keys` re-encrypts whatever an older key (or no key: data from before
encryption) holds, in short batches, while the site runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flock.core.crypto import data_cipher
from flock.core.db import SyncGraph
from flock.core.settings import Settings

EMAIL = "email"  # what the ciphertext is bound to
BATCH = 500


def email_fields(settings: Settings, email: str) -> dict[str, str]:
    """An address as the graph stores it: `email` (ciphertext) and `email_key` (index)."""
    cipher = data_cipher(settings)
    return {"email": cipher.encrypt_text(email, EMAIL), "email_key": cipher.blind_index(email)}


def email_index(settings: Settings, email: str) -> str:
    """What `email_key` holds for this address (any case)."""
    return data_cipher(settings).blind_index(email)


def read_email(settings: Settings, stored: str | None) -> str | None:
    return data_cipher(settings).decrypt_text(stored, EMAIL)


def account_count(graph: SyncGraph) -> int:
    """How many accounts `rotate_keys` goes through."""
    return graph.read("queries/user_count")[0]["users"]


def rotate_keys(
    settings: Settings, graph: SyncGraph, progress: Callable[[int], None] = lambda _: None
) -> dict[str, Any]:
    """Re-encrypt under the current key every address stored under another (or none), a batch
    of BATCH accounts per short transaction; returns how many were looked at and rewritten."""
    cipher = data_cipher(settings)
    seen = rewritten = 0
    after = -1
    while rows := graph.read("queries/user_emails_page", after_id=after, batch=BATCH):
        stale = [
            row for row in rows if row["email"] and cipher.key_id_of(row["email"]) != cipher.current
        ]
        if stale:
            users = []
            for row in stale:
                plain = cipher.decrypt_text(row["email"], EMAIL)
                users.append({"id": row["id"], "was": row["email"],
                              **email_fields(settings, plain)})  # fmt: skip
            rewritten += graph.write("queries/user_emails_set", users=users)[0]["written"]
        seen += len(rows)
        progress(len(rows))
        after = rows[-1]["id"]
    return {"accounts": seen, "rewritten": rewritten, "key": cipher.current}
