"""Every operation of the OpenAPI document, walked two ways, generated from the document so
that an endpoint is covered the day it is added:

- as a stranger whose access token was revoked by log-out: every operation that takes a token
  answers 401 (the token is refused from the moment its log-in ended);
- as an account the author blocked: every operation on the author or on the author's posts
  answers 404 or refuses, and no answer anywhere shows the author's words (search, timelines,
  notifications, lists, histories included).

No answer is a 5xx, and every status is one the document lists for the operation.
"""

from __future__ import annotations

import io
import secrets

import httpx
import pytest
from helpers import image_bytes

SKIP = {
    ("/api/streaming", "get"),  # a stream: covered by tests/test_streaming.py
}
# What would end the blocked account's own log-in halfway through its walk.
NOT_AS_BLOCKED = {("/api/auth/logout", "post"), ("/api/auth/logout/everywhere", "post")}
# Bodies that pass validation, by the schema name quart-schema gives the operation's body.
BODIES = {
    "NewPost": {"text": "walking every endpoint"},
    "PostText": {"text": "walking every endpoint"},
    "ProfilePatch": {"bio": "walked"},
    "PasswordChange": {"current_password": "wrong-password-1", "new_password": "x" * 12 + "Q1!"},
    "EmailChange": {"email": "walker@example.org", "current_password": "wrong-password-1"},
    "DeleteAccountRequest": {"password": "wrong-password-1"},
    "LogoutRequest": {},
    "RefreshRequest": {"refresh_token": "not.a-token"},
    "TokenRequest": {"login": "nobody_here", "password": "wrong-password-1"},
    "SignupRequest": None,  # made per call (a fresh name)
    "AnalyticsQuery": {"name": "most_followed", "params": {"limit": 3}},
    "MarkRead": {},
}


@pytest.fixture(scope="module")
def document(base_url):
    with httpx.Client(base_url=base_url) as client:
        return client.get("/api/openapi.json").json()


@pytest.fixture(scope="module")
def world(base_url, sign_up):
    """An author with a tweet, a reply and an image, each holding a word no one else wrote; an
    account the author blocks (it followed the author first); a stranger logged out."""
    secret = f"zq{secrets.token_hex(6)}"
    with httpx.Client(base_url=base_url, timeout=30) as http:
        author = sign_up(http, "wa")
        blocked, stranger = sign_up(http, "wb"), sign_up(http, "ws")
        http.patch("/api/users/me", json={"bio": f"bio {secret}"}, headers=author["auth"])
        followed = http.put(f"/api/users/{author['username']}/follow", headers=blocked["auth"])
        assert followed.status_code == 200, followed.text
        media = http.post(
            "/api/media", files={"file": ("a.png", image_bytes())}, headers=author["auth"]
        ).json()
        tweet = http.post(
            "/api/tweets",
            json={"text": f"tweet {secret}", "media_ids": [media["id"]]},
            headers=author["auth"],
        ).json()
        reply = http.post(
            f"/api/tweets/{tweet['id']}/replies",
            json={"text": f"reply {secret}"},
            headers=author["auth"],
        ).json()
        http.patch(f"/api/tweets/{tweet['id']}", json={"text": f"edited tweet {secret}"},
                   headers=author["auth"])  # fmt: skip
        blocking = http.put(f"/api/users/{blocked['username']}/block", headers=author["auth"])
        assert blocking.status_code == 200, blocking.text
        out = http.post("/api/auth/logout", json={}, headers=stranger["auth"])
        assert out.status_code == 204, out.text
    return {
        "secret": secret,
        "author": author,
        "blocked": blocked,
        "stranger": stranger,
        "tweet": tweet,
        "reply": reply,
        "media": media,
    }


def operations(document):
    for path, methods in sorted(document["paths"].items()):
        for method, operation in sorted(methods.items()):
            if (path, method) not in SKIP:
                yield path, method, operation


def test_the_walk_covers_every_operation(document):
    """Nothing is left out by accident: every operation but the stream is walked (and the
    stream's own 200 is documented, as an event stream)."""
    walked = list(operations(document))
    assert len(walked) >= 50
    assert {p for p, m in SKIP} <= set(document["paths"])
    stream = document["paths"]["/api/streaming"]["get"]["responses"]
    assert "text/event-stream" in stream["200"]["content"]
    assert {"401", "429", "503"} <= set(stream)


def test_a_revoked_token_is_refused_everywhere(document, world, base_url):
    refused = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for path, method, operation in operations(document):
            if not operation.get("security"):
                continue  # takes no token (sign-up, log-in, refresh, reads for anyone)
            response = _call(http, document, path, method, operation, world, world["stranger"])
            _documented(response, path, method, operation)
            if response.status_code != 401:
                refused.append(f"{method.upper()} {path}: {response.status_code}")
    assert refused == []


