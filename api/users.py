"""`/api/users/*`: profiles, one's own account."""

from __future__ import annotations

from quart import Blueprint, g
from quart_schema import validate_request, validate_response

from api import tokens
from api.bearer import token_optional, token_required
from api.schemas import DeleteAccountRequest, Me, ProfilePatch, PublicUser
from flock.backends import backends
from graph import accounts

blueprint = Blueprint("api_users", __name__, url_prefix="/api/users")


@blueprint.get("/me")
@token_required
@validate_response(Me)
async def me():
    """The caller's own profile, with the email."""
    return await accounts.my_profile(backends(), g.user_id)


@blueprint.patch("/me")
@token_required
@validate_request(ProfilePatch)
@validate_response(Me)
async def update_me(data: ProfilePatch):
    """Change display name, bio, location or website; the fields left out stay."""
    return await accounts.update_profile(backends(), g.user_id, data)


@blueprint.delete("/me")
@token_required
@validate_request(DeleteAccountRequest)
async def delete_me(data: DeleteAccountRequest):
    """Delete the account and everything it wrote, liked and followed (needs the password)."""
    b = backends()
    await accounts.delete_account(b, g.user_id, data.password)
    await tokens.revoke_access_token(b.redis, g.claims)
    await tokens.revoke_all_refresh_tokens(b.settings, b.redis, g.user_id)
    return "", 204


@blueprint.get("/<username>")
@token_optional
@validate_response(PublicUser)
async def user_profile(username: str):
    """Anyone's public profile: never the email."""
    return await accounts.profile(backends(), username, g.user_id)
