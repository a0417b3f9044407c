"""What every task of one worker process shares: the settings, one Neo4j driver, one Redis
client, one Typesense client (its collections made once) and the media store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import redis
import typesense

from flock.core.backends import typesense_client
from flock.core.db import SyncGraph
from flock.core.settings import Settings
from jobs.queue import sync_redis
from jobs.stores import search_index
from jobs.stores.media import MediaStore, media_store


@dataclass
class WorkerContext:
    settings: Settings
    graph: SyncGraph
    redis: redis.Redis

    @cached_property
    def typesense(self) -> typesense.Client:
        client = typesense_client(self.settings)
        search_index.ensure_collections(client)
        return client

    @cached_property
    def media(self) -> MediaStore:
        return media_store(self.settings)


@cache
def worker_context() -> WorkerContext:
    """The process's context, made by the first task that runs in it."""
    settings = Settings.from_env()
    return WorkerContext(
        settings, SyncGraph(settings), sync_redis(settings.redis_url, settings.ca_file)
    )
