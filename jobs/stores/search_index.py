"""The Typesense index: every rule about what is searchable lives here.

Two collections, reached through the aliases `posts` and `users`; each alias points at a
timestamped collection (`posts_1732400000`), so `flock search reindex` can fill fresh collections
and switch the aliases when they are complete: no moment with an empty index. While a reindex
runs, `search-reindex:<alias>` in Redis names the collection being filled, and every index job
writes there too, so changes made during the rebuild are not lost.

The index tasks (jobs/tasks/search.py) take ids and re-read the graph: a post or user that is
gone has its document removed. They can run twice, in any order, and retry with back-off while
Typesense is down.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import redis
import typesense

from flock.core.backends import typesense_client
from flock.core.db import SyncGraph
from flock.core.settings import Settings

log = logging.getLogger("flock.search_index")

BATCH = 1000

POSTS, USERS = "posts", "users"

FIELDS = {
    POSTS: [
        {"name": "kind", "type": "string", "facet": True},
        {"name": "text", "type": "string"},
        {"name": "author_id", "type": "string"},
        {"name": "hashtags", "type": "string[]", "facet": True},
        {"name": "created_at", "type": "int64"},
        {"name": "like_count", "type": "int32"},
        {"name": "reply_count", "type": "int32"},
    ],
    USERS: [
        {"name": "username", "type": "string"},
        {"name": "display_name", "type": "string"},
        {"name": "bio", "type": "string"},
        {"name": "follower_count", "type": "int32"},
        {"name": "created_at", "type": "int64"},
    ],
}
SORTING_FIELD = {POSTS: "created_at", USERS: "follower_count"}


def reindex_target_key(alias: str) -> str:
    return f"search-reindex:{alias}"


# ----------------------------------------------------------------------------- collections


def ensure_collections(client: typesense.Client) -> list[str]:
    """Create each collection and its alias if missing; returns the aliases created."""
    created = []
    existing = {a["name"] for a in client.aliases.retrieve()["aliases"]}
    for alias in (POSTS, USERS):
        if alias not in existing:
            name = create_collection(client, alias)
            client.aliases.upsert(alias, {"collection_name": name})
            created.append(alias)
    return created


def create_collection(client: typesense.Client, alias: str) -> str:
    """A new, empty collection for the alias, named with the time; returns its name."""
    name = f"{alias}_{time.time_ns()}"
    client.collections.create(
        {"name": name, "fields": FIELDS[alias], "default_sorting_field": SORTING_FIELD[alias]}
    )
    return name


def ensure_collections_quietly(settings: Settings) -> None:
    """At start-up: create what is missing, but never fail to start because Typesense is down."""
    try:
        created = ensure_collections(typesense_client(settings))
        if created:
            log.info("search_collections_created", extra={"aliases": ",".join(created)})
    except Exception as error:  # noqa: BLE001 - search degrades; everything else must start
        log.warning("search_collections_unavailable", extra={"error": repr(error)})


# ----------------------------------------------------------------------------- documents


def sync_documents(
    client: typesense.Client, r: redis.Redis, alias: str, docs: list[dict], ids: list[int]
) -> int:
    """Upsert `docs` and delete the documents of the `ids` that have none (gone from the
    graph), in the alias's collection and in the one a reindex is filling; returns how many
    were upserted."""
    gone = {str(i) for i in ids} - {doc["id"] for doc in docs}
    target = r.get(reindex_target_key(alias))
    for collection in [alias] + ([target.decode()] if target else []):
        documents = client.collections[collection].documents
        if docs:
            try:
                _check_import(documents.import_(docs, {"action": "upsert"}))
            except typesense.exceptions.ObjectNotFound:  # Typesense lost its data: start over
                ensure_collections(client)
                _check_import(documents.import_(docs, {"action": "upsert"}))
        for doc_id in gone:
            try:
                documents[doc_id].delete()
            except typesense.exceptions.ObjectNotFound:
                pass
    return len(docs)


def _check_import(results: list[dict]) -> None:
    failed = [r for r in results if not r.get("success")]
    if failed:
        raise RuntimeError(f"Typesense refused {len(failed)} documents: {failed[0]}")


# ----------------------------------------------------------------------------- full rebuild


def reindex(
    settings: Settings, graph: SyncGraph, r: redis.Redis, progress: Callable[[int], None]
) -> dict:
    """Fill fresh collections from the graph, then point the aliases at them and drop the old
    ones. Search keeps answering from the old collections until the switch."""
    client = typesense_client(settings)
    ensure_collections(client)
    written = {}
    for alias, query in ((POSTS, "queries/search_post_docs_batch"),
                         (USERS, "queries/search_user_docs_batch")):  # fmt: skip
        old = client.aliases[alias].retrieve()["collection_name"]
        new = create_collection(client, alias)
        r.set(reindex_target_key(alias), new, ex=24 * 3600)
        try:
            written[alias] = 0
            for docs in _batches(graph, query):
                _check_import(client.collections[new].documents.import_(docs, {"action": "upsert"}))
                written[alias] += len(docs)
                progress(len(docs))
            client.aliases.upsert(alias, {"collection_name": new})
        except BaseException:
            client.collections[new].delete()
            raise
        finally:
            r.delete(reindex_target_key(alias))
        client.collections[old].delete()
    return written


def reindex_size(graph: SyncGraph) -> int:
    row = graph.read("queries/search_counts")[0]
    return row["posts"] + row["users"]


def _batches(graph: SyncGraph, query: str) -> Iterator[list[dict]]:
    after = -1
    while True:
        rows = graph.read(query, after_id=after, batch=BATCH)
        if not rows:
            return
        yield [row["doc"] for row in rows]
        after = rows[-1]["id"]
