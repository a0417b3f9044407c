"""Mastodon's statuses: post (with images, as a reply, quoting; `Idempotency-Key` honoured),
read, edit, delete, thread context, history, source; favourite, reblog and bookmark, and who
favourited or reblogged. Tweets and replies are both statuses; graph/posts.py decides."""

from __future__ import annotations

from pydantic import ValidationError
from quart import Blueprint, request

from api.mastodon import entities, render
from api.mastodon.common import (
    an_id,
    base_url,
    limit_param,
    link_header,
    me,
    params,
    scoped,
    text,
    values,
    viewer,
)
from api.schemas import NewTweet
from flock.core.errors import Invalid
from graph import bookmarks, likes, posts, reposts, user_views
from graph.cursors import decode_cursor, encode_cursor
from graph.requests import field_errors
from graph.serving import backends

blueprint = Blueprint("mastodon_statuses", __name__, url_prefix="/api/v1")

CONTEXT_REPLIES = 60  # descendants shown: the direct replies, oldest first


@blueprint.post("/statuses")
@scoped("write:statuses")
async def create():
    """`status`, `media_ids[]`, `in_reply_to_id`, `quoted_status_id` (or `quote_id`); every
    status is public. Sent again with the same `Idempotency-Key`, the first one is returned."""
    given = await params()
    quote = text(given, "quoted_status_id") or text(given, "quote_id")
    form = _checked(text(given, "status") or "", values(given, "media_ids"), quote)
    b, key = backends(), request.headers.get("Idempotency-Key")
    parent = text(given, "in_reply_to_id")
    if parent:
        found = await posts.find_post(b, an_id(parent), me())
        made = await posts.reply(
            b, me(), posts.kind_of(found), int(found["id"]), form.text, form.media(),
            idempotency_key=key,
        )  # fmt: skip
    else:
        made = await posts.post_tweet(
            b, me(), form.text, form.media(), quote_id=form.quote(), idempotency_key=key
        )
    return await render.status(b, made)


@blueprint.get("/statuses/<status_id>")
@scoped("read:statuses", user=False)
async def show(status_id: str):
    b = backends()
    return await render.status(b, await posts.find_post(b, an_id(status_id), viewer()))


@blueprint.put("/statuses/<status_id>")
@scoped("write:statuses")
async def edit(status_id: str):
    """A new `status` text (images stay as they were: Flock edits text only)."""
    b = backends()
    found = await posts.find_post(b, an_id(status_id), me())
    given = await params()
    form = _checked(text(given, "status") or "", [], None)
    edited = await posts.edit_post(b, me(), posts.kind_of(found), int(found["id"]), form.text)
    return await render.status(b, edited)


@blueprint.delete("/statuses/<status_id>")
@scoped("write:statuses")
async def delete(status_id: str):
    """Deleted; answered with the status and its `text`, to redraft from."""
    b = backends()
    found = await posts.find_post(b, an_id(status_id), me())
    await posts.delete_post(b, me(), posts.kind_of(found), int(found["id"]))
    shown = await render.status(b, found)
    return {**shown, "text": found.get("text") or ""}


@blueprint.get("/statuses/<status_id>/context")
@scoped("read:statuses", user=False)
async def context(status_id: str):
    """Ancestors (the thread's tweet first) and descendants (the direct replies, oldest
    first); deleted posts with replies show as they do on a thread's page."""
    b = backends()
    found = await posts.find_post(b, an_id(status_id), viewer(), with_deleted=True)
    shape = await posts.thread(b, posts.kind_of(found), int(found["id"]), viewer(), CONTEXT_REPLIES)
    visible = [p for p in shape["ancestors"] if not p["deleted"]]
    replies = [p for p in shape["replies"] if not p["deleted"]]
    return {
        "ancestors": await render.statuses(b, visible),
        "descendants": await render.statuses(b, replies),
    }


