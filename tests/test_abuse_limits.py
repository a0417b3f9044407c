"""Limits that hold against abuse without locking out the people they protect: sign-ups per
address, X-Forwarded-For trusted only from configured proxies, log-in guessing from a shared
address, and /metrics for the operator only. Clients here connect from their own loopback
addresses (127.0.0.x), so their counters are theirs alone."""

from __future__ import annotations

import re
import secrets

import httpx
from helpers import ISOLATED_METRICS_TOKEN, ISOLATED_SIGNUP_LIMIT


def client_from(base_url: str, address: str, **kwargs) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, transport=transport, timeout=60, **kwargs)


def signup(client: httpx.Client, **headers) -> httpx.Response:
    name = f"ab{secrets.token_hex(5)}"
    body = {"username": name, "email": f"{name}@example.org", "password": "a long enough secret"}
    return client.post("/api/auth/signup", json=body, headers=headers)


def test_sign_ups_are_limited_per_address_and_forwarded_for_counts_only_from_proxies(
    isolated_stack,
):
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with client_from(base, "127.0.0.5") as crowd, client_from(base, "127.0.0.6") as other:
        codes = [signup(crowd).status_code for _ in range(ISOLATED_SIGNUP_LIMIT)]
        assert codes == [201] * ISOLATED_SIGNUP_LIMIT
        refused = signup(crowd)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        spoofed = signup(crowd, **{"X-Forwarded-For": "203.0.113.7"})
        assert spoofed.status_code == 429  # the header from a client that is no proxy
        assert signup(other).status_code == 201
    with client_from(base, "127.0.0.9") as proxy:  # FLOCK_TRUSTED_PROXIES of this stack
        forwarded = signup(proxy, **{"X-Forwarded-For": "127.0.0.5, 203.0.113.8"})
        assert forwarded.status_code == 201  # counted for 203.0.113.8, the proxy's client


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def web_log_in(client: httpx.Client, login: str, password: str) -> httpx.Response:
    token = csrf(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "login": login, "password": password})


def test_guesses_from_a_shared_address_do_not_lock_out_an_owner_on_a_known_device(
    base_url, new_user, settings
):
    owner = new_user("own")
    with client_from(base_url, "127.0.0.3") as laptop, client_from(base_url, "127.0.0.3") as kiosk:
        assert web_log_in(laptop, owner["username"], owner["password"]).status_code == 302
        laptop.cookies.delete("session")  # logged out, but the browser is known
        for i in range(settings.login_max_attempts_per_address):
            guess = web_log_in(kiosk, f"nobody{i}x{secrets.token_hex(3)}", "wrong guess!!")
            assert guess.status_code == 401
        assert web_log_in(kiosk, owner["username"], owner["password"]).status_code == 429
        assert web_log_in(laptop, owner["username"], owner["password"]).status_code == 302


def test_metrics_need_the_token_when_one_is_set(isolated_stack, http):
    _, settings = isolated_stack
    base = f"http://{settings.host}:{settings.port}"
    with httpx.Client(base_url=base, timeout=30) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        good = client.get("/metrics", headers={"Authorization": f"Bearer {ISOLATED_METRICS_TOKEN}"})
        assert good.status_code == 200 and "flock_http_requests_total" in good.text
    assert http.get("/metrics").status_code == 200  # no token set: loopback clients may read
