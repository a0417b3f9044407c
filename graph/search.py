"""Search: posts and users through Typesense, ranked for the viewer, shown as the graph says.

Posts: Typesense finds the best matches by text (typo-tolerant, the last word as a prefix;
`#tag` words filter by hashtag); the top SEARCH_WINDOW are ranked here, first by text match,
then, among equally good matches, by whether the viewer follows the author, engagement and
recency. Users: username (as a prefix), display name and bio, then follower count.

The graph stays the source of truth: hits are hydrated from Neo4j, so a post deleted a moment
ago is not shown even if the index still has it. Typesense down is a 503, nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

import httpx
import typesense

from flock.core.backends import Backends
from flock.core.errors import Invalid, Unavailable
from graph import text as post_text
from graph import user_views
from graph.post_views import hydrate
from jobs.stores import search_index

log = logging.getLogger("flock.search")

MAX_QUERY_LENGTH = 200
SEARCH_WINDOW = 250  # how many post matches are ranked for the viewer; pages end there
FOLLOWED_BOOST = 3.0
RECENCY_HALF_LIFE_HOURS = 48.0
UNAVAILABLE = "Search is unavailable for a moment. Everything else works; try again shortly."
WORD = re.compile(r"\w")


@dataclass(frozen=True)
class ParsedQuery:
    words: str  # what Typesense matches as text ("*": everything, when only tags were given)
    hashtags: list[str]


def parse_query(q: str) -> ParsedQuery:
    """The words and #tags of a query; an empty, too long or wordless query is a 422.
    Everything else is plain text to Typesense: `&&`, `:`, backticks and `*` are not syntax."""
    q = unicodedata.normalize("NFC", q).strip()
    if not q:
        raise _invalid("Type something to search for.")
    if len(q) > MAX_QUERY_LENGTH:
        raise _invalid(f"Search for at most {MAX_QUERY_LENGTH} characters.")
    tags = post_text.hashtags(q)
    words = " ".join(post_text.HASHTAG.sub(" ", q).split())
    if not WORD.search(words):
        if not tags:
            raise _invalid("Search for words, @names or #tags.")
        words = "*"
    return ParsedQuery(words=words, hashtags=tags)


async def search_posts(
    b: Backends, viewer_id: int | None, q: str, limit: int, page: int
) -> dict[str, Any]:
    """One page of matching tweets and replies, ranked for the viewer."""
    query = parse_query(q)
    params = {
        "q": query.words,
        "query_by": "text",
        "filter_by": " && ".join(f"hashtags:=`{tag}`" for tag in query.hashtags),
        "sort_by": "_text_match:desc,created_at:desc",
        "include_fields": "id,author_id,created_at,like_count,reply_count",
        "highlight_fields": "none",
        "per_page": SEARCH_WINDOW,
        "page": 1,
    }
    result = await _search(b, search_index.POSTS, params)
    hits = await _rank_for_viewer(b, viewer_id, result["hits"])
    start = (page - 1) * limit
    chosen = [int(hit["document"]["id"]) for hit in hits[start : start + limit]]
    return {
        "items": await hydrate(b, viewer_id, chosen),
        "found": len(hits),  # of the best matches, those the viewer may see
        "page": page,
        "next_page": page + 1 if start + limit < len(hits) else None,
    }


async def search_users(
    b: Backends, viewer_id: int | None, q: str, limit: int, page: int
) -> dict[str, Any]:
    """One page of matching accounts: username prefix, display name, bio; popular first."""
    query = parse_query(q.strip().lstrip("@"))
    params = {
        "q": " ".join(query.hashtags) if query.words == "*" else query.words,
        "query_by": "username,display_name,bio",
        "query_by_weights": "4,2,1",
        "sort_by": "_text_match:desc,follower_count:desc",
        "include_fields": "id",
        "highlight_fields": "none",
        "per_page": SEARCH_WINDOW,
        "page": 1,
    }
    result = await _search(b, search_index.USERS, params)
    ids = [int(hit["document"]["id"]) for hit in result["hits"]]
    if viewer_id is not None and ids:
        row = await b.graph.read_one("queries/followed_among", viewer_id=viewer_id, user_ids=ids)
        hidden = set(row["hidden"]) if row else set()
        ids = [i for i in ids if i not in hidden]
    start = (page - 1) * limit
    return {
        "items": await user_views.profiles(b, viewer_id, ids[start : start + limit]),
        "found": len(ids),  # of the best matches, those the viewer may see
        "page": page,
        "next_page": page + 1 if start + limit < len(ids) else None,
    }


async def search_hashtags(b: Backends, q: str, limit: int) -> list[dict[str, Any]]:
    """Hashtags starting with the words asked for (with or without #), the most used first."""
    prefix = unicodedata.normalize("NFC", q).strip().lstrip("#").lower()
    if not prefix or len(prefix) > 100:
        return []
    return await b.graph.read("queries/hashtags_by_prefix", prefix=prefix, limit=limit)


async def _search(b: Backends, alias: str, params: dict[str, Any]) -> dict[str, Any]:
    params = {key: value for key, value in params.items() if value != ""}
    documents = b.typesense.collections[alias].documents
    try:
        return await documents.search(params)
    except typesense.exceptions.RequestMalformed as error:
        log.info("search_refused", extra={"alias": alias, "error": repr(error)})
        raise _invalid("This search cannot be run; try other words.") from None
    except typesense.exceptions.ObjectNotFound:
        await asyncio.to_thread(search_index.ensure_collections_quietly, b.settings)
        raise Unavailable(UNAVAILABLE, headers={"Retry-After": "5"}) from None
    except (typesense.exceptions.TypesenseClientError, httpx.HTTPError) as error:
        log.warning("search_unavailable", extra={"alias": alias, "error": repr(error)})
        raise Unavailable(UNAVAILABLE, headers={"Retry-After": "5"}) from None


async def _rank_for_viewer(b: Backends, viewer_id: int | None, hits: list[dict]) -> list[dict]:
    """Hits with the same text match score are ordered by followed author, engagement, age;
    hits by accounts the viewer mutes or is blocked with either way are left out."""
    followed: set[int] = set()
    if viewer_id is not None and hits:
        authors = list({int(hit["document"]["author_id"]) for hit in hits})
        row = await b.graph.read_one(
            "queries/followed_among", viewer_id=viewer_id, user_ids=authors
        )
        followed = set(row["ids"]) if row else set()
        hidden = set(row["hidden"]) if row else set()
        hits = [hit for hit in hits if int(hit["document"]["author_id"]) not in hidden]
    now = time.time()

    def boost(hit: dict) -> float:
        doc = hit["document"]
        engagement = math.log1p(doc["like_count"] + 2 * doc["reply_count"])
        age_hours = max(now - doc["created_at"], 0) / 3600
        recency = 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS)
        is_followed = int(doc["author_id"]) in followed
        return FOLLOWED_BOOST * is_followed + engagement + recency

    return sorted(hits, key=lambda hit: (hit["text_match"], boost(hit)), reverse=True)


def _invalid(message: str) -> Invalid:
    return Invalid(message, errors={"q": [message]})
