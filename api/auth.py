"""`/api/auth/*`: sign up, get tokens, refresh them, log out."""

from __future__ import annotations

from quart import Blueprint, g
from quart_schema import validate_request, validate_response

from api.bearer import token_required
from api.schemas import LogoutRequest, Me, RefreshRequest, SignupRequest, TokenPair, TokenRequest
from graph import access_tokens as tokens
from graph import accounts, audit, refresh_tokens, web_sessions
from graph.serving import backends

blueprint = Blueprint("api_auth", __name__, url_prefix="/api/auth")


@blueprint.post("/signup")
@validate_request(SignupRequest)
@validate_response(Me, 201)
async def signup(data: SignupRequest):
    """Create an account. 409 names the field when the username or email is taken."""
    b = backends()
    user_id = await accounts.sign_up(b, data, g.client_address)
    return await accounts.my_profile(b, user_id), 201


@blueprint.post("/token")
@validate_request(TokenRequest)
@validate_response(TokenPair)
async def token(data: TokenRequest):
    """Log in with username or email and password: an access and a refresh token."""
    b = backends()
    user_id = await accounts.log_in(b, data.login, data.password, g.client_address)
    return await _token_pair(user_id)


@blueprint.post("/refresh")
@validate_request(RefreshRequest)
@validate_response(TokenPair)
async def refresh(data: RefreshRequest):
    """Trade a refresh token for a new pair; a refresh token works once."""
    b = backends()
    user_id, refresh_token = await refresh_tokens.rotate_refresh_token(b, data.refresh_token)
    return _pair(user_id, refresh_token)


@blueprint.post("/logout")
@token_required
@validate_request(LogoutRequest)
async def logout(data: LogoutRequest):
    """End this log-in: its access tokens and its refresh tokens stop working at once (and,
    when a refresh token of another log-in is given, that one's too)."""
    b = backends()
    await refresh_tokens.end_login(b, g.user_id, g.claims.family)
    if data.refresh_token:
        await refresh_tokens.revoke_refresh_token(b, data.refresh_token)
    await audit.record(b, "logout", actor_id=g.user_id)
    return "", 204


@blueprint.post("/logout/everywhere")
@token_required
async def logout_everywhere():
    """End every log-in and web session of the account: every access and refresh token
    stops working at once, on every device, and open live-update streams close."""
    b = backends()
    await web_sessions.end_all_sessions(b, g.user_id)
    await audit.record(b, "logout", actor_id=g.user_id, everywhere=True)
    return "", 204


async def _token_pair(user_id: int) -> dict:
    b = backends()
    return _pair(user_id, await refresh_tokens.issue_refresh_token(b, user_id))


def _pair(user_id: int, refresh_token: str) -> dict:
    settings = backends().settings
    family = refresh_tokens.family_of(refresh_token)
    return {
        "access_token": tokens.issue_access_token(settings, user_id, family),
        "token_type": "Bearer",
        "expires_in": settings.access_token_ttl,
        "refresh_token": refresh_token,
    }
