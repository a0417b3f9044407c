"""Cursor pagination: `limit` (default 20, at most 100) and an opaque `cursor` from the previous
page's `next_cursor`. Lists ordered by id also take `max_id`/`since_id`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from flock.core.ids import MAX_ID
from graph.cursors import decode_cursor, encode_cursor  # noqa: F401 - the API's cursors


class PageQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = None


class IdPageQuery(PageQuery):
    max_id: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Only items with smaller ids"
    )


def page(items: list[dict], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}


def max_id_of(query_args: IdPageQuery) -> int | None:
    """Where an id-ordered page starts: the cursor's id, else `max_id`, else the newest."""
    cursor = decode_cursor(query_args.cursor, 1)
    return cursor[0] if cursor else query_args.max_id


def id_paged(items: list[dict], next_max: int | None) -> dict[str, Any]:
    """A page of an id-ordered list: the items, and how to continue (cursor or max_id)."""
    return {
        **page(items, encode_cursor(next_max) if next_max else None),
        "next_max_id": str(next_max) if next_max else None,
    }
