"""Read-your-writes across app processes: Neo4j bookmarks shared through Redis.

A bookmark names a transaction; a read given one waits until the server it reaches has applied
that transaction. Within one process the driver chains them by itself. With several processes
and a Neo4j cluster, a user's write may go through one process and their next read through
another, to a secondary that has not caught up: so every process keeps the newest bookmark it
saw in Redis, and every query starts from the one there. On a single server every bookmark is
satisfied at once. Redis unreachable: the process's own bookmarks are used (as without this).
"""

from __future__ import annotations

import json
from collections.abc import Collection

import redis.asyncio as aioredis
from neo4j.api import AsyncBookmarkManager
from redis.exceptions import RedisError

KEY = "neo4j-bookmarks"
KEEP_SECONDS = 3600


class SharedBookmarks(AsyncBookmarkManager):
    def __init__(self, r: aioredis.Redis):
        self.r = r
        self.local: frozenset[str] = frozenset()

    async def update_bookmarks(
        self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]
    ) -> None:
        new = frozenset(new_bookmarks)
        if new == self.local:
            return  # a read that saw nothing newer: nothing to tell the others
        self.local = new
        try:
            await self.r.set(KEY, json.dumps(sorted(new)), ex=KEEP_SECONDS)
        except (RedisError, OSError):
            pass

    async def get_bookmarks(self) -> Collection[str]:
        try:
            raw = await self.r.get(KEY)
        except (RedisError, OSError):
            return self.local
        return frozenset(json.loads(raw)) if raw else self.local

    async def forget(self) -> None:
        """Bookmarks the server does not know (a database restored from an archive, say)."""
        self.local = frozenset()
        try:
            await self.r.delete(KEY)
        except (RedisError, OSError):
            pass
