"""Avatars: made from the name until a picture is uploaded (settings, or the Mastodon API's
update_credentials), then served as squares cropped from it, without metadata, cached for
good; shown on posts, profiles and settings."""

from __future__ import annotations

import io
import re

from conftest import SECRETS_USED  # noqa: F401 - the session's log check sees the tokens
from helpers import image_bytes
from PIL import Image


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _upload(person, data: bytes, name: str = "me.png"):
    token = _csrf(person.get("/settings/profile").text)
    return person.client.post(
        "/settings/avatar",
        data={"csrf_token": token},
        files={"avatar": (name, data, "application/octet-stream")},
    )


def _avatar_urls(html: str) -> list[str]:
    return re.findall(r'<img class="avatar" src="([^"]+)"', html)


def test_an_avatar_is_made_from_the_name_until_a_picture_is_uploaded(visitor, http):
    person = visitor("Ada Lovelace")
    made = _avatar_urls(person.get("/settings/profile").text)[0]
    assert re.fullmatch(r"/avatars/default/AL-\d{1,3}\.svg", made), made
    svg = http.get(made)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "immutable" in svg.headers["cache-control"] and ">AL</text>" in svg.text
    png = http.get(made.replace(".svg", ".png"))
    assert Image.open(io.BytesIO(png.content)).size == (400, 400)
    assert http.get("/avatars/default/<script>-1.svg").status_code == 404

    exif = Image.Exif()
    exif[0x010E] = "secret place"  # ImageDescription: must not survive
    uploaded = _upload(person, image_bytes("JPEG", size=(300, 200), exif=exif.tobytes()))
    assert uploaded.status_code == 200 and "Picture saved." in uploaded.text
    shown = next(url for url in _avatar_urls(uploaded.text) if url.endswith("/96.jpg"))
    assert re.fullmatch(r"/avatars/\d+/96\.jpg", shown), shown
    for size in (48, 96, 400):
        square = http.get(shown.replace("/96.jpg", f"/{size}.jpg"))
        assert square.status_code == 200 and "immutable" in square.headers["cache-control"]
        image = Image.open(io.BytesIO(square.content))
        assert image.size == (size, size) and image.format == "JPEG"
        assert b"secret place" not in square.content and not image.getexif()

    person.tweet("a face at last")
    profile = person.get(f"/u/{person.username}").text
    assert shown in _avatar_urls(profile)  # the profile's head
    assert shown.replace("/96.jpg", "/48.jpg") in _avatar_urls(profile)  # the post's author


def test_a_bad_picture_is_refused_with_a_message_and_changes_nothing(visitor):
    person = visitor()
    before = _avatar_urls(person.get("/settings/profile").text)[0]
    refused = _upload(person, b"this is not an image", name="notes.txt")
    assert refused.status_code == 422
    assert 'id="avatar-error"' in refused.text
    assert _avatar_urls(person.get("/settings/profile").text)[0] == before


def test_mastodon_apps_see_and_set_the_avatar(http, new_user):
    user = new_user("av")
    me = http.get("/api/v1/accounts/verify_credentials", headers=user["auth"]).json()
    made = http.get(me["avatar"])  # a PNG: apps cannot all show SVG
    assert made.status_code == 200 and made.headers["content-type"] == "image/png"
    assert http.get(me["header"]).status_code == 200
    changed = http.patch(
        "/api/v1/accounts/update_credentials",
        files={"avatar": ("a.png", image_bytes(), "image/png")},
        data={"note": "hello"},
        headers=user["auth"],
    )
    assert changed.status_code == 200, changed.text
    avatar = changed.json()["avatar"]
    assert re.search(r"/avatars/\d+/400\.jpg$", avatar), avatar
    assert Image.open(io.BytesIO(http.get(avatar).content)).size == (400, 400)
    assert changed.json()["note"] == "<p>hello</p>"
    flock = http.get(f"/api/users/{user['username']}").json()  # Flock's own API: the same face
    assert flock["avatar_url"] == f"/avatars/{flock['avatar_id']}/96.jpg"
    assert avatar.endswith(f"/avatars/{flock['avatar_id']}/400.jpg")
    posted = http.post("/api/tweets", json={"text": "with a face"}, headers=user["auth"]).json()
    assert posted["author"]["avatar_id"] == flock["avatar_id"]
    banner = http.patch(
        "/api/v1/accounts/update_credentials",
        files={"header": ("h.png", image_bytes(), "image/png")},
        headers=user["auth"],
    )
    assert banner.status_code == 200, banner.text
    header = banner.json()["header"]
    assert re.search(r"/banners/\d+/1500\.jpg$", header), header
    assert Image.open(io.BytesIO(http.get(header).content)).size == (1500, 500)
    flock = http.get(f"/api/users/{user['username']}").json()
    assert header.endswith(f"/banners/{flock['banner_id']}/1500.jpg")
    small = http.get(f"/banners/{flock['banner_id']}/600.jpg")
    assert Image.open(io.BytesIO(small.content)).size == (600, 200)
    assert "immutable" in small.headers["cache-control"]
    assert http.get(f"/banners/{flock['banner_id']}/700.jpg").status_code == 404


def test_a_banner_crosses_the_profile_cropped_to_three_by_one(visitor, http):
    person = visitor("Bea Banner")
    assert 'class="banner"></div>' in person.get(f"/u/{person.username}").text  # a band, empty
    token = _csrf(person.get("/settings/profile").text)
    exif = Image.Exif()
    exif[0x010E] = "secret place"
    picture = image_bytes("JPEG", size=(900, 900), exif=exif.tobytes())
    saved = person.client.post(
        "/settings/banner", data={"csrf_token": token},
        files={"banner": ("wide.jpg", picture, "application/octet-stream")},
    )  # fmt: skip
    assert saved.status_code == 200 and "Banner saved." in saved.text
    profile = person.get(f"/u/{person.username}").text
    found = re.search(r'<div class="banner"><img src="(/banners/\d+/1500\.jpg)" srcset="', profile)
    assert found, profile[:2000]
    for width, height in ((1500, 500), (600, 200)):
        strip = http.get(found.group(1).replace("/1500.jpg", f"/{width}.jpg"))
        image = Image.open(io.BytesIO(strip.content))
        assert image.size == (width, height) and image.format == "JPEG"
        assert b"secret place" not in strip.content and not image.getexif()
    token = _csrf(saved.text)
    refused = person.client.post(
        "/settings/banner", data={"csrf_token": token},
        files={"banner": ("x.png", b"not an image", "application/octet-stream")},
    )  # fmt: skip
    assert refused.status_code == 422 and 'id="banner-error"' in refused.text
    assert found.group(1) in person.get(f"/u/{person.username}").text  # unchanged
