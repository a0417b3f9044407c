"""The web UI in a real browser: Debian's chromium driven by Playwright, against the real stack.

Screenshots of the main pages at desktop and phone widths are written to
FLOCK_SCREENSHOT_DIR (default: var/screenshots); the README's come from there. Every page a
person visits is scanned by axe-core afterwards (tests/browsing.py).
"""

from __future__ import annotations

import re
import secrets

from browsing import SHOTS, SIZES, Person, picture
from playwright.sync_api import expect
from websites import Site


def test_the_whole_journey(person):
    alice = person().sign_up(display_name="Alice Liddell", bio="Curious, and getting curiouser.")
    bob = person().sign_up(display_name="Bob Builder")
    word = "zq" + secrets.token_hex(3)

    # Bob follows Alice from her profile, in place.
    bob.page.goto(f"/u/{alice.username}")
    profile = bob.page.get_by_role("main")  # the column beside may suggest her too
    profile.get_by_role("button", name=f"Follow @{alice.username}").click()
    following = f"Following @{alice.username}: unfollow"
    expect(profile.get_by_role("button", name=following)).to_be_visible()

    # Alice posts; the counter counts down; the tweet appears at the top without a reload.
    alice.page.goto("/")
    box = alice.page.get_by_label("Post", exact=True)
    box.fill("x" * 300)
    expect(alice.page.locator("#compose-count")).to_have_text("-20")
    expect(alice.page.get_by_role("button", name="Post", exact=True)).to_be_disabled()
    alice.post(f"Down the rabbit hole with #wonderland {word}", images=[picture()])
    alice_image = alice.page.locator("#timeline article").first.locator(".media-grid img")
    expect(alice_image).to_have_count(1)
    alice_image.scroll_into_view_if_needed()  # images load lazily, when near the screen
    alice.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=alice_image.element_handle()
    )

    # Bob sees it on his home timeline and likes it in place.
    bob.until_visible("/", word)
    tweet = bob.page.locator("article", has_text=word)
    expect(tweet.locator(".media-grid img")).to_have_attribute("alt", re.compile("Image 1 of 1"))
    tweet.get_by_role("button", name=re.compile(r"^Like")).click()
    expect(tweet.get_by_role("button", name="Unlike, 1 like")).to_be_visible()

    # Bob opens the tweet and replies; the reply appears in place.
    tweet.locator("a.when").click()
    expect(bob.page.locator("article.focus")).to_contain_text(word)
    bob.page.get_by_label("Reply", exact=True).fill("Mind the Cheshire cat!")
    bob.page.get_by_role("button", name="Reply", exact=True).click()
    expect(bob.page.locator("#replies")).to_contain_text("Mind the Cheshire cat!")
    tweet_path = bob.page.url

    # Alice edits her tweet; it is marked as edited, with its history.
    alice.page.goto(tweet_path)
    alice.page.locator("article.focus").get_by_role("link", name="Edit").click()
    alice.page.get_by_label("Text").fill(f"Further down the rabbit hole #wonderland {word}")
    alice.page.get_by_role("button", name="Save", exact=True).click()
    expect(alice.page.locator("article.focus")).to_contain_text("Further down")
    alice.page.locator("article.focus").get_by_role("link", name="edited").click()
    expect(alice.page.get_by_role("heading", name="Edit history")).to_be_visible()

    # Bob deletes his reply, after confirming.
    bob.page.goto(tweet_path)
    bob.page.locator("article", has_text="Cheshire").get_by_role("link", name="Delete").click()
    bob.page.get_by_role("button", name="Delete").click()
    bob.page.goto(tweet_path)
    expect(bob.page.get_by_text("Mind the Cheshire cat!")).to_have_count(0)

    # Bob searches for the tweet and for Alice.
    bob.until_visible(f"/search?q={word}", "Further down")
    bob.page.goto(f"/search?q={alice.username[:6]}&type=users")
    expect(bob.page.get_by_role("link", name=re.compile(alice.username))).to_be_visible()

    # Bob logs out.
    bob.page.get_by_role("button", name=f"Log out @{bob.username}").click()
    expect(bob.page.get_by_role("link", name="Create account")).to_be_visible()

    assert alice.errors == [] and bob.errors == []  # no CSP violations, no script errors


