"""What a post's text links to: web links, #hashtags and @mentions."""

from __future__ import annotations

import re

# The one definition of each; web/text.py links the same matches.
URL = re.compile(r"https?://[^\s<>\"']+")
TRAILING = ".,;:!?)]}'\""  # not part of a link that ends a sentence
HASHTAG = re.compile(r"(?<![\w&])#(?P<tag>\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@(?P<mention>[A-Za-z0-9_]{3,15})\b")


def hashtags(text: str) -> list[str]:
    """Distinct hashtags, lower-cased, in order of appearance (digits alone are not tags)."""
    found = [tag.lower() for tag in HASHTAG.findall(text) if not tag.isdigit()]
    return list(dict.fromkeys(found))


def mentions(text: str) -> list[str]:
    """Distinct mentioned usernames, lower-cased (the graph's username_key)."""
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))


def first_url(text: str) -> str | None:
    """The first web link in a text (what a post's card shows), without trailing punctuation."""
    found = URL.search(text)
    return found.group(0).rstrip(TRAILING) if found else None
