"""How the site's bytes travel: static files under versioned URLs kept by browsers for a year,
and HTML, CSS, JavaScript, SVG and the API's JSON gzipped for clients that accept it (above
MIN_SIZE: a timeline page of 8 KB leaves as about 2 KB).

`url_for('static', filename=...)` adds `?v=<hash of the file>`: a changed file gets a new URL,
so a versioned URL can be cached as immutable; an unversioned one is revalidated (ETag).
Compressed static files are kept in memory (a handful of files, compressed once per version).
"""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path

from quart import Quart, request
from quart.wrappers.response import IterableBody

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "application/javascript",
    "text/javascript",
    "image/svg+xml",
    "application/json",
    "application/problem+json",
}
MIN_SIZE = 1024  # bytes: smaller bodies gain less than the header costs
YEAR = 365 * 24 * 3600
DYNAMIC_LEVEL = 6  # pages: zlib's default trade of CPU for size
STATIC_LEVEL = 9  # static files are compressed once per version


def install_delivery(app: Quart) -> None:
    static_dir = Path(app.static_folder)

    @app.url_defaults
    def version_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            values["v"] = file_version(static_dir / values["filename"])

    @app.after_request
    async def cache_and_compress(response):
        if request.path.startswith("/static/") and response.status_code == 200:
            if request.args.get("v"):
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"  # revalidate by ETag
        await _compress(response)
        return response


@cache
def file_version(path: Path) -> str:
    """The first 12 hex digits of the file's SHA-256 ('0' for a missing file: a 404 anyway)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


async def _compress(response) -> None:
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or "Content-Encoding" in response.headers
        or isinstance(response.response, IterableBody)  # a stream (live updates): as it goes
    ):
        return
    body = await response.get_data()
    if len(body) < MIN_SIZE:
        return
    if request.path.startswith("/static/"):
        compressed = _static_gzip(request.path, response.headers.get("ETag", ""), body)
    else:
        compressed = gzip.compress(body, compresslevel=DYNAMIC_LEVEL, mtime=0)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:  # the same entity, other bytes
        response.set_etag(etag, weak=True)
    response.headers.add("Vary", "Accept-Encoding")


_static_cache: dict[tuple[str, str], bytes] = {}


def _static_gzip(path: str, etag: str, body: bytes) -> bytes:
    key = (path, etag)
    if key not in _static_cache:
        _static_cache[key] = gzip.compress(body, compresslevel=STATIC_LEVEL, mtime=0)
    return _static_cache[key]
