"""The social loop on the web pages over plain HTTP (no JavaScript): reposts, quotes, bookmarks,
notifications with their badge, block and mute with their settings lists, the new-posts bar."""

from __future__ import annotations

import re


def test_a_repost_shows_who_reposted_it_and_can_be_undone(visitor, drain_queue):
    author, sharer, reader = visitor("Ann Author"), visitor(), visitor()
    reader.post(f"/u/{sharer.username}/follow")
    post_id = author.tweet("worth a repost")
    shared = sharer.post(f"/tweets/{post_id}/repost", {"next": "/"})
    assert shared.status_code == 200
    drain_queue()
    home = reader.get("/").text
    assert f"@{sharer.username}</a> reposted" in home and "worth a repost" in home
    assert (
        'Undo repost, </span><span class="repost-count">1<' in sharer.get(f"/tweets/{post_id}").text
    )
    button = sharer.post(f"/tweets/{post_id}/unrepost", htmx=True)
    assert (
        'Repost, </span><span class="repost-count">0<' in button.text and "<html" not in button.text
    )
    drain_queue()
    assert "worth a repost" not in reader.get("/").text


def test_quoting_from_the_quote_page_embeds_the_post(visitor):
    author, quoter = visitor(), visitor()
    post_id = author.tweet("the original words")
    page = quoter.get(f"/tweets/{post_id}/quote")
    assert page.status_code == 200 and "the original words" in page.text
    refused = quoter.post(f"/tweets/{post_id}/quote", {"text": " "})
    assert refused.status_code == 422 and "Write something first." in refused.text
    kept = quoter.post(f"/tweets/{post_id}/quote", {"text": "x" * 281})
    assert kept.status_code == 422 and "x" * 281 in kept.text  # never lost
    done = quoter.post(f"/tweets/{post_id}/quote", {"text": "my comment"})
    assert done.status_code == 200
    home = done.text
    assert "my comment" in home and '<blockquote class="quoted">' in home
    assert "the original words" in home
    author.post(f"/tweets/{post_id}/delete")
    assert "This post is unavailable." in quoter.get("/").text


def test_bookmarks_page_lists_what_was_bookmarked(visitor):
    author, reader = visitor(), visitor()
    post_id = author.tweet("keep this one")
    reader.post(f"/tweets/{post_id}/bookmark", {"next": "/"})
    page = reader.get("/bookmarks").text
    assert "keep this one" in page and ">Remove bookmark</span>" in page
    assert "keep this one" not in author.get("/bookmarks").text
    reader.post(f"/tweets/{post_id}/unbookmark")
    assert "keep this one" not in reader.get("/bookmarks").text


def test_notifications_are_grouped_and_the_badge_counts_unread(visitor):
    author = visitor()
    fans = [visitor(f"Fan {i}") for i in range(4)]
    post_id = author.tweet("like me")
    for fan in fans:
        fan.post(f"/tweets/{post_id}/like")
    fans[0].post(f"/u/{author.username}/follow")
    badge = author.get("/notifications/badge").text
    assert re.search(r">5<span class=\"visually-hidden\"> unread", badge), badge
    page = author.get("/notifications").text
    assert f"@{fans[3].username}</a>" in page and "and 3 others" in page
    assert "liked your post" in page and "followed you" in page and "new</span>" in page
    # Seen: the badge is empty, and the page no longer marks them new.
    assert 'class="badge empty"' in author.get("/notifications/badge").text
    assert "new</span>" not in author.get("/notifications").text
    mentions = author.get("/notifications", params={"tab": "mentions"}).text
    assert "liked your post" not in mentions


def test_block_and_mute_from_the_profile_and_undo_them_in_settings(visitor, drain_queue):
    me, them = visitor(), visitor()
    me.post(f"/u/{them.username}/follow")
    them.tweet("from them")
    drain_queue()
    assert "from them" in me.get("/").text
    muted = me.post(f"/u/{them.username}/mute", {"next": f"/u/{them.username}"})
    assert muted.status_code == 200 and ">Unmute</button>" in muted.text
    drain_queue()
    assert "from them" not in me.get("/").text
    settings = me.get("/settings/profile").text
    assert f"@{them.username}" in settings and "Unmute" in settings
    me.post(f"/u/{them.username}/unmute")
    profile = me.get(f"/u/{them.username}").text
    assert f'href="/u/{them.username}/block"' in profile  # Block asks first
    confirm = me.get(f"/u/{them.username}/block")
    assert confirm.status_code == 200 and f"Block @{them.username}?" in confirm.text
    assert them.get(f"/u/{me.username}").status_code == 200  # asking changed nothing
    blocked = me.post(f"/u/{them.username}/block")
    assert blocked.status_code == 200 and "Blocked accounts" in blocked.text
    assert f'>Unblock<span class="visually-hidden"> @{them.username}<' in blocked.text
    assert them.get(f"/u/{me.username}").status_code == 404
    assert me.get(f"/u/{them.username}").status_code == 404
    me.post(f"/u/{them.username}/unblock")
    assert them.get(f"/u/{me.username}").status_code == 200


def test_the_new_posts_bar_counts_what_arrived_since_the_page(visitor, drain_queue):
    reader, author = visitor(), visitor()
    reader.post(f"/u/{author.username}/follow")
    reader.tweet("mine first")
    newest = re.search(r"since_id=(\d+)", reader.get("/").text).group(1)
    assert reader.get("/timeline/new", params={"since_id": newest}).text.strip() == ""
    author.tweet("one")
    author.tweet("two")
    drain_queue()
    bar = reader.get("/timeline/new", params={"since_id": newest}).text
    assert "Show 2 new posts" in bar
