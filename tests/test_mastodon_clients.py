"""Mastodon clients people use, against the real stack: masto.js (from npm; what many Mastodon
apps are built on) and the `toot` command line (from PyPI). Each registers an app, is approved
on Flock's consent page, and goes through a day's use."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import SECRETS_USED, Visitor

CLIENTS = Path(__file__).parent / "clients"
CALLBACK = "http://127.0.0.1:9/callback"
PASSWORD = "a long enough secret"  # what Visitor.sign_up sets


def _node(*args: str, timeout: float = 240) -> dict:
    if not (CLIENTS / "node_modules" / "masto").exists():
        pytest.fail("masto.js is missing: `make test` installs tests/clients (npm ci)")
    done = subprocess.run(
        ["node", str(CLIENTS / "journey.mjs"), *args],
        capture_output=True, text=True, timeout=timeout, cwd=CLIENTS,
    )  # fmt: skip
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"masto.js printed no result: {done.stdout}{done.stderr}") from None
    SECRETS_USED.update(result.get("tokens", []))
    assert done.returncode == 0 and result.get("ok", True), result
    return result


def _approve_in_browser(chromium, base_url: str, person: Visitor, authorize_url: str) -> str:
    """Log in at Flock in chromium, approve the app on the consent page, and return the code
    the browser is sent back to the app with."""
    context = chromium.new_context(base_url=base_url)
    sent_back: list[str] = []

    def catch(route):
        sent_back.append(route.request.url)
        route.fulfill(status=200, body="the app has the code")

    context.route("http://127.0.0.1:9/**", catch)
    page = context.new_page()
    try:
        path = authorize_url[len(base_url) :]
        page.goto(path)  # not logged in: the log-in page, then back to the consent page
        page.fill("input[name=login]", person.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Authorize masto.js journey?")
        page.click("button[value=approve]")
        page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:9/callback"))
    finally:
        context.close()
    return parse_qs(urlsplit(sent_back[-1]).query)["code"][0]


def _approve_by_form(person: Visitor, authorize_url: str) -> str:
    page = person.client.get(authorize_url)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    answer = person.client.post(
        "/oauth/authorize", data={**fields, "decision": "approve"}, follow_redirects=False
    )
    return parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]


def test_masto_js_does_a_day_of_mastodon_use(chromium, base_url, visitor, tmp_path):
    """masto.js: app registration, the authorization-code flow with PKCE approved in chromium,
    then a post with an image and its description, a reply, a quote, a favourite, a reblog, a
    bookmark, follows and a block, home/public/tag timelines paged by `Link`, search,
    notifications read and cleared, `update` and `notification` events over the WebSocket
    stream, an edit and a delete, and the token revoked (then a 401)."""
    app = _node("register", base_url)
    SECRETS_USED.add(app["clientSecret"])
    ann, bob = visitor(), visitor()
    codes = [
        _approve_in_browser(chromium, base_url, ann, app["authorizeUrl"]),
        _approve_by_form(bob, app["authorizeUrl"]),
    ]
    given = tmp_path / "journey.json"
    given.write_text(json.dumps({**app, "codes": codes}))
    day = _node("day", base_url, str(given))
    assert day["me"] == ann.username
    assert {"favourite", "follow", "mention", "reblog"} <= set(day["notificationTypes"])
    assert {"update", "notification"} <= set(day["streamed"])
    assert len(day["homePages"]) >= 3


def _toot(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_toot_command(), *args], capture_output=True, text=True, timeout=timeout, env=_home(home)
    )


def _toot_command() -> str:
    toot = shutil.which("toot", path=str(Path(sys.executable).parent))
    assert toot, "toot is missing: `make test` installs the test dependencies"
    return toot


def _home(home: Path) -> dict:
    return {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}


def test_toot_logs_in_with_the_code_shown_and_posts(base_url, visitor, tmp_path):
    """The `toot` command line: `toot login` prints the authorize URL, the person approves it
    and is shown the code (out of band), pastes it; then a post, the home timeline, whoami,
    a search and notifications."""
    person = visitor()
    login = subprocess.Popen(
        [_toot_command(), "login", "--instance", base_url], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_home(tmp_path),
    )  # fmt: skip
    try:
        printed = ""
        while not (found := re.search(r"(https?://\S+/oauth/authorize/?\?\S+)", printed)):
            line = login.stdout.readline()
            assert line, f"toot printed no login URL: {printed}"
            printed += line
        page = person.client.get(found.group(1))
        assert page.status_code == 200, page.text
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        shown = person.client.post("/oauth/authorize", data={**fields, "decision": "approve"})
        code = re.search(r'id="oauth-code">([^<]+)<', shown.text).group(1)
        out, _ = login.communicate(f"n\n{code}\n", timeout=120)
    finally:
        if login.poll() is None:
            login.kill()
    assert login.returncode == 0, printed + out
    config = (tmp_path / ".config" / "toot" / "config.json").read_text()
    SECRETS_USED.update(re.findall(r'"(?:access_token|client_secret)": "([^"]+)"', config))

    posted = _toot(tmp_path, "post", "hello from toot #tootday")
    assert posted.returncode == 0, posted.stdout + posted.stderr
    me = _toot(tmp_path, "whoami")
    assert me.returncode == 0 and person.username in me.stdout, me.stdout + me.stderr
    timeline = _toot(tmp_path, "timeline", "--once")
    assert "hello from toot" in timeline.stdout, timeline.stdout + timeline.stderr
    found = _toot(tmp_path, "search", person.username)
    assert found.returncode == 0 and person.username in found.stdout, found.stdout + found.stderr
    notes = _toot(tmp_path, "notifications")
    assert notes.returncode == 0, notes.stdout + notes.stderr
