"""Media tasks: render an upload's served versions; delete the bytes of deleted images."""

from __future__ import annotations

import logging

from jobs.stores import media
from jobs.tasks.context import worker_context

log = logging.getLogger("flock.tasks.media")


def make_served_versions(media_id: int) -> bool:
    """Write the large and thumb versions; False when the media is gone, or when it cannot be
    rendered within the caps (retrying would not help: the image then shows as unavailable)."""
    ctx = worker_context()
    if not ctx.graph.read("queries/media_by_id", id=media_id):
        return False
    try:
        return media.render_served_versions(ctx.media, media_id)
    except media.RenderFailed as error:
        log.warning("media_render_failed", extra={"media": media_id, "error": error})
        return False


def delete_media_objects(media_ids: list[int]) -> int:
    """Remove the stored bytes of media whose node is gone (its post or account deleted)."""
    media.delete_stored(worker_context().media, media_ids)
    return len(media_ids)
