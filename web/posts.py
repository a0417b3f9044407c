"""Tweets and replies on the web: compose, the tweet page, reply, quote, edit, delete, history,
like, repost, bookmark, who liked and who reposted.

Every action is a plain form post that redirects back (works without JavaScript); when htmx
sends it, the answer is the fragment to swap in instead.
"""

from __future__ import annotations

from quart import Blueprint, make_response, redirect, render_template, request, url_for

from flock.core.errors import DomainError, Forbidden, Invalid, NotFound
from flock.core.ids import id_argument
from graph import bookmarks, likes, media, posts, reposts
from graph.cursors import decode_cursor, encode_cursor
from graph.posts import KINDS
from graph.requests import PostText
from graph.serving import backends
from web.forms import form_data, validate_form
from web.session import is_htmx, login_required, safe_next, viewer_id

blueprint = Blueprint("web_posts", __name__)

REPLIES_PAGE = 20
PEOPLE_PAGE = 30


def kind_of(collection: str) -> str:
    if collection not in KINDS:
        raise NotFound("This page does not exist.")
    return KINDS[collection]


@blueprint.get("/compose")
@login_required
async def compose_page():
    """A page with just the box (the rail's Post button, the phone's floating one)."""
    return await render_template("compose.html")


@blueprint.post("/compose")
@login_required
async def compose():
    """Post a tweet from the home page."""
    values = await form_data()
    form, errors = validate_form(PostText, values)
    if form is None:
        return await _compose_error(values.get("text", ""), errors["text"][0])
    try:
        media_ids = await _upload_images()
        post = await posts.post_tweet(backends(), viewer_id(), form.text, media_ids)
    except DomainError as error:  # too many posts, say: the text stays in the box
        return await _compose_error(form.text, error.detail)
    if is_htmx():
        return await render_template("_post_item.html", post=post, fresh=True)
    return redirect(url_for("web_pages.home"))


@blueprint.get("/<any(tweets, replies):collection>/<int:post_id>")
async def show(collection: str, post_id: int):
    """The thread: ancestors, the post, its replies (paged with `after`), a reply box."""
    kind = kind_of(collection)
    b = backends()
    after = request.args.get("after", type=id_argument) or 0
    post = await posts.get_post(b, kind, post_id, viewer_id(), with_deleted=True)
    replies, next_after = await posts.replies_page(
        b, kind, post_id, viewer_id(), REPLIES_PAGE, after
    )
    if is_htmx() and after:
        return await render_template(
            "_replies_page.html", post=post, replies=replies, next_after=next_after
        )
    return await render_template(
        "post.html",
        post=post,
        ancestors=await posts.ancestors(b, post_id, viewer_id()),
        replies=replies,
        next_after=next_after,
        values={},
        error=None,
    )


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/replies")
@login_required
async def reply(collection: str, post_id: int):
    kind = kind_of(collection)
    values = await form_data()
    form, errors = validate_form(PostText, values)
    here = url_for("web_posts.show", collection=collection, post_id=post_id)
    if form is None:
        return await _compose_error(values.get("text", ""), errors["text"][0])
    try:
        media_ids = await _upload_images()
        answer = await posts.reply(backends(), viewer_id(), kind, post_id, form.text, media_ids)
    except DomainError as error:
        return await _compose_error(form.text, error.detail)
    if is_htmx():
        return await render_template("_post_item.html", post=answer, fresh=True)
    return redirect(here)