@blueprint.get("/statuses/<status_id>/history")
@scoped("read:statuses", user=False)
async def history(status_id: str):
    """StatusEdit entries, oldest first: each earlier text, then the current one."""
    b = backends()
    found = await posts.find_post(b, an_id(status_id), viewer())
    row = await posts.post_history(b, posts.kind_of(found), int(found["id"]), viewer())
    base = base_url()
    author = render.account(found["author"])
    media = [entities.media_attachment(m, base) for m in found.get("media") or []]
    versions = [(r["text"], r["written_at"]) for r in reversed(row["revisions"])]
    versions.append((row["text"], row["edited_at"] or row["created_at"]))
    return [
        {
            "content": entities.html(words, base),
            "spoiler_text": "",
            "sensitive": False,
            "created_at": entities.iso(at),
            "account": author,
            "poll": None,
            "media_attachments": media,
            "emojis": [],
        }
        for words, at in versions
    ]


@blueprint.get("/statuses/<status_id>/source")
@scoped("read:statuses")
async def source(status_id: str):
    found = await posts.find_post(backends(), an_id(status_id), me())
    return {"id": found["id"], "text": found.get("text") or "", "spoiler_text": ""}


@blueprint.post("/statuses/<status_id>/<any(favourite, unfavourite):verb>")
@scoped("write:favourites")
async def favourite(status_id: str, verb: str):
    b = backends()
    found = await posts.find_post(b, an_id(status_id), me())
    action = likes.like_post if verb == "favourite" else likes.unlike_post
    await action(b, me(), posts.kind_of(found), int(found["id"]))
    return await render.status(b, await posts.find_post(b, int(found["id"]), me()))


@blueprint.post("/statuses/<status_id>/<any(bookmark, unbookmark):verb>")
@scoped("write:bookmarks")
async def bookmark(status_id: str, verb: str):
    b = backends()
    found = await posts.find_post(b, an_id(status_id), me())
    action = bookmarks.bookmark if verb == "bookmark" else bookmarks.unbookmark
    await action(b, me(), posts.kind_of(found), int(found["id"]))
    return await render.status(b, await posts.find_post(b, int(found["id"]), me()))


@blueprint.post("/statuses/<status_id>/<any(reblog, unreblog):verb>")
@scoped("write:statuses")
async def reblog(status_id: str, verb: str):
    """A reblog answers with the reblog status (its `reblog` the post); an unreblog with the
    post. A reblog's id names its post too."""
    b = backends()
    post_id = an_id(status_id)
    found = await posts.find_post(b, post_id, me()) if verb == "unreblog" else None
    if verb == "reblog":
        state = await reposts.repost(b, me(), "Post", post_id)
        original = await posts.find_post(b, int(state["post_id"]), me())
        mine = await user_views.cards(b, [me()])
        shown = {**original, "entry_id": state["repost_id"], "reposted_by": mine.get(me())}
        return await render.status(b, shown)
    await reposts.unrepost(b, me(), posts.kind_of(found), int(found["id"]))
    return await render.status(b, await posts.find_post(b, int(found["id"]), me()))


@blueprint.get("/statuses/<status_id>/<any(favourited_by, reblogged_by):which>")
@scoped("read:statuses", user=False)
async def who(status_id: str, which: str):
    b = backends()
    found = await posts.find_post(b, an_id(status_id), viewer())
    given = await params()
    page = likes.likers_page if which == "favourited_by" else reposts.reposters_page
    after = decode_cursor(text(given, "max_id"), 2) if given.get("max_id") else None
    items, next_key = await page(
        b, posts.kind_of(found), int(found["id"]), viewer(), limit_param(given), after
    )
    shown = await user_views.profiles(b, viewer(), [int(item["id"]) for item in items])
    headers = link_header(encode_cursor(*next_key) if next_key else None, None)
    return render.accounts(shown), 200, headers


def _checked(words: str, media_ids: list, quote_id: str | None) -> NewTweet:
    """The status's text, images and quote, by Flock's rules (a 422 naming the field)."""
    try:
        return NewTweet(text=words, media_ids=[str(m) for m in media_ids], quote_id=quote_id)
    except ValidationError as error:
        errors = field_errors(error)
        if "text" in errors:
            errors["status"] = errors.pop("text")
        message = "; ".join(f"{name}: {', '.join(why)}" for name, why in errors.items())
        raise Invalid(f"Validation failed: {message}", errors=errors) from None
