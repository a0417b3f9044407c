"""Reposts and quote posts through the JSON API: timelines, counts, lists, undoing, deleting."""

from __future__ import annotations

import concurrent.futures
import time
import uuid

import httpx


def tweet(http, user, text="hello flock", **fields):
    response = http.post("/api/tweets", json={"text": text, **fields}, headers=user["auth"])
    assert response.status_code == 201, response.text
    return response.json()


def follow(http, follower, followee):
    response = http.put(f"/api/users/{followee['username']}/follow", headers=follower["auth"])
    assert response.status_code == 200, response.text


def timeline(http, user):
    response = http.get("/api/timeline", params={"limit": 50}, headers=user["auth"])
    assert response.status_code == 200, response.text
    return response.json()["items"]


def entries(http, user):
    """(post id, who reposted it or None) for each entry of the user's home timeline."""
    return [
        (p["id"], p["reposted_by"]["username"] if p["reposted_by"] else None)
        for p in timeline(http, user)
    ]


def test_a_repost_reaches_followers_once_and_leaves_when_undone(http, new_user, drain_queue):
    author, sharer, other, reader = (new_user(p) for p in ("ra", "rs", "ro", "rr"))
    follow(http, reader, sharer)
    follow(http, reader, other)
    posted = tweet(http, author, "worth sharing")
    drain_queue()
    shared = http.put(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    assert shared.status_code == 200, shared.text
    assert shared.json() == {"reposted": True, "repost_count": 1, "post_id": posted["id"]}
    again = http.put(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    assert again.json()["repost_count"] == 1  # idempotent
    drain_queue()
    assert entries(http, reader) == [(posted["id"], sharer["username"])]
    assert entries(http, sharer) == [(posted["id"], sharer["username"])]  # one's own repost
    item = timeline(http, reader)[0]
    assert item["entry_id"] != item["id"] and item["repost_count"] == 1
    assert item["author"]["username"] == author["username"] and item["reposted_by_me"] is False
    mine = http.get(f"/api/tweets/{posted['id']}", headers=sharer["auth"]).json()
    assert mine["reposted_by_me"] is True

    # A second repost of the same post by someone else the reader follows: still shown once.
    http.put(f"/api/tweets/{posted['id']}/repost", headers=other["auth"])
    drain_queue()
    assert entries(http, reader) == [(posted["id"], sharer["username"])]

    # The first repost undone: the later one takes its place; both undone: gone.
    undone = http.delete(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    assert undone.json() == {"reposted": False, "repost_count": 1, "post_id": posted["id"]}
    drain_queue()
    assert entries(http, reader) == [(posted["id"], other["username"])]
    assert entries(http, sharer) == []
    http.delete(f"/api/tweets/{posted['id']}/repost", headers=other["auth"])
    drain_queue()
    assert entries(http, reader) == []
    twice = http.delete(f"/api/tweets/{posted['id']}/repost", headers=other["auth"])
    assert twice.status_code == 200 and twice.json()["repost_count"] == 0


def test_a_followed_authors_post_is_not_repeated_by_reposts(http, new_user, drain_queue):
    author, sharer, reader = new_user("fa"), new_user("fs"), new_user("fr")
    follow(http, reader, author)
    follow(http, reader, sharer)
    posted = tweet(http, author, "seen already")
    drain_queue()
    http.put(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    drain_queue()
    assert entries(http, reader) == [(posted["id"], None)]


def test_reposting_a_repost_reposts_the_original_and_replies_can_be_reposted(
    http, new_user, drain_queue
):
    author, first, second = new_user("oa"), new_user("o1"), new_user("o2")
    follow(http, second, first)
    posted = tweet(http, author, "original")
    http.put(f"/api/tweets/{posted['id']}/repost", headers=first["auth"])
    drain_queue()
    seen = timeline(http, second)[0]
    again = http.put(f"/api/tweets/{seen['entry_id']}/repost", headers=second["auth"])
    assert again.status_code == 200
    assert again.json() == {"reposted": True, "repost_count": 2, "post_id": posted["id"]}
    answer = http.post(
        f"/api/tweets/{posted['id']}/replies", json={"text": "a reply"}, headers=author["auth"]
    ).json()
    shared = http.put(f"/api/replies/{answer['id']}/repost", headers=first["auth"])
    assert shared.status_code == 200 and shared.json()["repost_count"] == 1
    wrong_kind = http.put(f"/api/tweets/{answer['id']}/repost", headers=first["auth"])
    assert wrong_kind.status_code == 404


def test_reposting_missing_or_deleted_posts_is_a_404(http, new_user):
    author, sharer = new_user("ma"), new_user("ms")
    posted = tweet(http, author)
    http.delete(f"/api/tweets/{posted['id']}", headers=author["auth"])
    for verb in ("PUT", "DELETE"):
        gone = http.request(verb, f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
        assert gone.status_code == 404
        assert gone.headers["content-type"].startswith("application/problem+json")
    assert http.put("/api/tweets/12345/repost", headers=sharer["auth"]).status_code == 404
    assert http.put("/api/tweets/1/repost").status_code == 401


def test_a_deleted_original_hides_its_reposts(http, new_user, drain_queue):
    author, sharer, reader = new_user("da"), new_user("ds"), new_user("dr")
    follow(http, reader, sharer)
    posted = tweet(http, author, "soon gone")
    http.put(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    drain_queue()
    assert entries(http, reader) == [(posted["id"], sharer["username"])]
    http.delete(f"/api/tweets/{posted['id']}", headers=author["auth"])
    assert entries(http, reader) == []
    drain_queue()
    assert entries(http, reader) == []
    reposters = http.get(f"/api/tweets/{posted['id']}/reposted_by")
    assert reposters.status_code == 404


def test_reposted_by_lists_reposters_newest_first(http, new_user):
    author = new_user("la")
    posted = tweet(http, author)
    sharers = [new_user("ls") for _ in range(3)]
    for sharer in sharers:
        http.put(f"/api/tweets/{posted['id']}/repost", headers=sharer["auth"])
    first = http.get(f"/api/tweets/{posted['id']}/reposted_by", params={"limit": 2}).json()
    rest = http.get(
        f"/api/tweets/{posted['id']}/reposted_by",
        params={"limit": 2, "cursor": first["next_cursor"]},
    ).json()
    names = [u["username"] for page in (first, rest) for u in page["items"]]
    assert names == [s["username"] for s in reversed(sharers)]
    assert rest["next_cursor"] is None


def patiently(client: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
    """A request sent as a careful client sends it: a 503 (Neo4j busy past its deadline) is
    sent again after its Retry-After, with the same Idempotency-Key, so it is made once."""
    headers = {**kwargs.pop("headers"), "Idempotency-Key": uuid.uuid4().hex}
    for _ in range(10):
        response = client.request(method, url, headers=headers, **kwargs)
        if response.status_code != 503:
            return response
        time.sleep(int(response.headers["Retry-After"]))  # the server's word, not a guess
    return response


def test_fifty_simultaneous_reposts_quotes_and_replies_count_exactly(http, new_user, base_url):
    """Reposts, quotes and replies of one post all at once count exactly; a request refused
    while Neo4j is busy (503) and sent again is still made once."""
    author = new_user("ca")
    posted = tweet(http, author)
    fans = [new_user("cf") for _ in range(50)]

    def share(fan):
        with httpx.Client(base_url=base_url, timeout=60) as client:
            put = patiently(
                client, "PUT", f"/api/tweets/{posted['id']}/repost", headers=fan["auth"]
            )
            quote = {"text": "look", "quote_id": posted["id"]}
            made = patiently(client, "POST", "/api/tweets", json=quote, headers=fan["auth"])
            answer = patiently(
                client, "POST", f"/api/tweets/{posted['id']}/replies", json={"text": "+1"},
                headers=fan["auth"],
            )  # fmt: skip
            return put.status_code, made.status_code, answer.status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(share, fans))
    assert statuses == [(200, 201, 201)] * 50
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(share, [fans[0]] * 10))  # one user, concurrently: still one repost
    read = http.get(f"/api/tweets/{posted['id']}").json()
    assert (read["repost_count"], read["quote_count"], read["reply_count"]) == (50, 60, 60)


def test_a_post_sent_again_with_its_idempotency_key_is_made_once(http, new_user):
    """The same Idempotency-Key (sent again, or twice at once) answers with the same post;
    keys are per account, and another key makes another post."""
    user, other = new_user("ik"), new_user("ik")
    key = {"Idempotency-Key": f"draft-{uuid.uuid4().hex}"}

    def send(_):
        body = {"text": "only once"}
        return http.post("/api/tweets", json=body, headers={**user["auth"], **key}).json()["id"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(send, range(4)))
    assert len(ids) == 1
    posted = ids.pop()
    again = http.post("/api/tweets", json={"text": "only once"}, headers={**user["auth"], **key})
    assert again.status_code == 201 and again.json()["id"] == posted
    theirs = http.post("/api/tweets", json={"text": "mine"}, headers={**other["auth"], **key})
    assert theirs.status_code == 201 and theirs.json()["id"] != posted
    fresh = {"Idempotency-Key": uuid.uuid4().hex}
    another = http.post(
        "/api/tweets", json={"text": "only once"}, headers={**user["auth"], **fresh}
    )
    assert another.json()["id"] != posted
    answer = {**user["auth"], "Idempotency-Key": uuid.uuid4().hex}
    replied = [
        http.post(f"/api/tweets/{posted}/replies", json={"text": "re"}, headers=answer)
        for _ in range(2)
    ]
    assert [r.status_code for r in replied] == [201, 201]
    assert replied[0].json()["id"] == replied[1].json()["id"]
    assert replied[0].json()["id"] != another.json()["id"]
    shown = http.get(f"/api/users/{user['username']}/tweets").json()["items"]
    assert [p["id"] for p in shown].count(posted) == 1


def test_a_quote_embeds_the_quoted_post_until_it_is_deleted(http, new_user, drain_queue):
    author, quoter, reader = new_user("qa"), new_user("qq"), new_user("qr")
    follow(http, reader, quoter)
    original = tweet(http, author, "quotable")
    quote = tweet(http, quoter, "so true", quote_id=original["id"])
    assert quote["quote_id"] == original["id"]
    assert quote["quote"]["text"] == "quotable"
    assert quote["quote"]["author"]["username"] == author["username"]
    drain_queue()
    shown = timeline(http, reader)[0]
    assert shown["id"] == quote["id"] and shown["quote"]["id"] == original["id"]
    counted = http.get(f"/api/tweets/{original['id']}").json()
    assert counted["quote_count"] == 1
    listed = http.get(f"/api/tweets/{original['id']}/quotes").json()
    assert [p["id"] for p in listed["items"]] == [quote["id"]]

    http.delete(f"/api/tweets/{original['id']}", headers=author["auth"])
    after = http.get(f"/api/tweets/{quote['id']}").json()
    assert after["quote_id"] == original["id"] and after["quote"] is None  # unavailable
    assert timeline(http, reader)[0]["quote"] is None


def test_quoting_a_missing_post_is_a_404_and_a_bad_id_a_422(http, new_user):
    user = new_user("qb")
    missing = http.post(
        "/api/tweets", json={"text": "hm", "quote_id": "123456"}, headers=user["auth"]
    )
    assert missing.status_code == 404
    bad = http.post("/api/tweets", json={"text": "hm", "quote_id": "x1"}, headers=user["auth"])
    assert bad.status_code == 422 and "quote_id" in bad.json()["errors"]
    huge = http.post("/api/tweets", json={"text": "hm", "quote_id": "9" * 19}, headers=user["auth"])
    assert huge.status_code == 422


def test_reposting_what_is_already_in_ones_timeline_changes_nothing_there(
    http, new_user, drain_queue
):
    author, reader = new_user("ya"), new_user("yr")
    follow(http, reader, author)
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    posted = tweet(http, author, "already here")
    drain_queue()
    assert entries(http, reader) == [(posted["id"], None)]
    http.put(f"/api/tweets/{posted['id']}/repost", headers=reader["auth"])
    drain_queue()
    assert entries(http, reader) == [(posted["id"], None)]


def test_the_fast_pages_hold_exactly_what_the_schema_documents(http, new_user, drain_queue):
    """Home and user timelines skip pydantic (api/schemas.shaped_posts): their bodies must be
    what validating them against `PostPage` would have produced, field for field."""
    from api.schemas import PostPage, QuotedPost

    ada, bob = new_user("ada"), new_user("bob")
    follow(http, bob, ada)
    http.get("/api/timeline", headers=bob["auth"])  # bob is active: fan-out reaches him
    drain_queue()
    first = tweet(http, ada, "the original")
    tweet(http, bob, "worth quoting", quote_id=first["id"])
    assert http.put(f"/api/tweets/{first['id']}/repost", headers=bob["auth"]).status_code == 200
    http.post(f"/api/tweets/{first['id']}/replies", json={"text": "a reply"}, headers=ada["auth"])
    assert http.put(f"/api/tweets/{first['id']}/like", headers=bob["auth"]).status_code == 200
    drain_queue()
    for path, auth in [
        ("/api/timeline", bob["auth"]),
        (f"/api/users/{bob['username']}/tweets", bob["auth"]),
        (f"/api/users/{ada['username']}/tweets", {}),
        (f"/api/users/{ada['username']}/replies", bob["auth"]),
    ]:
        body = http.get(path, headers=auth).json()
        assert body["items"], path
        assert PostPage.model_validate(body).model_dump(mode="json") == body, path
    quoted = [p for p in timeline(http, bob) if p["quote"]]
    assert quoted and set(quoted[0]["quote"]) == set(QuotedPost.model_fields)
