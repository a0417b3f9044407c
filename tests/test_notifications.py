"""Notifications and bookmarks through the JSON API."""

from __future__ import annotations


def tweet(http, user, text="hello flock", **fields):
    response = http.post("/api/tweets", json={"text": text, **fields}, headers=user["auth"])
    assert response.status_code == 201, response.text
    return response.json()


def notifications(http, user, **params):
    response = http.get("/api/notifications", params=params, headers=user["auth"])
    assert response.status_code == 200, response.text
    return response.json()


def kinds(http, user, **params):
    """(type, actor) of each notification, newest first."""
    return [
        (n["type"], n["actor"]["username"]) for n in notifications(http, user, **params)["items"]
    ]


def unread(http, user) -> int:
    response = http.get("/api/notifications/unread_count", headers=user["auth"])
    assert response.status_code == 200, response.text
    return response.json()["unread"]


def test_every_kind_of_notification_arrives_newest_first(http, new_user):
    ann, bob = new_user("na"), new_user("nb")
    post = tweet(http, ann, "notice me")
    http.put(f"/api/users/{ann['username']}/follow", headers=bob["auth"])
    http.put(f"/api/tweets/{post['id']}/like", headers=bob["auth"])
    http.put(f"/api/tweets/{post['id']}/repost", headers=bob["auth"])
    reply = http.post(
        f"/api/tweets/{post['id']}/replies", json={"text": "answer"}, headers=bob["auth"]
    ).json()
    quote = tweet(http, bob, "look at this", quote_id=post["id"])
    mention = tweet(http, bob, f"hi @{ann['username']}")
    got = kinds(http, ann)
    name = bob["username"]
    assert got == [
        ("mention", name),
        ("quote", name),
        ("reply", name),
        ("repost", name),
        ("like", name),
        ("follow", name),
    ]
    items = notifications(http, ann)["items"]
    assert [n["post"]["id"] if n["post"] else None for n in items] == [
        mention["id"],
        quote["id"],
        reply["id"],
        post["id"],
        post["id"],
        None,
    ]
    assert unread(http, ann) == 6
    assert kinds(http, bob) == []  # nothing for the one who acted
    only = kinds(http, ann, types="like,follow")
    assert only == [("like", name), ("follow", name)]
    assert kinds(http, ann, **{"types[]": ["mention", "quote"]}) == [
        ("mention", name),
        ("quote", name),
    ]


def test_own_actions_never_notify_and_a_reply_mentioning_is_one_notification(http, new_user):
    ann, bob = new_user("oa"), new_user("ob")
    post = tweet(http, ann, "mine")
    http.put(f"/api/tweets/{post['id']}/like", headers=ann["auth"])
    http.put(f"/api/tweets/{post['id']}/repost", headers=ann["auth"])
    http.post(
        f"/api/tweets/{post['id']}/replies",
        json={"text": f"self @{ann['username']}"},
        headers=ann["auth"],
    )
    assert kinds(http, ann) == []
    http.post(
        f"/api/tweets/{post['id']}/replies",
        json={"text": f"hey @{ann['username']}"},
        headers=bob["auth"],
    )
    assert kinds(http, ann) == [("reply", bob["username"])]


def test_undoing_the_cause_withdraws_the_notification(http, new_user):
    ann, bob = new_user("wa"), new_user("wb")
    post = tweet(http, ann)
    http.put(f"/api/tweets/{post['id']}/like", headers=bob["auth"])
    http.put(f"/api/tweets/{post['id']}/repost", headers=bob["auth"])
    http.put(f"/api/users/{ann['username']}/follow", headers=bob["auth"])
    reply = http.post(
        f"/api/tweets/{post['id']}/replies", json={"text": "r"}, headers=bob["auth"]
    ).json()
    assert len(kinds(http, ann)) == 4
    http.delete(f"/api/tweets/{post['id']}/like", headers=bob["auth"])
    http.delete(f"/api/tweets/{post['id']}/repost", headers=bob["auth"])
    http.delete(f"/api/users/{ann['username']}/follow", headers=bob["auth"])
    assert kinds(http, ann) == [("reply", bob["username"])]
    http.delete(f"/api/replies/{reply['id']}", headers=bob["auth"])
    assert kinds(http, ann) == []
    assert unread(http, ann) == 0


