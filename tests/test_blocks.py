"""Block and mute through the JSON API: a block hides two accounts from each other everywhere,
a mute only from the muter's home timeline, notifications and search."""

from __future__ import annotations

import json


def tweet(http, user, text="hello flock", **fields):
    response = http.post("/api/tweets", json={"text": text, **fields}, headers=user["auth"])
    assert response.status_code == 201, response.text
    return response.json()


def follow(http, follower, followee):
    response = http.put(f"/api/users/{followee['username']}/follow", headers=follower["auth"])
    assert response.status_code == 200, response.text


def everything_seen_by(http, user, names, post_ids, wait_until):
    """Every page and list the user can read: timelines, threads, profiles, lists, search,
    suggestions, notifications, bookmarks; the bodies of those that answered 200, as one text
    (a 404 names what it did not find, and shows nothing of it)."""
    seen = []

    def get(path, **params):
        response = http.get(path, params=params, headers=user["auth"])
        assert response.status_code in (200, 404), (path, response.text)
        if response.status_code == 200:
            seen.append(f"{path}: {response.text}")
        return response

    get("/api/timeline", limit=100)
    get("/api/notifications", limit=100)
    get("/api/bookmarks", limit=100)
    get("/api/users/me/suggestions")
    get("/api/trends")
    for name in names:
        for tail in ("", "/tweets", "/replies", "/followers", "/following"):
            get(f"/api/users/{name}{tail}")
    for post_id in post_ids:
        for tail in ("", "/thread", "/replies", "/likers", "/reposted_by", "/quotes"):
            get(f"/api/tweets/{post_id}{tail}")
    get("/api/search", q="blockword", type="tweets")
    for name in names:
        get("/api/search", q=name, type="users")
    return "\n".join(seen)


def test_a_blocked_account_finds_nothing_of_the_blocker_anywhere(
    http, new_user, drain_queue, wait_until
):
    blocker, blocked, friend = new_user("bk"), new_user("bd"), new_user("bf")
    follow(http, blocked, blocker)
    follow(http, blocker, blocked)
    follow(http, blocked, friend)
    follow(http, friend, blocker)
    own = tweet(http, blocker, "blockword from the blocker")
    answer = http.post(
        f"/api/tweets/{own['id']}/replies",
        json={"text": "blockword reply"},
        headers=blocker["auth"],
    ).json()
    theirs = tweet(http, friend, "blockword from a friend")
    http.post(
        f"/api/tweets/{theirs['id']}/replies",
        json={"text": "blockword answer"},
        headers=blocker["auth"],
    )
    http.put(f"/api/tweets/{own['id']}/repost", headers=friend["auth"])  # reaches `blocked`
    http.put(f"/api/tweets/{theirs['id']}/like", headers=blocker["auth"])
    http.put(f"/api/tweets/{theirs['id']}/repost", headers=blocker["auth"])
    tweet(http, friend, "quoting blockword", quote_id=own["id"])
    bookmarked = http.put(f"/api/tweets/{own['id']}/bookmark", headers=blocked["auth"])
    assert bookmarked.status_code == 200
    blocked_post = tweet(http, blocked, "blockword from the blocked")
    http.put(f"/api/tweets/{blocked_post['id']}/like", headers=blocker["auth"])
    drain_queue()
    wait_until(lambda: blocker["id"] in search_user_ids(http, blocked, blocker["username"]))
    before = everything_seen_by(
        http, blocked, [blocker["username"], friend["username"]], [own["id"], theirs["id"]],
        wait_until,
    )  # fmt: skip
    assert blocker["username"] in before and blocker["id"] in before  # the check can fail

    put = http.put(f"/api/users/{blocked['username']}/block", headers=blocker["auth"])
    assert put.status_code == 200 and put.json() == {
        "username": blocked["username"],
        "blocking": True,
    }
    drain_queue()
    names = [blocker["username"], friend["username"]]
    after = everything_seen_by(http, blocked, names, [own["id"], theirs["id"]], wait_until)
    for needle in (blocker["username"], blocker["id"]):
        at = after.find(needle)
        assert at < 0, after[max(0, at - 400) : at + 100]
    quoted = f'"quote":null,"quote_count":0,"quote_id":"{own["id"]}"'
    assert quoted in after  # the friend's quote shows the blocker's post as unavailable
    assert own["id"] not in after.replace(quoted, "") and answer["id"] not in after
    for tail in ("", "/tweets", "/followers"):
        hidden = http.get(f"/api/users/{blocker['username']}{tail}", headers=blocked["auth"])
        assert hidden.status_code == 404
    assert http.get(f"/api/tweets/{own['id']}", headers=blocked["auth"]).status_code == 404
    # ... and the blocker sees nothing of the blocked either.
    mirror = everything_seen_by(
        http, blocker, [blocked["username"], friend["username"]], [blocked_post["id"]], wait_until
    )
    assert blocked["username"] not in mirror and blocked["id"] not in mirror, mirror

    # Follows both ways ended; none can start again, nor any other contact.
    profile = http.get(f"/api/users/{friend['username']}", headers=blocked["auth"]).json()
    assert profile["following_count"] == 1
    me = http.get("/api/users/me", headers=blocker["auth"]).json()
    assert (me["follower_count"], me["following_count"]) == (1, 0)
    refused = [
        http.put(f"/api/users/{blocker['username']}/follow", headers=blocked["auth"]),
        http.put(f"/api/tweets/{own['id']}/like", headers=blocked["auth"]),
        http.put(f"/api/tweets/{own['id']}/repost", headers=blocked["auth"]),
        http.post(
            f"/api/tweets/{own['id']}/replies", json={"text": "hey"}, headers=blocked["auth"]
        ),
        http.post(
            "/api/tweets", json={"text": "q", "quote_id": own["id"]}, headers=blocked["auth"]
        ),
        http.put(f"/api/users/{blocked['username']}/follow", headers=blocker["auth"]),
    ]
    assert [r.status_code for r in refused] == [404] * len(refused)
    tweet(http, blocked, f"@{blocker['username']} can you hear me")
    notified = http.get("/api/notifications", headers=blocker["auth"]).json()
    assert blocked["username"] not in json.dumps(notified)

    listed = http.get("/api/users/me/blocks", headers=blocker["auth"]).json()
    assert [u["username"] for u in listed["items"]] == [blocked["username"]]
    off = http.delete(f"/api/users/{blocked['username']}/block", headers=blocker["auth"])
    assert off.json()["blocking"] is False
    drain_queue()
    assert http.get(f"/api/users/{blocker['username']}", headers=blocked["auth"]).status_code == 200
    assert http.get("/api/users/me/blocks", headers=blocker["auth"]).json()["items"] == []


