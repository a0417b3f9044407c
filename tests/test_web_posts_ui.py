"""What a post shows and offers in the browser, as people know it from the apps they use:
"Replying to @x", who liked and reposted it, its link copied, the poster's own alt text on
each image with an ALT badge, a full-size viewer (keyboard and swipe), profile tabs for Media
and (one's own) Likes, and times in the reader's zone."""

from __future__ import annotations

import re

from browsing import picture
from playwright.sync_api import expect


def test_a_reply_says_whom_it_answers_and_a_post_shows_who_liked_and_reposted_it(person):
    ann, bob = person().sign_up("Ann Answered"), person().sign_up("Bob Replier")
    ann.post("a question worth answering")
    page = bob.page
    page.goto(f"/u/{ann.username}")
    page.get_by_role("link", name=re.compile("^(now|\\d+[smh])$")).first.click()
    main = page.get_by_role("main")
    main.get_by_role("button", name=re.compile("^Like")).click()
    expect(main.get_by_role("button", name="Unlike, 1 like")).to_be_visible()
    main.get_by_role("button", name=re.compile("^Repost")).first.click()
    page.get_by_label("Reply", exact=True).fill("an answer")
    page.get_by_role("button", name="Reply", exact=True).click()
    reply = main.locator("article", has_text="an answer")
    expect(reply).to_be_visible()
    page.goto(f"/u/{bob.username}?tab=replies")
    card = page.get_by_role("main").locator("article", has_text="an answer")
    expect(card.get_by_text("Replying to")).to_be_visible()
    card.get_by_role("link", name=f"@{ann.username}", exact=True).click()
    expect(page).to_have_url(re.compile(f"/u/{ann.username}$"))

    page.get_by_role("main").locator("article", has_text="a question").locator("a.when").click()
    page.get_by_role("link", name="1 Like", exact=True).click()
    expect(page.get_by_role("heading", name="Liked by")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Bob Replier")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="1 Repost", exact=True).click()
    expect(page.get_by_role("heading", name="Reposted by")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="Bob Replier")).to_be_visible()


def test_copy_link_puts_the_posts_address_on_the_clipboard(person, base_url):
    ann = person().sign_up()
    ann.post("a post worth sharing")
    ann.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = ann.page
    card = page.locator("#timeline article", has_text="a post worth sharing")
    permalink = card.locator("a.when").get_attribute("href")
    card.get_by_role("button", name="Copy link to this tweet").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == base_url + permalink


def test_images_carry_the_posters_alt_text_and_open_full_size(person):
    ann = person().sign_up()
    alts = ["A sunrise over green hills", "The same hills at noon"]
    ann.post("two pictures", images=[picture(), picture((800, 600))], alts=alts)
    page = ann.page
    card = page.locator("#timeline article", has_text="two pictures")
    images = card.get_by_role("img")
    expect(images.nth(0)).to_have_attribute("alt", alts[0])
    expect(images.nth(1)).to_have_attribute("alt", alts[1])
    card.get_by_text("ALT").first.click()
    expect(card.get_by_text(alts[0], exact=True)).to_be_visible()

    card.locator("a[data-viewer]").first.focus()  # the keyboard alone
    page.keyboard.press("Enter")
    viewer = page.get_by_role("dialog")
    expect(page.get_by_role("dialog", name="Image 1 of 2")).to_be_visible()
    expect(viewer.get_by_role("img", name=alts[0])).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("dialog", name="Image 2 of 2")).to_be_visible()
    expect(viewer.get_by_role("img", name=alts[1])).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(card.locator("a[data-viewer]").first).to_be_focused()

    phone = person("phone")
    phone.page.context.add_cookies(ann.context.cookies())
    phone.page.goto(f"/u/{ann.username}")
    phone.page.locator("a[data-viewer]").first.click()
    shown = phone.page.get_by_role("dialog", name="Image 1 of 2")
    expect(shown).to_be_visible()
    phone.page.evaluate(SWIPE, [320, 80])  # a swipe to the left: the next image
    expect(phone.page.get_by_role("dialog", name="Image 2 of 2")).to_be_visible()


SWIPE = """([from, to]) => {
    const dialog = document.querySelector("dialog.viewer");
    const touch = x => new Touch({identifier: 1, target: dialog, clientX: x, clientY: 400});
    const send = (type, x) =>
        dialog.dispatchEvent(new TouchEvent(type, {changedTouches: [touch(x)], bubbles: true}));
    send("touchstart", from);
    send("touchend", to);
}"""


def test_profile_tabs_show_media_and_only_one_own_likes(person):
    ann, bob = person().sign_up(), person().sign_up()
    ann.post("words only")
    ann.post("with a picture", images=[picture()])
    page = bob.page
    page.goto(f"/u/{ann.username}")
    expect(page.get_by_role("link", name="Likes", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Media", exact=True).click()
    feed = page.get_by_role("region", name="Media")
    expect(feed.locator("article", has_text="with a picture")).to_be_visible()
    expect(feed.locator("article", has_text="words only")).to_have_count(0)
    liked = feed.locator("article", has_text="with a picture")
    liked.get_by_role("button", name=re.compile("^Like")).click()
    expect(liked.get_by_role("button", name="Unlike, 1 like")).to_be_visible()
    page.goto(f"/u/{bob.username}")
    page.get_by_role("link", name="Likes", exact=True).click()
    likes = page.get_by_role("region", name="Likes")
    expect(likes.get_by_text("Only you can see your likes.")).to_be_visible()
    expect(likes.locator("article", has_text="with a picture")).to_be_visible()
    page.goto(f"/u/{ann.username}?tab=likes")  # someone else's: their tweets instead
    expect(page.get_by_role("region", name="Tweets")).to_be_visible()


def test_times_are_shown_in_the_readers_zone(chromium, base_url, person):
    ann = person().sign_up()
    ann.post("what time is it")
    context = chromium.new_context(base_url=base_url, timezone_id="Pacific/Auckland")
    try:
        context.add_cookies(ann.context.cookies())
        page = context.new_page()
        page.goto(f"/u/{ann.username}")
        when = page.locator("article", has_text="what time is it").locator("time")
        expect(when).to_have_text("now")
        expected = page.evaluate(
            """iso => new Date(iso).toLocaleString(undefined,
                 {dateStyle: "medium", timeStyle: "short", timeZone: "Pacific/Auckland"})""",
            when.get_attribute("datetime"),
        )
        expect(when).to_have_attribute("title", expected)  # not the server's UTC text
        assert "UTC" not in expected
    finally:
        context.close()


def test_a_banner_and_face_head_the_profile_on_desktop_and_phone(person):
    bea = person().sign_up("Bea Banner")
    page = bea.page
    page.goto("/settings/profile")
    page.get_by_label("A wide picture across the top of your profile").set_input_files(
        {"name": "wide.png", "mimeType": "image/png", "buffer": picture((1800, 600))}
    )
    page.get_by_role("button", name="Upload banner").click()
    expect(page.get_by_role("status").filter(has_text="Banner saved.")).to_be_visible()
    phone = person("phone")
    phone.context.add_cookies(bea.context.cookies())
    for one in (bea, phone):
        one.page.goto(f"/u/{bea.username}")
        banner = one.page.locator(".profile .banner img")
        expect(banner).to_be_visible()
        box = banner.bounding_box()
        face = one.page.locator(".profile-head .avatar").bounding_box()
        assert abs(box["width"] / box["height"] - 3) < 0.05, box
        assert face["y"] < box["y"] + box["height"] < face["y"] + face["height"]  # overlapping
