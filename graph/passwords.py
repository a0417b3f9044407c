"""Password hashing with Argon2id; the hash never leaves the graph layer.

Hashing takes tens of milliseconds of CPU on purpose: the use cases call the `*_async` forms,
which run it in a thread (argon2-cffi releases the GIL), so log-ins never stall the event loop.
"""

from __future__ import annotations

import asyncio
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

# Verifying against this when the account does not exist costs the same time as a real check,
# so response times do not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("flock-dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    lines = (Path(__file__).with_name("common-passwords.txt")).read_text().splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def is_common_password(password: str) -> bool:
    return password.strip().lower() in _common_passwords()
