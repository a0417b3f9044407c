"""The signed-in user's own pages: notifications (with the unread badge) and bookmarks."""

from __future__ import annotations

from quart import Blueprint, render_template, request, url_for

from flock.core.db import GraphUnavailable
from flock.core.ids import id_argument
from graph import bookmarks, notifications
from graph.serving import backends
from web.session import is_htmx, login_required, viewer_id

blueprint = Blueprint("web_me", __name__)

PAGE = 40
FILTERS = {"all": None, "mentions": ["mention", "reply", "quote"]}


@blueprint.get("/notifications")
@login_required
async def notifications_page():
    """Newest first, grouped ("@ann and 3 others liked your post"); opening the first page
    marks everything on it read."""
    b = backends()
    tab = request.args.get("tab") if request.args.get("tab") in FILTERS else "all"
    max_id = request.args.get("max_id", type=id_argument)
    items, next_max = await notifications.notifications_page(
        b, viewer_id(), max_id, None, FILTERS[tab], PAGE
    )
    if items and max_id is None:
        try:
            await notifications.mark_read(b, viewer_id(), int(items[0]["id"]))
        except GraphUnavailable:  # writes paused: show them, mark them read next time
            pass
    more = url_for("web_me.notifications_page", tab=tab, max_id=next_max) if next_max else None
    if is_htmx() and max_id:
        groups = notifications.grouped(items)
        return await render_template("_notification_page.html", groups=groups, more=more)
    return await render_template(
        "notifications.html", groups=notifications.grouped(items), tab=tab, more=more
    )


@blueprint.get("/notifications/badge")
@login_required
async def badge():
    """The unread count in the navigation (loaded by htmx, refreshed by live updates): the
    rail's, or (`place=tab`) the phone's tab bar's."""
    unread = await notifications.unread_count(backends(), viewer_id())
    tab = request.args.get("place") == "tab"
    return await render_template("_unread_badge.html", unread=unread, tab=tab)


@blueprint.get("/bookmarks")
@login_required
async def bookmarks_page():
    max_id = request.args.get("max_id", type=id_argument)
    items, next_max = await bookmarks.bookmarks_page(backends(), viewer_id(), max_id, PAGE)
    more = url_for("web_me.bookmarks_page", max_id=next_max) if next_max else None
    if is_htmx() and max_id:
        return await render_template("_post_page.html", items=items, more=more)
    return await render_template("bookmarks.html", items=items, more=more)