def test_screenshots_of_the_main_pages(person):
    """Home, tweet, profile and search at desktop and phone widths (for docs/screenshots)."""
    alice = person().sign_up(display_name="Alice Liddell", bio="Curious, and getting curiouser.")
    bob = person().sign_up(display_name="Bob Builder", bio="Can we fix it? Yes we can.")
    bob.page.goto(f"/u/{alice.username}")
    bob.page.get_by_role("main").get_by_role("button", name=f"Follow @{alice.username}").click()
    alice.post(
        "Tea party at six. Bring your own #teacup and a riddle. https://example.org/tea",
        images=[picture()],
    )
    alice.post("Why is a raven like a writing-desk? Answers below #riddles @" + bob.username)
    bob.post("Fixed the garden gate today #diy")
    bob.until_visible("/", "raven")
    raven = bob.page.locator("article", has_text="raven")
    raven.get_by_role("button", name=re.compile(r"^Like")).click()
    expect(raven.get_by_role("button", name=re.compile(r"^Unlike"))).to_be_visible()
    raven.locator("a.when").click()
    bob.page.get_by_label("Reply", exact=True).fill("Because it can produce a few notes?")
    bob.page.get_by_role("button", name="Reply", exact=True).click()
    expect(bob.page.locator("#replies")).to_contain_text("few notes")
    tweet_path = bob.page.url

    alice.page.goto("/settings/profile")  # her face; Bob keeps the one made from his name
    alice.page.get_by_label(re.compile("^A picture of you")).set_input_files(
        {"name": "alice.png", "mimeType": "image/png", "buffer": picture((600, 600))}
    )
    alice.page.get_by_role("button", name="Upload picture").click()
    expect(alice.page.get_by_role("status")).to_have_text("Picture saved.")
    alice.page.get_by_label(re.compile("^A wide picture")).set_input_files(
        {"name": "wide.png", "mimeType": "image/png", "buffer": picture((1500, 500))}
    )
    alice.page.get_by_role("button", name="Upload banner").click()
    expect(alice.page.get_by_role("status")).to_have_text("Banner saved.")
    site = Site("127.0.0.2")  # a page to link to: its card shows under the post
    try:
        alice.post(f"Field notes from the marsh, and a map: {site.url('/page')}")
        bob.until_visible("/", "Herons of the Lower Marsh")
    finally:
        site.shutdown()
        site.server_close()

    for size in SIZES:
        for theme in ("light", "dark"):
            viewer = person(size)
            viewer.page.emulate_media(color_scheme=theme)
            viewer.context.add_cookies(bob.context.cookies())
            viewer.page.goto("/")
            viewer.shot(f"home-{theme}", size)
            viewer.page.goto(tweet_path)
            viewer.shot(f"tweet-{theme}", size)
            viewer.page.goto(f"/u/{alice.username}")
            viewer.shot(f"profile-{theme}", size)
            viewer.until_visible("/search?q=raven", "writing-desk")
            viewer.shot(f"search-{theme}", size)
            viewer.page.goto("/explore")
            viewer.shot(f"explore-{theme}", size)
            assert viewer.errors == []
    for name in ("home", "tweet", "profile", "search", "explore"):
        for size in SIZES:
            for theme in ("light", "dark"):
                assert (SHOTS / f"{name}-{theme}-{size}.png").stat().st_size > 10_000


