"""Renders an image's served versions in a child process with a memory and a time cap, so that
no crafted file can take the worker (or the app) down with it.

`render_capped(original)` runs `python -m jobs.stores.render_image` with the original on stdin;
the child caps its own address space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before decoding
anything, renders, and writes the versions to stdout. A child that runs out of either is
killed or fails, and the caller gets RenderFailed.
"""

from __future__ import annotations

import io
import os
import pickle
import resource
import subprocess
import sys

from PIL import Image, ImageOps, ImageSequence

SERVED = {"large": (2048, 2048), "thumb": (600, 600)}
MAX_FRAMES = 300  # an animated GIF's frames kept when it is served
MEMORY_CAP_BYTES = int(os.environ.get("FLOCK_RENDER_MEMORY_MB", "1024")) * 1024 * 1024
TIME_CAP_SECONDS = int(os.environ.get("FLOCK_RENDER_SECONDS", "60"))


class RenderFailed(Exception):
    """The image could not be rendered within the caps (or at all)."""


AVATARS = (48, 96, 400)  # px, square: a post's, a profile's, the full view
BANNERS = {600: (600, 200), 1500: (1500, 500)}  # width: (width, height), 3:1: a phone's, a desk's


def render_capped(original: bytes, kind: str = "post") -> dict[str, tuple[bytes, str]]:
    """{variant: (bytes, content type)} for the served versions, rendered in a capped child:
    a post's image ("large", "thumb"), an avatar's squares ("avatar48"...), or a banner's
    strips ("banner600"...)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "jobs.stores.render_image", kind],
            input=original,
            capture_output=True,
            timeout=TIME_CAP_SECONDS + 5,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"rendering took more than {TIME_CAP_SECONDS} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["killed"]
        raise RenderFailed(f"rendering failed: {reason[0]}")
    return pickle.loads(done.stdout)  # noqa: S301 - our own child's answer


def render(original: bytes) -> dict[str, tuple[bytes, str]]:
    """The served versions: upright JPEG, or GIF for an animated GIF; no metadata at all."""
    versions = {}
    for variant, box in SERVED.items():
        with Image.open(io.BytesIO(original)) as image:
            if image.format == "GIF" and getattr(image, "is_animated", False):
                versions[variant] = (_animated_gif(image, box), "image/gif")
            else:
                versions[variant] = (_still_jpeg(image, box), "image/jpeg")
    return versions


def render_avatar(original: bytes) -> dict[str, tuple[bytes, str]]:
    """An avatar's versions: the picture upright, cropped to its centre square, each size a
    JPEG without metadata (an animated GIF shows its first frame)."""
    return _cropped(original, {f"avatar{size}": (size, size) for size in AVATARS})


def render_banner(original: bytes) -> dict[str, tuple[bytes, str]]:
    """A banner's versions: the picture upright, cropped to its centre at 3:1, as avatars."""
    return _cropped(original, {f"banner{width}": box for width, box in BANNERS.items()})


def _cropped(original: bytes, boxes: dict[str, tuple[int, int]]) -> dict[str, tuple[bytes, str]]:
    versions = {}
    with Image.open(io.BytesIO(original)) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
        for variant, box in boxes.items():
            cropped = ImageOps.fit(upright, box, method=Image.Resampling.LANCZOS)
            cropped.info = {}
            out = io.BytesIO()
            cropped.save(out, "JPEG", quality=88, optimize=True)
            versions[variant] = (out.getvalue(), "image/jpeg")
    return versions


def _still_jpeg(image: Image.Image, box: tuple[int, int]) -> bytes:
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail(box)
    pixels = upright.convert("RGB")
    pixels.info = {}  # no comment, XMP, ICC or EXIF is carried into what is served
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _animated_gif(image: Image.Image, box: tuple[int, int]) -> bytes:
    """Every frame (up to MAX_FRAMES) scaled into the box, re-encoded: nothing but the pictures
    and their timing survives (no comments or application extensions)."""
    frames, durations = [], []
    for index, frame in enumerate(ImageSequence.Iterator(image)):
        if index == MAX_FRAMES:
            break
        still = frame.convert("RGBA")
        still.info = {}
        still.thumbnail(box)
        frames.append(still)
        durations.append(frame.info.get("duration", 100))
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
        disposal=2, optimize=False,
    )  # fmt: skip
    return out.getvalue()


RENDERERS = {"post": render, "avatar": render_avatar, "banner": render_banner}


def _main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (TIME_CAP_SECONDS, TIME_CAP_SECONDS))
    original = sys.stdin.buffer.read()
    kind = sys.argv[1] if len(sys.argv) > 1 else "post"
    try:
        versions = RENDERERS.get(kind, render)(original)
    except MemoryError:
        sys.exit("out of memory")
    except Exception as error:  # noqa: BLE001 - the parent gets one line and a failure
        sys.exit(f"{type(error).__name__}: {error}")
    sys.stdout.buffer.write(pickle.dumps(versions))


if __name__ == "__main__":
    _main()
