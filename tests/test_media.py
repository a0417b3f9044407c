"""Images on posts: upload, attach, serve, thumbnails by the worker, deletion; on local disk
(the test stack) and on S3 (a second app and worker against a moto S3 server)."""

from __future__ import annotations

import io
import os
import re
import secrets
import struct
import subprocess
import sys

import boto3
import httpx
import pytest
from helpers import image_bytes, upload
from PIL import Image

from flock.stack.processes import free_port
from flock.stack.stack import Stack


def test_an_image_is_uploaded_attached_served_and_thumbnailed(http, new_user, drain_queue):
    ada = new_user("img")
    original = image_bytes()
    uploaded = upload(http, ada, original)
    assert uploaded.status_code == 201, uploaded.text
    item = uploaded.json()
    assert (item["content_type"], item["width"], item["height"]) == ("image/png", 1200, 800)

    posted = http.post(
        "/api/tweets", json={"text": "look at this", "media_ids": [item["id"]]}, headers=ada["auth"]
    )
    assert posted.status_code == 201, posted.text
    assert [m["id"] for m in posted.json()["media"]] == [item["id"]]
    again = http.get(f"/api/tweets/{posted.json()['id']}").json()
    assert again["media"][0]["url"] == f"/media/{item['id']}"

    served = http.get(item["url"])  # before the job ran: made on demand
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    assert "sandbox" in served.headers["content-security-policy"]
    with Image.open(io.BytesIO(served.content)) as large:
        assert large.size == (1200, 800)

    drain_queue()
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = http.get(item["url"], headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""  # a cache's copy is still good
    thumb = http.get(item["thumbnail_url"])
    assert thumb.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert small.format == "JPEG" and max(small.size) == 600


def test_animated_gifs_stay_animated(http, new_user, drain_queue):
    frames = [Image.new("RGB", (900, 300), color) for color in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    item = upload(http, new_user("gif"), out.getvalue(), "moving.gif").json()
    assert item["content_type"] == "image/gif"
    drain_queue()
    for url, width in ((item["url"], 900), (item["thumbnail_url"], 600)):
        served = http.get(url)
        assert served.headers["content-type"] == "image/gif"
        with Image.open(io.BytesIO(served.content)) as image:
            assert (image.n_frames, image.size[0]) == (3, width)


def test_thumbnails_drop_exif_such_as_location(http, new_user, drain_queue):
    ada = new_user("exif")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    item = upload(http, ada, image_bytes("JPEG", exif=exif.tobytes()), "p.jpg").json()
    drain_queue()
    for url in (item["url"], item["thumbnail_url"]):
        with Image.open(io.BytesIO(http.get(url).content)) as served:
            assert dict(served.getexif()) == {}, url


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, not an image", "not an image"),
        (b"", "Choose an image"),
        (b"GIF89a" + b"\x00" * 20, "not an image"),
    ],
)
def test_uploads_that_are_not_images_are_refused(http, new_user, data, message):
    response = upload(http, new_user("bad"), data)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert message in response.json()["errors"]["file"][0]


def test_too_large_and_malformed_uploads(http, new_user, settings):
    ada = new_user("big")
    too_big = upload(http, ada, b"\x89PNG" + b"0" * settings.media_max_bytes)
    assert too_big.status_code == 422 and "at most" in too_big.json()["detail"]
    # over what a form with four images may carry: refused before it is read
    way_too_big = upload(http, ada, b"0" * (5 * settings.media_max_bytes))
    assert way_too_big.status_code == 413
    no_file = http.post("/api/media", data={"x": "y"}, headers=ada["auth"])
    assert no_file.status_code == 422
    assert http.post("/api/media", files={"file": ("a.png", image_bytes())}).status_code == 401


def test_uploads_are_rate_limited_per_account(http, new_user, settings):
    ada = new_user("many")
    tiny = image_bytes(size=(8, 8))
    for _ in range(settings.uploads_per_hour):
        assert upload(http, ada, tiny).status_code == 201
    refused = upload(http, ada, tiny)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many uploads" in refused.json()["detail"]
    assert upload(http, new_user("few"), tiny).status_code == 201  # others are not affected


def test_only_own_unattached_images_up_to_four(http, new_user):
    ada, bob = new_user("own"), new_user("other")
    mine = [upload(http, ada, image_bytes()).json()["id"] for _ in range(5)]
    theirs = upload(http, bob, image_bytes()).json()["id"]

    def post(media_ids, user=ada):
        body = {"text": "with images", "media_ids": media_ids}
        return http.post("/api/tweets", json=body, headers=user["auth"])

    for media_ids in ([theirs], mine, [mine[0], mine[0]], ["not-an-id"], ["99999"]):
        refused = post(media_ids)
        assert refused.status_code == 422, (media_ids, refused.text)
        assert "media_ids" in refused.json()["errors"]
    assert post(mine[:4]).status_code == 201
    assert post([mine[0]]).status_code == 422  # already attached
    assert [m["id"] for m in post([mine[4]]).json()["media"]] == [mine[4]]


