"""The OAuth 2 authorization server: Authlib's grant handling (RFC 6749, PKCE per RFC 7636,
revocation per RFC 7009) over what graph/oauth.py stores. No web framework here: a face builds
an `OAuth2Request` from its request and sends back the (status, body, headers) it gets.

Authlib is synchronous and Flock's storage is not, so Authlib runs in a thread of its own and its
callbacks (find the app, spend the code, make the tokens) hop back to the event loop for their
graph calls (`_Bridge.run`). Grants: `authorization_code` (PKCE optional, as Mastodon's; S256 or
plain), `refresh_token` (rotating, with reuse detection, graph/refresh_tokens.py) and
`client_credentials` (an app token, naming no user). The `password` grant is refused
(`unsupported_grant_type`): an app never sees a password.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidGrantError,
    OAuth2Error,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge

from flock.core.backends import Backends
from flock.core.errors import DomainError
from graph import access_tokens, oauth, refresh_tokens

__all__ = ["OAuth2Error", "Request", "consent", "approve", "token", "revoke", "metadata"]

SECRET_METHODS = ["client_secret_basic", "client_secret_post"]
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")


class Request(OAuth2Request):
    """A request as Authlib reads it, from the fields a face parsed. Whether the transport is
    secure is the deployment's to decide (FLOCK_TLS_CERT, or TLS at a proxy in front), so
    Authlib's own check of the URL's scheme is not made."""

    def __init__(self, method: str, uri: str, fields: dict[str, str], headers: dict[str, str]):
        self.method, self.uri, self.headers = method, uri, headers
        self._fields = fields
        self.payload = BasicOAuth2Payload(fields)
        self.client = self.auth_method = self.user = None
        self.authorization_code = self.refresh_token = self.credential = None
        self._scope = None

    @property
    def args(self):
        return self._fields

    @property
    def form(self):
        return self._fields


@dataclass(frozen=True)
class User:
    id: int


class Client(ClientMixin):
    """A registered app, as Authlib asks about it."""

    def __init__(self, app: dict[str, Any]):
        self.app = app
        self.client_id = app["client_id"]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        uris = self.app["redirect_uris"]
        return uris[0] if len(uris) == 1 else None

    def get_allowed_scope(self, scope):
        """Mastodon's rule: no scope asked is `read`; asking beyond the app's scopes is refused."""
        asked = (scope or "read").split()
        granted = " ".join(self.app["scopes"])
        if not all(s in oauth.SCOPES and oauth.allows(granted, s) for s in asked):
            return None
        return " ".join(asked)

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.app["redirect_uris"]

    def check_client_secret(self, client_secret):
        return oauth.secret_matches(self.app, client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in SECRET_METHODS

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in GRANT_TYPES


class Code(AuthorizationCodeMixin):
    """A spent authorization code: what it grants."""

    def __init__(self, row: dict[str, Any], code: str):
        self.row, self.code, self.user_id = row, code, row["user_id"]

    def get_redirect_uri(self):
        return self.row["redirect_uri"]

    def get_scope(self):
        return self.row["scope"]


class Credential(TokenMixin):
    """An app's token presented to be refreshed or revoked: its authorization (family)."""

    def __init__(self, family: str, grant: dict[str, Any], token: str = ""):
        self.family, self.grant, self.token = family, grant, token
        self.user_id = grant["user_id"]

    def check_client(self, client):
        return client.client_id == self.grant["client_id"]

    def get_scope(self):
        return self.grant["scope"]

    def get_expires_in(self):
        return 0

    def is_expired(self):
        return False

    def is_revoked(self):
        return self.grant["revoked"]

    def get_user(self):
        return User(self.user_id)

    def get_client(self):
        return None


class _Bridge:
    """Runs the storage's coroutines on the app's event loop from Authlib's thread (Authlib
    gives each grant and endpoint its `server`)."""

    server: FlockAuthorizationServer

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.server.loop).result(timeout=60)

    @property
    def b(self) -> Backends:
        return self.server.b


