"""Home timelines: the hot Redis path always equals the cold Cypher path, and survives faults.

The test stack runs with FLOCK_FANOUT_LIMIT=3, so accounts with more than three followers are
merged at read time while the others are fanned out on write: both paths are exercised.
"""

from __future__ import annotations

import random
import re

import httpx
import pytest
import redis
from helpers import cold_pages, hot_pages, shown
from neo4j import GraphDatabase

from jobs.stores.feeds import feed_key
from jobs.stores.post_cache import card_key, marks_key, view_key
from jobs.tasks.feeds import fan_out_post


@pytest.fixture
def rds(settings):
    with redis.Redis.from_url(settings.redis_url) as connection:
        yield connection


@pytest.fixture
def neo(settings):
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        yield driver


def has_feed(rds, user) -> bool:
    return rds.exists(feed_key(user["id"])) == 1


def test_followed_authors_tweets_reach_the_home_timeline(http, new_user, drain_queue, rds):
    reader, author = new_user("rd"), new_user("au")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])  # becomes active; feed gets built
    drain_queue()
    assert has_feed(rds, reader)
    posted = http.post("/api/tweets", json={"text": "fresh"}, headers=author["auth"]).json()
    drain_queue()
    assert rds.zscore(feed_key(reader["id"]), posted["id"]) is not None  # fanned out
    items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
    assert items[0]["id"] == posted["id"] and items[0]["author"]["username"] == author["username"]
    assert items[0]["like_count"] == 0 and items[0]["liked_by_me"] is False


def test_timeline_needs_a_token_and_valid_paging(http, new_user):
    assert http.get("/api/timeline").status_code == 401
    user = new_user()
    assert http.get("/api/timeline", params={"limit": 500}, headers=user["auth"]).status_code == 422


