"""Accounts through the web forms: sign up, log in, profile, log out, delete; CSRF enforced."""

from __future__ import annotations

import re
import secrets
import time

import httpx
import pytest


@pytest.fixture
def browser(base_url):
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as client:
        yield client


def csrf_from(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_up(browser, **fields):
    token = csrf_from(browser.get("/signup").text)
    name = fields.pop("username", f"web{secrets.token_hex(4)}")
    form = {
        "csrf_token": token,
        "username": name,
        "email": f"{name}@example.org",
        "password": "a long enough secret",
        **fields,
    }
    return name, browser.post("/signup", data=form)


def test_signup_logs_in_and_home_greets_the_user(browser):
    name, response = sign_up(browser, display_name="Grace Hopper")
    assert response.status_code == 302
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    home = browser.get("/")
    assert 'placeholder="What is happening?"' in home.text  # the compose box
    assert "Grace Hopper" in browser.get(f"/u/{name}").text
    assert f"Log out @{name}" in home.text


def test_signup_form_shows_each_error_and_keeps_the_other_values(browser):
    _, response = sign_up(browser, username="no", email="nope", password="short")
    assert response.status_code == 422
    page = response.text
    assert "Use 3 to 15 letters, digits or underscores." in page
    assert "Use at least 10 characters." in page
    assert 'value="nope"' in page  # what the user typed stays in the form
    assert "short" not in re.findall(r'type="password" value="([^"]*)"', page)


def test_signup_with_a_taken_name_says_so_on_the_form(browser, base_url):
    name, _ = sign_up(browser)
    with httpx.Client(base_url=base_url) as other:
        _, response = sign_up(
            other, username=name.upper(), email=f"x{secrets.token_hex(3)}@example.org"
        )
    assert response.status_code == 422
    assert "That username is already taken." in response.text


def test_login_logout_cycle(browser, base_url):
    name, _ = sign_up(browser)
    with httpx.Client(base_url=base_url, follow_redirects=False) as fresh:
        token = csrf_from(fresh.get("/login").text)
        bad = fresh.post(
            "/login", data={"csrf_token": token, "login": name, "password": "wrong one!!"}
        )
        assert bad.status_code == 401
        assert "Wrong username, email or password." in bad.text
        good = fresh.post(
            "/login",
            data={
                "csrf_token": token,
                "login": name,
                "password": "a long enough secret",
                "next": "/settings/profile",
            },
        )
        assert good.status_code == 302 and good.headers["location"] == "/settings/profile"
        home = fresh.get("/")
        assert f"Log out @{name}" in home.text
        out = fresh.post("/logout", data={"csrf_token": csrf_from(home.text)})
        assert out.status_code == 302
        assert "Log in" in fresh.get("/").text
        assert fresh.get("/settings/profile").status_code == 302


def test_login_never_redirects_to_another_site(browser):
    name, _ = sign_up(browser)
    browser.post("/logout", data={"csrf_token": csrf_from(browser.get("/").text)})
    token = csrf_from(browser.get("/login").text)
    response = browser.post(
        "/login",
        data={
            "csrf_token": token,
            "login": name,
            "password": "a long enough secret",
            "next": "//evil.example/",
        },
    )
    assert response.headers["location"] == "/"


def test_state_changing_form_without_csrf_token_is_refused(browser):
    name, _ = sign_up(browser)
    response = browser.post("/settings/profile", data={"bio": "hijacked"})
    assert response.status_code == 403
    forged = browser.post(
        "/settings/profile", data={"bio": "hijacked", "csrf_token": "forged.token"}
    )
    assert forged.status_code == 403
    assert "hijacked" not in browser.get(f"/u/{name}").text


def test_profile_edit_shows_on_the_profile_page_escaped(browser):
    name, _ = sign_up(browser)
    token = csrf_from(browser.get("/settings/profile").text)
    saved = browser.post(
        "/settings/profile",
        data={
            "csrf_token": token,
            "display_name": "<script>alert(1)</script>",
            "bio": "I <3 graphs",
            "location": "",
            "website": "",
        },
    )
    assert saved.status_code == 200 and "Saved." in saved.text
    page = browser.get(f"/u/{name}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "I &lt;3 graphs" in page


def test_profile_edit_errors_are_form_messages(browser):
    sign_up(browser)
    token = csrf_from(browser.get("/settings/profile").text)
    response = browser.post(
        "/settings/profile", data={"csrf_token": token, "website": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    assert "Enter a web address like example.org or https://example.org." in response.text
    saved = browser.post(
        "/settings/profile", data={"csrf_token": token, "website": "example.org/ada"}
    )
    assert saved.status_code == 200 and 'value="https://example.org/ada"' in saved.text


def test_a_bad_email_at_sign_up_says_what_to_do(browser):
    page = browser.get("/signup").text
    refused = browser.post(
        "/signup",
        data={
            "csrf_token": csrf_from(page),
            "username": "mailless",
            "email": "not-an-address",
            "password": "a long enough secret",
        },
    )
    assert refused.status_code == 422
    assert "Enter an e-mail address like name@example.org." in refused.text


def test_delete_account_from_settings(browser):
    name, _ = sign_up(browser)
    token = csrf_from(browser.get("/settings/profile").text)
    wrong = browser.post(
        "/settings/delete", data={"csrf_token": token, "password": "not it at all"}
    )
    assert wrong.status_code == 422 and "The password is wrong." in wrong.text
    gone = browser.post(
        "/settings/delete", data={"csrf_token": token, "password": "a long enough secret"}
    )
    assert gone.status_code == 302
    assert browser.get(f"/u/{name}").status_code == 404


def test_pages_carry_security_headers(browser):
    response = browser.get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response.headers["referrer-policy"] == "same-origin"


def test_unknown_page_is_a_styled_404(browser):
    response = browser.get("/no/such/page")
    assert response.status_code == 404
    assert "This page does not exist." in response.text and "Flock" in response.text


def _logged_in_copy(base_url, cookies) -> httpx.Client:
    """Another client holding a copy of these cookies (a stolen or shared session)."""
    copy = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
    for cookie in cookies.jar:
        copy.cookies.set(cookie.name, cookie.value)
    return copy


def test_a_session_cookie_copied_before_log_out_is_worthless_after(browser, base_url):
    name, _ = sign_up(browser)
    home = browser.get("/")
    assert f"Log out @{name}" in home.text
    with _logged_in_copy(base_url, browser.cookies) as thief:
        assert f"Log out @{name}" in thief.get("/").text
        browser.post("/logout", data={"csrf_token": csrf_from(home.text)})
        assert f"Log out @{name}" not in thief.get("/").text
        assert thief.get("/settings/profile").status_code == 302


def test_log_out_everywhere_ends_every_session_and_refresh_token(browser, base_url, http):
    name, _ = sign_up(browser)
    pair = http.post("/api/auth/token", json={"login": name, "password": "a long enough secret"})
    refresh = pair.json()["refresh_token"]
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=False) as laptop:
        page = laptop.get("/login")
        laptop.post("/login", data={"csrf_token": csrf_from(page.text), "login": name,
                                    "password": "a long enough secret"})  # fmt: skip
        assert f"Log out @{name}" in laptop.get("/").text
        assert 'href="/logout/everywhere"' in browser.get("/settings/profile").text
        confirm = browser.get("/logout/everywhere")  # asks first, and changes nothing yet
        assert confirm.status_code == 200 and "Log out everywhere?" in confirm.text
        assert f"Log out @{name}" in laptop.get("/").text
        done = browser.post("/logout/everywhere", data={"csrf_token": csrf_from(confirm.text)})
        assert done.status_code == 302
        assert f"Log out @{name}" not in laptop.get("/").text
        assert f"Log out @{name}" not in browser.get("/").text
    assert http.post("/api/auth/refresh", json={"refresh_token": refresh}).status_code == 401


def test_the_session_cookie_lives_as_long_as_configured(browser, settings):
    sign_up(browser)
    cookie = next(c for c in browser.cookies.jar if c.name == "session")
    lifetime = cookie.expires - time.time()
    assert settings.session_ttl - 120 < lifetime <= settings.session_ttl + 5


def test_a_password_change_ends_every_other_session(browser, base_url, http):
    name, _ = sign_up(browser)
    old, new = "a long enough secret", "another long secret 2"
    pair = http.post("/api/auth/token", json={"login": name, "password": old}).json()
    with _logged_in_copy(base_url, browser.cookies) as other_tab:
        settings_page = browser.get("/settings/profile")
        wrong = browser.post("/settings/password", data={
            "csrf_token": csrf_from(settings_page.text), "current_password": "not it at all",
            "new_password": new})  # fmt: skip
        assert wrong.status_code == 422 and "The current password is wrong." in wrong.text
        changed = browser.post("/settings/password", data={
            "csrf_token": csrf_from(settings_page.text), "current_password": old,
            "new_password": new})  # fmt: skip
        assert changed.status_code == 200 and "Password changed" in changed.text
        assert f"Log out @{name}" in browser.get("/").text  # this browser stays signed in
        assert f"Log out @{name}" not in other_tab.get("/").text
    refresh = http.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refresh.status_code == 401
    assert http.post("/api/auth/token", json={"login": name, "password": old}).status_code == 401
    assert http.post("/api/auth/token", json={"login": name, "password": new}).status_code == 200


def test_the_api_changes_a_password_and_logs_the_account_out(http, new_user):
    user = new_user("pw")
    body = {"current_password": user["password"], "new_password": "a brand new secret 9"}
    assert http.put("/api/users/me/password", json=body, headers=user["auth"]).status_code == 204
    assert http.get("/api/users/me", headers=user["auth"]).status_code == 401
    again = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
    assert again.status_code == 401
