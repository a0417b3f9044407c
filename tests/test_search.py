"""Search through the public API, against the real Typesense and the real RQ worker."""

from __future__ import annotations

import random
import string
import threading
import time

import httpx
import pytest


def word(prefix: str = "") -> str:
    """A made-up word no other test uses (letters only, so typos of it make sense)."""
    return prefix + "".join(random.choices(string.ascii_lowercase, k=9))  # noqa: S311


def eventually(check, timeout: float = 60.0, interval: float = 0.2):
    """Call `check` until it returns something truthy; the index is updated by the worker."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def search(http, q: str, kind: str = "tweets", auth: dict | None = None, **params):
    response = http.get("/api/search", params={"q": q, "type": kind, **params}, headers=auth or {})
    assert response.status_code == 200, response.text
    return response.json()


def found_ids(http, q: str, **kwargs) -> list[str]:
    return [item["id"] for item in search(http, q, **kwargs)["items"]]


def tweet(http, user, text: str) -> dict:
    response = http.post("/api/tweets", json={"text": text}, headers=user["auth"])
    assert response.status_code == 201, response.text
    return response.json()


def test_a_new_tweet_becomes_searchable_and_shows_live_counts(http, new_user):
    alice = new_user("alice")
    secret = word()
    posted = tweet(http, alice, f"Gardening notes: the {secret} bloomed today")
    assert eventually(lambda: found_ids(http, secret) == [posted["id"]])
    item = search(http, secret)["items"][0]
    assert item["text"] == posted["text"]
    assert item["author"]["username"] == alice["username"]
    assert item["liked_by_me"] is False


def test_edits_and_deletions_reach_the_index(http, new_user):
    bob = new_user("bob")
    before, after = word(), word()
    posted = tweet(http, bob, f"first draft {before}")
    assert eventually(lambda: found_ids(http, before) == [posted["id"]])

    edited = http.patch(
        f"/api/tweets/{posted['id']}", json={"text": f"second draft {after}"}, headers=bob["auth"]
    )
    assert edited.status_code == 200, edited.text
    assert eventually(lambda: found_ids(http, after) == [posted["id"]])
    assert eventually(lambda: search(http, before)["found"] == 0)

    deleted = http.delete(f"/api/tweets/{posted['id']}", headers=bob["auth"])
    assert deleted.status_code == 204
    assert found_ids(http, after) == []  # hidden at once: hits are checked against the graph
    assert eventually(lambda: search(http, after)["found"] == 0)  # and the document goes


def test_replies_are_searchable_too(http, new_user):
    carol = new_user("carol")
    secret = word()
    parent = tweet(http, carol, "a question for everyone")
    answer = http.post(
        f"/api/tweets/{parent['id']}/replies",
        json={"text": f"my answer is {secret}"},
        headers=carol["auth"],
    )
    assert answer.status_code == 201, answer.text
    assert eventually(lambda: found_ids(http, secret) == [answer.json()["id"]])
    assert search(http, secret)["items"][0]["kind"] == "reply"


def test_typos_are_forgiven(http, new_user):
    dave = new_user("dave")
    secret = word()
    posted = tweet(http, dave, f"I saw a {secret} in the park")
    misspelt = secret[:4] + ("x" if secret[4] != "x" else "y") + secret[5:]
    assert eventually(lambda: posted["id"] in found_ids(http, misspelt))


def test_hashtags_find_tagged_tweets_only(http, new_user):
    erin = new_user("erin")
    tag = word("t")
    tagged = tweet(http, erin, f"Loving this #{tag} weather")
    untagged = tweet(http, erin, f"the word {tag} without the hash")
    assert eventually(lambda: len(found_ids(http, tag)) == 2)
    assert found_ids(http, f"#{tag}") == [tagged["id"]]
    assert found_ids(http, f"#{tag.upper()}") == [tagged["id"]]  # tags ignore case
    assert found_ids(http, f"weather #{tag}") == [tagged["id"]]
    assert found_ids(http, f"hash #{tag}") == []
    assert untagged["id"] in found_ids(http, tag)


def test_users_are_found_by_username_prefix_display_name_and_bio(http, new_user):
    name = word("n")[:12]
    user = new_user(name)
    assert eventually(lambda: user["id"] in found_ids(http, user["username"][:6], kind="users"))
    assert user["id"] in found_ids(http, "@" + user["username"], kind="users")

    display, hobby = word().capitalize(), word()
    patched = http.patch(
        "/api/users/me",
        json={"display_name": f"{display} Smith", "bio": f"I like {hobby}"},
        headers=user["auth"],
    )
    assert patched.status_code == 200
    assert eventually(lambda: found_ids(http, display, kind="users") == [user["id"]])
    assert eventually(lambda: found_ids(http, hobby, kind="users") == [user["id"]])
    item = search(http, display, kind="users")["items"][0]
    assert item["username"] == user["username"] and "email" not in item


def test_deleted_accounts_leave_the_index(http, new_user):
    gone = new_user("gone")
    secret = word()
    tweet(http, gone, f"soon to vanish {secret}")
    assert eventually(lambda: found_ids(http, secret))
    assert eventually(lambda: found_ids(http, gone["username"], kind="users"))
    deleted = http.request(
        "DELETE", "/api/users/me", json={"password": gone["password"]}, headers=gone["auth"]
    )
    assert deleted.status_code == 204, deleted.text
    assert eventually(lambda: search(http, secret)["found"] == 0)
    assert eventually(lambda: search(http, gone["username"], kind="users")["found"] == 0)


def test_followed_authors_outrank_others_with_the_same_text(http, new_user):
    viewer, friend, stranger = new_user("view"), new_user("friend"), new_user("strange")
    assert (
        http.put(f"/api/users/{friend['username']}/follow", headers=viewer["auth"]).status_code
        == 200
    )
    secret = word()
    text = f"Breaking: {secret} spotted downtown"
    from_friend = tweet(http, friend, text)
    from_stranger = tweet(http, stranger, text)  # newer, so it wins when nothing else differs
    both = {from_friend["id"], from_stranger["id"]}
    assert eventually(lambda: set(found_ids(http, secret)) == both)

    assert found_ids(http, secret) == [from_stranger["id"], from_friend["id"]]
    assert found_ids(http, secret, auth=viewer["auth"]) == [from_friend["id"], from_stranger["id"]]


def test_engagement_lifts_a_post_once_its_counts_are_refreshed(http, new_user):
    author, other = new_user("liked"), new_user("plain")
    secret = word()
    older = tweet(http, author, f"{secret} is here")
    newer = tweet(http, other, f"{secret} is here")
    assert eventually(lambda: found_ids(http, secret) == [newer["id"], older["id"]])
    for _ in range(3):
        fan = new_user("fan")
        assert http.put(f"/api/tweets/{older['id']}/like", headers=fan["auth"]).status_code == 200
    assert eventually(lambda: found_ids(http, secret) == [older["id"], newer["id"]])


def test_pages_do_not_overlap(http, new_user):
    author = new_user("pager")
    secret = word()
    ids = {tweet(http, author, f"{secret} number {n}")["id"] for n in range(5)}
    assert eventually(lambda: search(http, secret)["found"] == 5)
    first = search(http, secret, limit=2, page=1)
    second = search(http, secret, limit=2, page=2)
    third = search(http, secret, limit=2, page=3)
    seen = [i["id"] for i in first["items"] + second["items"] + third["items"]]
    assert sorted(seen) == sorted(ids)
    assert (first["next_page"], second["next_page"], third["next_page"]) == (2, 3, None)


@pytest.mark.parametrize(
    "q",
    [
        "&&",
        "a && b",
        "text:foo",
        "`rm`",
        "*",
        "**",
        "foo*",
        "hashtags:=[x]",
        "(",
        "-",
        '"',
        "\\",
        "%00",
        "👍",
        "a || b:>3",
        "filter_by=x",
        "#",
        "##",
        "@",
    ],
)
def test_query_syntax_is_text_or_refused_never_an_error(http, q):
    for kind in ("tweets", "users"):
        response = http.get("/api/search", params={"q": q, "type": kind})
        assert response.status_code in (200, 422), (q, kind, response.text)
        if response.status_code == 422:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["errors"]["q"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "hello", "type": "hashtags"}, "type"),
        ({"q": "hello", "limit": 0}, "limit"),
        ({"q": "hello", "limit": 51}, "limit"),
        ({"q": "hello", "page": 0}, "page"),
    ],
)
def test_bad_search_requests_are_422_problems(http, params, field):
    response = http.get("/api/search", params=params)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in problem["errors"], problem


def test_search_outage_degrades_then_the_index_catches_up(stack, http, new_user):
    """Typesense stopped: posting works, search is a 503 problem; restarted: the index catches
    up from the retried jobs without anyone doing anything."""
    author = new_user("outage")
    secret = word()
    typesense = stack.processes["typesense"]
    typesense.stop()
    try:
        posted = tweet(http, author, f"written while search was down {secret}")
        timeline = http.get("/api/timeline", headers=author["auth"])
        assert timeline.status_code == 200
        assert timeline.json()["items"][0]["id"] == posted["id"]

        down = http.get("/api/search", params={"q": secret})
        assert down.status_code == 503
        assert down.headers["content-type"].startswith("application/problem+json")
        assert "unavailable" in down.json()["detail"]
        assert http.get("/readyz").status_code == 503
        time.sleep(3)  # let the first attempts of the index job fail
    finally:
        typesense.start()
        typesense.wait_ready()
    assert eventually(lambda: found_ids(http, secret) == [posted["id"]], timeout=90)


def test_reindex_rebuilds_from_the_graph_without_a_gap(http, base_url, new_user, flock_cli):
    author = new_user("reidx")
    secret = word()
    posted = tweet(http, author, f"kept across reindexing {secret}")
    assert eventually(lambda: found_ids(http, secret) == [posted["id"]])

    answers: list[tuple[int, list[str]]] = []
    stop = threading.Event()

    def keep_searching():
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while not stop.is_set():
                response = client.get("/api/search", params={"q": secret})
                ids = [i["id"] for i in response.json().get("items", [])]
                answers.append((response.status_code, ids))

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        result = flock_cli("search", "reindex")
    finally:
        stop.set()
        searcher.join()
    assert result.returncode == 0, result.stderr
    assert "indexed" in result.stdout
    assert "Reindexing" in result.stdout + result.stderr
    assert answers and all(answer == (200, [posted["id"]]) for answer in answers), answers[:5]
    assert found_ids(http, author["username"], kind="users") == [author["id"]]
