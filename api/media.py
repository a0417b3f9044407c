"""`POST /api/media` (upload an image to attach to a post), `/media/<id>` (serve it), and
`/avatars/...` (users' pictures, and the ones made from their names), `/banners/...`."""

from __future__ import annotations

import asyncio
import hashlib

from quart import Blueprint, Response, g, request
from quart_schema import hide, validate_response

from api.bearer import token_required
from api.schemas import MediaItem
from flock.core.errors import Invalid
from graph import avatars, banners, media
from graph.serving import backends
from jobs.stores.media import served_content_type

blueprint = Blueprint("api_media", __name__)


@blueprint.post("/api/media")
@token_required
@validate_response(MediaItem, 201)
async def upload():
    """Upload one image (multipart/form-data, field `file`): JPEG, PNG, GIF or WebP, at most
    5 MB by default, with its alt text in the field `description` (optional, at most 1500
    characters). Attach it by listing its id in `media_ids` when posting."""
    files = await request.files
    if "file" not in files:
        message = "Send the image as multipart/form-data in the field `file`."
        raise Invalid(message, errors={"file": [message]})
    description = ((await request.form).get("description") or "").strip()
    if len(description) > media.MAX_DESCRIPTION:
        message = f"Describe it in at most {media.MAX_DESCRIPTION} characters."
        raise Invalid(message, errors={"description": [message]})
    b = backends()
    item = await media.upload_media(b, g.user_id, files["file"].read())
    if description:
        item = await media.describe_media(b, g.user_id, int(item["id"]), description)
    return item, 201


@blueprint.get("/media/<int:media_id>", defaults={"variant": "large"})
@blueprint.get("/media/<int:media_id>/<any(thumb):variant>")
@hide  # a file, not an API resource: posts link to it by url
async def serve(media_id: int, variant: str):
    """The image (at most 2048 px a side) or its thumbnail (600 px): upright JPEG (GIF for an
    animated GIF) without metadata. The upload itself is kept but never served."""
    data = await media.read_media(backends(), media_id, variant)
    etag = hashlib.sha256(data).hexdigest()[:32]
    if etag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(data, content_type=served_content_type(data))
    response.set_etag(etag)
    # An id's image never changes: caches (a CDN) keep it; a deleted one is a 404 here.
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@blueprint.get("/avatars/<int:media_id>/<int:size>.jpg")
@hide
async def avatar(media_id: int, size: int):
    """A square of a user's picture (48, 96 or 400 px), JPEG without metadata."""
    data = await avatars.read_avatar(backends(), media_id, size)
    return _forever(Response(data, content_type="image/jpeg"))


@blueprint.get("/banners/<int:media_id>/<int:width>.jpg")
@hide
async def banner(media_id: int, width: int):
    """A strip of a user's banner (600x200 or 1500x500 px), JPEG without metadata."""
    data = await banners.read_banner(backends(), media_id, width)
    return _forever(Response(data, content_type="image/jpeg"))


@blueprint.get("/avatars/default/<name>.<any(svg, png):kind>")
@hide
async def default_avatar(name: str, kind: str):
    """The picture made from a name (`<initials>-<hue>`): SVG, or PNG for apps."""
    if kind == "svg":
        return _forever(Response(avatars.default_svg(name), content_type="image/svg+xml"))
    png = await asyncio.to_thread(avatars.default_png, name)
    return _forever(Response(png, content_type="image/png"))


def _forever(response: Response) -> Response:
    """What an avatar URL names never changes (a new picture is a new id)."""
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    return response
