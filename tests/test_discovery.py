"""Who to follow and trends, through the API, against the real graph, Redis and worker."""

from __future__ import annotations

import secrets
import time

from neo4j import GraphDatabase


def follow(http, user, other) -> None:
    response = http.put(f"/api/users/{other['username']}/follow", headers=user["auth"])
    assert response.status_code == 200, response.text


def suggested(http, user, limit: int = 50) -> list[dict]:
    response = http.get("/api/users/me/suggestions", params={"limit": limit}, headers=user["auth"])
    assert response.status_code == 200, response.text
    return response.json()["items"]


def names(items: list[dict]) -> list[str]:
    return [item["username"] for item in items if item["reason"] == "network"]


def test_friends_of_friends_ranked_by_shared_connections(http, new_user, drain_queue):
    me, a, b = new_user("me"), new_user("a"), new_user("b")
    two_shared, one_shared = new_user("two"), new_user("one")
    # Friends' follows first: a list is refreshed when its owner's follows change, not theirs.
    for user, targets in ((a, [two_shared, one_shared]), (b, [two_shared]), (me, [a, b])):
        for target in targets:
            follow(http, user, target)
    drain_queue()

    items = suggested(http, me)
    assert names(items)[:2] == [two_shared["username"], one_shared["username"]]
    top = items[0]
    assert top["mutual_count"] == 2
    assert sorted(top["followed_by"]) == sorted([a["username"], b["username"]])
    usernames = {item["username"] for item in items}
    assert not usernames & {me["username"], a["username"], b["username"]}


def test_rarer_shared_connections_count_more(http, new_user, drain_queue):
    """Adamic-Adar: a friend who follows few accounts is a stronger hint than a busy one."""
    me, picky, busy = new_user("me"), new_user("picky"), new_user("busy")
    via_picky, via_busy = new_user("vpicky"), new_user("vbusy")
    follow(http, picky, via_picky)
    follow(http, busy, via_busy)
    for _ in range(8):
        follow(http, busy, new_user("noise"))
    follow(http, me, picky)
    follow(http, me, busy)
    drain_queue()
    ranked = names(suggested(http, me))
    assert ranked.index(via_picky["username"]) < ranked.index(via_busy["username"])


def test_the_list_is_refreshed_by_a_job_when_follows_change(http, new_user, drain_queue):
    me, friend, newcomer, their_friend = (new_user(p) for p in ("me", "fr", "nc", "tf"))
    follow(http, friend, newcomer)
    follow(http, newcomer, their_friend)
    follow(http, me, friend)
    drain_queue()
    assert names(suggested(http, me)) == [newcomer["username"]]  # now cached

    follow(http, me, newcomer)
    assert newcomer["username"] not in {i["username"] for i in suggested(http, me)}
    drain_queue()  # the refresh job recomputed the cached list
    assert names(suggested(http, me)) == [their_friend["username"]]


def test_someone_new_gets_popular_accounts(http, new_user, settings):
    star = new_user("star")
    for _ in range(3):
        follow(http, new_user("fan"), star)
    time.sleep(settings.discovery_cache_seconds + 0.5)  # the most-followed list is cached
    newbie = new_user("newbie")
    items = suggested(http, newbie, limit=10)
    assert items and all(item["reason"] == "popular" for item in items)
    assert newbie["username"] not in {item["username"] for item in items}
    counts = [item["follower_count"] for item in items]
    assert counts == sorted(counts, reverse=True)
    assert star["username"] in {item["username"] for item in items} or counts[-1] >= 3
    assert len(items) == 10


def test_suggestions_need_a_token_and_a_sane_limit(http, new_user):
    assert http.get("/api/users/me/suggestions").status_code == 401
    user = new_user("lim")
    for limit in (0, 51, "x"):
        response = http.get(
            "/api/users/me/suggestions", params={"limit": limit}, headers=user["auth"]
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")


def trending(http) -> list[str]:
    response = http.get("/api/trends", params={"limit": 50})
    assert response.status_code == 200, response.text
    return [item["hashtag"] for item in response.json()["items"]]


def test_trends_rank_recent_use_above_older_heavier_use(http, new_user, settings):
    author = new_user("trend")
    busy_yesterday, busy_now, stale = (f"t{secrets.token_hex(5)}" for _ in range(3))
    old_ids = []
    for n in range(5):
        old_ids.append(
            http.post(
                "/api/tweets", json={"text": f"#{busy_yesterday} take {n}"}, headers=author["auth"]
            ).json()["id"]
        )
    stale_id = http.post(
        "/api/tweets", json={"text": f"#{stale} long ago"}, headers=author["auth"]
    ).json()["id"]
    for n in range(2):
        http.post("/api/tweets", json={"text": f"#{busy_now} now {n}"}, headers=author["auth"])
    # Age some posts (the API only writes "now"): 20 hours and 30 hours ago.
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        driver.execute_query(
            "UNWIND $ages AS age MATCH (p:Post {id: toInteger(age[0])}) "
            "SET p.created_at = p.created_at - age[1]",
            ages=[[i, 20 * 3600] for i in old_ids] + [[stale_id, 30 * 3600]],
        )
    time.sleep(settings.discovery_cache_seconds + 0.5)
    tags = trending(http)
    assert busy_now in tags and busy_yesterday in tags
    assert tags.index(busy_now) < tags.index(busy_yesterday)  # 2 fresh uses beat 5 a day old
    assert stale not in tags  # older than 24 hours
    item = next(i for i in http.get("/api/trends").json()["items"] if i["hashtag"] == busy_now)
    assert item["post_count"] == 2


def test_trends_limit_is_validated(http):
    assert http.get("/api/trends", params={"limit": 0}).status_code == 422
    assert http.get("/api/trends", params={"limit": 3}).status_code == 200
    assert len(http.get("/api/trends", params={"limit": 3}).json()["items"]) <= 3
