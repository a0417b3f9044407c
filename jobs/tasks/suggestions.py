"""Who-to-follow task: recompute one user's list after their follows changed."""

from __future__ import annotations

from jobs.stores import suggestions
from jobs.tasks.context import worker_context


def refresh_suggestions(user_id: int) -> int:
    """Recompute and store one user's ranked candidates; returns how many."""
    ctx = worker_context()
    signals = ctx.graph.read(
        "queries/user_suggestion_signals",
        user_id=user_id,
        pool=suggestions.CACHED,
    )
    popular = suggestions.popular_now(ctx.redis)
    if popular is None:
        rows = ctx.graph.read("queries/popular_user_ids", limit=suggestions.CACHED)
        popular = [row["id"] for row in rows]
        suggestions.store_popular_now(ctx.redis, popular, ctx.settings.discovery_cache_seconds)
    ranked = suggestions.rank(signals, popular, user_id, suggestions.CACHED)
    suggestions.store_now(ctx.redis, user_id, ranked)
    return len(ranked)
