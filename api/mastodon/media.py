"""Mastodon's media: upload an image (`file`, with its `description`), read it, describe it.
`/api/v2/media` answers 202 while its served versions render (then `GET /api/v1/media/:id`
answers 200 with its URLs); `/api/v1/media` waits for them."""

from __future__ import annotations

from quart import Blueprint, request

from api.mastodon import entities
from api.mastodon.common import an_id, base_url, me, params, scoped, text
from flock.core.errors import Invalid
from graph import media
from graph.serving import backends

blueprint = Blueprint("mastodon_media", __name__)


@blueprint.post("/api/<any(v1, v2):version>/media")
@scoped("write:media")
async def upload(version: str):
    files = await request.files
    upload_ = files.get("file")
    if upload_ is None:
        raise Invalid("Choose an image to upload.", errors={"file": ["This field is required."]})
    b = backends()
    made = await media.upload_media(b, me(), upload_.read())
    description = text(await params(), "description")
    if description:
        made = await media.describe_media(b, me(), int(made["id"]), description)
    if version == "v1":
        await media.read_media(b, int(made["id"]), "thumb")  # rendered before it answers
        return entities.media_attachment(made, base_url())
    return {**entities.media_attachment(made, base_url()), "url": None}, 202


@blueprint.get("/api/v1/media/<media_id>")
@scoped("write:media")
async def show(media_id: str):
    """200 with its URLs once its served versions exist (they are made now if need be)."""
    b = backends()
    item = await media.media_of(b, me(), an_id(media_id))
    await media.read_media(b, int(item["id"]), "thumb")
    return entities.media_attachment(item, base_url())


@blueprint.put("/api/v1/media/<media_id>")
@scoped("write:media")
async def describe(media_id: str):
    """`description`: the image's alt text (`focus` is not kept)."""
    given = await params()
    item = await media.describe_media(
        backends(), me(), an_id(media_id), text(given, "description") or ""
    )
    return entities.media_attachment(item, base_url())
