"""Mastodon's timelines: home (the caller's feed: Redis when warm, graph/timelines.py), public
(everyone's tweets; `local` changes nothing, Flock is one server) and a hashtag's. Paged by
`max_id` (older), `since_id` (newer, newest first) and `min_id` (the page just newer)."""

from __future__ import annotations

from quart import Blueprint

from api.mastodon import render
from api.mastodon.common import (
    flag,
    id_param,
    json_response,
    limit_param,
    link_header,
    me,
    params,
    scoped,
    viewer,
)
from graph import public_timelines, timelines
from graph.serving import backends

blueprint = Blueprint("mastodon_timelines", __name__, url_prefix="/api/v1/timelines")

MIN_ID_REACH = 400  # entries read to find the page just newer than min_id


@blueprint.get("/home")
@scoped("read:statuses")
async def home():
    async def read(max_id, since_id, limit):
        return await timelines.home_timeline(backends(), me(), max_id, since_id, limit)

    return await _paged(read)


@blueprint.get("/public")
@scoped("read:statuses", user=False)
async def public():
    media = flag(await params(), "only_media")

    async def read(max_id, since_id, limit):
        return await public_timelines.public_timeline(
            backends(), viewer(), max_id, since_id, limit, media
        )

    return await _paged(read)


@blueprint.get("/tag/<hashtag>")
@scoped("read:statuses", user=False)
async def tag(hashtag: str):
    media = flag(await params(), "only_media")

    async def read(max_id, since_id, limit):
        return await public_timelines.tag_timeline(
            backends(), hashtag, viewer(), max_id, since_id, limit, media
        )

    return await _paged(read)


async def _paged(read):
    """A timeline page by Mastodon's parameters: `max_id` (older), `since_id` (the newest
    newer), `min_id` (the page just newer: the oldest of those newer)."""
    given = await params()
    limit = limit_param(given)
    max_id, since_id, min_id = (id_param(given, k) for k in ("max_id", "since_id", "min_id"))
    if min_id is not None:
        newer, _ = await read(max_id, min_id, MIN_ID_REACH)
        return await _page(newer[-limit:], None)
    return await _page(*await read(max_id, since_id, limit))


async def _page(items: list[dict], next_max: int | None):
    """The statuses, with `Link` to older (next) and newer (prev) pages, as Mastodon's ids:
    a repost entry's id is the repost's."""
    shown = await render.statuses(backends(), items)
    newest = shown[0]["id"] if shown else None
    oldest = None if next_max is None else (shown[-1]["id"] if shown else next_max)
    return json_response(shown, 200, link_header(oldest, newest))
