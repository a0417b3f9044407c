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
