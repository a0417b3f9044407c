"""`/api/notifications`: what others did to the caller's posts and account; the unread count."""

from __future__ import annotations

from pydantic import Field, field_validator
from quart import Blueprint, g
from quart_schema import validate_querystring, validate_request, validate_response

from api.bearer import token_required
from api.pagination import PageQuery, decode_cursor, id_paged
from api.schemas import MarkRead, NotificationPage, UnreadCount
from flock.core.errors import BadRequest, DomainError
from flock.core.ids import id_argument
from graph import notifications
from graph.requests import invalid
from graph.serving import backends

blueprint = Blueprint("api_notifications", __name__, url_prefix="/api/notifications")


class NotificationQuery(PageQuery):
    max_id: str | None = Field(default=None, description="Only notifications with smaller ids")
    since_id: str | None = Field(default=None, description="Only notifications with larger ids")
    types: list[str] | str | None = Field(
        default=None,
        description="like, repost, reply, mention, quote, follow (all if absent): comma-separated "
        "(`types=like,follow`) or repeated (`types[]=like&types[]=follow`)",
    )

    @field_validator("types")
    @classmethod
    def known_types(cls, value: list[str] | str | None) -> list[str] | None:
        if value is None:
            return None
        given = [value] if isinstance(value, str) else value
        wanted = [t.strip() for item in given for t in item.split(",") if t.strip()]
        unknown = set(wanted) - set(notifications.TYPES)
        if unknown:
            raise invalid(f"Unknown types: {', '.join(sorted(unknown))}.")
        return wanted or None

    def bounds(self) -> tuple[int | None, int | None]:
        """(max_id, since_id) from `cursor`, `max_id` and `since_id`: a value that is not an id
        (or a cursor this API did not make) is a 400."""
        try:
            cursor = decode_cursor(self.cursor, 1)
        except DomainError:
            raise _not_an_id("cursor") from None
        max_id = cursor[0] if cursor else _id_or_none(self.max_id, "max_id")
        return max_id, _id_or_none(self.since_id, "since_id")


def _id_or_none(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return id_argument(value)
    except ValueError:
        raise _not_an_id(name) from None


def _not_an_id(name: str) -> BadRequest:
    return BadRequest(f"{name} is not a notification id.", errors={name: ["Not an id."]})


@blueprint.get("")
@token_required
@validate_querystring(NotificationQuery)
@validate_response(NotificationPage)
async def list_notifications(query_args: NotificationQuery):
    """Likes, reposts, replies, mentions, quotes and follows by others, newest first; never for
    one's own actions, nor from muted or blocked accounts. An undone like or follow, or a
    deleted post, withdraws its notification. Continue with `max_id` or `cursor`."""
    max_id, since_id = query_args.bounds()
    items, next_max = await notifications.notifications_page(
        backends(), g.user_id, max_id, since_id, query_args.types, query_args.limit
    )
    return id_paged(items, next_max)


@blueprint.get("/unread_count")
@token_required
@validate_response(UnreadCount)
async def unread_count():
    """How many notifications are newer than what was marked read (counted up to 100)."""
    return {"unread": await notifications.unread_count(backends(), g.user_id)}


@blueprint.post("/read")
@token_required
@validate_request(MarkRead)
@validate_response(UnreadCount)
async def mark_read(data: MarkRead):
    """Mark notifications read up to an id (usually the newest one shown)."""
    unread = await notifications.mark_read(backends(), g.user_id, int(data.up_to_id))
    return {"unread": unread}
