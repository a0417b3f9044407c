"""Search-index tasks: bring documents in line with the graph (jobs/stores/search_index.py)."""

from __future__ import annotations

from jobs.stores import search_index
from jobs.stores.search_index import POSTS, USERS
from jobs.tasks.context import worker_context


def index_posts(post_ids: list[int]) -> int:
    """Bring these posts' documents in line with the graph; returns how many are indexed."""
    return _sync(POSTS, "queries/search_post_docs", post_ids)


def index_users(user_ids: list[int]) -> int:
    """Bring these users' documents in line with the graph; returns how many are indexed."""
    return _sync(USERS, "queries/search_user_docs", user_ids)


def _sync(alias: str, query: str, ids: list[int]) -> int:
    ctx = worker_context()
    docs = [row["doc"] for row in ctx.graph.read(query, ids=ids)]
    return search_index.sync_documents(ctx.typesense, ctx.redis, alias, docs, ids)