def test_the_social_loop_live_without_a_reload(person):
    """New posts and notifications reach an open page live; repost, quote, bookmark and the
    notifications page work in the browser (screenshots of both for docs/screenshots)."""
    alice = person().sign_up(display_name="Alice Liddell")
    bob = person().sign_up(display_name="Bob Builder")
    carol = person().sign_up(display_name="Carol Singer")
    for fan, idol in ((bob, alice), (carol, bob)):
        fan.page.goto(f"/u/{idol.username}")
        fan.page.get_by_role("main").get_by_role("button", name=f"Follow @{idol.username}").click()
        expect(
            fan.page.get_by_role("button", name=f"Following @{idol.username}: unfollow")
        ).to_be_visible()
    bob.post("Measuring twice, cutting once #diy")
    bob.page.goto("/")
    expect(bob.page.locator("#unread-badge")).to_contain_text("1 unread")  # Carol followed
    bob.page.goto("/notifications")  # read
    bob.page.goto("/")
    expect(bob.page.locator("#unread-badge")).to_have_text(re.compile(r"^\s*$"))
    expect(bob.page.locator("body[data-live=open]")).to_have_count(1)  # the stream is open

    # Alice posts and likes: Bob's open page shows both without a reload.
    alice.post("Off to see the Queen of Hearts. Wish me luck.")
    expect(bob.page.locator("#new-posts")).to_contain_text("Show 1 new post", timeout=30_000)
    alice.page.goto(f"/u/{bob.username}")
    alice.page.locator("article", has_text="cutting once").get_by_role(
        "button", name=re.compile(r"^Like")
    ).click()
    expect(bob.page.locator("#unread-badge")).to_contain_text("1 unread", timeout=30_000)
    bob.page.get_by_role("link", name="Show 1 new post").click()

    # Bob reposts Alice's post; Carol, who follows Bob (not Alice), sees who reposted it.
    queen = bob.page.locator("article", has_text="Queen of Hearts")
    queen.get_by_role("button", name=re.compile(r"^Repost")).click()
    expect(queen.get_by_role("button", name=re.compile(r"^Undo repost"))).to_be_visible()
    queen.get_by_role("button", name="Bookmark").click()
    expect(queen.get_by_role("button", name="Remove bookmark")).to_be_visible()
    carol.until_visible("/", "Queen of Hearts")  # the repost's fan-out runs on the worker
    shared = carol.page.locator("article", has_text="Queen of Hearts")
    expect(shared).to_contain_text(f"@{bob.username} reposted")
    bob.page.reload()  # Bob follows Alice: her post is there already, and shows once
    mine = bob.page.locator("article", has_text="Queen of Hearts")
    expect(mine).to_have_count(1)
    expect(mine).not_to_contain_text("reposted")
    carol.page.locator("article", has_text="cutting once").get_by_role(
        "link", name=re.compile(r"^Quote")
    ).click()
    carol.page.get_by_label("Your comment").fill("Bob knows his craft.")
    carol.page.get_by_role("button", name="Post", exact=True).click()
    expect(carol.page.locator("blockquote.quoted").first).to_contain_text("cutting once")
    carol.shot("repost")

    bob.page.goto("/bookmarks")
    expect(bob.page.locator("article", has_text="Queen of Hearts")).to_be_visible()
    bob.page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(bob.page.locator(".notification").first).to_contain_text("quoted your post")
    expect(bob.page.get_by_text("liked your post")).to_be_visible()
    bob.shot("notifications")
    for size in SIZES:
        viewer = person(size)
        viewer.context.add_cookies(bob.context.cookies())
        viewer.page.goto("/notifications")
        viewer.shot("notifications", size)
        viewer.context.add_cookies(carol.context.cookies())
        viewer.page.goto("/")
        viewer.shot("repost", size)
        assert viewer.errors == []
    assert alice.errors == [] and bob.errors == [] and carol.errors == []


def test_script_in_user_text_never_runs(person):
    payloads = [
        "<script>alert('s')</script>",
        "<img src=x onerror=alert('i')>",
        "javascript:alert('j')",
    ]
    mallory = person().sign_up(display_name="<img src=x onerror=alert(1)>",
                               bio="<script>alert('bio')</script>")  # fmt: skip
    for payload in payloads:
        mallory.post(f"try {payload}")
    victim = person().sign_up()
    for path in ("/", f"/u/{mallory.username}", "/search?q=try&type=tweets"):
        victim.page.goto(path)
        victim.page.wait_for_load_state("load")
    victim.until_visible(f"/u/{mallory.username}", "javascript:alert('j')")
    page = victim.page
    assert victim.dialogs == []
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script:not([src])").count() == 0
    expect(page.get_by_text("<img src=x onerror=alert(1)>").first).to_be_visible()
    assert page.locator("a[href^='javascript:']").count() == 0
    victim.page.goto(f"/tweets/{_first_post_id(victim)}")
    assert victim.dialogs == [] and victim.errors == []


def test_a_form_post_without_the_token_is_refused(person):
    ada = person().sign_up()
    response = ada.page.request.post("/compose", form={"text": "forged in the browser"})
    assert response.status == 403
    ada.page.goto(f"/u/{ada.username}")
    expect(ada.page.get_by_text("forged in the browser")).to_have_count(0)


def _first_post_id(person: Person) -> str:
    return person.page.locator("article").first.get_attribute("id").removeprefix("post-")
