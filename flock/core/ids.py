"""64-bit time-ordered ids (snowflake style): sortable, usable as Redis scores and cursors.

41 bits of milliseconds since 2024-01-01, 10 bits of process, 12 bits of sequence.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
MAX_ID = 2**63 - 1  # the largest id Neo4j (a signed 64-bit integer) can hold


def id_argument(text: str) -> int:
    """An id given as text (a URL's query string): a ValueError unless it is a whole number
    from 0 to MAX_ID, so that `request.args.get(..., type=id_argument)` falls back."""
    value = int(text)
    if not 0 <= value <= MAX_ID:
        raise ValueError(f"not an id: {text!r}")
    return value


class IdGenerator:
    def __init__(self, node: int | None = None):
        self.node = (node if node is not None else secrets.randbelow(1024)) & 0x3FF
        self.last_ms = -1
        self.sequence = 0
        self.lock = threading.Lock()

    def next_id(self) -> int:
        with self.lock:
            now = int(time.time() * 1000) - EPOCH_MS
            if now < self.last_ms:  # the clock went back: keep counting from the last moment
                now = self.last_ms
            if now == self.last_ms:
                self.sequence = (self.sequence + 1) & 0xFFF
                if self.sequence == 0:
                    now = self._wait_next_ms(now)
            else:
                self.sequence = 0
            self.last_ms = now
            return (now << 22) | (self.node << 12) | self.sequence

    @staticmethod
    def _wait_next_ms(current: int) -> int:
        while True:
            now = int(time.time() * 1000) - EPOCH_MS
            if now > current:
                return now
            time.sleep(0.0001)


_generator = IdGenerator(node=(os.getpid() ^ secrets.randbelow(1024)) & 0x3FF)


def new_id() -> int:
    """A fresh id, unique across processes with overwhelming probability; the graph's
    uniqueness constraints catch the rest."""
    return _generator.next_id()


def time_of_id(made_id: int) -> float:
    """When an id was made (Unix seconds): a post's id tells when it was posted."""
    return ((made_id >> 22) + EPOCH_MS) / 1000


def id_for_time(epoch_seconds: float) -> int:
    """The smallest id made at that moment: turns a time into a `max_id`/`since_id` bound."""
    return (int(epoch_seconds * 1000) - EPOCH_MS) << 22
