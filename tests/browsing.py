"""A person at a browser for the browser tests (Debian's chromium, driven by Playwright), and
axe-core's scan of the pages they visit."""

from __future__ import annotations

import io
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SHOTS = Path(
    os.environ.get("FLOCK_SCREENSHOT_DIR", Path(__file__).parent.parent / "var/screenshots")
)


class Person:
    """One person at one browser: their own cookies, every console error and dialog recorded,
    every page they visited remembered (for the accessibility scan when they close)."""

    def __init__(self, chromium, base_url: str, size: str = "desktop"):
        self.chromium, self.base_url, self.size = chromium, base_url, size
        self.context = chromium.new_context(
            base_url=base_url, viewport=SIZES[size], has_touch=size == "phone"
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.visited: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("framenavigated", self._navigated)
        self.username = ""

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.base_url):
            self.visited.append(frame.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def sign_up(self, display_name: str = "", bio: str = "") -> Person:
        self.username = f"b{secrets.token_hex(5)}"
        page = self.page
        page.goto("/")
        page.get_by_role("link", name="Create account").click()
        page.get_by_label("Username").fill(self.username)
        page.get_by_label("Email").fill(f"{self.username}@example.org")
        page.get_by_label("Password").fill("a long enough secret")
        if display_name:
            page.get_by_label("Display name").fill(display_name)
        page.get_by_role("button", name="Create account").click()
        expect(page.get_by_role("button", name=f"Log out @{self.username}")).to_be_visible()
        if bio:
            page.goto("/settings/profile")
            page.get_by_label("Bio").fill(bio)
            page.get_by_role("button", name="Save", exact=True).click()
            expect(page.get_by_role("status")).to_have_text("Saved.")
        return self

    def post(self, text: str, images: list[bytes] = (), alts: list[str] = ()) -> None:
        page = self.page
        page.goto("/")
        box = page.get_by_label("Post", exact=True)
        box.fill(text)
        if images:
            files = [
                {"name": f"picture{n}.png", "mimeType": "image/png", "buffer": data}
                for n, data in enumerate(images)
            ]
            page.get_by_label("Images").set_input_files(files)
            expect(page.locator(".chosen")).to_contain_text("picture0.png")
            for n, alt in enumerate(alts):
                page.get_by_label(f"Describe image {n + 1} (picture{n}.png)").fill(alt)
        page.get_by_role("button", name="Post", exact=True).click()
        expect(page.locator("#timeline article").first).to_contain_text(text[:30])
        expect(box).to_have_value("")
        expect(page.locator(".chosen")).to_have_text("")

    def until_visible(self, path: str, text: str, tries: int = 40) -> None:
        """Reload until `text` shows (fan-out and indexing run on the worker)."""
        for _ in range(tries):
            self.page.goto(path)
            if self.page.get_by_text(text).count():
                return
            self.page.wait_for_timeout(500)
        raise AssertionError(f"{text!r} never appeared on {path}")

    def shot(self, name: str, size: str = "desktop") -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        expect(self.page.locator(".side [hx-trigger]:visible")).to_have_count(0)  # column loaded
        self.page.screenshot(path=SHOTS / f"{name}-{size}.png", full_page=False)

    def close(self) -> None:
        """Scan each kind of page this person visited (once per session, size and theme)."""
        cookies = self.context.cookies()
        self.context.close()
        found = []
        for url in dict.fromkeys(self.visited):
            for theme in THEMES:
                key = (_page_kind(url), self.size, theme)
                if key[0] is None or key in SCANNED:
                    continue
                SCANNED.add(key)
                found += [f"{theme} {self.size} {url}: {v}" for v in self.scan(url, theme, cookies)]
        assert not found, "axe-core found:\n" + "\n".join(found)

    def scan(self, url: str, theme: str, cookies: list) -> list[str]:
        """axe-core's violations (WCAG 2.1 A and AA, best practices, and names that contain the
        visible label) on `url` in `theme`, with these cookies."""
        context = self.chromium.new_context(
            base_url=self.base_url, viewport=SIZES[self.size], color_scheme=theme
        )
        try:
            context.add_cookies(cookies)
            page = context.new_page()
            response = page.goto(url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                return []
            page.wait_for_load_state("networkidle")
            return axe_violations(page)
        finally:
            context.close()


THEMES = ("light", "dark")
SCANNED: set[tuple] = set()  # (kind of page, size, theme) already scanned this session
AXE = Path(__file__).parent / "clients/node_modules/axe-core/axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}


def axe_violations(page) -> list[str]:
    """axe-core run inside the page (evaluated by the driver: the page's CSP allows no script
    from elsewhere), one line per violation with its first element."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{v['id']} x{len(v['nodes'])} at {v['nodes'][0]['target']}: "
        + v["nodes"][0].get("failureSummary", "").replace("\n", " ")[:300]
        for v in result["violations"]
    ]


def _page_kind(url: str) -> str | None:
    """What kind of page a URL shows (ids and names made general), None for what is not a page."""
    parts = urlsplit(url)
    path = parts.path
    if path.startswith(("/avatars/", "/media/", "/api/", "/static/")):
        return None
    path = re.sub(r"/\d+", "/N", path)
    path = re.sub(r"^/u/[^/]+", "/u/NAME", path)
    keys = sorted(p.split("=")[0] for p in parts.query.split("&") if p)
    return path + ("?" + "&".join(keys) if keys else "")


def picture(size=(1200, 675)) -> bytes:
    """A small landscape (sky, sun, hills) as PNG bytes, for posts with an image."""
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * shade), int(160 + 60 * shade), 235))
    draw.ellipse([width * 0.7, height * 0.15, width * 0.82, height * 0.36], fill=(255, 214, 90))
    draw.polygon([(0, height), (0, height * 0.7), (width * 0.35, height * 0.5),
                  (width * 0.7, height * 0.75), (width, height * 0.6), (width, height)],
                 fill=(60, 140, 80))  # fmt: skip
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
