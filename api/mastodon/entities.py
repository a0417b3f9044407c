"""Flock's posts, people and notifications as Mastodon's entities (docs.joinmastodon.org/entities).

Pure shaping: each function takes what graph/ returned (a post as graph/post_views.py shows it,
a user as graph/user_views.py does) and the server's base URL. Ids are strings, times ISO 8601
in UTC, text is HTML (escaped, with links to mentions, hashtags and addresses).

Accounts inside statuses and notifications are built from a post's author card (id, username,
display name): their counts read 0 there, as a page of posts does not count followers; an
app shows counts from `GET /api/v1/accounts/:id`, which has them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import quote, urlsplit

from flock.core.ids import time_of_id
from graph.avatars import avatar_path
from graph.banners import banner_path
from graph.media import MAX_DESCRIPTION, MAX_PER_POST, MAX_PIXELS
from graph.oauth import SCOPES
from graph.requests import TWEET_MAX_CHARS
from graph.text import HASHTAG, MENTION, hashtags, mentions

TOKENS = re.compile(
    r"(?P<url>https?://[^\s<>\"']+)" + f"|{HASHTAG.pattern}" + f"|{MENTION.pattern}"
)
TRAILING = ".,;:!?)]}'\""
PARAGRAPHS = re.compile(r"\n{2,}")
LINKABLE = re.compile(r"[#@]|https?://")  # a line with none of these has nothing to link
HEADER_MISSING = "/static/header-missing.png"
NOTIFICATION_TYPES = {  # Flock's kind: Mastodon's type
    "like": "favourite",
    "repost": "reblog",
    "reply": "mention",
    "mention": "mention",
    "quote": "quote",
    "follow": "follow",
}
FLOCK_TYPES = {  # Mastodon's type: Flock's kinds
    "favourite": ["like"],
    "reblog": ["repost"],
    "mention": ["reply", "mention"],
    "quote": ["quote"],
    "follow": ["follow"],
}


@lru_cache(maxsize=8192)  # a warm page shows the same posts' times again and again
def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def html(text: str | None, base: str) -> str:
    """A post's or bio's text as Mastodon's content: escaped, in paragraphs, with addresses,
    #hashtags and @mentions linked (as Mastodon marks them up). Every character of the text
    passes through `escape` (the standard library's, quotes too); only the markup around the
    links is Flock's own."""
    if not text:
        return ""
    paragraphs = []
    for block in PARAGRAPHS.split(text.strip()):
        lines = [_linked(line, base) for line in block.split("\n")]
        paragraphs.append(f"<p>{'<br>'.join(lines)}</p>")
    return "".join(paragraphs)


def _linked(text: str, base: str) -> str:
    if not LINKABLE.search(text):
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in TOKENS.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match["url"]:
            url = match["url"].rstrip(TRAILING)
            shown = escape(url)
            parts.append(
                f'<a href="{shown}" rel="nofollow noopener noreferrer" target="_blank">{shown}</a>'
            )
            parts.append(escape(match["url"][len(url) :]))
        elif match["tag"]:
            href, tag = escape(tag_url(match["tag"], base)), escape(match["tag"])
            parts.append(
                f'<a href="{href}" class="mention hashtag" rel="tag">#<span>{tag}</span></a>'
            )
        else:
            name = escape(match["mention"])
            parts.append(
                f'<span class="h-card"><a href="{escape(base)}/u/{name}" class="u-url mention">'
                f"@<span>{name}</span></a></span>"
            )
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


# ----------------------------------------------------------------------------- cards


def preview_card(card: dict[str, Any] | None, base: str) -> dict[str, Any] | None:
    """Mastodon's PreviewCard of a post's first link (None until one is fetched)."""
    if not card:
        return None
    host = urlsplit(card["url"]).hostname or ""
    return {
        "url": card["url"], "title": card["title"], "description": card["description"] or "",
        "type": "link", "author_name": "", "author_url": "", "provider_name": card["site"],
        "provider_url": f"https://{host}/" if host else "", "html": "",
        "width": card.get("image_width") or 0, "height": card.get("image_height") or 0,
        "image": base + card["image_url"] if card.get("image_url") else None,
        "image_description": "", "embed_url": "", "blurhash": None, "language": None,
        "published_at": None, "authors": [],
    }  # fmt: skip


# ----------------------------------------------------------------------------- accounts


def account(user: dict[str, Any], base: str, *, source: bool = False) -> dict[str, Any]:
    """Account from a card (id, username, display_name) or a profile (with bio, counts...)."""
    avatar = base + avatar_path(user, 400, raster=True)
    header = base + (banner_path(user, 1500) or HEADER_MISSING)
    created = user.get("created_at")
    fields = [
        {"name": name, "value": escape(user[key]), "verified_at": None}
        for name, key in (("Location", "location"), ("Website", "website"))
        if user.get(key)
    ]
    shown = {
        "id": str(user["id"]),
        "username": user["username"],
        "acct": user["username"],
        "display_name": user.get("display_name") or "",
        "locked": False,
        "bot": False,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "noindex": False,
        "created_at": iso(_day(created)) if created else iso(0),
        "note": html(user.get("bio"), base),
        "url": f"{base}/u/{user['username']}",
        "uri": f"{base}/u/{user['username']}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": user.get("follower_count", 0),
        "following_count": user.get("following_count", 0),
        "statuses_count": user.get("tweet_count", 0),
        "last_status_at": None,
        "hide_collections": False,
        "emojis": [],
        "fields": fields,
    }
    if source:
        shown["source"] = {
            "privacy": "public",
            "sensitive": False,
            "language": None,
            "note": user.get("bio") or "",
            "fields": [{k: f[k] for k in ("name", "value")} for f in fields],
            "follow_requests_count": 0,
            "indexable": True,
            "hide_collections": False,
            "discoverable": True,
        }
        shown["role"] = {
            "id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False,
        }  # fmt: skip
    return shown


def _day(epoch: float) -> float:
    """Mastodon shows when an account was made to the day."""
    return epoch - epoch % 86400


def relationship(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "following": row["following"],
        "showing_reblogs": row["following"],
        "notifying": False,
        "languages": None,
        "followed_by": row["followed_by"],
        "blocking": row["blocking"],
        "blocked_by": row["blocked_by"],
        "muting": row["muting"],
        "muting_notifications": row["muting"],
        "requested": False,
        "requested_by": False,
        "domain_blocking": False,
        "endorsed": False,
        "note": "",
    }


# ----------------------------------------------------------------------------- statuses


def status(
    post: dict[str, Any], base: str, mention_ids: dict[str, int], accounts: dict | None = None
) -> dict[str, Any]:
    """Status from a post as a page shows it; a repost entry (with `reposted_by`) is the
    reposter's status whose `reblog` is the post. `accounts`: the page's accounts by id, each
    built once (a page shows few authors many times)."""
    accounts = {} if accounts is None else accounts
    shown = _status(post, base, mention_ids, accounts)
    reposter = post.get("reposted_by")
    if not reposter:
        return shown
    entry_id = post["entry_id"]
    return {
        **shown,
        "id": str(entry_id),
        "uri": f"{base}/u/{reposter['username']}/reposts/{entry_id}",
        "url": None,
        "created_at": iso(time_of_id(int(entry_id))),
        "account": _account_of(reposter, base, accounts),
        "content": "",
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "quote": None,
        "reblog": shown,
        "edited_at": None,
    }


def _account_of(user: dict[str, Any], base: str, accounts: dict) -> dict[str, Any]:
    shown = accounts.get(user["id"])
    if shown is None:
        card = (str(user["id"]), user["username"], user.get("display_name") or "",
                user.get("avatar_id"))  # fmt: skip
        shown = accounts[user["id"]] = _card_account(*card, base)
    return shown


@lru_cache(maxsize=4096)
def _card_account(
    user_id: str, username: str, display_name: str, avatar_id: str | None, base: str
) -> dict[str, Any]:
    """The Account of a post's author card, made once for as long as the card is the same (the
    dict is shared: never changed after it is made)."""
    card = {"id": user_id, "username": username, "display_name": display_name,
            "avatar_id": avatar_id}  # fmt: skip
    return account(card, base)


def _status(
    post: dict[str, Any], base: str, mention_ids: dict[str, int], accounts: dict
) -> dict[str, Any]:
    text = post.get("text") or ""
    author = post.get("author") or {"id": "0", "username": "deleted", "display_name": ""}
    url = f"{base}/{'replies' if post.get('kind') == 'reply' else 'tweets'}/{post['id']}"
    quoted = post.get("quote")
    quote = None
    if post.get("quote_id"):
        inner = _status({**quoted, "quote": None}, base, mention_ids, accounts) if quoted else None
        quote = {"state": "accepted" if inner else "deleted", "quoted_status": inner}
    return {
        "id": str(post["id"]),
        "uri": url,
        "url": url,
        "created_at": iso(post["created_at"]),
        "edited_at": iso(post.get("edited_at")),
        "account": _account_of(author, base, accounts),
        "content": html(text, base),
        "text": None,
        "visibility": "public",
        "sensitive": False,
        "spoiler_text": "",
        "language": None,
        "media_attachments": [media_attachment(m, base) for m in post.get("media") or []],
        "application": None,
        "mentions": [
            {
                "id": str(mention_ids[name]),
                "username": name,
                "acct": name,
                "url": f"{base}/u/{name}",
            }
            for name in mentions(text)
            if name in mention_ids
        ],  # fmt: skip
        "tags": [{"name": name, "url": tag_url(name, base)} for name in hashtags(text)],
        "emojis": [],
        "reblogs_count": post.get("repost_count", 0),
        "favourites_count": post.get("like_count", 0),
        "replies_count": post.get("reply_count", 0),
        "quotes_count": post.get("quote_count", 0),
        "in_reply_to_id": post.get("in_reply_to_id"),
        "in_reply_to_account_id": post.get("in_reply_to_account_id"),
        "reblog": None,
        "quote": quote,
        "poll": None,
        "card": preview_card(post.get("card"), base),
        "favourited": post.get("liked_by_me", False),
        "reblogged": post.get("reposted_by_me", False),
        "bookmarked": post.get("bookmarked_by_me", False),
        "muted": False,
        "pinned": False,
        "filtered": [],
    }


def tag_url(name: str, base: str) -> str:
    """A hashtag's page: Flock's search for it."""
    return f"{base}/search?q={quote('#' + name.lower())}"


def mentioned_names(posts: list[dict[str, Any]]) -> list[str]:
    """Every username mentioned by these posts (and the posts they quote)."""
    names: dict[str, None] = {}
    for post in posts:
        for shown in (post, post.get("quote") or {}):
            for name in mentions(shown.get("text") or ""):
                names[name] = None
    return list(names)


def media_attachment(item: dict[str, Any], base: str) -> dict[str, Any]:
    width, height = item.get("width") or 0, item.get("height") or 0
    url, preview = _absolute(item["url"], base), _absolute(item["thumbnail_url"], base)
    size = {"width": width, "height": height, "size": f"{width}x{height}",
            "aspect": round(width / height, 4) if height else 1}  # fmt: skip
    scale = min(1.0, 600 / max(width, height, 1))
    small_w, small_h = round(width * scale), round(height * scale)
    small = {"width": small_w, "height": small_h, "size": f"{small_w}x{small_h}",
             "aspect": size["aspect"]}  # fmt: skip
    return {
        "id": str(item["id"]),
        "type": "image",
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {"original": size, "small": small},
        "description": item.get("description"),
        "blurhash": None,
    }


def _absolute(url: str, base: str) -> str:
    return url if url.startswith(("http://", "https://")) else base + url


# ----------------------------------------------------------------------------- the rest


def notification(item: dict[str, Any], base: str, mention_ids: dict[str, int]) -> dict[str, Any]:
    shown = {
        "id": item["id"],
        "type": NOTIFICATION_TYPES[item["type"]],
        "created_at": iso(item["created_at"]),
        "account": account(item["actor"], base),
        "group_key": f"ungrouped-{item['id']}",
    }
    if item.get("post"):
        shown["status"] = status(item["post"], base, mention_ids)
    return shown


def tag(name: str, base: str, history: list | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "url": tag_url(name, base),
        "history": history or [],
        "following": False,
    }


def application(app: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": app["client_id"][:16],
        "name": app["name"],
        "website": app.get("website") or None,
        "scopes": app["scopes"],
        "redirect_uri": "\n".join(app["redirect_uris"]),
        "redirect_uris": app["redirect_uris"],
        "vapid_key": "",
    }


def instance_limits(settings) -> dict[str, Any]:
    """What an app needs to know before it composes: the limits Flock really enforces."""
    return {
        "statuses": {
            "max_characters": TWEET_MAX_CHARS,
            "max_media_attachments": MAX_PER_POST,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
            "image_size_limit": settings.media_max_bytes,
            "image_matrix_limit": MAX_PIXELS,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
            "description_limit": MAX_DESCRIPTION,
        },
        "polls": {
            "max_options": 0,
            "max_characters_per_option": 0,
            "min_expiration": 0,
            "max_expiration": 0,
        },
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "translation": {"enabled": False},
    }


def scopes() -> list[str]:
    return list(SCOPES)
