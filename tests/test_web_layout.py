"""The web UI's frame in a real browser: at a desktop's size a navigation rail, the page and a
right-hand column; at a phone's size one top row, a tab bar and a floating Post button; Explore;
light and dark; the keyboard alone; a light home page. axe-core scans every page visited here
(tests/browsing.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

RAIL = ("Home", "Explore", "Notifications", "Bookmarks", "Profile", "Settings", "Post")
TABS = ("Home", "Explore", "Notifications", "Profile")


def test_a_desktop_has_a_rail_the_page_and_a_column_to_discover(person):
    ada = person().sign_up(display_name="Ada Rail")
    ada.post("Timetables for the #railway")
    page = ada.page
    page.goto("/")
    rail = page.get_by_role("navigation", name="Main")
    for name in RAIL:
        expect(rail.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    expect(rail.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    side = page.get_by_role("complementary", name="Discover")
    expect(side.get_by_role("search", name="Search Flock")).to_be_visible()
    expect(side.get_by_role("heading", name="Trending")).to_be_visible()
    rail_box, main_box = rail.bounding_box(), page.locator("#main").bounding_box()
    assert rail_box["x"] + rail_box["width"] <= main_box["x"]
    assert main_box["x"] + main_box["width"] <= side.bounding_box()["x"]
    expect(page.get_by_role("navigation", name="Tabs")).to_be_hidden()

    rail.get_by_role("link", name="Post").click()
    expect(page).to_have_url(re.compile(r"/compose$"))
    page.get_by_label("Post", exact=True).fill("Written on the compose page")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted article")).to_contain_text("Written on the compose page")
    rail.get_by_role("link", name="Explore").click()
    expect(page.get_by_role("heading", name="Explore", level=1)).to_be_visible()
    expect(rail.get_by_role("link", name="Explore")).to_have_attribute("aria-current", "page")
    assert ada.errors == []


def test_a_phone_has_one_top_row_a_tab_bar_and_a_post_button(person):
    ada = person().sign_up(display_name="Ada Phone")
    ada.post("Small screens, #pocket sized")
    phone = person("phone")
    phone.context.add_cookies(ada.context.cookies())
    page = phone.page
    page.goto("/")
    first = page.locator("#timeline article").first
    expect(first).to_contain_text("pocket sized")
    assert first.bounding_box()["y"] <= 120  # the top bar, then the posts
    bar = page.get_by_role("banner")
    assert bar.bounding_box()["height"] <= 60
    expect(bar.get_by_role("link", name="Your profile")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    tabs = page.get_by_role("navigation", name="Tabs")
    for name in TABS:
        expect(tabs.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    tabs_box = tabs.bounding_box()
    assert tabs_box["y"] + tabs_box["height"] == page.viewport_size["height"]

    tabs.get_by_role("link", name="Explore").click()  # one tap: search, trends, who to follow
    expect(page.get_by_role("search", name="Search Flock")).to_be_visible()
    expect(page.get_by_role("heading", name="Trending")).to_be_visible()
    expect(page.get_by_role("heading", name="Who to follow")).to_be_visible()

    tabs.get_by_role("link", name="Post", exact=True).click()  # the floating button
    expect(page).to_have_url(re.compile(r"/compose$"))
    page.get_by_label("Post", exact=True).fill("Posted from a phone")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#posted article")).to_contain_text("Posted from a phone")
    page.get_by_role("banner").get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page.get_by_role("link", name="Create account")).to_be_visible()
    assert phone.errors == []


def test_dark_mode_follows_the_device_unless_this_browser_chose(person):
    ada = person().sign_up()
    page = ada.page

    def background() -> tuple[int, ...]:
        page.goto("/")
        color = page.evaluate("getComputedStyle(document.body).backgroundColor")
        return tuple(int(n) for n in re.findall(r"\d+", color)[:3])

    page.emulate_media(color_scheme="dark")
    dark = background()
    page.emulate_media(color_scheme="light")
    light = background()
    assert sum(dark) < 150 < 600 < sum(light), (dark, light)

    for choice, device, expected in [
        ("Dark", "light", dark),
        ("Light", "dark", light),
        ("As the device is set", "dark", dark),
    ]:
        page.emulate_media(color_scheme=device)
        page.goto("/settings/profile")
        page.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name="Save theme").click()
        expect(page.get_by_label(choice, exact=True)).to_be_checked()
        assert background() == expected, choice


def test_the_keyboard_alone_posts_likes_replies_and_navigates(person):
    ada = person().sign_up(display_name="Ada Keys")
    page = ada.page
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    box = page.get_by_label("Post", exact=True)
    _tab_to(page, box)
    page.keyboard.type("Typed without a mouse")
    _tab_to(page, page.get_by_role("button", name="Post", exact=True))
    page.keyboard.press("Enter")
    article = page.locator("#timeline article", has_text="Typed without a mouse")
    expect(article).to_be_visible()

    like = article.get_by_role("button", name=re.compile(r"^Like"))
    _tab_to(page, like)
    ring = like.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor, getComputedStyle(el.closest('.card')).backgroundColor] }"
    )
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2, ring
    assert _contrast(ring[2], ring[3]) >= 3, ring  # the focus ring stands out (WCAG 2.4.11)
    page.keyboard.press("Enter")
    expect(article.get_by_role("button", name=re.compile(r"^Unlike"))).to_be_visible()

    _tab_to(page, article.get_by_role("link", name=re.compile(r"^Replies")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tweets/\d+$"))
    _tab_to(page, page.get_by_label("Reply", exact=True))
    page.keyboard.type("And a reply, by keyboard")
    _tab_to(page, page.get_by_role("button", name="Reply", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("#replies")).to_contain_text("And a reply, by keyboard")

    page.goto("/")
    _tab_to(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Profile"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ada Keys", level=1)).to_be_visible()
    assert ada.errors == []


def test_the_home_page_is_light(person, chromium, base_url):
    """Cold (nothing cached), the home page is under 150 KB transferred and 25 requests, not
    counting images; avatars come at the size shown."""
    ada = person().sign_up()
    ada.post("Weighed on arrival")
    context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies(ada.context.cookies())
        page = context.new_page()
        page.goto("/")
        expect(page.locator("#unread-badge")).to_have_attribute("class", re.compile("badge"))
        expect(page.get_by_role("heading", name="Trending")).to_be_visible()
        weight = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType('navigation')[0];
              const rest = performance.getEntriesByType('resource')
                .filter(e => e.initiatorType !== 'img');
              return {bytes: rest.reduce((sum, e) => sum + e.transferSize, nav.transferSize),
                      requests: 1 + rest.length};
            }"""
        )
        assert weight["bytes"] < 150_000 and weight["requests"] < 25, weight
        shown = page.locator("#timeline article img.avatar").first
        natural = shown.evaluate("img => [img.naturalWidth, img.width, img.currentSrc]")
        assert natural[0] in (natural[1], 2 * natural[1], 400) or natural[2].endswith(".svg")
    finally:
        context.close()


def _tab_to(page, target, presses: int = 60) -> None:
    """Press Tab until `target` has the focus."""
    handle = target.element_handle()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if handle.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def _contrast(one: str, other: str) -> float:
    def luminance(color: str) -> float:
        channels = [int(n) / 255 for n in re.findall(r"\d+", color)[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
