"""Cursor pagination: `limit` (default 20, at most 100) and an opaque `cursor` from the previous
page's `next_cursor`. Lists ordered by id also take `max_id`/`since_id`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from graph.cursors import decode_cursor, encode_cursor  # noqa: F401 - the API's cursors
from graph.ids import MAX_ID


class PageQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = None


class IdPageQuery(PageQuery):
    max_id: int | None = Field(
        default=None, ge=0, le=MAX_ID, description="Only items with smaller ids"
    )


def page(items: list[dict], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