def test_edit_delete_and_unfollow_show_at_once(http, new_user, drain_queue):
    reader, author = new_user("rd"), new_user("au")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    keep = http.post("/api/tweets", json={"text": "v1"}, headers=author["auth"]).json()
    gone = http.post("/api/tweets", json={"text": "to delete"}, headers=author["auth"]).json()
    drain_queue()
    http.get("/api/timeline", headers=reader["auth"])  # bodies now cached
    http.patch(f"/api/tweets/{keep['id']}", json={"text": "v2"}, headers=author["auth"])
    http.delete(f"/api/tweets/{gone['id']}", headers=author["auth"])
    items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]  # no drain: at once
    assert [(p["id"], p["text"]) for p in items] == [(keep["id"], "v2")]
    http.delete(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    assert http.get("/api/timeline", headers=reader["auth"]).json()["items"] == []


def test_follow_merges_the_new_authors_recent_tweets(http, new_user, drain_queue):
    reader, author = new_user("rd"), new_user("au")
    older = http.post(
        "/api/tweets", json={"text": "before you came"}, headers=author["auth"]
    ).json()
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    assert [p["id"] for p in http.get("/api/timeline", headers=reader["auth"]).json()["items"]] == [
        older["id"]
    ]
    drain_queue()
    assert [p["id"] for p in http.get("/api/timeline", headers=reader["auth"]).json()["items"]] == [
        older["id"]
    ]


def test_replies_show_only_to_those_who_follow_the_author_answered(http, new_user, drain_queue):
    reader, friend, stranger = new_user("rd"), new_user("fr"), new_user("st")
    http.put(f"/api/users/{friend['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    strangers = http.post(
        "/api/tweets", json={"text": "by a stranger"}, headers=stranger["auth"]
    ).json()
    hidden = http.post(
        f"/api/tweets/{strangers['id']}/replies", json={"text": "hidden"}, headers=friend["auth"]
    ).json()
    mine = http.post("/api/tweets", json={"text": "mine"}, headers=reader["auth"]).json()
    shown = http.post(
        f"/api/tweets/{mine['id']}/replies", json={"text": "shown"}, headers=friend["auth"]
    ).json()
    drain_queue()
    ids = [p["id"] for p in http.get("/api/timeline", headers=reader["auth"]).json()["items"]]
    assert shown["id"] in ids and mine["id"] in ids and hidden["id"] not in ids


def test_returning_user_gets_a_regenerated_feed(http, new_user, drain_queue, rds, neo):
    reader, author = new_user("rd"), new_user("au")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    # The reader goes away for a long time: fan-out skips them.
    neo.execute_query("MATCH (u:User {id: $id}) SET u.last_seen_at = 0", id=int(reader["id"]))
    rds.delete(f"seen:{reader['id']}")
    posted = http.post(
        "/api/tweets", json={"text": "while you were away"}, headers=author["auth"]
    ).json()
    drain_queue()
    assert rds.zscore(feed_key(reader["id"]), posted["id"]) is None
    # On return the read is right at once (cold path) and the feed is rebuilt.
    items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
    assert [p["id"] for p in items] == [posted["id"]]
    drain_queue()
    assert rds.zscore(feed_key(reader["id"]), posted["id"]) is not None


def test_big_accounts_are_merged_at_read_time(http, new_user, drain_queue, rds):
    star = new_user("star")
    fans = [new_user("fan") for _ in range(4)]  # more than FLOCK_FANOUT_LIMIT=3
    for fan in fans:
        http.put(f"/api/users/{star['username']}/follow", headers=fan["auth"])
        http.get("/api/timeline", headers=fan["auth"])
    drain_queue()
    posted = http.post("/api/tweets", json={"text": "to my many fans"}, headers=star["auth"]).json()
    drain_queue()
    assert rds.zscore(f"feed:{fans[0]['id']}", posted["id"]) is None  # not fanned out
    for fan in fans:
        items = http.get("/api/timeline", headers=fan["auth"]).json()["items"]
        assert items[0]["id"] == posted["id"]


def test_fan_out_job_run_twice_leaves_no_duplicates(http, new_user, drain_queue, rds, settings):
    from rq import Queue

    reader, author = new_user("rd"), new_user("au")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    posted = http.post("/api/tweets", json={"text": "once"}, headers=author["auth"]).json()
    Queue("default", connection=rds).enqueue(fan_out_post, int(posted["id"]))  # a retry
    drain_queue()
    items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
    assert [p["id"] for p in items] == [posted["id"]]


def test_reads_stay_right_with_redis_feeds_flushed(http, new_user, drain_queue, rds):
    reader, author = new_user("rd"), new_user("au")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    posted = http.post(
        "/api/tweets", json={"text": "survives a flush"}, headers=author["auth"]
    ).json()
    drain_queue()
    for key in rds.scan_iter(feed_key("*")):
        rds.delete(key)
    for pattern in (view_key("*"), card_key("*"), marks_key("*")):  # the post cache too
        for key in rds.scan_iter(pattern):
            rds.delete(key)
    assert [p["id"] for p in http.get("/api/timeline", headers=reader["auth"]).json()["items"]] == [
        posted["id"]
    ]
    drain_queue()
    assert has_feed(rds, reader)


def test_rebuild_command_rebuilds_a_feed(flock_cli, new_user, http, rds, drain_queue):
    user = new_user()
    posted = http.post("/api/tweets", json={"text": "rebuild me"}, headers=user["auth"]).json()
    drain_queue()
    rds.delete(feed_key(user["id"]))
    result = flock_cli("timelines", "rebuild", "--user", user["username"])
    assert result.returncode == 0, result.stderr
    assert "rebuilt 1 feed(s)" in result.stdout
    assert rds.zscore(feed_key(user["id"]), posted["id"]) is not None
    missing = flock_cli("timelines", "rebuild", "--user", "nobody_zz_zz")
    assert missing.returncode == 1 and "no user is called @nobody_zz_zz" in missing.stderr


def test_hot_timelines_equal_cold_cypher_timelines_for_random_histories(
    http, new_user, drain_queue, rds, neo
):
    """Entries, texts, authors, counts, marks and reposters: the Redis copy never differs from
    the graph, whatever was posted, replied, liked, reposted, quoted, edited, deleted or renamed
    in between, whoever blocked or muted whom, and whichever accounts were deleted."""
    rng = random.Random(20261124)
    users = [new_user("rt") for _ in range(24)]
    posts: dict[str, list[tuple[str, str]]] = {u["username"]: [] for u in users}  # (collection, id)
    for user in users:
        http.get("/api/timeline", headers=user["auth"])  # everyone active, feeds built
    drain_queue()
    for step in range(400):
        actor = rng.choice(users)
        roll = rng.random()
        if step in (150, 250):  # an account goes, with its posts, likes and follows
            gone = http.request(
                "DELETE", "/api/users/me", json={"password": actor["password"]},
                headers=actor["auth"],
            )  # fmt: skip
            assert gone.status_code == 204, gone.text
            users.remove(actor)
            posts.pop(actor["username"])
            continue
        everyone = [(c, i) for owned in posts.values() for c, i in owned]
        if step % 12 == 6:  # a block or a mute, or its undoing, now and then
            other = rng.choice(users)
            if other is not actor:
                verb = rng.choice(["block", "mute"])
                method = "PUT" if rng.random() < 0.7 else "DELETE"
                url = f"/api/users/{other['username']}/{verb}"
                assert http.request(method, url, headers=actor["auth"]).status_code == 200
            continue
        if step % 40 == 39:  # pages read now and then, so the post cache is warm mid-history
            hot_pages(http, rng.choice(users))
        if roll < 0.24:
            other = rng.choice(users)
            if other is not actor:
                http.put(f"/api/users/{other['username']}/follow", headers=actor["auth"])
        elif roll < 0.32:
            other = rng.choice(users)
            http.delete(f"/api/users/{other['username']}/follow", headers=actor["auth"])
        elif roll < 0.46:
            made = http.post(
                "/api/tweets", json={"text": f"t{rng.random()}"}, headers=actor["auth"]
            )
            posts[actor["username"]].append(("tweets", made.json()["id"]))
        elif roll < 0.52 and everyone:  # a repost, or now and then its undoing
            collection, shared = rng.choice(everyone)
            verb = http.put if rng.random() < 0.75 else http.delete
            verb(f"/api/{collection}/{shared}/repost", headers=actor["auth"])
        elif roll < 0.55 and everyone:
            _, quoted = rng.choice(everyone)
            text = {"text": f"q{rng.random()}", "quote_id": quoted}
            made = http.post("/api/tweets", json=text, headers=actor["auth"])
            if made.status_code == 201:
                posts[actor["username"]].append(("tweets", made.json()["id"]))
        elif roll < 0.64 and everyone:
            collection, parent = rng.choice(everyone)
            made = http.post(
                f"/api/{collection}/{parent}/replies", json={"text": "re"}, headers=actor["auth"]
            )
            if made.status_code == 201:
                posts[actor["username"]].append(("replies", made.json()["id"]))
        elif roll < 0.80 and everyone:
            collection, liked = rng.choice(everyone)
            verb = http.put if rng.random() < 0.7 else http.delete
            verb(f"/api/{collection}/{liked}/like", headers=actor["auth"])
        elif roll < 0.84:
            name = {"display_name": f"Renamed {rng.randrange(1000)}"}
            http.patch("/api/users/me", json=name, headers=actor["auth"])
        elif roll < 0.92 and posts[actor["username"]]:
            collection, own = rng.choice(posts[actor["username"]])
            http.patch(f"/api/{collection}/{own}", json={"text": "edited"}, headers=actor["auth"])
        elif posts[actor["username"]]:
            collection, own = posts[actor["username"]].pop(
                rng.randrange(len(posts[actor["username"]]))
            )
            http.delete(f"/api/{collection}/{own}", headers=actor["auth"])
    drain_queue()
    kinds = set()
    for user in users:
        assert has_feed(rds, user), user["username"]
        hot = shown(hot_pages(http, user, whole=True))
        assert hot == cold_pages(neo, user, whole=True)
        kinds |= {
            (p["reposted_by"] is not None, p["quote_id"] is not None) for pg in hot for p in pg
        }
    assert {(True, False), (False, True)} <= kinds  # reposts and quotes were there to compare
    for key in rds.scan_iter(feed_key("*")):
        rds.delete(key)
    for user in users:  # each first page with no feed is the cold path's, both of its ways
        first = http.get("/api/timeline", params={"limit": 5}, headers=user["auth"]).json()
        assert [p["entry_id"] for p in first["items"]] == cold_pages(neo, user)[0]
    drain_queue()
    for user in users:
        assert has_feed(rds, user), user["username"]
        assert hot_pages(http, user) == cold_pages(neo, user), user["username"]


def test_metrics_tell_hot_from_cold_reads_and_post_cache_hits(http, new_user, drain_queue):
    reader, author = new_user("mh"), new_user("ma")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.post("/api/tweets", json={"text": "counted"}, headers=author["auth"])
    drain_queue()

    def counter(name: str, **labels) -> float:
        text = http.get("/metrics").text
        wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
        found = re.search(rf"^{name}\{{{wanted}\}} ([0-9.e+]+)$", text, re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    hot, hits = (
        counter("flock_timeline_reads_total", path="hot"),
        counter("flock_post_cache_lookups_total", entry="view", result="hit"),
    )
    for _ in range(2):  # the first read copies the post into Redis, the second finds it there
        assert http.get("/api/timeline", headers=reader["auth"]).status_code == 200
    assert counter("flock_timeline_reads_total", path="hot") == hot + 2
    assert counter("flock_post_cache_lookups_total", entry="view", result="hit") >= hits + 1


def test_a_warm_page_of_a_long_feed_finds_everything_in_redis(http, new_user, drain_queue):
    """The warm page reads a few more feed entries than it shows (bench/README.md, issue 15):
    what it shows must still be found whole in Redis, marks included, read after read."""
    reader, author = new_user("wr"), new_user("wa")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    http.get("/api/timeline", headers=reader["auth"])
    drain_queue()
    posted = [
        http.post("/api/tweets", json={"text": f"long feed {n}"}, headers=author["auth"]).json()
        for n in range(45)
    ]
    http.put(f"/api/tweets/{posted[-1]['id']}/like", headers=reader["auth"])
    drain_queue()

    def misses() -> dict[str, float]:
        text = http.get("/metrics").text
        found = re.findall(
            r'^flock_post_cache_lookups_total\{entry="(\w+)",result="miss"\} ([0-9.e+]+)$',
            text,
            re.MULTILINE,
        )
        return {entry: float(n) for entry, n in found}

    for _ in range(2):  # copies made by the first reads
        http.get("/api/timeline", headers=reader["auth"])
    before = misses()
    for _ in range(3):
        items = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
        assert len(items) == 20 and items[0]["liked_by_me"] is True
    assert misses() == before


def test_a_like_shows_at_once_on_a_warm_timeline(http, new_user, drain_queue):
    reader, author = new_user("lk"), new_user("la")
    http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
    posted = http.post("/api/tweets", json={"text": "like me"}, headers=author["auth"]).json()
    drain_queue()

    def first_item():
        return http.get("/api/timeline", headers=reader["auth"]).json()["items"][0]

    assert (first_item()["like_count"], first_item()["liked_by_me"]) == (0, False)  # now cached
    assert http.put(f"/api/tweets/{posted['id']}/like", headers=reader["auth"]).status_code == 200
    assert (first_item()["like_count"], first_item()["liked_by_me"]) == (1, True)
    http.patch("/api/users/me", json={"display_name": "New Name"}, headers=author["auth"])
    assert first_item()["author"]["display_name"] == "New Name"
    unliked = http.delete(f"/api/tweets/{posted['id']}/like", headers=reader["auth"])
    assert unliked.status_code == 200
    http.post(f"/api/tweets/{posted['id']}/replies", json={"text": "re"}, headers=author["auth"])
    timeline = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
    mine = next(p for p in timeline if p["id"] == posted["id"])
    assert (mine["like_count"], mine["liked_by_me"], mine["reply_count"]) == (0, False, 1)


def test_posts_made_while_redis_is_down_reach_feeds_when_it_is_back(
    isolated_stack, sign_up, wait_until
):
    second, settings = isolated_stack
    rds = redis.Redis.from_url(settings.redis_url)
    with httpx.Client(base_url=f"http://{settings.host}:{settings.port}", timeout=30) as http:
        reader, author = sign_up(http, "rdr"), sign_up(http, "aut")
        http.put(f"/api/users/{author['username']}/follow", headers=reader["auth"])
        http.get("/api/timeline", headers=reader["auth"])  # active
        wait_until(lambda: rds.exists(feed_key(reader["id"])))

        redis_server = second.processes["redis"]
        redis_server.stop()
        try:
            posted = http.post("/api/tweets", json={"text": "in the dark"}, headers=author["auth"])
            assert posted.status_code == 201, posted.text
            during = http.get("/api/timeline", headers=reader["auth"])
            assert during.status_code == 200  # the cold path answers
            assert [p["id"] for p in during.json()["items"]] == [posted.json()["id"]]
        finally:
            redis_server.start()
            redis_server.wait_ready()
        rds = redis.Redis.from_url(settings.redis_url)
        # The feed came back from disk without the post; the kept fan-out job brings it.
        wait_until(lambda: rds.zscore(feed_key(reader["id"]), posted.json()["id"]) is not None)
        after = http.get("/api/timeline", headers=reader["auth"]).json()["items"]
        assert [p["id"] for p in after] == [posted.json()["id"]]
        assert second.processes["worker"].alive()  # it waited for Redis instead of quitting


def test_cursors_are_exact_for_adjacent_ids_on_the_hot_path(http, new_user, drain_queue, rds):
    """Ids are about 2^58 and Redis scores are doubles (exact to 2^53): ids one apart share a
    score, yet since_id and max_id cut a page exactly, at both ends."""
    user = new_user("ex")
    http.get("/api/timeline", headers=user["auth"])
    drain_queue()
    assert has_feed(rds, user)
    first, second = (
        int(http.post("/api/tweets", json={"text": t}, headers=user["auth"]).json()["id"])
        for t in ("first", "second")
    )
    drain_queue()

    def page(**params) -> list[int]:
        response = http.get("/api/timeline", params=params, headers=user["auth"])
        assert response.status_code == 200, response.text
        return [int(p["id"]) for p in response.json()["items"]]

    assert page(since_id=first - 1, max_id=first + 1) == [first]
    assert page(since_id=first - 1) == [second, first]
    assert page(since_id=first) == [second]
    assert page(max_id=second) == [first]
    assert page(max_id=second + 1) == [second, first]
    assert page(max_id=first) == []


def test_api_json_is_gzipped_for_clients_that_ask(http, new_user):
    """A page of JSON above a kilobyte leaves gzipped when the client accepts it, the same
    document once unpacked; small answers and clients that do not ask get it plain."""
    author = new_user("gz")
    for n in range(8):
        http.post("/api/tweets", json={"text": f"{'words ' * 20} {n}"}, headers=author["auth"])
    path = f"/api/users/{author['username']}/tweets?limit=8"
    packed = http.get(path, headers={**author["auth"], "Accept-Encoding": "gzip"})
    plain = http.get(path, headers={**author["auth"], "Accept-Encoding": "identity"})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"  # httpx unpacked it for .json()
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert "Content-Encoding" not in plain.headers
    assert packed.json() == plain.json() and len(plain.json()["items"]) == 8
    assert int(packed.headers["Content-Length"]) < len(plain.content) / 2
    small = http.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers  # below the size worth packing
    spec = http.get("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert spec.headers["Content-Encoding"] == "gzip" and "paths" in spec.json()
