"""The social graph through the JSON API: tweets, replies, likes, follows, pages and errors."""

from __future__ import annotations

import concurrent.futures

import httpx
import pytest


def tweet(http, user, text="hello flock"):
    response = http.post("/api/tweets", json={"text": text}, headers=user["auth"])
    assert response.status_code == 201, response.text
    return response.json()


def reply_to(http, user, collection, post_id, text="a reply"):
    response = http.post(
        f"/api/{collection}/{post_id}/replies", json={"text": text}, headers=user["auth"]
    )
    assert response.status_code == 201, response.text
    return response.json()


# ----------------------------------------------------------------------------- tweets


def test_post_and_read_a_tweet(http, new_user):
    ada = new_user("ada")
    posted = tweet(http, ada, "Graphs are everywhere #neo4j")
    assert posted["kind"] == "tweet" and posted["author"]["username"] == ada["username"]
    assert (
        posted["like_count"] == 0 and posted["reply_count"] == 0 and posted["liked_by_me"] is False
    )
    read = http.get(f"/api/tweets/{posted['id']}")
    assert read.status_code == 200
    assert read.json()["text"] == "Graphs are everywhere #neo4j"


def test_text_is_nfc_normalised_and_limited_to_280(http, new_user):
    user = new_user()
    decomposed = "e\u0301" * 280  # 560 code points before NFC, 280 after
    assert tweet(http, user, decomposed)["text"] == "\u00e9" * 280
    too_long = http.post("/api/tweets", json={"text": "x" * 281}, headers=user["auth"])
    assert too_long.status_code == 422
    assert too_long.json()["errors"]["text"] == ["Use at most 280 characters (281 now)."]
    blank = http.post("/api/tweets", json={"text": "   \n "}, headers=user["auth"])
    assert blank.status_code == 422 and blank.json()["errors"]["text"] == ["Write something first."]
    missing = http.post("/api/tweets", json={}, headers=user["auth"])
    assert missing.json()["errors"] == {"text": ["This field is required."]}


def test_text_that_looks_like_code_is_stored_verbatim(http, new_user):
    user = new_user()
    for text in [
        "MATCH (n) DETACH DELETE n // '; RETURN 1",
        "<script>alert('x')</script> & <img src=x onerror=alert(1)>",
        "author:=admin && likes:>100 `backtick` *",
    ]:
        posted = tweet(http, user, text)
        assert http.get(f"/api/tweets/{posted['id']}").json()["text"] == text


