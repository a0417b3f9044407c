"""Media jobs: the served versions of an upload, and clean-up.

The original is kept as uploaded but never served: it may carry EXIF data such as where a phone
took the photo. What is served is derived from it, upright and without metadata: `large` (at
most 2048 px a side) and `thumb` (600 px), JPEG, or GIF for an animated GIF (it keeps moving).
They can be made again at any time.
"""

from __future__ import annotations

import io
import time
from functools import cache

from PIL import Image, ImageOps, ImageSequence

from flock.media_store import MediaStore, media_store
from flock.settings import Settings
from graph.db import SyncGraph

SERVED = {"large": (2048, 2048), "thumb": (600, 600)}
MAX_FRAMES = 300  # an animated GIF's frames kept when it is served
VARIANTS = ("original", *SERVED)


def make_served_versions(media_id: int) -> bool:
    """Job: write the large and thumb versions; False when the media is gone."""
    settings, graph = _job_context()
    if not graph.read("queries/media_by_id", id=media_id):
        return False
    return render_served_versions(media_store(settings), media_id)


def render_served_versions(store: MediaStore, media_id: int) -> bool:
    """Write the served versions from the original; False when the original is gone."""
    original = store.get(f"media/{media_id}/original")
    if original is None:
        return False
    for variant, box in SERVED.items():
        with Image.open(io.BytesIO(original)) as image:
            if image.format == "GIF" and getattr(image, "is_animated", False):
                data, content_type = _animated_gif(image, box), "image/gif"
            else:
                data, content_type = _still_jpeg(image, box), "image/jpeg"
        store.put(f"media/{media_id}/{variant}", data, content_type)
    return True


def served_content_type(data: bytes) -> str:
    """Served versions are JPEG, or GIF for animated GIFs."""
    return "image/gif" if data[:4] == b"GIF8" else "image/jpeg"


def _still_jpeg(image: Image.Image, box: tuple[int, int]) -> bytes:
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail(box)
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _animated_gif(image: Image.Image, box: tuple[int, int]) -> bytes:
    """Every frame (up to MAX_FRAMES) scaled into the box, re-encoded: nothing but the pictures
    and their timing survives (no comments or application extensions)."""
    frames, durations = [], []
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index == MAX_FRAMES:
            break
        still = frame.convert("RGBA")
        still.thumbnail(box)
        frames.append(still)
        durations.append(frame.info.get("duration", 100))
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
        disposal=2, optimize=False,
    )  # fmt: skip
    return out.getvalue()


def rebuild_served_versions(settings: Settings, graph: SyncGraph, progress) -> tuple[int, int]:
    """Re-render every image's served versions from its original (`flock media rebuild`);
    returns (rendered, originals missing). `progress(n)` is called after each image."""
    store = media_store(settings)
    rendered = missing = 0
    for batch in graph.stream("queries/media_ids", batch=200):
        for media_id in batch:
            if render_served_versions(store, media_id):
                rendered += 1
            else:
                missing += 1
            progress(1)
    return rendered, missing


def prune_unattached(settings: Settings, graph: SyncGraph, older_than_seconds: float) -> int:
    """Delete uploads never attached to a post, older than the given age (`flock media
    prune`); returns how many."""
    before = time.time() - older_than_seconds
    media_ids = graph.write("queries/media_prune_unattached", before=before)[0]["ids"]
    _delete_stored(media_store(settings), media_ids)
    return len(media_ids)


def delete_media_objects(media_ids: list[int]) -> int:
    """Remove the stored bytes of media whose node is gone (its post or account deleted)."""
    settings, _ = _job_context()
    _delete_stored(media_store(settings), media_ids)
    return len(media_ids)


def _delete_stored(store: MediaStore, media_ids: list[int]) -> None:
    for media_id in media_ids:
        for variant in VARIANTS:
            store.delete(f"media/{media_id}/{variant}")


@cache
def _job_context() -> tuple[Settings, SyncGraph]:
    settings = Settings.from_env()
    return settings, SyncGraph(settings)
