"""Banners: the wide picture across the top of a profile.

Uploaded like any image (graph/media.py: checked before it is decoded, the original kept
encrypted and never served, backed up and restored with the others), linked as the user's
`:BANNER`, and served as strips cropped from its centre at 3:1, 600x200 and 1500x500 px
(`/banners/<image id>/<width>.jpg`, rendered in the capped child process, cached for good).
Until one is set, a profile shows a band in the colour of the user's made avatar.
"""

from __future__ import annotations

from typing import Any

from flock.core.backends import Backends
from flock.core.errors import NotFound
from graph.avatars import read_rendered, set_picture
from jobs.stores.render_image import BANNERS


async def set_banner(b: Backends, user_id: int, data: bytes) -> dict[str, Any]:
    """Upload a picture and make it the user's banner (the checks and limits of any image)."""
    return await set_picture(b, user_id, data, "banner")


async def read_banner(b: Backends, media_id: int, width: int) -> bytes:
    """One strip of a banner."""
    if width not in BANNERS:
        raise NotFound("No such image.")
    return await read_rendered(b, media_id, f"banner{width}", "banner")


def banner_path(user: dict[str, Any], width: int = 1500) -> str | None:
    """Where a user's banner is served; None until they set one."""
    if user.get("banner_id"):
        return f"/banners/{user['banner_id']}/{width}.jpg"
    return None
