"""OAuth 2 apps and the authorizations users give them: what the Mastodon client API's apps
(and any third-party client) log in with.

An app registers itself (POST /api/v1/apps) and gets a client id and secret (Flock keeps a
digest of the secret). A user approves it on the consent page, which gives the app a short-lived,
single-use authorization code (kept as a digest, bound to the app, the redirect URI, the scope
and the PKCE challenge); the app spends it at the token endpoint for an access token.

An authorization is a log-in of its own, a token family like a log-in with a password
(graph/refresh_tokens.py): the app's access tokens name it, its refresh tokens belong to it, and
every rule about log-ins holds for apps too. Revoking it (the app at /oauth/revoke, the user in
settings), "log out everywhere", a password change or the account's deletion end it, and
graph/revocation.py refuses its tokens from then on. The protocol itself is Authlib's
(graph/oauth_server.py); this module is what it stores.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from typing import Any

from flock.core.backends import Backends
from flock.core.errors import Invalid, NotFound
from graph import audit, refresh_tokens, revocation

OOB = "urn:ietf:wg:oauth:2.0:oob"  # "show me the code": the consent page displays it

# Mastodon's scopes: the top-level ones, and what each grants. `follow` is Mastodon's older
# name for managing relationships.
SUB_SCOPES = {
    "read": (
        "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists",
        "mutes", "notifications", "search", "statuses",
    ),
    "write": (
        "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
        "lists", "media", "mutes", "notifications", "reports", "statuses",
    ),
}  # fmt: skip
FOLLOW_GRANTS = frozenset(
    {"read:follows", "read:blocks", "read:mutes", "write:follows", "write:blocks", "write:mutes"}
)
SCOPES = (
    "read", "write", "follow", "push", "profile",
    *(f"{top}:{sub}" for top, subs in SUB_SCOPES.items() for sub in subs),
)  # fmt: skip
MAX_NAME = 200
MAX_REDIRECT_URIS = 10


def allows(granted: str, required: str) -> bool:
    """Whether a token's scope (space-separated) grants `required` ("read:statuses" is granted
    by "read" and by "read:statuses"; "follow" grants the relationship ones)."""
    scopes = set(granted.split())
    top = required.partition(":")[0]
    return required in scopes or top in scopes or ("follow" in scopes and required in FOLLOW_GRANTS)


def parse_scopes(text: str | None, default: str = "read") -> list[str]:
    """The scopes asked for (space- or plus-separated, as apps send them), each a known one."""
    asked = (text or default).replace("+", " ").split()
    unknown = [s for s in asked if s not in SCOPES]
    if unknown or not asked:
        message = f"Unknown scope: {' '.join(unknown) or '(none)'}."
        raise Invalid(message, errors={"scopes": [message]})
    return list(dict.fromkeys(asked))


async def register_app(
    b: Backends, name: str, redirect_uris: str | list[str], scopes: str | None, website: str
) -> dict[str, Any]:
    """A new client application: its id and secret (shown once), as Mastodon's Application."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        message = f"Give the app a name of 1 to {MAX_NAME} characters."
        raise Invalid(message, errors={"client_name": [message]})
    uris = redirect_uris if isinstance(redirect_uris, list) else (redirect_uris or "").split()
    if not uris or len(uris) > MAX_REDIRECT_URIS or not all(_redirect_uri_ok(u) for u in uris):
        message = f"Give redirect URIs (absolute, no fragment), or {OOB} to be shown the code."
        raise Invalid(message, errors={"redirect_uris": [message]})
    granted = parse_scopes(scopes)
    client_id, secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    await b.graph.write(
        "queries/oauth_app_create",
        client_id=client_id,
        secret_digest=digest(secret),
        app_name=name,
        website=(website or "").strip()[:500],
        redirect_uris=uris,
        scopes=granted,
        now=time.time(),
    )
    return {
        "client_id": client_id,
        "client_secret": secret,
        "name": name,
        "website": website or None,
        "redirect_uris": uris,
        "scopes": granted,
    }


