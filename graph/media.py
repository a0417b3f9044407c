"""Media: images uploaded by a user, attached to their tweets and replies (up to four).

The original is checked (it must decode as JPEG, PNG, GIF or WebP, within the size and pixel
limits), stored as uploaded (never served: it may carry EXIF location), and recorded as a :Media
node; a task then makes the served versions (jobs/stores/media.py). A request that comes before
the task has run makes them itself.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from PIL import Image, UnidentifiedImageError

from flock.core.backends import Backends
from flock.core.errors import Invalid, NotFound
from flock.core.ids import new_id
from graph import ratelimits
from jobs import events
from jobs.stores.media import (
    MAX_FRAMES,
    SERVED,
    RenderFailed,
    media_key,
    media_store,
    render_served_versions,
)

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
MAX_PIXELS = 40_000_000  # of all frames together: what the served versions would decode
MAX_PER_POST = 4
MAX_DESCRIPTION = 1500  # characters of alt text (Mastodon's limit)


async def upload_media(b: Backends, owner_id: int, data: bytes) -> dict[str, Any]:
    """Check and store an image; returns its description (the thumbnail follows shortly)."""
    limit = b.settings.media_max_bytes
    if not data:
        raise _invalid("Choose an image to upload.")
    if len(data) > limit:
        raise _invalid(f"Images can be at most {limit // (1024 * 1024)} MB.")
    content_type, width, height = await asyncio.to_thread(inspect_image, data)
    limit = b.settings.uploads_per_hour
    await ratelimits.throttle(b.redis, "upload", owner_id, limit, 3600, "uploads")
    media_id = new_id()
    store = media_store(b.settings)
    await asyncio.to_thread(store.put, media_key(media_id, "original"), data, content_type)
    row = await b.graph.write_one(
        "queries/media_create",
        id=media_id,
        owner_id=owner_id,
        content_type=content_type,
        width=width,
        height=height,
        size=len(data),
        now=time.time(),
    )
    await events.media_uploaded(b, media_id)
    return at_media_base(b.settings, row["media"])


async def describe_media(
    b: Backends, owner_id: int, media_id: int, description: str
) -> dict[str, Any]:
    """The owner's alt text for an image (up to MAX_DESCRIPTION characters; empty clears it)."""
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise _invalid(f"Describe it in at most {MAX_DESCRIPTION} characters.", "description")
    row = await b.graph.write_one(
        "queries/media_describe", owner_id=owner_id, id=media_id, description=description or None
    )
    if row is None:
        raise NotFound("No such image of yours.")
    if row["post_id"] is not None:
        await events.post_images_described(b, row["post_id"])  # its copy shows the old text
    return at_media_base(b.settings, row["media"])


async def media_of(b: Backends, owner_id: int, media_id: int) -> dict[str, Any]:
    """One of the owner's images as described to them (a 404 for anyone else's)."""
    row = await b.graph.read_one("queries/media_of_owner", owner_id=owner_id, id=media_id)
    if row is None:
        raise NotFound("No such image of yours.")
    return at_media_base(b.settings, row["media"])


def at_media_base(settings, item: dict[str, Any]) -> dict[str, Any]:
    """An image's links at FLOCK_MEDIA_BASE_URL (a CDN in front of /media) when it is set."""
    base = settings.media_base_url.rstrip("/")
    if not base:
        return item
    return {**item, "url": base + item["url"], "thumbnail_url": base + item["thumbnail_url"]}


def inspect_image(data: bytes) -> tuple[str, int, int]:
    """(content type, width, height) of an image we accept; anything else is a 422."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in FORMATS:
                raise _invalid("Upload a JPEG, PNG, GIF or WebP image.")
            frames = getattr(image, "n_frames", 1)  # counted without decoding the pixels
            if frames > MAX_FRAMES:
                raise _invalid(f"Animations can have at most {MAX_FRAMES} frames.")
            if width * height * min(frames, MAX_FRAMES) > MAX_PIXELS:
                raise _invalid("That image has too many pixels.")
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # the whole first frame decodes: a truncated file is refused here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _invalid("That file is not an image we can show.") from None
    return FORMATS[kind], width, height


async def check_attachable(b: Backends, owner_id: int, media_ids: list[int]) -> None:
    """Only one's own uploads, not yet attached to a post, at most four."""
    if len(media_ids) > MAX_PER_POST:
        raise _invalid(f"Attach at most {MAX_PER_POST} images.", field="media_ids")
    if len(set(media_ids)) != len(media_ids):
        raise _invalid("The same image is attached twice.", field="media_ids")
    if not media_ids:
        return
    row = await b.graph.read_one("queries/media_attachable", owner_id=owner_id, ids=media_ids)
    if row["usable"] != len(media_ids):
        raise _invalid("Attach your own uploads, each to one post only.", field="media_ids")


async def read_media(b: Backends, media_id: int, variant: str) -> bytes:
    """A served version ("large" or "thumb") of an image: JPEG, or GIF when animated."""
    row = await b.graph.read_one("queries/media_by_id", id=media_id)
    if row is None or variant not in SERVED:
        raise NotFound("No such image.")
    store = media_store(b.settings)
    data = await asyncio.to_thread(store.get, media_key(media_id, variant))
    if data is None:  # the job has not run yet (or the versions were lost): make them now
        try:
            rendered = await asyncio.to_thread(render_served_versions, store, media_id)
        except RenderFailed:
            raise NotFound("That image cannot be shown.") from None  # past the caps, or broken
        if rendered:
            data = await asyncio.to_thread(store.get, media_key(media_id, variant))
    if data is None:
        raise NotFound("No such image.")
    return data


def _invalid(message: str, field: str = "file") -> Invalid:
    return Invalid(message, errors={field: [message]})
