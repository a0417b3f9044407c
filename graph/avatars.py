"""Avatars: a user's picture, on their posts, profile, lists and notifications.

An avatar is an image uploaded like a post's (graph/media.py: checked before it is decoded,
the original kept encrypted and never served, backed up and restored with the other images)
and linked as the user's `:AVATAR`. It is served as squares cropped from its centre, 48, 96 and
400 px (`/avatars/<image id>/<size>.jpg`, rendered in the capped child process, cached for good:
an image id never changes). Until one is set, an avatar is made from the name: its initials on
a colour of the user's own (`/avatars/default/<initials>-<hue>.svg`, or `.png` for apps that
cannot show SVG), computed from the URL alone.
"""

from __future__ import annotations

import asyncio
import colorsys
import hashlib
import io
import re
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from flock.core.backends import Backends
from flock.core.errors import NotFound
from graph import media
from jobs import events
from jobs.stores.media import media_key, media_store
from jobs.stores.render_image import AVATARS, RenderFailed, render_capped

SET_PICTURE = {"avatar": "queries/user_set_avatar", "banner": "queries/user_set_banner"}
DEFAULT = re.compile(r"^(?P<initials>[A-Z0-9]{1,2})-(?P<hue>\d{1,3})$")


async def set_avatar(b: Backends, user_id: int, data: bytes) -> dict[str, Any]:
    """Upload a picture and make it the user's avatar (the checks and limits of any image)."""
    return await set_picture(b, user_id, data, "avatar")


async def set_picture(b: Backends, user_id: int, data: bytes, kind: str) -> dict[str, Any]:
    """Upload a picture and make it the user's `kind` (avatar, banner): its served versions
    exist before any page links to them."""
    made = await media.upload_media(b, user_id, data)
    media_id = int(made["id"])
    await render_versions(b, media_id, kind)
    row = await b.graph.write_one(SET_PICTURE[kind], user_id=user_id, media_id=media_id)
    if row is None:
        raise NotFound("This account no longer exists.")
    await events.profile_changed(b, user_id)  # the cards on their posts
    return made


async def read_avatar(b: Backends, media_id: int, size: int) -> bytes:
    """One square of an avatar."""
    if size not in AVATARS:
        raise NotFound("No such image.")
    return await read_rendered(b, media_id, f"avatar{size}", "avatar")


async def read_rendered(b: Backends, media_id: int, variant: str, kind: str) -> bytes:
    """One served version of a profile's picture (made now from the original if it is missing:
    after a restore, say)."""
    store = media_store(b.settings)
    key = media_key(media_id, variant)
    data = await asyncio.to_thread(store.get, key)
    if data is None:
        await render_versions(b, media_id, kind)
        data = await asyncio.to_thread(store.get, key)
    if data is None:
        raise NotFound("No such image.")
    return data


async def render_versions(b: Backends, media_id: int, kind: str) -> None:
    """Render and store the served versions of an uploaded image as `kind` (avatar, banner)."""
    store = media_store(b.settings)
    original = await asyncio.to_thread(store.get, media_key(media_id, "original"))
    if original is None:
        raise NotFound("No such image.")
    try:
        versions = await asyncio.to_thread(render_capped, original, kind)
    except RenderFailed:
        raise NotFound("That image cannot be shown.") from None
    for variant, (data, content_type) in versions.items():
        await asyncio.to_thread(store.put, media_key(media_id, variant), data, content_type)


def avatar_path(user: dict[str, Any], size: int = 96, raster: bool = False) -> str:
    """Where a user's avatar is served (their picture, or the one made from their name)."""
    if user.get("avatar_id"):
        return f"/avatars/{user['avatar_id']}/{size}.jpg"
    return f"/avatars/default/{default_name(user)}.{'png' if raster else 'svg'}"


def default_name(user: dict[str, Any]) -> str:
    """`<initials>-<hue>` for a user: up to two letters of the name, a colour from the id."""
    name = user.get("display_name") or user.get("username") or "?"
    words = [w for w in re.split(r"[\s_.-]+", name) if w]
    letters = "".join(w[0] for w in words[:2]).upper()
    initials = "".join(c for c in letters if c.isascii() and c.isalnum()) or "X"
    digest = hashlib.sha256(str(user.get("id", name)).encode()).digest()
    return f"{initials}-{int.from_bytes(digest[:2], 'big') % 360}"


def default_svg(name: str) -> str:
    """The made avatar as SVG (`name` as `default_name` gives it: nothing else is drawn)."""
    found = _parsed(name)
    initials, hue = found["initials"], int(found["hue"])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96" role="img" '
        f'aria-label="{initials}"><rect width="96" height="96" fill="hsl({hue} 55% 38%)"/>'
        '<text x="48" y="48" dy=".35em" text-anchor="middle" fill="#fff" '
        'font-family="system-ui, sans-serif" font-size="40" font-weight="600">'
        f"{initials}</text></svg>"
    )


@lru_cache(maxsize=1024)
def default_png(name: str) -> bytes:
    """The made avatar as a 400 px PNG, for apps that cannot show SVG (Mastodon apps)."""
    found = _parsed(name)
    initials, hue = found["initials"], int(found["hue"])
    image = Image.new("RGB", (400, 400), _hsl(hue, 0.55, 0.38))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=160)
    draw.text((200, 200), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _parsed(name: str) -> re.Match:
    found = DEFAULT.match(name)
    if found is None or int(found["hue"]) >= 360:
        raise NotFound("No such image.")
    return found


def _hsl(hue: int, saturation: float, lightness: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)
