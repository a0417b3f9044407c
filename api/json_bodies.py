"""JSON request bodies are checked before any view reads them: strict UTF-8 (400), nested at
most MAX_DEPTH deep (400), and no text with a lone surrogate (422: it cannot be stored). What
is not JSON at all, or of the wrong shape, is the views' 422 (quart-schema)."""

from __future__ import annotations

import json
from typing import Any

from flock.core.errors import BadRequest, Invalid

MAX_DEPTH = 32


def check_json_body(data: bytes) -> None:
    """Raise the problem a JSON body has, if any; a body that does not parse is left to the
    view, which answers it with its own 422."""
    if not data:
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not UTF-8.") from None
    if _depth(text) > MAX_DEPTH:
        raise BadRequest(f"The JSON body is nested more than {MAX_DEPTH} levels deep.")
    try:
        value = json.loads(text)
    except ValueError:
        return
    where = _lone_surrogate_at(value, "")
    if where is not None:
        message = "This text has a broken character (a lone UTF-16 surrogate)."
        raise Invalid(message, errors={where or "body": [message]})


def _depth(text: str) -> int:
    """How deep arrays and objects nest, counting brackets outside strings."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _lone_surrogate_at(value: Any, path: str) -> str | None:
    """The dotted path of the first string (key or value) that is not valid Unicode."""
    if isinstance(value, str):
        return None if _encodable(value) else path
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _lone_surrogate_at(item, f"{path}.{index}" if path else str(index))
            if found is not None:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            if not _encodable(key):
                return path or "body"
            found = _lone_surrogate_at(item, inner)
            if found is not None:
                return found
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
