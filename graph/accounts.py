"""Accounts: sign up, log in, profiles, delete. The same functions serve the API and the web."""

from __future__ import annotations

import time
from typing import Any

from neo4j.exceptions import ConstraintError
from prometheus_client import Counter

from flock.core.backends import Backends
from flock.core.errors import Conflict, TooManyRequests, Unauthorized
from flock.core.ids import new_id
from graph import audit, personal_data, ratelimits, revocation, user_views, web_sessions
from graph.passwords import hash_password_async, needs_rehash, verify_password_async
from graph.requests import EmailChange, PasswordChange, ProfilePatch, SignupRequest
from jobs import events
from jobs.stores.home_page import SEEN_EVERY

LOGIN_FAILED = "Wrong username, email or password."
LOGIN_FAILURES = Counter(
    "flock_login_failures_total", "Log-ins refused: a wrong password or too many tries", ["reason"]
)


async def sign_up(b: Backends, form: SignupRequest, client_address: str) -> int:
    """Create the account; a taken username or email (any case) is a 409 naming the field.
    Each client address may create FLOCK_SIGNUPS_PER_HOUR_PER_ADDRESS accounts an hour."""
    limit = b.settings.signups_per_hour_per_address
    await ratelimits.throttle(
        b.redis, "signup", f"address:{client_address}", limit, 3600,
        "new accounts from this address",
    )  # fmt: skip
    try:
        rows = await b.graph.write(
            "queries/user_create",
            id=new_id(),
            username=form.username,
            **personal_data.email_fields(b.settings, str(form.email)),
            password_hash=await hash_password_async(form.password),
            display_name=form.display_name or form.username,
            now=time.time(),
        )
    except ConstraintError as error:
        field = "email" if "email_key" in str(error) else "username"
        raise Conflict(
            f"That {field} is already taken.",
            errors={field: [f"That {field} is already taken."]},
        ) from None
    await events.signed_up(b, rows[0]["id"])
    await audit.record(b, "signup", actor_id=rows[0]["id"], actor=form.username)
    return rows[0]["id"]


