"""The search page: tweets and users tabs over `graph.search`."""

from __future__ import annotations

from quart import Blueprint, render_template, request, url_for

from flock.core.errors import Invalid, Unavailable
from graph import search as find
from graph.serving import backends
from web.session import is_htmx, viewer_id

blueprint = Blueprint("web_search", __name__)

PAGE = 20
MAX_PAGE = 100  # as the API: deeper pages are empty anyway


@blueprint.get("/search")
async def search():
    q = request.args.get("q", "")
    tab = "users" if request.args.get("type") == "users" else "tweets"
    page = min(max(request.args.get("page", default=1, type=int) or 1, 1), MAX_PAGE)
    results, error, status = None, None, 200
    if q.strip():
        run = find.search_users if tab == "users" else find.search_posts
        try:
            results = await run(backends(), viewer_id(), q, PAGE, min(page, 100))
        except (Invalid, Unavailable) as refused:
            error, status = refused.detail, refused.status
    more = (
        url_for("web_search.search", q=q, type=tab, page=results["next_page"])
        if results and results["next_page"]
        else None
    )
    if is_htmx() and page > 1 and results is not None:
        template = "_people_page.html" if tab == "users" else "_post_page.html"
        return await render_template(template, items=results["items"], more=more)
    page_html = await render_template(
        "search.html", q=q, tab=tab, results=results, error=error, more=more
    )
    return page_html, status
