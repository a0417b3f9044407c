"""Opaque page cursors, the same for the API's `next_cursor` and the web's "load more" links:
the values that continue a page, as URL-safe base64 of JSON."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

from flock.core.errors import Invalid
from flock.core.ids import MAX_ID


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
    if not isinstance(values, list) or len(values) != arity or not all(map(_plain, values)):
        raise Invalid(
            "The cursor is not valid.", errors={"cursor": ["Not a cursor from this API."]}
        )
    return values


def _plain(value: Any) -> bool:
    """What this API puts in cursors: ids (64-bit) and times (finite numbers)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= MAX_ID
    return isinstance(value, float) and math.isfinite(value)