async def log_in(
    b: Backends, login: str, password: str, client_address: str, known_device_of: int | None = None
) -> int:
    """The user id for these credentials, throttled per account and per client address.

    Each try takes a slot of both counters first, in one atomic step, so N concurrent guesses
    over a limit of L try exactly L passwords; a success gives its slots back. The account's
    counter is one whatever name it is reached by (username or email, any case). Unknown user
    and wrong password get the same message, so accounts cannot be enumerated.

    `known_device_of`: the account a browser proved it logged in to before (a signed device
    cookie). For that account the address counter does not apply, so guessing from a shared
    address (an office, a carrier's NAT) never locks the owner out; the account's own counter
    still does.
    """
    s = b.settings
    row = await b.graph.read_one(
        "queries/user_credentials_by_login",
        login=login,
        email_key=personal_data.email_index(b.settings, login),
    )
    account = str(row["id"]) if row else login.lower()
    account_key, address_key = f"account:{account}", f"address:{client_address}"
    limits = {account_key: s.login_max_attempts, address_key: s.login_max_attempts_per_address}
    if row is not None and known_device_of == row["id"]:
        del limits[address_key]
    actor = {"actor_id": row["id"] if row else None, "actor": None if row else login[:100]}
    wait = await ratelimits.take(b.redis, "login", limits, s.login_window_seconds)
    if wait:
        LOGIN_FAILURES.labels("throttled").inc()
        await audit.record(b, "login", "throttled", **actor)
        raise TooManyRequests(
            f"Too many failed log-ins. Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    if not await verify_password_async(row["password_hash"] if row else None, password):
        LOGIN_FAILURES.labels("failed").inc()
        await audit.record(b, "login", "failed", **actor)
        raise Unauthorized(LOGIN_FAILED)
    await ratelimits.reset(b.redis, "login", [account_key])
    if address_key in limits:
        await ratelimits.give_back(b.redis, "login", [address_key])
    if needs_rehash(row["password_hash"]):
        await b.graph.write(
            "queries/user_set_password_hash",
            id=row["id"],
            password_hash=await hash_password_async(password),
        )
    await audit.record(b, "login", **actor)
    await mark_seen(b, row["id"])
    return row["id"]


async def mark_seen(b: Backends, user_id: int) -> float | None:
    """Record activity (at most every few minutes): fan-out serves only active users.
    Returns when the user was seen before (None when that was within the last few minutes)."""
    row = await b.graph.write_one(
        "queries/user_touch_last_seen",
        id=user_id,
        now=time.time(),
        granularity=SEEN_EVERY,
    )
    return row["previous"] if row else None


async def my_profile(b: Backends, user_id: int) -> dict[str, Any]:
    """The signed-in user's own profile, email and roles included."""
    found = await user_views.own_profile(b, user_id)
    if found is None:
        raise Unauthorized("This account no longer exists.")
    return found


async def profile(b: Backends, username: str, viewer_id: int | None) -> dict[str, Any]:
    """A user's public profile: never the email or the password hash."""
    return await user_views.profile_by_username(b, username, viewer_id)


async def update_profile(b: Backends, user_id: int, patch: ProfilePatch) -> dict[str, Any]:
    """Change the fields given; the others stay as they are."""
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    if changes:
        rows = await b.graph.write("queries/user_update_profile", id=user_id, changes=changes)
        if not rows:
            raise Unauthorized("This account no longer exists.")
        await events.profile_changed(b, user_id)
    return await my_profile(b, user_id)


async def change_email(b: Backends, user_id: int, form: EmailChange) -> dict[str, Any]:
    """A new e-mail address, given the current password; a taken one is a 409."""
    await check_password(b, user_id, form.current_password, "email_change", "current_password")
    fields = personal_data.email_fields(b.settings, str(form.email))
    try:
        row = await b.graph.write_one("queries/user_set_email", id=user_id, **fields)
    except ConstraintError:
        message = "That email is already taken."
        raise Conflict(message, errors={"email": [message]}) from None
    if row is None:
        raise Unauthorized("This account no longer exists.")
    await audit.record(b, "email_change", actor_id=user_id)
    return await my_profile(b, user_id)


async def change_password(b: Backends, user_id: int, form: PasswordChange) -> None:
    """A new password, given the current one; every session, refresh-token family and access
    token of the account ends (whoever knew the old password is logged out everywhere)."""
    await check_password(b, user_id, form.current_password, "password_change", "current_password")
    new_hash = await hash_password_async(form.new_password)
    await b.graph.write("queries/user_set_password_hash", id=user_id, password_hash=new_hash)
    await web_sessions.end_all_sessions(b, user_id)
    await audit.record(b, "password_change", actor_id=user_id)


async def check_password(b: Backends, user_id: int, password: str, event: str, field: str):
    """The account's password, asked again before a change that needs it (a new password,
    deleting the account). Each try counts against the account's log-in limit, the same
    counter as log-ins (so a stolen access token cannot guess on): 429 when it is spent, 401
    naming `field` when the password is wrong; both audited as `event`."""
    row = await b.graph.read_one("queries/user_credentials_by_id", id=user_id)
    if row is None:
        raise Unauthorized("This account no longer exists.")
    s, subject = b.settings, f"account:{user_id}"
    wait = await ratelimits.take(b.redis, "login", {subject: s.login_max_attempts},
                                 s.login_window_seconds)  # fmt: skip
    if wait:
        LOGIN_FAILURES.labels("throttled").inc()
        await audit.record(b, event, "throttled", actor_id=user_id)
        raise TooManyRequests(
            f"Too many wrong passwords. Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    if not await verify_password_async(row["password_hash"], password):
        LOGIN_FAILURES.labels("failed").inc()
        await audit.record(b, event, "failed", actor_id=user_id)
        message = "The current password is wrong." if field == "current_password" else (
            "The password is wrong.")  # fmt: skip
        raise Unauthorized(message, errors={field: [message]})
    await ratelimits.reset(b.redis, "login", [subject])


async def delete_account(b: Backends, user_id: int, password: str) -> list[int]:
    """Remove the account and everything it wrote, liked and followed; returns its post ids."""
    await check_password(b, user_id, password, "account_delete", "password")
    await audit.record(b, "account_delete", actor_id=user_id)  # while the name is there
    now = time.time()
    row = await b.graph.write_one("queries/user_delete", id=user_id, now=now)
    await revocation.end_everything(b, user_id, now)
    if row is None:
        return []
    await events.account_deleted(
        b,
        user_id,
        post_ids=row["post_ids"],
        touched_post_ids=row["touched_post_ids"],
        reposts=row["reposts"],
        followed_ids=row["followed_ids"],
        follower_ids=row["follower_ids"],
        media_ids=row["media_ids"],
    )
    return row["post_ids"]
