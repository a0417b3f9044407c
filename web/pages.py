"""Home, profiles and account settings: thin views over the use-case functions."""

from __future__ import annotations

from quart import Blueprint, g, redirect, render_template, request, url_for

from api.schemas import DeleteAccountRequest, ProfilePatch
from flock.backends import backends
from graph import accounts
from graph.errors import DomainError
from web.forms import form_data, validate_form
from web.session import log_out_session, login_required

blueprint = Blueprint("web_pages", __name__)


@blueprint.get("/")
async def home():
    if g.me is None:
        return await render_template("landing.html")
    return await render_template("home.html")


@blueprint.get("/u/<username>")
async def profile(username: str):
    user = await accounts.profile(backends(), username, g.me["id_int"] if g.me else None)
    return await render_template("profile.html", user=user)


@blueprint.route("/settings/profile", methods=["GET", "POST"])
@login_required
async def edit_profile():
    if request.method == "GET":
        return await render_template("settings.html", values=g.me, errors={}, saved=False)
    values = await form_data()
    patch, errors = validate_form(ProfilePatch, values)
    if patch is None:
        return await render_template(
            "settings.html", values=values, errors=errors, saved=False
        ), 422
    me = await accounts.update_profile(backends(), g.me["id_int"], patch)
    return await render_template("settings.html", values=me, errors={}, saved=True)


@blueprint.post("/settings/delete")
@login_required
async def delete_account():
    form, errors = validate_form(DeleteAccountRequest, await form_data())
    if form is not None:
        try:
            await accounts.delete_account(backends(), g.me["id_int"], form.password)
        except DomainError as error:
            errors = error.errors or {"password": [error.detail]}
        else:
            log_out_session()
            return redirect(url_for("web_pages.home"))
    page = await render_template("settings.html", values=g.me, errors=errors, saved=False)
    return page, 422
