"""Home, profiles, follower lists and account settings: thin views over the use-case functions."""

from __future__ import annotations

from quart import Blueprint, g, redirect, render_template, request, url_for

from flock.core.errors import DomainError, NotFound
from flock.core.ids import id_argument
from graph import (
    accounts,
    avatars,
    banners,
    blocks,
    follows,
    likes,
    oauth,
    posts,
    timelines,
    web_sessions,
)
from graph.cursors import decode_cursor, encode_cursor
from graph.requests import DeleteAccountRequest, PasswordChange, ProfilePatch
from graph.serving import backends
from web.forms import form_data, validate_form
from web.session import (
    is_htmx,
    log_in_session,
    log_out_session,
    login_required,
    viewer_id,
)

blueprint = Blueprint("web_pages", __name__)

PAGE = 20
NEW_POSTS_CAP = 50
SETTINGS_LIST = 100  # blocked and muted accounts listed in settings
THEMES = ("light", "dark")
THEME_COOKIE = "theme"
THEME_MAX_AGE = 400 * 24 * 3600  # browsers keep a cookie at most 400 days


@blueprint.get("/")
async def home():
    """Visitors see the landing page; members their timeline (web/explore.py the rest)."""
    if g.me is None:
        return await render_template("landing.html")
    b = backends()
    max_id = request.args.get("max_id", type=id_argument)
    items, next_max = await timelines.home_timeline(b, viewer_id(), max_id, None, PAGE)
    more = url_for("web_pages.home", max_id=next_max) if next_max else None
    if is_htmx() and max_id:
        return await render_template("_post_page.html", items=items, more=more)
    return await render_template(
        "home.html",
        items=items,
        more=more,
        newest=(items[0]["entry_id"] if items else 0),
    )


PROFILE_TABS = ("tweets", "replies", "media", "likes")


@blueprint.get("/timeline/new")
@login_required
async def new_posts():
    """How many entries reached the home timeline since the page's newest (`since_id`): the
    "Show N new posts" bar that live updates refresh."""
    since_id = request.args.get("since_id", type=id_argument) or 0
    count = await timelines.new_entry_count(backends(), viewer_id(), since_id, NEW_POSTS_CAP)
    return await render_template("_new_posts.html", count=count)


@blueprint.get("/u/<username>")
async def profile(username: str):
    """The header, then a tab of posts, newest first: their tweets, `?tab=replies`, `media`
    (posts with images), or `likes` (what they liked: shown to themselves only, as on X)."""
    b = backends()
    user = await accounts.profile(b, username, viewer_id())
    tab = request.args.get("tab", "tweets")
    own = viewer_id() is not None and str(viewer_id()) == user["id"]
    if tab not in PROFILE_TABS or (tab == "likes" and not own):
        tab = "tweets"
    max_id = request.args.get("max_id", type=id_argument)
    if tab == "media":
        items, next_max = await posts.user_media_posts(b, username, viewer_id(), max_id, PAGE)
    elif tab == "likes":
        items, next_max = await likes.liked_page(b, viewer_id(), max_id, PAGE)
    else:
        kind = posts.REPLY if tab == "replies" else posts.TWEET
        items, next_max = await posts.user_posts(b, username, kind, viewer_id(), max_id, PAGE)
    more = (
        url_for("web_pages.profile", username=username, tab=tab, max_id=next_max)
        if next_max
        else None
    )
    if is_htmx() and max_id:
        return await render_template("_post_page.html", items=items, more=more)
    return await render_template(
        "profile.html", user=user, tab=tab, own=own, items=items, more=more
    )


@blueprint.get("/u/<username>/<any(followers, following):which>")
async def people(username: str, which: str):
    b = backends()
    user = await accounts.profile(b, username, viewer_id())
    list_page = follows.followers_page if which == "followers" else follows.following_page
    try:
        after = decode_cursor(request.args.get("cursor"), 2)
    except DomainError:
        raise NotFound("This page does not exist.") from None
    items, next_key = await list_page(b, username, viewer_id(), PAGE, after)
    more = (
        url_for(
            "web_pages.people", username=username, which=which, cursor=encode_cursor(*next_key)
        )  # fmt: skip
        if next_key
        else None
    )
    return await render_template("people.html", user=user, which=which, items=items, more=more)


