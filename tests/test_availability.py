"""A dead cache degrades, never breaks, a request: with Redis stopped, every page and endpoint a
person or client uses still answers (the graph is the source of truth), and what was written
meanwhile is all there once Redis is back."""

from __future__ import annotations

import re

import httpx


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
        calls = [  # each answers exactly as it does with Redis up
            ("GET", "/healthz", None, None, 200),
            ("GET", "/api/timeline", bob, None, 200),
            ("GET", f"/api/tweets/{tweet_id}", carol, None, 200),
            ("GET", f"/api/tweets/{tweet_id}/thread", None, None, 200),
            ("PUT", f"/api/tweets/{tweet_id}/like", carol, None, 200),
            ("GET", f"/api/tweets/{tweet_id}/likers", None, None, 200),
            ("POST", f"/api/tweets/{tweet_id}/replies", bob, {"text": "me too"}, 201),
            ("PATCH", f"/api/tweets/{tweet_id}", ada, {"text": "still #up, edited"}, 200),
            ("GET", f"/api/users/{ada['username']}", bob, None, 200),
            ("GET", f"/api/users/{ada['username']}/tweets", None, None, 200),
            ("GET", f"/api/users/{ada['username']}/followers", None, None, 200),
            ("PATCH", "/api/users/me", carol, {"bio": "written during the outage"}, 200),
            ("GET", "/api/users/me/suggestions", carol, None, 200),
            ("GET", "/api/trends", None, None, 200),
            ("GET", "/api/search?q=up", carol, None, 200),  # Typesense, not Redis, answers it
            ("DELETE", f"/api/users/{ada['username']}/follow", bob, None, 200),
        ]
        answers = []
        for method, path, user, body, _ in calls:
            headers = user["auth"] if user else {}
            response = http.request(method, path, json=body, headers=headers)
            answers.append((method, path, response.status_code))
        assert answers == [(method, path, code) for method, path, _, _, code in calls]
        timeline = http.get("/api/timeline", headers=ada["auth"]).json()["items"]
        assert [p["text"] for p in timeline] == ["still #up, edited"]
        ready = http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["down"] == ["redis", "worker"]


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
        pages = {"/": 200, f"/u/{name}": 200, "/search?q=dark": 200, "/settings/profile": 200,
                 "/nope": 404}  # fmt: skip
        answers = {path: browser.get(path).status_code for path in pages}
        assert answers == pages
        assert "typed in the dark" in browser.get(f"/u/{name}").text