def test_deleting_the_post_deletes_its_images(http, new_user, drain_queue):
    ada = new_user("del")
    item = upload(http, ada, image_bytes()).json()
    posted = http.post(
        "/api/tweets", json={"text": "short-lived", "media_ids": [item["id"]]}, headers=ada["auth"]
    ).json()
    drain_queue()
    assert http.get(item["thumbnail_url"]).status_code == 200
    assert http.delete(f"/api/tweets/{posted['id']}", headers=ada["auth"]).status_code == 204
    drain_queue()
    assert http.get(item["url"]).status_code == 404
    assert http.get(item["thumbnail_url"]).status_code == 404


def test_the_compose_box_takes_several_large_images_at_once(base_url):
    """Two photos of 3 MB each: more than one image's limit in one form, still fine."""
    with httpx.Client(base_url=base_url, follow_redirects=True, timeout=60) as browser:
        token = _signed_up_browser(browser)
        photos = [("media", (f"p{n}.png", noise_png(1024, 1024))) for n in range(2)]
        assert sum(len(photo[1][1]) for photo in photos) > 6_000_000
        page = browser.post(
            "/compose", data={"csrf_token": token, "text": "two big ones"}, files=photos
        )
        assert page.status_code == 200, page.text[:300]
        assert len(re.findall(r'<img src="(/media/\d+/thumb)"', page.text)) == 2


def noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress: about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


