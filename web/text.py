"""Template filters: post text with safe links, and times as people read them.

`linkify` escapes everything, then links three things only: http(s) addresses (with
rel="nofollow noopener ugc"), #hashtags (to search) and @mentions (to the profile). Any other
scheme, `javascript:` included, stays plain text.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from markupsafe import Markup, escape
from quart import url_for

from graph.text import HASHTAG, MENTION, TRAILING, URL

TOKENS = re.compile(f"(?P<url>{URL.pattern})|{HASHTAG.pattern}|{MENTION.pattern}")


def linkify(text: str | None) -> Markup:
    if not text:
        return Markup("")
    parts: list[str] = []
    position = 0
    for match in TOKENS.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match["url"]:
            url = match["url"].rstrip(TRAILING)
            parts.append(
                Markup('<a href="{}" rel="nofollow noopener ugc" target="_blank">{}</a>').format(
                    url, _shorten(url)
                )
            )
            parts.append(escape(match["url"][len(url) :]))
        elif match["tag"]:
            href = url_for("web_search.search", q=f"#{match['tag']}")
            parts.append(Markup('<a class="tag" href="{}">#{}</a>').format(href, match["tag"]))
        else:
            href = url_for("web_pages.profile", username=match["mention"])
            parts.append(Markup('<a class="mention" href="{}">@{}</a>').format(
                href, match["mention"]
            ))  # fmt: skip
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def timeago(epoch: float | None, now: float | None = None) -> str:
    """ "now", "5m", "3h", "2d", then the date: what a timeline shows next to a post."""
    if epoch is None:
        return ""
    seconds = max((now or time.time()) - epoch, 0)
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    moment = datetime.fromtimestamp(epoch, UTC)
    this_year = datetime.fromtimestamp(now or time.time(), UTC).year == moment.year
    return moment.strftime("%b %-d" if this_year else "%b %-d, %Y")


def isotime(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds") if epoch else ""


def exacttime(epoch: float | None) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%-d %b %Y, %H:%M UTC") if epoch else ""


def monthyear(epoch: float | None) -> str:
    """The month someone joined, as "December 2026"."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%B %Y") if epoch else ""


def _shorten(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= 40 else shown[:39] + "…"