def search_user_ids(http, user, name):
    response = http.get("/api/search", params={"q": name, "type": "users"}, headers=user["auth"])
    return (
        [u["id"] for u in response.json().get("items", [])] if response.status_code == 200 else []
    )


def test_a_mute_hides_only_from_the_muters_timeline_notifications_and_search(
    http, new_user, drain_queue, wait_until
):
    muter, muted, friend = new_user("mu"), new_user("md"), new_user("mf")
    follow(http, muter, muted)
    follow(http, muter, friend)
    post = tweet(http, muted, "muteword loud")
    http.put(f"/api/tweets/{post['id']}/repost", headers=friend["auth"])
    own = tweet(http, muter, "mine")
    http.put(f"/api/tweets/{own['id']}/like", headers=muted["auth"])
    drain_queue()
    timeline = http.get("/api/timeline", headers=muter["auth"]).json()["items"]
    assert post["id"] in [p["id"] for p in timeline]

    told_before = http.get("/api/notifications", headers=muted["auth"]).json()["items"]
    put = http.put(f"/api/users/{muted['username']}/mute", headers=muter["auth"])
    assert put.status_code == 200 and put.json()["muting"] is True
    drain_queue()
    timeline = http.get("/api/timeline", headers=muter["auth"]).json()["items"]
    assert [p["id"] for p in timeline] == [own["id"]]
    assert http.get("/api/notifications", headers=muter["auth"]).json()["items"] == []
    wait_until(
        lambda: (
            post["id"]
            in [p["id"] for p in http.get("/api/search", params={"q": "muteword"}).json()["items"]]
        )
    )
    searched = http.get("/api/search", params={"q": "muteword"}, headers=muter["auth"]).json()
    assert searched["items"] == []
    # Nothing else changes: the profile, the post, the follow; the muted account is not told.
    profile = http.get(f"/api/users/{muted['username']}", headers=muter["auth"]).json()
    assert profile["followed_by_me"] is True and profile["muted_by_me"] is True
    assert http.get(f"/api/tweets/{post['id']}", headers=muter["auth"]).status_code == 200
    theirs = http.get(f"/api/users/{muter['username']}", headers=muted["auth"]).json()
    assert "muted_by_me" in theirs and theirs["muted_by_me"] is False
    told = http.get("/api/notifications", headers=muted["auth"]).json()["items"]
    assert told == told_before
    listed = http.get("/api/users/me/mutes", headers=muter["auth"]).json()["items"]
    assert [u["username"] for u in listed] == [muted["username"]]

    http.delete(f"/api/users/{muted['username']}/mute", headers=muter["auth"])
    drain_queue()
    timeline = http.get("/api/timeline", headers=muter["auth"]).json()["items"]
    assert post["id"] in [p["id"] for p in timeline]


def test_blocking_or_muting_oneself_is_a_422_and_nobody_a_404(http, new_user):
    user = new_user("bs")
    for verb in ("block", "mute"):
        own = http.put(f"/api/users/{user['username']}/{verb}", headers=user["auth"])
        assert own.status_code == 422
        assert own.headers["content-type"].startswith("application/problem+json")
        nobody = http.put(f"/api/users/nobody_zz_zz/{verb}", headers=user["auth"])
        assert nobody.status_code == 404
        assert http.put(f"/api/users/{user['username']}/{verb}").status_code == 401
