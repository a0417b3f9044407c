"""Cursor pagination: `limit` (default 20, at most 100) and an opaque `cursor` from the previous
page's `next_cursor`. Lists ordered by id also take `max_id`/`since_id`."""

from __future__ import annotations

import base64
import json
from typing import Any

from pydantic import BaseModel, Field

from graph.errors import Invalid


class PageQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = None


class IdPageQuery(PageQuery):
    max_id: int | None = Field(default=None, ge=0, description="Only items with smaller ids")


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The values a cursor holds; a cursor this API did not make is a 422."""
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise Invalid(
            "The cursor is not valid.", errors={"cursor": ["Not a cursor from this API."]}
        )
    return values


def page(items: list[dict], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
