"""Mastodon's search (`/api/v2/search`): accounts and statuses from Typesense (graph/search.py,
the same ranking and block rules as Flock's own search), hashtags from the graph. `resolve`
is ignored: Flock does not federate."""

from __future__ import annotations

from quart import Blueprint

from api.mastodon import entities, render
from api.mastodon.common import base_url, limit_param, params, scoped, text, viewer
from graph import search
from graph.serving import backends

blueprint = Blueprint("mastodon_search", __name__, url_prefix="/api/v2")


@blueprint.get("/search")
@scoped("read:search", user=False)
async def search_all():
    given = await params()
    q = (text(given, "q") or "").strip()
    kind = text(given, "type")
    limit = limit_param(given)
    offset = str(given.get("offset") or "0")
    page = int(offset) // limit + 1 if offset.isdigit() and len(offset) < 7 else 1
    b = backends()
    found = {"accounts": [], "statuses": [], "hashtags": []}
    if not q:
        return found
    if kind in (None, "accounts"):
        users = await search.search_users(b, viewer(), q, limit, page)
        found["accounts"] = render.accounts(users["items"])
    if kind in (None, "statuses"):
        posts = await search.search_posts(b, viewer(), q, limit, page)
        found["statuses"] = await render.statuses(b, posts["items"])
    if kind in (None, "hashtags") and page == 1:
        tags = await search.search_hashtags(b, q, limit)
        found["hashtags"] = [entities.tag(row["name"], base_url()) for row in tags]
    return found