class CodeGrant(_Bridge, grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.run(
            oauth.grant_code(
                self.b,
                request.user.id,
                request.client.client_id,
                request.payload.redirect_uri or request.client.get_default_redirect_uri(),
                request.scope or "read",
                data.get("code_challenge"),
                data.get("code_challenge_method") if data.get("code_challenge") else None,
                code=code,
            )
        )

    def query_authorization_code(self, code, client):
        row = self.run(oauth.spend_code(self.b, client.client_id, code))
        return Code(row, code) if row else None

    def delete_authorization_code(self, authorization_code):
        """Spent already, when it was read (a code is used once, even by a failed attempt)."""

    def authenticate_user(self, authorization_code):
        return User(authorization_code.user_id)

    def generate_token(self, user=None, scope=None, grant_type=None, **_):
        code = self.request.authorization_code
        client_id = self.request.client.client_id
        family = self.run(oauth.authorize(self.b, user.id, client_id, scope, code.code))
        refresh = self.run(oauth.refresh_token_of(self.b, user.id, family))
        return self.server.token(user.id, family, scope, client_id, refresh)


class CodeChallengeOf(CodeChallenge):
    """PKCE, reading the challenge kept with the code."""

    def get_authorization_code_challenge(self, authorization_code):
        return authorization_code.row["challenge"]

    def get_authorization_code_challenge_method(self, authorization_code):
        return authorization_code.row["challenge_method"]


class RefreshGrant(_Bridge, grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        family = refresh_tokens.family_of(refresh_token)
        grant = self.run(oauth.authorization(self.b, family)) if family else None
        if grant is None or grant["revoked"]:
            return None
        return Credential(family, grant, refresh_token)

    def authenticate_user(self, refresh_token):
        return User(refresh_token.user_id)

    def revoke_old_credential(self, refresh_token):
        """Spent when the next one was made (graph/refresh_tokens.py rotates them)."""

    def generate_token(self, user=None, scope=None, **_):
        credential = self.request.refresh_token
        try:
            user_id, refresh = self.run(
                refresh_tokens.rotate_refresh_token(self.b, credential.token)
            )
        except DomainError as error:  # spent before (a leak: its log-in ended), or revoked
            raise InvalidGrantError(error.detail) from None
        client_id = self.request.client.client_id
        return self.server.token(user_id, credential.family, scope, client_id, refresh)


class AppGrant(_Bridge, grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = SECRET_METHODS

    def generate_token(self, user=None, scope=None, **_):
        client_id = self.request.client.client_id
        return self.server.app_token(client_id, scope or "read")


class Revocation(_Bridge, RevocationEndpoint):
    CLIENT_AUTH_METHODS = SECRET_METHODS

    def query_token(self, token_string, token_type_hint):
        family = _family_of(self.b, token_string)
        grant = self.run(oauth.authorization(self.b, family)) if family else None
        return Credential(family, grant) if grant else None

    def revoke_token(self, token, request):
        self.run(oauth.revoke_authorization(self.b, token.user_id, token.family))


class FlockAuthorizationServer(AuthorizationServer):
    """One per app process; every call of Authlib's runs in a thread of its own."""

    def __init__(self, b: Backends, loop: asyncio.AbstractEventLoop):
        super().__init__(scopes_supported=list(oauth.SCOPES))
        self.b, self.loop = b, loop
        self.register_grant(CodeGrant, [CodeChallengeOf(required=False)])
        self.register_grant(RefreshGrant)
        self.register_grant(AppGrant)
        self.register_endpoint(Revocation(self))

    def query_client(self, client_id):
        app = asyncio.run_coroutine_threadsafe(oauth.find_app(self.b, client_id), self.loop)
        found = app.result(timeout=60)
        return Client(found) if found else None

    def save_token(self, token, request):
        """Stored as they were made (the authorization and refresh token, in the graph)."""

    def create_oauth2_request(self, request):
        return request

    def handle_response(self, status, body, headers):
        return status, body, dict(headers)

    def send_signal(self, name, *args, **kwargs):
        pass

    def token(self, user_id: int, family: str, scope: str, client_id: str, refresh: str) -> dict:
        """The token response: Mastodon's fields (`created_at`) and RFC 6749's."""
        settings = self.b.settings
        access = access_tokens.issue_access_token(
            settings, user_id, family, scope=scope, client_id=client_id
        )
        return {**_token_fields(settings, access, scope), "refresh_token": refresh}

    def app_token(self, client_id: str, scope: str) -> dict:
        access = access_tokens.issue_app_token(self.b.settings, client_id, scope)
        return _token_fields(self.b.settings, access, scope)


def _token_fields(settings, access: str, scope: str) -> dict[str, Any]:
    return {
        "access_token": access,
        "token_type": "Bearer",
        "scope": scope,
        "created_at": int(time.time()),
        "expires_in": settings.oauth_token_ttl,
    }


def _family_of(b: Backends, token: str) -> str | None:
    """The authorization an app's access or refresh token belongs to, if it is one."""
    try:
        return access_tokens.read_access_token(b.settings, token).family
    except DomainError:
        return refresh_tokens.family_of(token) if "." in token else None


_servers: dict[int, FlockAuthorizationServer] = {}


def _server(b: Backends) -> FlockAuthorizationServer:
    loop = asyncio.get_running_loop()
    key = id(loop)
    if key not in _servers:
        _servers[key] = FlockAuthorizationServer(b, loop)
    return _servers[key]


# ----------------------------------------------------------------------------- the faces' calls


async def consent(b: Backends, request: Request, user_id: int) -> tuple[Client, str]:
    """Check an authorization request before the consent page shows it: the app and the scope
    it asks for. Raises OAuth2Error (with `redirect_uri` set when the app may be told)."""
    server = _server(b)
    grant = await asyncio.to_thread(server.get_consent_grant, request, User(user_id))
    return grant.client, grant.request.scope


async def approve(b: Backends, request: Request, user_id: int | None) -> tuple[str, str]:
    """The user approved (or, with None, denied) the app: where to send them, and the code
    (empty when denied; shown on the page for the out-of-band redirect URI)."""
    server = _server(b)

    def respond():
        user = User(user_id) if user_id is not None else None
        grant = server.get_consent_grant(request, user)
        try:
            return server.create_authorization_response(request, user, grant)
        except OAuth2Error as error:
            return server.handle_error_response(request, error)

    status, _, headers = await asyncio.to_thread(respond)
    location = headers.get("Location", "")
    code = parse_qs(urlsplit(location).query).get("code", [""])[0]
    return location, code


async def token(b: Backends, request: Request) -> tuple[int, Any, dict]:
    """POST /oauth/token."""
    server = _server(b)
    return await asyncio.to_thread(server.create_token_response, request)


async def revoke(b: Backends, request: Request) -> tuple[int, Any, dict]:
    """POST /oauth/revoke."""
    server = _server(b)
    return await asyncio.to_thread(
        server.create_endpoint_response, RevocationEndpoint.ENDPOINT_NAME, request
    )


def metadata(base_url: str) -> dict[str, Any]:
    """RFC 8414: what this authorization server supports."""
    return {
        "issuer": base_url,
        "authorization_endpoint": f"{base_url}/oauth/authorize",
        "token_endpoint": f"{base_url}/oauth/token",
        "revocation_endpoint": f"{base_url}/oauth/revoke",
        "app_registration_endpoint": f"{base_url}/api/v1/apps",
        "scopes_supported": list(oauth.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANT_TYPES),
        "token_endpoint_auth_methods_supported": SECRET_METHODS,
        "revocation_endpoint_auth_methods_supported": SECRET_METHODS,
        "code_challenge_methods_supported": ["S256", "plain"],
        "service_documentation": f"{base_url}/docs/mastodon-api",
    }