async def find_app(b: Backends, client_id: str | None) -> dict[str, Any] | None:
    """The app with this client id, or None."""
    if not client_id or len(client_id) > 100:
        return None
    return await b.graph.read_one("queries/oauth_app_by_client_id", client_id=client_id)


def secret_matches(app: dict[str, Any], secret: str | None) -> bool:
    return bool(secret) and hmac.compare_digest(app["secret_digest"], digest(secret))


async def grant_code(
    b: Backends,
    user_id: int,
    client_id: str,
    redirect_uri: str,
    scope: str,
    challenge: str | None,
    challenge_method: str | None,
    code: str,
) -> None:
    """The user approved the app: keep the authorization code it is given (Authlib makes it)."""
    now = time.time()
    row = await b.graph.write_one(
        "queries/oauth_code_create",
        digest=digest(code),
        client_id=client_id,
        user_id=user_id,
        redirect_uri=redirect_uri,
        scope=scope,
        challenge=challenge,
        challenge_method=challenge_method,
        expires_at=now + b.settings.oauth_code_ttl,
        now=now,
    )
    if row is None:
        raise NotFound("That app or account no longer exists.")


async def spend_code(b: Backends, client_id: str, code: str) -> dict[str, Any] | None:
    """What an authorization code of this app grants, spent now; None when it is unknown,
    expired or spent before (a code presented twice leaked: the log-in it gave ends)."""
    row = await b.graph.write_one(
        "queries/oauth_code_spend", digest=digest(code), client_id=client_id, now=time.time()
    )
    if row is None or row["expired"]:
        return None
    if row["reused"]:
        if row["family"]:
            await revoke_authorization(b, row["user_id"], row["family"], reason="code_reuse")
        return None
    return row


async def authorize(b: Backends, user_id: int, client_id: str, scope: str, code: str) -> str:
    """The app gets its authorization (a new log-in of the user's); returns its family."""
    family = uuid.uuid4().hex
    row = await b.graph.write_one(
        "queries/oauth_authorization_create",
        user_id=user_id,
        client_id=client_id,
        family=family,
        scope=scope,
        now=time.time(),
    )
    if row is None:
        raise NotFound("That app or account no longer exists.")
    await b.graph.write("queries/oauth_code_family", digest=digest(code), family=family)
    await audit.record(b, "oauth_authorize", actor_id=user_id, client_id=client_id, scope=scope)
    return family


async def authorization(b: Backends, family: str) -> dict[str, Any] | None:
    """An app's authorization by its family, or None (not an app's, or unknown)."""
    return await b.graph.read_one("queries/oauth_authorization_by_family", family=family)


async def refresh_token_of(b: Backends, user_id: int, family: str) -> str:
    """A refresh token of the authorization (rotated at each use, like a log-in's)."""
    return await refresh_tokens.issue_refresh_token(b, user_id, family)


async def authorized_apps(b: Backends, user_id: int) -> list[dict[str, Any]]:
    """The apps the user authorized and has not revoked, newest first."""
    return await b.graph.read("queries/oauth_authorizations_of_user", user_id=user_id)


async def revoke_authorization(
    b: Backends, user_id: int, family: str, reason: str = "revoked"
) -> bool:
    """The app's authorization ends: its tokens stop counting at once, its streams close."""
    row = await b.graph.write_one(
        "queries/oauth_authorization_revoke", user_id=user_id, family=family
    )
    if row is None:
        return False
    await revocation.end_login(b, user_id, family)
    await audit.record(b, "oauth_revoke", actor_id=user_id, app=row["name"], reason=reason)
    return True


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _redirect_uri_ok(uri: str) -> bool:
    if uri == OOB:
        return True
    scheme, sep, rest = uri.partition(":")
    return bool(sep and scheme.isascii() and scheme[:1].isalpha() and rest) and "#" not in uri
