"""Media jobs: the served versions of an upload, and clean-up.

The original is kept as uploaded but never served: it may carry EXIF data such as where a phone
took the photo. What is served is derived from it, upright and without metadata: `large` (at
most 2048 px a side) and `thumb` (600 px), both JPEG. They can be made again at any time.
"""

from __future__ import annotations

import io
import time
from functools import cache

from PIL import Image, ImageOps

from flock.media_store import MediaStore, media_store
from flock.settings import Settings
from graph.db import SyncGraph

SERVED = {"large": (2048, 2048), "thumb": (600, 600)}
VARIANTS = ("original", *SERVED)


def make_served_versions(media_id: int) -> bool:
    """Job: write the large and thumb versions; False when the media is gone."""
    settings, graph = _job_context()
    if not graph.read("queries/media_by_id", id=media_id):
        return False
    if not render_served_versions(media_store(settings), media_id):
        return False
    graph.write("queries/media_mark_ready", id=media_id)
    return True


def render_served_versions(store: MediaStore, media_id: int) -> bool:
    original = store.get(f"media/{media_id}/original")
    if original is None:
        return False
    for variant, box in SERVED.items():
        with Image.open(io.BytesIO(original)) as image:
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail(box)
            out = io.BytesIO()
            upright.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        store.put(f"media/{media_id}/{variant}", out.getvalue(), "image/jpeg")
    return True


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
