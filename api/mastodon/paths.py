"""Which requests are the Mastodon client API's (their errors are Mastodon's `{"error": ...}`)."""

from __future__ import annotations

PREFIXES = ("/api/v1/", "/api/v2/", "/oauth/")


def is_mastodon_path(path: str) -> bool:
    return path.startswith(PREFIXES)
