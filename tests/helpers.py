"""What the tests share: the one module they import helpers from (fixtures are in conftest.py).

Images to upload, timelines read page by page through the API and from the cold-path Cypher
(with the tests' own oracle of what a post shows), and a `flock run` of a stack of its own.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
from PIL import Image

from cypher import statement
from flock.core.ids import MAX_ID
from flock.core.settings import STACK_FILE
from flock.stack.processes import free_port

ISOLATED_SIGNUP_LIMIT = 20
ISOLATED_METRICS_TOKEN = "metrics-token-for-tests"


# ----------------------------------------------------------------------------- images


def image_bytes(fmt: str = "PNG", size=(1200, 800), exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (30, 120, 200))
    image.save(out, fmt, **({"exif": exif} if exif else {}))
    return out.getvalue()


def upload(http, user, data: bytes, name: str = "photo.png") -> httpx.Response:
    return http.post("/api/media", files={"file": (name, data)}, headers=user["auth"])


# ----------------------------------------------------------------------------- timelines


def hot_pages(http, user, limit=5, whole=False):
    """Every page of the timeline through the API, following next_max_id: the entry ids, or
    with `whole` the posts as shown (text, author, counts, the viewer's marks, who reposted)."""
    pages, max_id = [], None
    while True:
        params = {"limit": limit, **({"max_id": max_id} if max_id else {})}
        response = http.get("/api/timeline", params=params, headers=user["auth"])
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([p if whole else p["entry_id"] for p in body["items"]])
        max_id = body["next_max_id"]
        if max_id is None:
            return pages


# The test's own oracle of what a post shows, written apart from the app's projection
# (cypher/queries/page_views.cypher) so that a mistake in that one cannot hide here.
WHOLE_POSTS = """
UNWIND $entries AS entry
MATCH (p:Post {id: entry[1]})<-[:POSTED]-(a:User)
OPTIONAL MATCH (viewer:User {id: $viewer_id})
OPTIONAL MATCH (reposter:User {id: entry[2]})
RETURN toString(entry[0]) AS entry_id, toString(p.id) AS id, p.text AS text,
       p.edited_at AS edited_at,
       {id: toString(a.id), username: a.username, display_name: a.display_name,
        avatar_id: [(a)-[:AVATAR]->(m:Media) | toString(m.id)][0]} AS author,
       COUNT { (p)<-[:LIKES]-() } AS like_count,
       COUNT { (p)<-[:REPLY_TO]-(r:Reply) WHERE NOT r:Deleted } AS reply_count,
       COUNT { (p)<-[:REPOSTED]-() } AS repost_count,
       COUNT { (p)<-[:QUOTES]-(q:Post) WHERE NOT q:Deleted } AS quote_count,
       toString(p.quote_id) AS quote_id,
       EXISTS { (viewer)-[:LIKES]->(p) } AS liked_by_me,
       EXISTS { (viewer)-[:REPOSTED]->(p) } AS reposted_by_me,
       reposter.username AS reposted_by
"""
SHOWN = (
    "entry_id", "id", "text", "edited_at", "author", "like_count", "reply_count", "repost_count",
    "quote_count", "quote_id", "liked_by_me", "reposted_by_me", "reposted_by",
)  # fmt: skip


def cold_pages(neo, user, limit=5, whole=False):
    """The same pages from the named cold-path Cypher query, run directly; `whole` adds what
    each post shows, read from the graph by the test's own query."""
    pages, max_id = [], MAX_ID
    while True:
        rows = neo.execute_query(
            statement("queries/home_timeline_ids"),
            viewer_id=int(user["id"]),
            max_id=max_id,
            since_id=0,
            limit=limit + 1,
        ).records
        entries = [[r["id"], r["post_id"], r["reposter_id"]] for r in rows[:limit]]
        ids = [entry[0] for entry in entries]
        if whole:
            shown = neo.execute_query(
                WHOLE_POSTS, entries=entries, viewer_id=int(user["id"])
            ).records
            pages.append([r.data() for r in shown])
        else:
            pages.append([str(i) for i in ids])
        if len(rows) <= limit:
            return pages
        max_id = ids[-1]


def shown(pages):
    """What the oracle compares of each post of hot pages."""
    return [[_shown(post) for post in page] for page in pages]


def _shown(post):
    seen = {key: post[key] for key in SHOWN}
    seen["reposted_by"] = post["reposted_by"]["username"] if post["reposted_by"] else None
    return seen


# ----------------------------------------------------------------------------- stacks of their own


def stack_env(var_dir) -> dict[str, str]:
    """A person's shell for a stack of its own: no FLOCK_* URL, a data directory, free ports."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("FLOCK_")}
    ports = ("PORT", "NEO4J_BOLT_PORT", "REDIS_PORT", "TYPESENSE_PORT", "TYPESENSE_PEERING_PORT")
    return {
        **keep,
        "FLOCK_VAR_DIR": str(var_dir),
        **{f"FLOCK_{name}": str(free_port()) for name in ports},
    }


@contextlib.contextmanager
def flock_run(env: dict[str, str], *options: str, wait_until):
    """`flock run [options]` as an operator starts it, until /readyz is green; stopped with
    Ctrl-C (SIGINT) afterwards, whatever happened."""
    var_dir = Path(env["FLOCK_VAR_DIR"])
    log = open(var_dir / "flock-run.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "flock.cli", "run", *options],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    ready_url = f"http://127.0.0.1:{env['FLOCK_PORT']}/readyz"

    def ready() -> bool:
        """/readyz is green and the stack has recorded what it runs (`flock run` records it
        once every process it starts is ready: with several app processes behind nginx,
        /readyz can answer before the last of them is up)."""
        if process.poll() is not None:
            return True
        try:
            green = httpx.get(ready_url, timeout=5).status_code == 200
        except httpx.HTTPError:
            return False
        return green and (var_dir / STACK_FILE).exists()

    try:
        wait_until(ready, timeout=300)
        assert process.poll() is None, (var_dir / "flock-run.log").read_text()
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