def _signed_up_browser(browser: httpx.Client) -> str:
    """Sign up through the web forms; returns the CSRF token of the home page."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signup").text)[1]
    name = f"wi{secrets.token_hex(5)}"
    browser.post("/signup", data={"csrf_token": token, "username": name,
                                  "email": f"{name}@example.org",
                                  "password": "a long enough secret"})  # fmt: skip
    return re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text)[1]


def test_media_commands_rebuild_served_versions_and_prune_stray_uploads(
    http, new_user, drain_queue, flock_cli, settings
):
    ada = new_user("cmd")
    kept = upload(http, ada, image_bytes()).json()
    body = {"text": "kept", "media_ids": [kept["id"]]}
    assert http.post("/api/tweets", json=body, headers=ada["auth"]).status_code == 201
    stray = upload(http, ada, image_bytes()).json()  # never attached
    drain_queue()
    stored = settings.media_path / "media"
    (stored / kept["id"] / "thumb").unlink()  # served versions lost

    rebuilt = flock_cli("media", "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "image(s) rendered" in rebuilt.stdout
    assert (stored / kept["id"] / "thumb").exists()  # made again by the command, not a request

    pruned = flock_cli("media", "prune", "--older-than-hours", "0")
    assert pruned.returncode == 0, pruned.stderr
    assert "unattached upload(s) deleted" in pruned.stdout
    assert http.get(stray["url"]).status_code == 404
    assert not (stored / stray["id"] / "original").exists()
    assert http.get(kept["thumbnail_url"]).status_code == 200


def test_the_web_compose_box_takes_images(base_url):
    with httpx.Client(base_url=base_url, follow_redirects=True, timeout=30) as browser:
        token = _signed_up_browser(browser)
        page = browser.post(
            "/compose",
            data={"csrf_token": token, "text": "a picture"},
            files=[("media", ("a.png", image_bytes())), ("media", ("b.png", image_bytes()))],
        )
        assert page.status_code == 200
        images = re.findall(r'<img src="(/media/\d+/thumb)"', page.text)
        assert len(images) == 2
        assert browser.get(images[0]).status_code == 200
        refused = browser.post(
            "/compose",
            data={"csrf_token": token, "text": "kept text"},
            files=[("media", ("x.png", b"not an image"))],
        )
        assert refused.status_code == 422 and "kept text" in refused.text


@pytest.fixture
def s3_stack(stack, tmp_path, monkeypatch):
    """A second app and worker storing media in S3 (moto's server), sharing Neo4j and
    Typesense with the test stack, with their own Redis database (their own queue)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    bucket = f"flock-{secrets.token_hex(4)}"
    s3 = boto3.client("s3", endpoint_url=endpoint)
    s3.create_bucket(Bucket=bucket)
    env = {
        **stack.settings.as_env(),
        "FLOCK_VAR_DIR": str(tmp_path),
        "FLOCK_PORT": str(free_port()),
        "FLOCK_REDIS_URL": stack.settings.redis_url.rsplit("/", 1)[0] + "/1",
        "FLOCK_MEDIA_BACKEND": "s3",
        "FLOCK_S3_BUCKET": bucket,
        "FLOCK_S3_ENDPOINT_URL": endpoint,
        "FLOCK_MEDIA_BASE_URL": CDN,
    }
    second = Stack(stack.settings.from_env({**os.environ, **env}))
    settings = second.start()
    try:
        yield settings, s3, bucket
    finally:
        second.stop()
        server.stop()


CDN = "https://cdn.example.org"


def test_media_in_s3(s3_stack, sign_up, wait_until):
    import redis
    from rq import Queue

    settings, s3, bucket = s3_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        auth = sign_up(http, "s3")["auth"]
        item = http.post("/api/media", files={"file": ("a.png", image_bytes())}, headers=auth)
        assert item.status_code == 201, item.text
        media_id = item.json()["id"]
        assert item.json()["url"] == f"{CDN}/media/{media_id}"  # linked through the CDN
        posted = http.post(
            "/api/tweets", json={"text": "from S3", "media_ids": [media_id]}, headers=auth
        )
        shown = http.get(f"/api/tweets/{posted.json()['id']}").json()["media"][0]
        assert shown["thumbnail_url"] == f"{CDN}/media/{media_id}/thumb"
        assert CDN in http.get("/login").headers["Content-Security-Policy"]
        queue = Queue("default", connection=redis.Redis.from_url(settings.redis_url))
        expected = {"original", "large", "thumb"}
        wait_until(lambda: queue.count == 0 and _keys(s3, bucket, media_id) == expected)
        with Image.open(io.BytesIO(http.get(f"/media/{media_id}/thumb").content)) as small:
            assert small.format == "JPEG"
        for variant in expected:  # encrypted by S3, and the original by Flock before that
            key = f"media/{media_id}/{variant}"
            assert s3.head_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"
        original = s3.get_object(Bucket=bucket, Key=f"media/{media_id}/original")["Body"].read()
        assert original.startswith(b"FLKE1") and image_bytes()[:64] not in original
        assert http.delete(f"/api/tweets/{posted.json()['id']}", headers=auth).status_code == 204
        wait_until(lambda: _keys(s3, bucket, media_id) == set())


def _keys(s3, bucket: str, media_id: str) -> set[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"media/{media_id}/")
    return {item["Key"].rsplit("/", 1)[1] for item in listed.get("Contents", [])}


def huge_canvas_gif(frames: int = 30, side: int = 6000) -> bytes:
    """A 729-byte animation: a 6000x6000 canvas with frames of 1x1 pixel each (whoever decodes
    every frame at canvas size needs gigabytes)."""
    out = b"GIF89a" + struct.pack("<HH", side, side) + b"\x80\x00\x00" + b"\x00" * 3 + b"\xff" * 3
    for _ in range(frames):
        out += b"\x21\xf9\x04\x00\x0a\x00\x00\x00"  # 0.1 s a frame
        out += b"\x2c" + struct.pack("<HHHH", 0, 0, 1, 1) + b"\x00\x02\x02\x44\x01\x00"
    return out + b"\x3b"


def test_decompression_bombs_and_truncated_images_are_refused_at_upload(http, new_user):
    user = new_user("bomb")
    bomb = upload(http, user, huge_canvas_gif(), "bomb.gif")
    assert bomb.status_code == 422 and "too many pixels" in bomb.json()["detail"]
    whole = image_bytes("JPEG", size=(800, 600))
    cut = upload(http, user, whole[: len(whole) // 2], "cut.jpg")
    assert cut.status_code == 422, cut.text
    assert upload(http, user, whole, "whole.jpg").status_code == 201


def test_served_versions_carry_no_metadata_blocks(http, new_user, drain_queue):
    user = new_user("meta")
    secret = b"the-uploaders-secret-note"
    jpeg, gif = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(jpeg, "JPEG", comment=secret)
    frames = [Image.new("P", (60, 40), i) for i in (1, 2)]
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], comment=secret)
    for data, name in ((jpeg.getvalue(), "c.jpg"), (gif.getvalue(), "c.gif")):
        assert secret in data
        item = upload(http, user, data, name).json()
        drain_queue()
        for url in (item["url"], item["thumbnail_url"]):
            served = http.get(url)
            assert served.status_code == 200 and secret not in served.content, (name, url)


def test_rendering_runs_in_a_child_with_a_memory_cap(tmp_path):
    """The renderer caps its own memory before decoding: a 36-megapixel image within the
    upload limits, rendered under a 64 MB cap, fails cleanly; under the default cap it renders."""
    big = io.BytesIO()
    Image.new("RGB", (6000, 6000), (10, 20, 30)).save(big, "PNG")

    def render(memory_mb: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "FLOCK_RENDER_MEMORY_MB": memory_mb}
        return subprocess.run(
            [sys.executable, "-m", "jobs.stores.render_image"], input=big.getvalue(),
            capture_output=True, timeout=120, env=env,
        )  # fmt: skip

    capped = render("64")
    assert capped.returncode != 0 and b"Traceback" not in capped.stderr, capped.stderr[-300:]
    assert render("1024").returncode == 0
