"""Live updates: the Server-Sent Events stream of GET /api/streaming, through a real app, Redis
and worker."""

from __future__ import annotations

import json
import queue
import threading
import time

import httpx
import pytest


class Stream:
    """An open /api/streaming response read on a thread: its events, its comment lines, and
    whether it ended."""

    def __init__(self, base_url: str, headers: dict[str, str]):
        self.events: queue.Queue = queue.Queue()
        self.comments: list[str] = []
        self.ended = threading.Event()
        self.status: int | None = None
        self.opened = threading.Event()
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(60, read=60))
        self._thread = threading.Thread(target=self._read, args=(headers,), daemon=True)
        self._thread.start()
        assert self.opened.wait(30), "the stream did not open"

    def _read(self, headers):
        try:
            with self._client.stream("GET", "/api/streaming", headers=headers) as response:
                self.status = response.status_code
                self.content_type = response.headers.get("content-type", "")
                self.opened.set()
                event: dict[str, str] = {}
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.comments.append(line)
                    elif line == "":
                        if event:
                            self.events.put(event)
                        event = {}
                    else:
                        field, _, value = line.partition(": ")
                        event[field] = value
        except httpx.HTTPError:
            pass
        finally:
            self.opened.set()
            self.ended.set()

    def next(self, event_type: str, timeout: float = 30) -> dict:
        """The next event of this type (others before it are skipped), with `data` parsed."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {event_type} event within {timeout:.0f}s")
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                continue
            if event.get("event") == event_type:
                return {**event, "data": json.loads(event["data"])}

    def close(self):
        self._client.close()
        self._thread.join(10)


@pytest.fixture
def open_stream(base_url):
    streams = []

    def start(user, last_event_id=None, url=base_url):
        headers = dict(user["auth"])
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        stream = Stream(url, headers)
        streams.append(stream)
        return stream

    yield start
    for stream in streams:
        stream.close()


def test_new_posts_deletions_and_notifications_arrive_live(http, new_user, open_stream, wait_until):
    reader, author = new_user("sr"), new_user("sa")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])  # active: fan-out serves them
    stream = open_stream(reader)
    assert stream.status == 200 and stream.content_type.startswith("text/event-stream")

    posted = http.post("/api/tweets", json={"text": "live!"}, headers=author["auth"]).json()
    update = stream.next("update")
    assert update["data"] == {"id": posted["id"], "post_id": posted["id"], "reposted_by": None}
    http.delete(f"/api/tweets/{posted['id']}", headers=author["auth"])
    assert stream.next("delete")["data"] == {"id": posted["id"]}

    own = http.post("/api/tweets", json={"text": "mine"}, headers=reader["auth"]).json()
    http.put(f"/api/tweets/{own['id']}/like", headers=author["auth"])
    told = stream.next("notification")["data"]
    assert told == {"type": "like", "actor_id": author["id"], "post_id": own["id"]}
    wait_until(lambda: any("heartbeat" in line for line in stream.comments), timeout=30)


def test_a_stream_resumes_with_last_event_id_without_gaps(http, new_user, open_stream, base_url):
    reader, author = new_user("lr"), new_user("la")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    first = open_stream(reader)
    one = http.post("/api/tweets", json={"text": "one"}, headers=author["auth"]).json()
    seen = first.next("update")
    assert seen["data"]["id"] == one["id"]
    first.close()
    # While no stream is open, fan-out publishes only to those marked online: the mark
    # outlives the stream for a while, so these are logged for the resume.
    two = http.post("/api/tweets", json={"text": "two"}, headers=author["auth"]).json()
    three = http.post("/api/tweets", json={"text": "three"}, headers=author["auth"]).json()
    resumed = open_stream(reader, last_event_id=seen["id"])
    got = [resumed.next("update")["data"]["id"] for _ in range(2)]
    assert got == [two["id"], three["id"]]
    four = http.post("/api/tweets", json={"text": "four"}, headers=author["auth"]).json()
    assert resumed.next("update")["data"]["id"] == four["id"]


def test_streaming_needs_a_token(http):
    assert http.get("/api/streaming").status_code == 401
    bad = http.get("/api/streaming", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_with_redis_down_the_stream_closes_and_pages_keep_working(isolated_stack, sign_up, request):
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        user = sign_up(http, "sd")
        stream = Stream(base, user["auth"])
        assert stream.status == 200
        request.getfixturevalue("redis_stopped")
        assert stream.ended.wait(30), "the stream stayed open without Redis"
        again = http.get("/api/streaming", headers=user["auth"])
        assert again.status_code == 503 and "Retry-After" in again.headers
        assert again.headers["content-type"].startswith("application/problem+json")
        assert http.get("/api/timeline", headers=user["auth"]).status_code == 200
        stream.close()


@pytest.mark.parametrize("ending", ["logout", "everywhere", "password"])
def test_an_open_stream_ends_within_seconds_when_its_log_in_ends(
    http, new_user, open_stream, sign_up, ending
):
    """Log-out, "log out everywhere" (from another device) and a password change each end
    the open stream with an `end` event, within seconds, and its token is refused after."""
    user = new_user("se")
    stream = open_stream(user)
    assert stream.status == 200
    if ending == "logout":
        done = http.post("/api/auth/logout", json={}, headers=user["auth"])
    else:
        other = http.post(
            "/api/auth/token", json={"login": user["username"], "password": user["password"]}
        ).json()
        other_auth = {"Authorization": f"Bearer {other['access_token']}"}
        if ending == "everywhere":
            done = http.post("/api/auth/logout/everywhere", headers=other_auth)
        else:
            change = {"current_password": user["password"], "new_password": "a-new-pass-phrase-9"}
            done = http.put("/api/users/me/password", json=change, headers=other_auth)
    assert done.status_code == 204, done.text
    started = time.monotonic()
    end = stream.next("end", timeout=10)
    assert end["data"]["reason"] == "token_revoked"
    assert stream.ended.wait(10) and time.monotonic() - started < 10
    assert http.get("/api/users/me", headers=user["auth"]).status_code == 401


def test_an_open_stream_ends_when_its_token_expires(http, new_user, base_url, settings):
    """A token that expires while its stream is open ends the stream at its expiry (long
    enough ahead that a loaded machine still opens the stream before it)."""
    from graph.access_tokens import issue_access_token
    from graph.refresh_tokens import family_of

    user = new_user("sx")
    short = issue_access_token(
        settings.replace(access_token_ttl=10), int(user["id"]), family_of(user["refresh"])
    )
    stream = Stream(base_url, {"Authorization": f"Bearer {short}"})
    try:
        assert stream.status == 200
        assert stream.next("end", timeout=40)["data"]["reason"] == "token_expired"
        assert stream.ended.wait(10)
    finally:
        stream.close()


def test_an_account_holds_a_handful_of_streams_at_most(new_user, open_stream, http, settings):
    """The next stream past FLOCK_STREAMS_PER_ACCOUNT is a 429 with a problem body; closing one
    makes room."""
    user = new_user("sc")
    streams = [open_stream(user) for _ in range(settings.streams_per_account)]
    assert all(s.status == 200 for s in streams)
    refused = http.get("/api/streaming", headers=user["auth"])
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.headers["content-type"] == "application/problem+json"
    streams[0].close()
    deadline = time.monotonic() + 15
    while True:  # the stream's server side notices the client has gone
        again = Stream(http.base_url, user["auth"])
        if again.status == 200 or time.monotonic() > deadline:
            break
        again.close()
        time.sleep(0.2)
    assert again.status == 200
    again.close()
    metrics = http.get("/metrics").text
    assert 'flock_streams_refused_total{cap="account"}' in metrics


def test_a_revoked_token_stays_refused_while_redis_is_down(isolated_stack, sign_up, request):
    """The revocation check fails closed: with Redis away it asks the graph."""
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30) as http:
        kept, ended = sign_up(http, "rk"), sign_up(http, "re")
        assert http.post("/api/auth/logout", json={}, headers=ended["auth"]).status_code == 204
        request.getfixturevalue("redis_stopped")
        assert http.get("/api/users/me", headers=ended["auth"]).status_code == 401
        assert http.get("/api/users/me", headers=kept["auth"]).status_code == 200
