"""Hostile input gets a clear 4xx and changes nothing: never a 5xx."""

from __future__ import annotations

import time

import httpx
import pytest

PAST_64_BITS = str(2**64 + 7)
PROBLEM = "application/problem+json"


def problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith(PROBLEM)
    return response.json()


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", f"/api/tweets/{PAST_64_BITS}"),
        ("GET", f"/api/tweets/{PAST_64_BITS}/thread"),
        ("GET", f"/api/replies/{PAST_64_BITS}"),
        ("GET", f"/api/tweets/{PAST_64_BITS}/likers"),
        ("PUT", f"/api/tweets/{PAST_64_BITS}/like"),
        ("DELETE", f"/api/tweets/{PAST_64_BITS}"),
        ("POST", f"/api/tweets/{PAST_64_BITS}/replies"),
        ("GET", f"/media/{PAST_64_BITS}"),
    ],
)
def test_ids_past_64_bits_in_urls_are_404(http, new_user, method, path):
    user = new_user("hx")
    body = {"text": "hi"} if method == "POST" else None
    response = http.request(method, path, json=body, headers=user["auth"])
    assert response.status_code == 404, response.text[:300]


def test_ids_past_64_bits_in_web_pages_are_404_or_ignored(http):
    assert http.get(f"/tweets/{PAST_64_BITS}").status_code == 404
    assert http.get(f"/replies/{PAST_64_BITS}/history").status_code == 404
    assert http.get("/", params={"max_id": PAST_64_BITS}).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"max_id": PAST_64_BITS},
        {"since_id": PAST_64_BITS},
        {"max_id": "-1"},
        {"cursor": "WzE4NDQ2NzQ0MDczNzA5NTUxNjIzXQ"},  # [18446744073709551623]
        {"cursor": "WyJ4Il0"},  # ["x"]
    ],
)
def test_page_arguments_past_64_bits_are_422(http, new_user, params):
    user = new_user("hp")
    problem(http.get("/api/timeline", params=params, headers=user["auth"]), 422)
    other = http.get(f"/api/users/{user['username']}/tweets", params=params)
    assert other.status_code in (422, 200) and other.status_code != 500
    if "since_id" not in params:
        problem(other, 422)


@pytest.mark.parametrize(
    "body, says",
    [(b"[" * 1000 + b"]" * 1000, "nested"), (b'{"text": "caf\xe9"}', "UTF-8")],
    ids=["nested-1000-deep", "not-utf8"],
)
def test_unreadable_json_bodies_are_400(http, new_user, body, says):
    user = new_user("hd")
    response = http.post(
        "/api/tweets", content=body, headers={**user["auth"], "content-type": "application/json"}
    )
    assert says in problem(response, 400)["detail"]


def test_a_tweet_with_a_lone_surrogate_is_422_and_not_stored(http, new_user):
    user = new_user("hs")
    response = http.post(
        "/api/tweets",
        content=b'{"text": "broken \\ud800 here"}',
        headers={**user["auth"], "content-type": "application/json"},
    )
    assert "text" in problem(response, 422)["errors"]
    tweets = http.get(f"/api/users/{user['username']}/tweets").json()["items"]
    assert tweets == []


def test_a_chunked_body_past_the_limit_is_413_while_streaming(http, new_user, settings):
    user = new_user("hc")
    sent = 0

    def chunks():
        nonlocal sent
        piece = b'{"text": "' + b"x" * (64 * 1024)
        for _ in range(128):  # 8 MiB, no Content-Length
            sent += len(piece)
            yield piece

    response = http.post(
        "/api/tweets",
        content=chunks(),
        headers={**user["auth"], "content-type": "application/json"},
    )
    problem(response, 413)


@pytest.mark.parametrize(
    "query", ["next=/%0d%0aSet-Cookie:%20x=1", "next=/%0aLocation:%20//x.example"]
)
def test_a_next_link_with_cr_or_lf_is_400(base_url, query):
    with httpx.Client(base_url=base_url, timeout=30) as browser:
        page = browser.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = browser.post(
            f"/login?{query}",
            data={"csrf_token": token, "login": "nobody", "password": "x" * 12},
        )
        assert answer.status_code == 400, answer.status_code


@pytest.mark.parametrize("target", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_log_in_never_redirects_off_site(base_url, http, new_user, target):
    user = new_user("nr")
    with httpx.Client(base_url=base_url, timeout=30) as browser:
        page = browser.get("/login")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = browser.post(
            "/login",
            params={"next": target},
            data={"csrf_token": token, "login": user["username"], "password": user["password"]},
        )
        assert answer.status_code in (302, 303, 400)
        if answer.status_code != 400:
            assert answer.headers["location"] == "/"


def test_neo4j_down_is_a_quick_503_with_retry_after(isolated_stack):
    second, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    neo4j = second.processes["neo4j"]
    neo4j.stop()
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            started = time.monotonic()
            answer = http.get("/api/users/somebody")
            took = time.monotonic() - started
            body = problem(answer, 503)
            assert int(answer.headers["Retry-After"]) > 0 and body["status"] == 503
            assert took < 20, took
            page = http.get("/u/somebody")
            assert page.status_code == 503 and "text/html" in page.headers["content-type"]
    finally:
        neo4j.start()
        neo4j.wait_ready()