@blueprint.route("/<any(tweets, replies):collection>/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
async def edit(collection: str, post_id: int):
    kind = kind_of(collection)
    b = backends()
    post = await posts.get_post(b, kind, post_id, viewer_id())
    if post["author"]["id"] != str(viewer_id()):
        raise Forbidden(f"Only the author can edit this {kind.lower()}.")
    here = url_for("web_posts.show", collection=collection, post_id=post_id)
    if request.method == "GET":
        return await render_template("post_edit.html", post=post, values=post, errors={})
    values = await form_data()
    form, errors = validate_form(PostText, values)
    if form is not None:
        try:
            await posts.edit_post(b, viewer_id(), kind, post_id, form.text)
        except DomainError as error:
            errors = {"text": [error.detail]}
        else:
            return redirect(here)
    page = await render_template("post_edit.html", post=post, values=values, errors=errors)
    return page, 422


@blueprint.route("/<any(tweets, replies):collection>/<int:post_id>/delete", methods=["GET", "POST"])
@login_required
async def delete(collection: str, post_id: int):
    """GET asks for confirmation; POST deletes and goes home."""
    kind = kind_of(collection)
    b = backends()
    if request.method == "GET":
        post = await posts.get_post(b, kind, post_id, viewer_id())
        return await render_template("post_delete.html", post=post)
    await posts.delete_post(b, viewer_id(), kind, post_id)
    return redirect(url_for("web_pages.home"))


@blueprint.get("/<any(tweets, replies):collection>/<int:post_id>/<any(likes, reposts):which>")
async def people(collection: str, post_id: int, which: str):
    """Who liked, or reposted, a post: most recent first, paged."""
    kind = kind_of(collection)
    b = backends()
    try:
        after = decode_cursor(request.args.get("cursor"), 2)
    except DomainError:
        raise NotFound("This page does not exist.") from None
    post = await posts.get_post(b, kind, post_id, viewer_id())
    list_page = likes.likers_page if which == "likes" else reposts.reposters_page
    items, next_key = await list_page(b, kind, post_id, viewer_id(), PEOPLE_PAGE, after)
    more = None
    if next_key:
        more = url_for(
            "web_posts.people", collection=collection, post_id=post_id, which=which,
            cursor=encode_cursor(*next_key),
        )  # fmt: skip
    if is_htmx() and after:
        return await render_template("_people_page.html", items=items, more=more)
    return await render_template("post_people.html", post=post, which=which, items=items, more=more)


@blueprint.get("/<any(tweets, replies):collection>/<int:post_id>/history")
async def history(collection: str, post_id: int):
    kind = kind_of(collection)
    post = await posts.get_post(backends(), kind, post_id, viewer_id())
    found = await posts.post_history(backends(), kind, post_id, viewer_id())
    return await render_template("post_history.html", post=post, history=found)


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/like")
@login_required
async def like(collection: str, post_id: int):
    state = await likes.like_post(backends(), viewer_id(), kind_of(collection), post_id)
    return await _like_answer(collection, post_id, state)


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/unlike")
@login_required
async def unlike(collection: str, post_id: int):
    state = await likes.unlike_post(backends(), viewer_id(), kind_of(collection), post_id)
    return await _like_answer(collection, post_id, state)


@blueprint.route("/<any(tweets, replies):collection>/<int:post_id>/quote", methods=["GET", "POST"])
@login_required
async def quote(collection: str, post_id: int):
    """GET: a box to comment on the post, shown below it; POST: the quote, then home."""
    kind = kind_of(collection)
    b = backends()
    post = await posts.get_post(b, kind, post_id, viewer_id())
    if request.method == "GET":
        return await render_template("post_quote.html", post=post, text="", message=None)
    values = await form_data()
    form, errors = validate_form(PostText, values)
    message = errors["text"][0] if form is None else None
    if form is not None:
        try:
            await posts.post_tweet(b, viewer_id(), form.text, quote_id=post_id)
        except DomainError as error:
            message = error.detail
        else:
            return redirect(url_for("web_pages.home"))
    page = await render_template(
        "post_quote.html", post=post, text=values.get("text", ""), message=message
    )
    return page, 422


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/repost")
@login_required
async def repost(collection: str, post_id: int):
    await reposts.repost(backends(), viewer_id(), kind_of(collection), post_id)
    return await _button_answer("_repost_button.html", collection, post_id)


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/unrepost")
@login_required
async def unrepost(collection: str, post_id: int):
    await reposts.unrepost(backends(), viewer_id(), kind_of(collection), post_id)
    return await _button_answer("_repost_button.html", collection, post_id)


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/bookmark")
@login_required
async def bookmark(collection: str, post_id: int):
    await bookmarks.bookmark(backends(), viewer_id(), kind_of(collection), post_id)
    return await _button_answer("_bookmark_button.html", collection, post_id)


@blueprint.post("/<any(tweets, replies):collection>/<int:post_id>/unbookmark")
@login_required
async def unbookmark(collection: str, post_id: int):
    await bookmarks.unbookmark(backends(), viewer_id(), kind_of(collection), post_id)
    return await _button_answer("_bookmark_button.html", collection, post_id)


async def _button_answer(template: str, collection: str, post_id: int):
    """The post's new button for htmx, else back to where the form was."""
    if is_htmx():
        post = await posts.get_post(backends(), kind_of(collection), post_id, viewer_id())
        return await render_template(template, post=post)
    here = url_for("web_posts.show", collection=collection, post_id=post_id)
    return redirect(safe_next((await request.form).get("next")) or here)


async def _upload_images() -> list[int]:
    """Store the images chosen in the compose box, each with the alt text written for it (the
    Nth `alt` field describes the Nth image); their ids, in the order chosen."""
    chosen = [f for f in (await request.files).getlist("media") if f.filename]
    if len(chosen) > media.MAX_PER_POST:
        raise Invalid(f"Attach at most {media.MAX_PER_POST} images.")
    alts = [text.strip() for text in (await request.form).getlist("alt")]
    if any(len(text) > media.MAX_DESCRIPTION for text in alts):
        raise Invalid(f"Describe each image in at most {media.MAX_DESCRIPTION} characters.")
    ids = []
    for n, file in enumerate(chosen):
        item = await media.upload_media(backends(), viewer_id(), file.read())
        if n < len(alts) and alts[n]:
            await media.describe_media(backends(), viewer_id(), int(item["id"]), alts[n])
        ids.append(int(item["id"]))
    return ids


async def _like_answer(collection: str, post_id: int, state: dict):
    if is_htmx():
        kind = "reply" if collection == "replies" else "tweet"
        post = {"id": str(post_id), "kind": kind, **state, "liked_by_me": state["liked"]}
        return await render_template("_like_button.html", post=post)
    here = url_for("web_posts.show", collection=collection, post_id=post_id)
    return redirect(safe_next((await request.form).get("next")) or here)


async def _compose_error(text: str, message: str):
    """A refused post: the box again with the text kept and the message (never lost)."""
    if is_htmx():
        response = await make_response(
            await render_template("_compose_error.html", text=text, message=message)
        )
        response.headers["HX-Retarget"] = "#compose-error"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    page = await render_template(
        "compose_error.html", text=text, message=message, action=request.path
    )
    return page, 422
