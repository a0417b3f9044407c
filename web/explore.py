"""Explore: search, trends and who to follow, as a page (the phone's tab) and as the desktop's
right-hand column, which every page loads when it is shown."""

from __future__ import annotations

from quart import Blueprint, g, render_template

from graph import discovery
from graph.serving import backends
from web.session import viewer_id

blueprint = Blueprint("web_explore", __name__)

SIDE = 5  # people and trends in the right-hand column
PAGE = 10  # on the Explore page


@blueprint.get("/explore")
async def explore():
    return await render_template("explore.html", **await _discoveries(PAGE))


@blueprint.get("/explore/side")
async def side():
    return await render_template("_side.html", **await _discoveries(SIDE))


async def _discoveries(count: int) -> dict:
    b = backends()
    return {
        "suggestions": await discovery.who_to_follow(b, viewer_id(), count) if g.me else [],
        "trends": await discovery.trends(b, count),
    }
