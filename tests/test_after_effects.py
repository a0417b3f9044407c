"""What follows a write, seen from outside: every after-effect goes through jobs/events.py, so a
deletion leaves nothing behind in any store, and limits hold under concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis
from helpers import image_bytes, upload

from jobs.stores.feeds import feed_key
from jobs.stores.media import VARIANTS, media_key
from jobs.stores.render_image import AVATARS, BANNERS, SERVED


@pytest.fixture
def rds(settings):
    with redis.Redis.from_url(settings.redis_url) as connection:
        yield connection


def search(http, kind: str, q: str, auth=None) -> list[dict]:
    response = http.get("/api/search", params={"q": q, "type": kind}, headers=auth or {})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_deleting_an_account_leaves_nothing_in_any_store(
    http, new_user, drain_queue, rds, settings
):
    """Posts, likes, follows both ways, the followers' feeds, the search documents and the
    stored image bytes (a post's, the avatar's and the banner's, every version): all gone once
    the worker has run the account's after-effects."""
    leaver, fan, friend = new_user("lv"), new_user("fa"), new_user("fr")
    http.put(f"/api/users/{leaver['username']}/follow", headers=fan["auth"])
    http.put(f"/api/users/{friend['username']}/follow", headers=leaver["auth"])
    http.get("/api/timeline", headers=fan["auth"])  # the fan is active: their feed is built
    drain_queue()
    word = f"farewell{leaver['id'][-6:]}"
    image = upload(http, leaver, image_bytes()).json()
    posts = [
        http.post(
            "/api/tweets", json={"text": f"{word} one", "media_ids": [image["id"]]},
            headers=leaver["auth"],
        ).json(),
        http.post("/api/tweets", json={"text": f"{word} two"}, headers=leaver["auth"]).json(),
    ]  # fmt: skip
    liked = http.post("/api/tweets", json={"text": "liked by the leaver"}, headers=friend["auth"])
    http.put(f"/api/tweets/{liked.json()['id']}/like", headers=leaver["auth"])
    drain_queue()
    assert all(rds.zscore(feed_key(fan["id"]), p["id"]) is not None for p in posts)
    assert len(search(http, "tweets", word)) == 2
    assert search(http, "users", leaver["username"])
    faces = http.patch(
        "/api/v1/accounts/update_credentials",
        files={"avatar": ("a.png", image_bytes(), "image/png"),
               "header": ("h.png", image_bytes(), "image/png")},
        headers=leaver["auth"],
    )  # fmt: skip
    assert faces.status_code == 200, faces.text
    profile = http.get(f"/api/users/{leaver['username']}").json()
    images = {"post": image["id"], "avatar": profile["avatar_id"], "banner": profile["banner_id"]}
    stored = [
        settings.media_path / media_key(int(media_id), variant)
        for kind, media_id in images.items()
        for variant in VARIANTS
        if variant == "original" or variant.startswith(kind) or (kind == "post" and
                                                                  variant in SERVED)
    ]  # fmt: skip
    assert len(stored) == 1 + len(SERVED) + 1 + len(AVATARS) + 1 + len(BANNERS)
    assert all(path.exists() for path in stored), [p for p in stored if not p.exists()]

    gone = http.request(
        "DELETE", "/api/users/me", json={"password": leaver["password"]}, headers=leaver["auth"]
    )
    assert gone.status_code == 204
    drain_queue()

    assert [rds.zscore(feed_key(fan["id"]), p["id"]) for p in posts] == [None, None]
    assert rds.exists(feed_key(leaver["id"])) == 0
    assert all(http.get(f"/api/tweets/{p['id']}").status_code == 404 for p in posts)
    assert search(http, "tweets", word) == []
    assert search(http, "users", leaver["username"]) == []
    assert http.get(f"/api/tweets/{liked.json()['id']}").json()["like_count"] == 0
    fan_profile = http.get(f"/api/users/{fan['username']}").json()
    friend_profile = http.get(f"/api/users/{friend['username']}").json()
    assert fan_profile["following_count"] == 0 and friend_profile["follower_count"] == 0
    assert http.get(image["url"]).status_code == 404
    assert [path for path in stored if path.exists()] == []
    timeline = http.get("/api/timeline", headers=fan["auth"]).json()["items"]
    assert [p for p in timeline if p["author"]["username"] == leaver["username"]] == []


def test_deleting_a_post_deletes_its_image_bytes(http, new_user, drain_queue, settings):
    ada = new_user("im")
    image = upload(http, ada, image_bytes()).json()
    posted = http.post(
        "/api/tweets", json={"text": "with a picture", "media_ids": [image["id"]]},
        headers=ada["auth"],
    ).json()  # fmt: skip
    drain_queue()
    stored = [settings.media_path / media_key(int(image["id"]), v) for v in ("original", *SERVED)]
    assert all(path.exists() for path in stored)
    assert http.delete(f"/api/tweets/{posted['id']}", headers=ada["auth"]).status_code == 204
    drain_queue()
    assert [path for path in stored if path.exists()] == []


def _at_once(count: int, send) -> list[int]:
    """`count` requests sent together; their status codes."""
    with ThreadPoolExecutor(max_workers=count) as pool:
        return sorted(pool.map(lambda i: send(i).status_code, range(count)))


def test_concurrent_log_in_guesses_try_exactly_the_limit(base_url, new_user, settings, rds):
    user = new_user("lg")
    limit = settings.login_max_attempts
    with httpx.Client(base_url=base_url, timeout=60) as client:
        codes = _at_once(
            limit + 15,
            lambda i: client.post(
                "/api/auth/token",
                # the account's counter is one, whichever name reaches it
                json={"login": user["username"] if i % 2 else f"{user['username']}@example.org",
                      "password": f"wrong guess {i}"},
            ),
        )  # fmt: skip
    for key in rds.scan_iter("throttle:login:*"):
        rds.delete(key)
    assert codes.count(401) == limit
    assert codes.count(429) == 15


TINY_PNG = image_bytes(size=(8, 8))
SENDERS = {
    "posts_per_hour": lambda client, user, i: client.post(
        "/api/tweets", json={"text": f"n{i}"}, headers=user["auth"]
    ),
    "uploads_per_hour": lambda client, user, i: upload(client, user, TINY_PNG),
}


@pytest.mark.parametrize("limit_name", sorted(SENDERS))
def test_concurrent_actions_over_a_limit_let_exactly_the_limit_through(
    base_url, new_user, settings, limit_name
):
    user = new_user("rl")
    limit, send = getattr(settings, limit_name), SENDERS[limit_name]
    with httpx.Client(base_url=base_url, timeout=60) as client:
        codes = _at_once(limit + 8, lambda i: send(client, user, i))
    assert codes.count(201) == limit
    assert codes.count(429) == 8
