"""A dead cache degrades, never breaks, a request: with Redis stopped, every page and endpoint a
person or client uses still answers (the graph is the source of truth), and what was written
meanwhile is all there once Redis is back."""

from __future__ import annotations

import re

import httpx
import pytest


@pytest.fixture
def redis_stopped(isolated_stack):
    """The isolated stack with its Redis stopped for the test, started again after it."""
    second, settings = isolated_stack
    redis_server = second.processes["redis"]
    redis_server.stop()
    try:
        yield settings
    finally:
        redis_server.start()
        redis_server.wait_ready()


def test_every_api_endpoint_answers_while_redis_is_down(isolated_stack, sign_up, request):
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        ada, bob = sign_up(http, "ava"), sign_up(http, "avb")
        request.getfixturevalue("redis_stopped")
        carol = sign_up(http, "avc")  # signing up and logging in
        follow = http.put(f"/api/users/{ada['username']}/follow", headers=bob["auth"])
        assert follow.status_code == 200, follow.text
        tweet = http.post("/api/tweets", json={"text": "still #up"}, headers=ada["auth"])
        assert tweet.status_code == 201, tweet.text
        tweet_id = tweet.json()["id"]
        calls = [
            ("GET", "/healthz", None, None),
            ("GET", "/api/timeline", bob, None),
            ("GET", f"/api/tweets/{tweet_id}", carol, None),
            ("GET", f"/api/tweets/{tweet_id}/thread", None, None),
            ("PUT", f"/api/tweets/{tweet_id}/like", carol, None),
            ("GET", f"/api/tweets/{tweet_id}/likers", None, None),
            ("POST", f"/api/tweets/{tweet_id}/replies", bob, {"text": "me too"}),
            ("PATCH", f"/api/tweets/{tweet_id}", ada, {"text": "still #up, edited"}),
            ("GET", f"/api/users/{ada['username']}", bob, None),
            ("GET", f"/api/users/{ada['username']}/tweets", None, None),
            ("GET", f"/api/users/{ada['username']}/followers", None, None),
            ("PATCH", "/api/users/me", carol, {"bio": "written during the outage"}),
            ("GET", "/api/users/me/suggestions", carol, None),
            ("GET", "/api/trends", None, None),
            ("DELETE", f"/api/users/{ada['username']}/follow", bob, None),
        ]
        for method, path, user, body in calls:
            headers = user["auth"] if user else {}
            response = http.request(method, path, json=body, headers=headers)
            assert response.status_code < 500, (method, path, response.status_code, response.text)
        search = http.get("/api/search", params={"q": "up"}, headers=carol["auth"])
        assert search.status_code in (200, 503), search.text  # Typesense, not Redis, answers it
        assert (
            http.get("/readyz").json()["down"] == ["redis", "worker"]
            or http.get("/readyz").status_code == 503
        )


def test_every_page_answers_while_redis_is_down(isolated_stack, sign_up, request):
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as browser:
        request.getfixturevalue("redis_stopped")
        token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signup").text)[1]
        with httpx.Client(base_url=base, timeout=30) as api:
            person = sign_up(api, "pg")
        name = person["username"]
        form = {"csrf_token": token, "login": name, "password": person["password"]}
        home = browser.post("/login", data=form)
        assert home.status_code == 200 and f"Log out @{name}" in home.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', home.text)[1]
        posted = browser.post("/compose", data={"csrf_token": token, "text": "typed in the dark"})
        assert posted.status_code == 200 and "typed in the dark" in posted.text
        for path in ("/", f"/u/{name}", "/search?q=dark", "/settings/profile", "/nope"):
            page = browser.get(path)
            assert page.status_code < 500, (path, page.status_code, page.text[:300])
        assert "typed in the dark" in browser.get(f"/u/{name}").text