@blueprint.route("/settings/profile", methods=["GET", "POST"])
@login_required
async def edit_profile():
    if request.method == "GET":
        return await _settings_page(values=g.me, errors={}, saved=False)
    values = await form_data()
    patch, errors = validate_form(ProfilePatch, values)
    if patch is None:
        page = await _settings_page(values=values, errors=errors, saved=False)
        return page, 422
    me = await accounts.update_profile(backends(), viewer_id(), patch)
    return await _settings_page(values=me, errors={}, saved=True)


@blueprint.post("/settings/password")
@login_required
async def change_password():
    """A new password: every other session ends; this browser gets a fresh one."""
    form, errors = validate_form(PasswordChange, await form_data())
    if form is not None:
        b = backends()
        try:
            await accounts.change_password(b, viewer_id(), form)
        except DomainError as error:
            errors = error.errors or {"current_password": [error.detail]}
        else:
            log_in_session(await web_sessions.start_session(b, viewer_id()))
            page = await _settings_page(values=g.me, errors={}, saved=False, password_changed=True)
            return page
    page = await _settings_page(values=g.me, errors=errors, saved=False)
    return page, 422


@blueprint.post("/settings/delete")
@login_required
async def delete_account():
    form, errors = validate_form(DeleteAccountRequest, await form_data())
    if form is not None:
        try:
            await accounts.delete_account(backends(), viewer_id(), form.password)
        except DomainError as error:
            errors = error.errors or {"password": [error.detail]}
        else:
            log_out_session()
            return redirect(url_for("web_pages.home"))
    page = await _settings_page(values=g.me, errors=errors, saved=False)
    return page, 422


@blueprint.post("/settings/avatar")
@login_required
async def change_avatar():
    """A new profile picture (cropped to a square on the server); a bad file says why."""
    return await _picture_upload("avatar", avatars.set_avatar)


@blueprint.post("/settings/banner")
@login_required
async def change_banner():
    """A new banner (cropped to 3:1 on the server); a bad file says why."""
    return await _picture_upload("banner", banners.set_banner)


async def _picture_upload(name: str, keep):
    """The settings page after `keep` made the uploaded file (form field `name`) the user's
    avatar or banner: showing it, or saying why the file was refused."""
    upload = (await request.files).get(name)
    data = upload.read() if upload is not None else b""
    try:
        made = await keep(backends(), viewer_id(), data)
    except DomainError as error:
        message = next(iter(error.errors.values()), [error.detail])[0]
        page = await _settings_page(values=g.me, errors={name: [message]}, saved=False)
        return page, 422
    g.me = {**g.me, f"{name}_id": made["id"]}  # the page shows the new picture
    return await _settings_page(values=g.me, errors={}, saved=False, **{f"{name}_saved": True})


@blueprint.post("/settings/theme")
@login_required
async def change_theme():
    """Light or dark on this browser (a cookie), or as the device is set (none)."""
    chosen = (await form_data()).get("theme", "")
    response = redirect(url_for("web_pages.edit_profile") + "#appearance")
    if chosen in THEMES:
        response.set_cookie(THEME_COOKIE, chosen, max_age=THEME_MAX_AGE, samesite="Lax")
    else:
        response.delete_cookie(THEME_COOKIE)
    return response


@blueprint.post("/settings/apps/<family>/revoke")
@login_required
async def revoke_app(family: str):
    """An app the user authorized loses its access at once (its tokens and streams end)."""
    await oauth.revoke_authorization(backends(), viewer_id(), family[:64])
    return redirect(url_for("web_pages.edit_profile") + "#apps")


async def _settings_page(**context):
    """The settings page, with the accounts the user blocks and mutes (to undo either) and the
    apps they authorized (to revoke)."""
    b = backends()
    blocked, _ = await blocks.blocked_page(b, viewer_id(), SETTINGS_LIST, None)
    muted, _ = await blocks.muted_page(b, viewer_id(), SETTINGS_LIST, None)
    apps = await oauth.authorized_apps(b, viewer_id())
    return await render_template(
        "settings.html", blocked=blocked, muted=muted, apps=apps, **context
    )
