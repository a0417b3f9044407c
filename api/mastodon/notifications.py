"""Mastodon's notifications (read from the graph: graph/notifications.py), filtered by
`types[]` / `exclude_types[]`, paged by ids; one by id; clear all; dismiss one; and the read
markers (`markers`), whose notifications marker is Flock's own read mark."""

from __future__ import annotations

from quart import Blueprint

from api.mastodon import entities, render
from api.mastodon.common import (
    an_id,
    id_param,
    limit_param,
    link_header,
    me,
    params,
    scoped,
    values,
)
from flock.core.ids import MAX_ID
from graph import notifications
from graph.serving import backends

blueprint = Blueprint("mastodon_notifications", __name__, url_prefix="/api/v1")

MAX_NOTIFICATIONS_LIMIT = 80


@blueprint.get("/notifications")
@scoped("read:notifications")
async def listed():
    given = await params()
    b = backends()
    kinds = _kinds(values(given, "types"), values(given, "exclude_types"))
    if kinds == []:
        return []
    limit = limit_param(given, 40, MAX_NOTIFICATIONS_LIMIT)
    max_id, since_id, min_id = (id_param(given, k) for k in ("max_id", "since_id", "min_id"))
    items, next_max = await notifications.notifications_page(
        b, me(), max_id, since_id or min_id, kinds, limit
    )
    shown = await render.notifications(b, items)
    newest = shown[0]["id"] if shown else None
    return shown, 200, link_header(next_max, newest)


@blueprint.get("/notifications/<notification_id>")
@scoped("read:notifications")
async def one(notification_id: str):
    b = backends()
    item = await notifications.notification(b, me(), an_id(notification_id))
    return (await render.notifications(b, [item]))[0]


@blueprint.post("/notifications/clear")
@scoped("write:notifications")
async def clear():
    await notifications.clear(backends(), me(), MAX_ID)
    return {}


@blueprint.post("/notifications/<notification_id>/dismiss")
@scoped("write:notifications")
async def dismiss(notification_id: str):
    await notifications.dismiss(backends(), me(), an_id(notification_id))
    return {}


@blueprint.get("/markers")
@scoped("read:statuses")
async def markers():
    given = await params()
    timelines = values(given, "timeline") or ["home", "notifications"]
    row = await notifications.markers(backends(), me())
    return _markers(row, timelines)


@blueprint.post("/markers")
@scoped("write:statuses")
async def set_markers():
    given = await params()
    home, seen = _last_read(given, "home"), _last_read(given, "notifications")
    row = await notifications.set_markers(
        backends(), me(), an_id(home) if home else None, an_id(seen) if seen else None
    )
    return _markers(row, [name for name, v in (("home", home), ("notifications", seen)) if v])


def _last_read(given, timeline: str) -> str | None:
    """`home[last_read_id]` (a form) or `{"home": {"last_read_id": ...}}` (JSON)."""
    nested = given.get(timeline)
    if isinstance(nested, dict):
        return nested.get("last_read_id")
    return given.get(f"{timeline}[last_read_id]")


def _markers(row: dict, timelines: list[str]) -> dict:
    shown = {}
    for name in ("home", "notifications"):
        if name in timelines and row.get(name) is not None:
            shown[name] = {
                "last_read_id": str(row[name]),
                "version": row.get(f"{name}_version") or 0,
                "updated_at": entities.iso(row.get(f"{name}_at") or 0),
            }
    return shown


def _kinds(types: list[str], excluded: list[str]) -> list[str] | None:
    """Flock's kinds for Mastodon's types asked for (None: all); [] when none is left."""
    if not types and not excluded:
        return None
    wanted = types or list(entities.FLOCK_TYPES)
    kinds = [k for t in wanted if t not in excluded for k in entities.FLOCK_TYPES.get(t, [])]
    return list(dict.fromkeys(kinds))
