"""Sign-up, log-in and log-out pages: thin views over `graph.accounts`."""

from __future__ import annotations

from quart import Blueprint, g, redirect, render_template, request, url_for

from flock.core.errors import DomainError
from graph import accounts, audit, web_sessions
from graph.requests import SignupRequest
from graph.serving import backends
from web.forms import form_data, validate_form
from web.session import (
    known_device,
    log_in_session,
    log_out_session,
    login_required,
    remember_device,
    safe_next,
    session_token,
)

blueprint = Blueprint("web_auth", __name__)


@blueprint.route("/signup", methods=["GET", "POST"])
async def signup():
    if request.method == "GET":
        return await render_template("signup.html", values={}, errors={})
    values = await form_data()
    form, errors = validate_form(SignupRequest, values)
    if form is not None:
        try:
            user_id = await accounts.sign_up(backends(), form, g.client_address)
        except DomainError as error:
            errors = error.errors or {"form": [error.detail]}
        else:
            log_in_session(await web_sessions.start_session(backends(), user_id))
            return redirect(url_for("web_pages.home"))
    values.pop("password", None)  # never echo a password back into the page
    return await render_template("signup.html", values=values, errors=errors), 422


@blueprint.route("/login", methods=["GET", "POST"])
async def login():
    next_path = safe_next(request.args.get("next") or (await request.form).get("next"))
    if request.method == "GET":
        return await render_template("login.html", values={}, error=None, next=next_path)
    values = await form_data()
    try:
        user_id = await accounts.log_in(
            backends(),
            values.get("login", ""),
            values.get("password", ""),
            g.client_address,
            known_device_of=known_device(),
        )
    except DomainError as error:
        page = await render_template(
            "login.html",
            values={"login": values.get("login", "")},
            error=error.detail,
            next=next_path,
        )
        return page, error.status, error.headers
    log_in_session(await web_sessions.start_session(backends(), user_id))
    response = redirect(next_path or url_for("web_pages.home"))
    remember_device(response, user_id)
    return response


@blueprint.post("/logout")
async def logout():
    """End this session: its cookie, even copied elsewhere, logs nobody in any more."""
    token = session_token()
    if token is not None:
        await web_sessions.end_session(backends(), token)
        me = g.get("me")
        await audit.record(backends(), "logout", actor_id=me["id_int"] if me else None)
    log_out_session()
    return redirect(url_for("web_pages.home"))


@blueprint.get("/logout/everywhere")
@login_required
async def confirm_logout_everywhere():
    """Are you sure? (every browser and app signed in to the account is logged out)."""
    return await render_template("confirm_logout_everywhere.html")


@blueprint.post("/logout/everywhere")
@login_required
async def logout_everywhere():
    """End every web session and API refresh-token family of this account."""
    await web_sessions.end_all_sessions(backends(), g.me["id_int"])
    await audit.record(backends(), "logout", actor_id=g.me["id_int"], everywhere=True)
    log_out_session()
    return redirect(url_for("web_auth.login"))
