"""Images: where their bytes live, and the served versions derived from the originals.

The bytes live in a folder on local disk (the default) or an S3 bucket (via boto3), under keys
`media/<id>/<variant>`. Both stores have the same three calls; they block, so async code calls
them through `asyncio.to_thread`.

The original is kept as uploaded but never served: it may carry EXIF data such as where a phone
took the photo. What is served is derived from it, upright and without metadata: `large` (at
most 2048 px a side) and `thumb` (600 px), JPEG, or GIF for an animated GIF (it keeps moving).
They can be made again at any time.

Originals are encrypted by Flock before they reach either store (AES-256-GCM under
FLOCK_DATA_KEY, flock/core/crypto.py): a copied media folder or bucket shows none of the photos
as uploaded. On S3 every object is also written with server-side encryption (`AES256`).
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Protocol

import boto3
from botocore.exceptions import ClientError

from flock.core.crypto import DataCipher, data_cipher
from flock.core.db import SyncGraph
from flock.core.settings import Settings
from jobs.stores.render_image import (  # noqa: F401
    AVATARS,
    BANNERS,
    MAX_FRAMES,
    SERVED,
    RenderFailed,
    render_capped,
)

VARIANTS = (  # every version stored of an image: a post's, an avatar's, a banner's
    "original", *SERVED, *(f"avatar{size}" for size in AVATARS),
    *(f"banner{width}" for width in BANNERS),
)  # fmt: skip


def media_key(media_id: int, variant: str) -> str:
    return f"media/{media_id}/{variant}"


class MediaStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...


class DiskStore:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"not a media key: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write atomically: a reader sees the old file or the whole new one."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    def __init__(self, bucket: str, endpoint_url: str | None):
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)


class SealedOriginals:
    """A store whose originals are encrypted on the way in and decrypted on the way out;
    `raw` is the store itself (backups copy what it holds, ciphertext and all)."""

    def __init__(self, raw: MediaStore, cipher: DataCipher):
        self.raw, self.cipher = raw, cipher

    def put(self, key: str, data: bytes, content_type: str) -> None:
        if _is_original(key):
            data = self.cipher.encrypt_bytes(data, key)
        self.raw.put(key, data, content_type)

    def get(self, key: str) -> bytes | None:
        data = self.raw.get(key)
        if data is not None and _is_original(key):
            data = self.cipher.decrypt_bytes(data, key)
        return data

    def delete(self, key: str) -> None:
        self.raw.delete(key)


def _is_original(key: str) -> bool:
    return key.endswith("/original")


@cache
def media_store(settings: Settings) -> SealedOriginals:
    """The image store of these settings, originals encrypted."""
    return SealedOriginals(raw_media_store(settings), data_cipher(settings))


@cache
def raw_media_store(settings: Settings) -> MediaStore:
    """The store as it is, for backups: originals stay ciphertext."""
    if settings.media_backend == "s3":
        return S3Store(settings.s3_bucket, settings.s3_endpoint_url)
    if settings.media_backend == "disk":
        return DiskStore(settings.media_path)
    raise ValueError(f"FLOCK_MEDIA_BACKEND must be disk or s3, not {settings.media_backend!r}")


def rotate_originals(
    settings: Settings, graph: SyncGraph, progress: Callable[[int], None] = lambda _: None
) -> int:
    """Re-encrypt under the current key every original stored under another (or none);
    returns how many were rewritten."""
    store = media_store(settings)
    rewritten = 0
    for batch in graph.stream("queries/media_ids", batch=200):
        for media_id in batch:
            key = media_key(media_id, "original")
            raw = store.raw.get(key)
            if raw is not None and store.cipher.key_id_of_bytes(raw) != store.cipher.current:
                store.put(key, store.cipher.decrypt_bytes(raw, key), "application/octet-stream")
                rewritten += 1
        progress(len(batch))
    return rewritten


# ----------------------------------------------------------------------------- served versions


def render_served_versions(store: MediaStore, media_id: int) -> bool:
    """Write the served versions from the original, rendered in a child process with a memory
    and time cap (jobs/stores/render_image.py); False when the original is gone. An original
    that cannot be rendered within the caps raises RenderFailed."""
    original = store.get(media_key(media_id, "original"))
    if original is None:
        return False
    for variant, (data, content_type) in render_capped(original).items():
        store.put(media_key(media_id, variant), data, content_type)
    return True


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a served version (one of ours: rendered, so safe to open here)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def served_content_type(data: bytes) -> str:
    """Served versions are JPEG, or GIF for animated GIFs."""
    return "image/gif" if data[:4] == b"GIF8" else "image/jpeg"


def image_count(graph: SyncGraph) -> int:
    """How many images `rebuild_served_versions` goes through."""
    return graph.read("queries/media_count")[0]["images"]


def rebuild_served_versions(
    settings: Settings, graph: SyncGraph, progress: Callable[[int], None]
) -> tuple[int, int]:
    """Re-render every image's served versions from its original (`flock media rebuild`);
    returns (rendered, originals missing or unrenderable). `progress(n)` is called after each
    image."""
    store = media_store(settings)
    rendered = missing = 0
    for batch in graph.stream("queries/media_ids", batch=200):
        for media_id in batch:
            try:
                done = render_served_versions(store, media_id)
            except RenderFailed:
                done = False
            if done:
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
    delete_stored(media_store(settings), media_ids)
    return len(media_ids)


def delete_stored(store: MediaStore, media_ids: list[int]) -> None:
    """Remove every stored version of these images."""
    for media_id in media_ids:
        for variant in VARIANTS:
            store.delete(media_key(media_id, variant))