def test_mark_read_and_pages_with_cursors(http, new_user):
    ann = new_user("ma")
    post = tweet(http, ann)
    fans = [new_user("mf") for _ in range(5)]
    for fan in fans:
        http.put(f"/api/tweets/{post['id']}/like", headers=fan["auth"])
    first = notifications(http, ann, limit=2)
    second = notifications(http, ann, limit=2, cursor=first["next_cursor"])
    third = notifications(http, ann, limit=2, max_id=second["next_max_id"])
    names = [n["actor"]["username"] for p in (first, second, third) for n in p["items"]]
    assert names == [f["username"] for f in reversed(fans)]
    assert third["next_max_id"] is None
    assert unread(http, ann) == 5
    marked = http.post(
        "/api/notifications/read", json={"up_to_id": second["items"][0]["id"]}, headers=ann["auth"]
    )
    assert marked.status_code == 200 and marked.json() == {"unread": 2}
    older = http.post(
        "/api/notifications/read", json={"up_to_id": third["items"][0]["id"]}, headers=ann["auth"]
    )
    assert older.json() == {"unread": 2}  # never back
    newer = notifications(http, ann, since_id=second["items"][0]["id"])
    assert [n["actor"]["username"] for n in newer["items"]] == names[:2]


def test_bad_notification_requests_are_problems(http, new_user):
    ann = new_user("ba")
    for params in ({"cursor": "zz"}, {"cursor": "WyJ4Il0"}, {"max_id": "abc"}, {"since_id": "-1"}):
        bad = http.get("/api/notifications", params=params, headers=ann["auth"])
        assert bad.status_code == 400, params
        assert bad.headers["content-type"].startswith("application/problem+json")
    bad_type = http.get("/api/notifications", params={"types": "likes"}, headers=ann["auth"])
    assert bad_type.status_code in (400, 422)
    assert bad_type.headers["content-type"].startswith("application/problem+json")
    bad_id = http.post("/api/notifications/read", json={"up_to_id": "x"}, headers=ann["auth"])
    assert bad_id.status_code == 422
    assert http.get("/api/notifications").status_code == 401


def test_bookmarks_are_private_and_listed_newest_first(http, new_user):
    ann, bob = new_user("ka"), new_user("kb")
    posts = [tweet(http, bob, f"keep {i}") for i in range(3)]
    for post in posts:
        put = http.put(f"/api/tweets/{post['id']}/bookmark", headers=ann["auth"])
        assert put.status_code == 200 and put.json() == {"bookmarked": True}
    again = http.put(f"/api/tweets/{posts[0]['id']}/bookmark", headers=ann["auth"])
    assert again.status_code == 200
    first = http.get("/api/bookmarks", params={"limit": 2}, headers=ann["auth"]).json()
    rest = http.get(
        "/api/bookmarks", params={"limit": 2, "cursor": first["next_cursor"]}, headers=ann["auth"]
    ).json()
    ids = [p["id"] for p in first["items"] + rest["items"]]
    assert ids == [p["id"] for p in reversed(posts)] and rest["next_cursor"] is None
    assert all(p["bookmarked_by_me"] for p in first["items"])
    seen_by_bob = http.get(f"/api/tweets/{posts[0]['id']}", headers=bob["auth"]).json()
    assert seen_by_bob["bookmarked_by_me"] is False
    assert http.get("/api/bookmarks", headers=bob["auth"]).json()["items"] == []
    assert kinds(http, bob) == []  # bookmarks tell nobody
    removed = http.delete(f"/api/tweets/{posts[1]['id']}/bookmark", headers=ann["auth"])
    assert removed.json() == {"bookmarked": False}
    left = http.get("/api/bookmarks", headers=ann["auth"]).json()["items"]
    assert [p["id"] for p in left] == [posts[2]["id"], posts[0]["id"]]
    http.delete(f"/api/tweets/{posts[2]['id']}", headers=bob["auth"])
    left = http.get("/api/bookmarks", headers=ann["auth"]).json()["items"]
    assert [p["id"] for p in left] == [posts[0]["id"]]
    assert http.put("/api/tweets/123/bookmark", headers=ann["auth"]).status_code == 404
    assert http.get("/api/bookmarks").status_code == 401