def test_a_blocked_account_sees_nothing_of_the_blocker(document, world, base_url):
    leaks, shown = [], []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for path, method, operation in operations(document):
            if (path, method) in NOT_AS_BLOCKED:
                continue
            response = _call(http, document, path, method, operation, world, world["blocked"])
            _documented(response, path, method, operation)
            if world["secret"] in response.text:
                leaks.append(f"{method.upper()} {path}: {response.status_code}")
            names_author = "{username}" in path or "{post_id}" in path or "{media_id}" in path
            if names_author and method == "get" and response.status_code < 400:
                if "{media_id}" not in path:  # an image's bytes are public by URL
                    shown.append(f"{method.upper()} {path}: {response.status_code}")
    assert leaks == []
    assert shown == []


def _call(http, document, path, method, operation, world, caller) -> httpx.Response:
    url = _fill(path, world)
    params = {}
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter.get("required"):
            params[parameter["name"]] = world["secret"] if parameter["name"] == "q" else "1"
    if path == "/api/search":
        params["q"] = world["secret"]
    headers = {**caller["auth"]} if operation.get("security") else {}
    kwargs = {"params": params, "headers": headers}
    body = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in body:
        kwargs["files"] = {"file": ("b.png", io.BytesIO(image_bytes()))}
    elif "application/json" in body:
        kwargs["json"] = _body(document, body["application/json"]["schema"])
    return http.request(method.upper(), url, **kwargs)


def _fill(path: str, world) -> str:
    return (
        path.replace("{collection}", "tweets")
        .replace("{post_id}", str(world["tweet"]["id"]))
        .replace("{username}", world["author"]["username"])
        .replace("{media_id}", str(world["media"]["id"]))
    )


def _body(document, schema: dict) -> dict:
    name = schema.get("$ref", "").rpartition("/")[2]
    if name == "SignupRequest":
        username = f"w{secrets.token_hex(5)}"
        return {"username": username, "email": f"{username}@example.org",
                "password": f"pw-{secrets.token_hex(8)}"}  # fmt: skip
    return BODIES.get(name, {})


def _documented(response: httpx.Response, path: str, method: str, operation: dict) -> None:
    assert response.status_code < 500, f"{method.upper()} {path}: {response.text}"
    listed = {str(code) for code in operation.get("responses", {})}
    assert str(response.status_code) in listed, (
        f"{method.upper()} {path} answered {response.status_code}, not in {sorted(listed)}"
    )


def test_search_counts_only_what_the_viewer_may_see(world, base_url, wait_until):
    """A word only the blocker wrote is not even counted for the blocked account; the author
    finds it."""
    with httpx.Client(base_url=base_url, timeout=30) as http:

        def found(caller) -> int:
            response = http.get(
                "/api/search", params={"q": world["secret"]}, headers=caller["auth"]
            )
            return response.json().get("found", -1) if response.status_code == 200 else -1

        wait_until(lambda: found(world["author"]) >= 1, timeout=120)
        assert found(world["blocked"]) == 0
        people = http.get(
            "/api/search",
            params={"q": world["author"]["username"], "type": "users"},
            headers=world["blocked"]["auth"],
        ).json()
        assert people["found"] == 0 and people["items"] == []


def test_a_blocked_account_cannot_read_the_edit_history(world, base_url):
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for kind, post in (("tweets", world["tweet"]), ("replies", world["reply"])):
            url = f"/api/{kind}/{post['id']}/history"
            assert http.get(url, headers=world["author"]["auth"]).status_code == 200
            refused = http.get(url, headers=world["blocked"]["auth"])
            assert refused.status_code == 404 and world["secret"] not in refused.text


def test_an_integer_past_64_bits_is_a_422_not_a_500(world, base_url, flock_cli):
    """Analysts' `limit`, the audit trail's `after_seq`, and ids in queries: all bounded before
    they reach Neo4j (flock/core/db.py `bounded`)."""
    author = world["author"]
    for role in ("analyst", "admin"):
        assert flock_cli("users", "grant", author["username"], role).returncode == 0
    big = 2**70
    with httpx.Client(base_url=base_url, timeout=30, headers=author["auth"]) as http:
        answers = [
            http.post("/api/analytics/query",
                      json={"name": "most_followed", "params": {"limit": big}}),
            http.get("/api/admin/audit", params={"after_seq": big}),
            http.get("/api/timeline", params={"max_id": big}),
        ]  # fmt: skip
    for response in answers:
        assert response.status_code == 422, (response.request.url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
