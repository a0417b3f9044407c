"""Follow, unfollow, block and mute from any page: a form post that returns to where it came
from, or the new follow button when htmx sent it."""

from __future__ import annotations

from quart import Blueprint, redirect, render_template, request, url_for

from graph import accounts, blocks, follows
from graph.serving import backends
from web.session import is_htmx, login_required, safe_next, viewer_id

blueprint = Blueprint("web_social", __name__)


@blueprint.post("/u/<username>/follow")
@login_required
async def follow(username: str):
    user = await follows.follow(backends(), viewer_id(), username)
    return await _answer(user)


@blueprint.post("/u/<username>/unfollow")
@login_required
async def unfollow(username: str):
    user = await follows.unfollow(backends(), viewer_id(), username)
    return await _answer(user)


async def _answer(user: dict):
    if is_htmx():
        return await render_template("_follow_button.html", user=user)
    back = safe_next((await request.form).get("next"))
    return redirect(back or url_for("web_pages.profile", username=user["username"]))


@blueprint.get("/u/<username>/block")
@login_required
async def confirm_block(username: str):
    """Are you sure? (what a block does, and the button that does it)."""
    user = await accounts.profile(backends(), username, viewer_id())
    return await render_template("confirm_block.html", user=user)


@blueprint.post("/u/<username>/<any(block, unblock, mute, unmute):action>")
@login_required
async def block_or_mute(username: str, action: str):
    """Block, unblock, mute or unmute; then back (a blocked profile is hidden: to settings)."""
    use_case = {
        "block": blocks.block,
        "unblock": blocks.unblock,
        "mute": blocks.mute,
        "unmute": blocks.unmute,
    }[action]
    await use_case(backends(), viewer_id(), username)
    back = safe_next((await request.form).get("next"))
    if action == "block" or back is None:
        back = url_for("web_pages.edit_profile") + "#blocked"
    return redirect(back)
