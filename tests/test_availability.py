"""A dead cache degrades, never breaks, a request: with Redis stopped, every page and endpoint a
person or client uses still answers (the graph is the source of truth), and what was written
meanwhile is all there once Redis is back."""

from __future__ import annotations

import os
import re
import signal
import threading
import time

import httpx
import redis

from jobs.stores.feeds import feed_key


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


def test_a_hung_neo4j_is_answered_fast_and_service_resumes_on_its_own(isolated_stack, sign_up):
    """Neo4j stopped (SIGSTOP: alive, its sockets open, answering nothing) under eight clients:
    no request waits past the deadline (FLOCK_NEO4J_DEADLINE, then 503 with Retry-After), warm
    home pages keep being served from Redis, nothing acknowledged is lost, and within seconds
    of SIGCONT writes succeed again, with no restart."""
    second, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    neo4j_pid = second.processes["neo4j"].process.pid
    with httpx.Client(base_url=base, timeout=60) as http:
        reader, author, writer = sign_up(http, "hr"), sign_up(http, "ha"), sign_up(http, "hw")
        http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
        http.post("/api/tweets", json={"text": "before the hang"}, headers=author["auth"])
        deadline = time.monotonic() + 60
        while not any(  # the reader's feed is built and warm
            p["text"] == "before the hang"
            for p in http.get("/api/timeline", headers=reader["auth"]).json()["items"]
        ):
            assert time.monotonic() < deadline, "the feed never got the post"
            time.sleep(0.2)
        rds = redis.Redis.from_url(settings.redis_url)
        while not rds.exists(feed_key(int(reader["id"]))):  # built by the worker: warm pages
            assert time.monotonic() < deadline, "the reader's feed was never built"
            time.sleep(0.2)
        for _ in range(3):  # read again: the post's copy is whole in Redis
            assert http.get("/api/timeline", headers=reader["auth"]).status_code == 200

    stop, results, acknowledged = threading.Event(), [], []

    def client(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while not stop.is_set():
                started = time.monotonic()
                if n % 2:
                    r = c.post("/api/tweets", json={"text": f"hang {n} {time.time_ns()}"},
                               headers=writer["auth"])  # fmt: skip
                    if r.status_code == 201:
                        acknowledged.append(r.json()["id"])
                else:
                    r = c.get("/api/timeline", headers=reader["auth"])
                results.append((n % 2, time.monotonic() - started, r.status_code, r.headers))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        os.kill(neo4j_pid, signal.SIGSTOP)
        hung_from = len(results)
        stop.wait(20)  # twenty seconds of a hung Neo4j under load (the scenario, not a wait)
        during = results[hung_from:]
        os.kill(neo4j_pid, signal.SIGCONT)
        resumed_at = time.monotonic()
        end = resumed_at + 30
        while time.monotonic() < end:
            recent = [r for r in results[-8:] if r[0] == 1]
            if recent and recent[-1][2] == 201:
                break
            stop.wait(0.2)
        resumed_in = time.monotonic() - resumed_at
    finally:
        os.kill(neo4j_pid, signal.SIGCONT)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    assert during, "no request finished while Neo4j was stopped"
    slowest = max(seconds for _, seconds, _, _ in during)
    assert slowest < settings.neo4j_deadline + 3, f"a request waited {slowest:.1f}s"
    assert all(status in (200, 201, 503) for _, _, status, _ in during)
    refused = [headers for _, _, status, headers in during if status == 503]
    assert refused and all(int(h["Retry-After"]) > 0 for h in refused)
    warm = [status for kind, _, status, _ in during if kind == 0]
    assert warm.count(200) >= len(warm) // 2, "warm pages stopped being served"
    assert resumed_in < 15, f"writes took {resumed_in:.1f}s to come back"
    with httpx.Client(base_url=base, timeout=60) as http:
        for post_id in acknowledged:
            assert http.get(f"/api/tweets/{post_id}").status_code == 200, post_id