def test_writing_needs_a_token(http):
    response = http.post("/api/tweets", json={"text": "anonymous"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_and_wrong_kind_ids_are_404(http, new_user):
    user = new_user()
    posted = tweet(http, user)
    answer = reply_to(http, user, "tweets", posted["id"])
    assert http.get("/api/tweets/1").status_code == 404
    assert http.get(f"/api/replies/{posted['id']}").status_code == 404
    assert http.get(f"/api/tweets/{answer['id']}").status_code == 404
    assert http.get("/api/tweets/not-a-number").status_code == 404


def test_edit_keeps_history_and_only_the_author_may_edit(http, new_user):
    author, other = new_user(), new_user()
    posted = tweet(http, author, "first #draft")
    forbidden = http.patch(
        f"/api/tweets/{posted['id']}", json={"text": "hijack"}, headers=other["auth"]
    )
    assert forbidden.status_code == 403
    edited = http.patch(
        f"/api/tweets/{posted['id']}", json={"text": "second"}, headers=author["auth"]
    )
    assert edited.status_code == 200
    assert edited.json()["text"] == "second" and edited.json()["edited_at"] is not None
    http.patch(f"/api/tweets/{posted['id']}", json={"text": "third"}, headers=author["auth"])
    history = http.get(f"/api/tweets/{posted['id']}/history").json()
    assert history["text"] == "third"
    assert [r["text"] for r in history["revisions"]] == ["second", "first #draft"]
    invalid = http.patch(f"/api/tweets/{posted['id']}", json={"text": ""}, headers=author["auth"])
    assert invalid.status_code == 422
    assert http.get(f"/api/tweets/{posted['id']}").json()["text"] == "third"


def test_delete_tweet_removes_it_from_the_authors_tweets_and_its_likes(http, new_user):
    author, fan = new_user(), new_user()
    posted = tweet(http, author)
    assert http.put(f"/api/tweets/{posted['id']}/like", headers=fan["auth"]).status_code == 200
    assert http.delete(f"/api/tweets/{posted['id']}", headers=fan["auth"]).status_code == 403
    assert http.delete(f"/api/tweets/{posted['id']}", headers=author["auth"]).status_code == 204
    assert http.get(f"/api/tweets/{posted['id']}").status_code == 404
    assert http.get(f"/api/tweets/{posted['id']}/likers").status_code == 404
    mine = http.get(f"/api/users/{author['username']}/tweets").json()["items"]
    assert posted["id"] not in [t["id"] for t in mine]
    assert http.get(f"/api/users/{author['username']}").json()["tweet_count"] == 0
    assert http.delete(f"/api/tweets/{posted['id']}", headers=author["auth"]).status_code == 404


# ----------------------------------------------------------------------------- replies


def test_replies_nest_and_threads_show_ancestors(http, new_user):
    ada, bob = new_user("ada"), new_user("bob")
    root = tweet(http, ada, "root")
    first = reply_to(http, bob, "tweets", root["id"], "first answer")
    nested = reply_to(http, ada, "replies", first["id"], "answer to the answer")
    assert nested["in_reply_to_id"] == first["id"] and nested["root_id"] == root["id"]
    assert http.get(f"/api/tweets/{root['id']}").json()["reply_count"] == 1
    assert http.get(f"/api/replies/{first['id']}").json()["reply_count"] == 1
    thread = http.get(f"/api/replies/{nested['id']}/thread").json()
    assert [p["text"] for p in thread["ancestors"]] == ["root", "first answer"]
    assert thread["post"]["id"] == nested["id"] and thread["replies"] == []
    top = http.get(f"/api/tweets/{root['id']}/thread").json()
    assert top["ancestors"] == [] and [r["id"] for r in top["replies"]] == [first["id"]]


def test_reply_to_missing_post_is_404(http, new_user):
    user = new_user()
    response = http.post("/api/tweets/12345/replies", json={"text": "hello?"}, headers=user["auth"])
    assert response.status_code == 404


def test_reply_edit_and_delete_rules(http, new_user):
    owner, replier, stranger = new_user(), new_user(), new_user()
    root = tweet(http, owner)
    answer = reply_to(http, replier, "tweets", root["id"], "my reply")
    assert (
        http.patch(
            f"/api/replies/{answer['id']}", json={"text": "x"}, headers=owner["auth"]
        ).status_code
        == 403
    )
    edited = http.patch(
        f"/api/replies/{answer['id']}", json={"text": "my edited reply"}, headers=replier["auth"]
    )
    assert edited.status_code == 200 and edited.json()["text"] == "my edited reply"
    assert http.delete(f"/api/replies/{answer['id']}", headers=stranger["auth"]).status_code == 403
    # The tweet's author may remove replies under their tweet.
    assert http.delete(f"/api/replies/{answer['id']}", headers=owner["auth"]).status_code == 204
    assert http.get(f"/api/replies/{answer['id']}").status_code == 404
    assert http.get(f"/api/tweets/{root['id']}").json()["reply_count"] == 0


def test_deleted_tweet_with_replies_leaves_the_thread_readable(http, new_user):
    author, replier = new_user(), new_user()
    root = tweet(http, author, "soon gone")
    answer = reply_to(http, replier, "tweets", root["id"], "still here")
    assert http.delete(f"/api/tweets/{root['id']}", headers=author["auth"]).status_code == 204
    assert http.get(f"/api/tweets/{root['id']}").status_code == 404
    thread = http.get(f"/api/replies/{answer['id']}/thread").json()
    placeholder = thread["ancestors"][0]
    assert (
        placeholder["deleted"] is True
        and placeholder["text"] is None
        and placeholder["author"] is None
    )
    whole = http.get(f"/api/tweets/{root['id']}/thread")
    assert whole.status_code == 200
    assert whole.json()["post"]["deleted"] is True
    assert [r["text"] for r in whole.json()["replies"]] == ["still here"]


def test_replies_paginate_without_duplicates_or_gaps(http, new_user):
    author, replier = new_user(), new_user()
    root = tweet(http, author)
    made = [reply_to(http, replier, "tweets", root["id"], f"reply {i}")["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = http.get(f"/api/tweets/{root['id']}/replies", params=params).json()
        seen += [r["id"] for r in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == made


# ----------------------------------------------------------------------------- likes


def test_like_and_unlike_are_idempotent(http, new_user):
    author, fan = new_user(), new_user()
    posted = tweet(http, author)
    for _ in range(2):
        liked = http.put(f"/api/tweets/{posted['id']}/like", headers=fan["auth"])
        assert liked.json() == {"liked": True, "like_count": 1}
    assert (
        http.get(f"/api/tweets/{posted['id']}", headers=fan["auth"]).json()["liked_by_me"] is True
    )
    assert (
        http.get(f"/api/tweets/{posted['id']}", headers=author["auth"]).json()["liked_by_me"]
        is False
    )
    likers = http.get(f"/api/tweets/{posted['id']}/likers").json()["items"]
    assert [u["username"] for u in likers] == [fan["username"]]
    for _ in range(2):
        unliked = http.delete(f"/api/tweets/{posted['id']}/like", headers=fan["auth"])
        assert unliked.json() == {"liked": False, "like_count": 0}


def test_replies_can_be_liked(http, new_user):
    author, fan = new_user(), new_user()
    answer = reply_to(http, author, "tweets", tweet(http, author)["id"])
    assert (
        http.put(f"/api/replies/{answer['id']}/like", headers=fan["auth"]).json()["like_count"] == 1
    )
    assert http.put("/api/replies/999/like", headers=fan["auth"]).status_code == 404


def test_fifty_simultaneous_likes_give_fifty(http, new_user, base_url):
    author = new_user()
    posted = tweet(http, author)
    fans = [new_user("fan") for _ in range(50)]

    def like(fan):
        with httpx.Client(base_url=base_url, timeout=60) as client:
            return client.put(f"/api/tweets/{posted['id']}/like", headers=fan["auth"]).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(like, fans))
    assert statuses == [200] * 50
    assert http.get(f"/api/tweets/{posted['id']}").json()["like_count"] == 50
    # The same user liking concurrently still counts once.
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(like, [fans[0]] * 10))
    assert http.get(f"/api/tweets/{posted['id']}").json()["like_count"] == 50


def test_likers_paginate(http, new_user):
    author = new_user()
    posted = tweet(http, author)
    fans = [new_user("lk") for _ in range(5)]
    for fan in fans:
        http.put(f"/api/tweets/{posted['id']}/like", headers=fan["auth"])
    first = http.get(f"/api/tweets/{posted['id']}/likers", params={"limit": 2}).json()
    second = http.get(
        f"/api/tweets/{posted['id']}/likers", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    third = http.get(
        f"/api/tweets/{posted['id']}/likers", params={"limit": 2, "cursor": second["next_cursor"]}
    ).json()
    names = [u["username"] for p in (first, second, third) for u in p["items"]]
    assert names == [f["username"] for f in reversed(fans)]
    assert third["next_cursor"] is None


# ----------------------------------------------------------------------------- follows


def test_follow_unfollow_and_counts(http, new_user):
    ada, bob = new_user("ada"), new_user("bob")
    for _ in range(2):
        followed = http.put(f"/api/users/{bob['username']}/follow", headers=ada["auth"])
        assert followed.status_code == 200
        assert followed.json()["follower_count"] == 1 and followed.json()["followed_by_me"] is True
    assert http.get(f"/api/users/{ada['username']}").json()["following_count"] == 1
    followers = http.get(f"/api/users/{bob['username']}/followers").json()["items"]
    assert [u["username"] for u in followers] == [ada["username"]]
    following = http.get(f"/api/users/{ada['username']}/following").json()["items"]
    assert [u["username"] for u in following] == [bob["username"]]
    for _ in range(2):
        unfollowed = http.delete(f"/api/users/{bob['username']}/follow", headers=ada["auth"])
        assert (
            unfollowed.json()["follower_count"] == 0
            and unfollowed.json()["followed_by_me"] is False
        )


def test_cannot_follow_oneself_or_nobody(http, new_user):
    ada = new_user()
    self_follow = http.put(f"/api/users/{ada['username']}/follow", headers=ada["auth"])
    assert self_follow.status_code == 422
    assert self_follow.json()["detail"] == "You cannot follow yourself."
    assert http.put("/api/users/nobody_zz_zz/follow", headers=ada["auth"]).status_code == 404
    assert http.put(f"/api/users/{ada['username']}/follow").status_code == 401


def test_followers_paginate_without_duplicates_or_gaps(http, new_user):
    star = new_user("star")
    fans = [new_user("fl") for _ in range(7)]
    for fan in fans:
        http.put(f"/api/users/{star['username']}/follow", headers=fan["auth"])
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        body = http.get(f"/api/users/{star['username']}/followers", params=params).json()
        seen += [u["username"] for u in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f["username"] for f in reversed(fans)]


# ----------------------------------------------------------------------------- user tweets


def test_user_tweets_newest_first_through_pages_by_max_id(http, new_user):
    user = new_user()
    made = [tweet(http, user, f"tweet {i}")["id"] for i in range(5)]
    first = http.get(f"/api/users/{user['username']}/tweets", params={"limit": 2}).json()
    assert [t["id"] for t in first["items"]] == made[::-1][:2]
    second = http.get(
        f"/api/users/{user['username']}/tweets", params={"limit": 2, "max_id": first["next_max_id"]}
    ).json()
    third = http.get(
        f"/api/users/{user['username']}/tweets",
        params={"limit": 2, "cursor": second["next_cursor"]},
    ).json()
    ids = [t["id"] for p in (first, second, third) for t in p["items"]]
    assert ids == made[::-1]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "many"}, {"cursor": "bogus!"}]
)
def test_bad_paging_parameters_are_422(http, new_user, params):
    user = new_user()
    response = http.get(f"/api/users/{user['username']}/followers", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_account_deletion_removes_tweets_likes_and_follows(http, new_user):
    leaving, friend = new_user(), new_user()
    friend_tweet = tweet(http, friend)
    own = tweet(http, leaving)
    http.put(f"/api/tweets/{friend_tweet['id']}/like", headers=leaving["auth"])
    http.put(f"/api/users/{friend['username']}/follow", headers=leaving["auth"])
    http.put(f"/api/users/{leaving['username']}/follow", headers=friend["auth"])
    gone = http.request(
        "DELETE", "/api/users/me", json={"password": leaving["password"]}, headers=leaving["auth"]
    )
    assert gone.status_code == 204
    assert http.get(f"/api/tweets/{own['id']}").status_code == 404
    assert http.get(f"/api/tweets/{friend_tweet['id']}").json()["like_count"] == 0
    profile = http.get(f"/api/users/{friend['username']}").json()
    assert profile["follower_count"] == 0 and profile["following_count"] == 0


def test_openapi_documents_every_endpoint(http):
    spec = http.get("/api/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/api/auth/signup",
        "/api/auth/token",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/users/me",
        "/api/users/{username}",
        "/api/users/{username}/follow",
        "/api/users/{username}/followers",
        "/api/users/{username}/following",
        "/api/timeline",
        "/api/users/{username}/tweets",
        "/api/tweets",
    ]:
        assert path in paths, path
    assert any("/like" in p for p in paths) and any("/thread" in p for p in paths)
    assert all(path.startswith("/api/") for path in paths)
    signup = paths["/api/auth/signup"]["post"]
    assert "requestBody" in signup


def test_posting_is_rate_limited_per_account(http, new_user, settings):
    user = new_user("busy")
    for n in range(settings.posts_per_hour):
        assert tweet(http, user, f"post {n}")["id"]
    refused = http.post("/api/tweets", json={"text": "one too many"}, headers=user["auth"])
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many posts" in refused.json()["detail"]
    profile = http.get(f"/api/users/{user['username']}").json()
    assert profile["tweet_count"] == settings.posts_per_hour  # the refused one was not stored
    other = new_user("calm")
    assert tweet(http, other, "others are not affected")["id"]
