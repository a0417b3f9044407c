"""What a post's text links to: #hashtags and @mentions."""

from __future__ import annotations

import re

# The one definition of each; web/text.py links the same matches.
HASHTAG = re.compile(r"(?<![\w&])#(?P<tag>\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@(?P<mention>[A-Za-z0-9_]{3,15})\b")


def hashtags(text: str) -> list[str]:
    """Distinct hashtags, lower-cased, in order of appearance (digits alone are not tags)."""
    found = [tag.lower() for tag in HASHTAG.findall(text) if not tag.isdigit()]
    return list(dict.fromkeys(found))


def mentions(text: str) -> list[str]:
    """Distinct mentioned usernames, lower-cased (the graph's username_key)."""
    return list(dict.fromkeys(name.lower() for name in MENTION.findall(text)))
