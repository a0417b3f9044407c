"""Accounts through the JSON API: sign up, tokens, profiles, log out, delete."""

from __future__ import annotations

import base64
import json
import secrets
import threading

import httpx
import pytest
import redis


def _signup(http, **overrides):
    name = overrides.pop("username", f"sign{secrets.token_hex(4)}")
    body = {
        "username": name,
        "email": f"mail{secrets.token_hex(6)}@example.org",
        "password": "correct horse battery",
        **overrides,
    }
    return http.post("/api/auth/signup", json=body)


def test_signup_returns_the_profile_without_secrets(http):
    response = _signup(http, display_name="Ada Lovelace")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["display_name"] == "Ada Lovelace"
    assert body["follower_count"] == 0 and body["tweet_count"] == 0
    assert "password" not in json.dumps(body) and "hash" not in json.dumps(body)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "ab", "Use 3 to 15 letters, digits or underscores."),
        ("username", "has space", "Use 3 to 15 letters, digits or underscores."),
        ("username", "x" * 16, "Use 3 to 15 letters, digits or underscores."),
        ("email", "not-an-email", None),
        ("password", "short", "Use at least 10 characters."),
        ("password", "p" * 129, "Use at most 128 characters."),
        ("password", "1234567890", "This password is too common; choose another."),
        ("display_name", "d" * 51, "Use at most 50 characters."),
    ],
)
def test_signup_refuses_each_bad_field_with_a_per_field_problem(http, field, value, message):
    response = _signup(http, **{field: value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail"} <= set(problem)
    assert list(problem["errors"]) == [field]
    if message:
        assert problem["errors"][field] == [message]


def test_signup_with_several_bad_fields_reports_each_and_writes_nothing(http):
    name = f"multi{secrets.token_hex(3)}"
    response = _signup(http, username=name, email="nope", password="short")
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"email", "password"}
    assert http.get(f"/api/users/{name}").status_code == 404


def test_signup_refuses_unknown_fields_and_non_json(http):
    assert _signup(http, admin=True).json()["errors"] == {"admin": ["Unknown field."]}
    response = http.post(
        "/api/auth/signup", content="username=x", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "The request body must be a JSON object."


def test_username_and_email_are_unique_without_regard_to_case(http):
    name = f"Case{secrets.token_hex(3)}"
    assert _signup(http, username=name, email=f"{name}@example.org").status_code == 201
    again = _signup(http, username=name.upper(), email=f"other{secrets.token_hex(3)}@example.org")
    assert again.status_code == 409
    assert list(again.json()["errors"]) == ["username"]
    other = f"mail{secrets.token_hex(3)}"
    same_mail = _signup(http, username=other, email=f"{name.upper()}@EXAMPLE.org")
    assert same_mail.status_code == 409
    assert list(same_mail.json()["errors"]) == ["email"]


def test_concurrent_duplicate_signups_create_exactly_one_account(base_url):
    name = f"race{secrets.token_hex(4)}"
    statuses = []

    def attempt(i):
        with httpx.Client(base_url=base_url, timeout=30) as client:
            body = {
                "username": name,
                "email": f"{name}{i}@example.org",
                "password": "correct horse battery",
            }
            statuses.append(client.post("/api/auth/signup", json=body).status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201] + [409] * 7


def test_token_by_username_or_email_and_me(http, new_user):
    user = new_user()
    by_email = http.post(
        "/api/auth/token",
        json={"login": f"{user['username'].upper()}@example.org", "password": user["password"]},
    )
    assert by_email.status_code == 200
    me = http.get("/api/users/me", headers=user["auth"])
    assert me.status_code == 200
    assert me.json()["username"] == user["username"]
    assert me.json()["email"] == f"{user['username']}@example.org"


def test_wrong_password_and_unknown_user_get_the_same_answer(http, new_user):
    user = new_user()
    wrong = http.post(
        "/api/auth/token", json={"login": user["username"], "password": "wrong password!"}
    )
    unknown = http.post(
        "/api/auth/token", json={"login": "nobody_here_zz", "password": "wrong password!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()["detail"] == unknown.json()["detail"] == "Wrong username, email or password."
    )


def test_me_requires_a_token(http):
    response = http.get("/api/users/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_tampered_and_alg_none_tokens_are_refused(http, new_user):
    user = new_user()
    header, payload, signature = user["access"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{header}.{forged_payload}.{signature}"
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    alg_none = f"{none_header}.{payload}."
    for token in (tampered, alg_none, "garbage"):
        response = http.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_expired_access_token_is_refused(settings):
    import jwt as pyjwt

    from graph.access_tokens import issue_access_token

    short_lived = settings.replace(access_token_ttl=-5)
    token = issue_access_token(short_lived, 12345, "a-family")
    with pytest.raises(pyjwt.ExpiredSignatureError):
        pyjwt.decode(
            token, options={"verify_signature": False, "verify_exp": True}, algorithms=["HS256"]
        )
    with httpx.Client(base_url=f"http://{settings.host}:{settings.port}") as client:
        response = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The access token has expired; refresh it."


def test_refresh_rotates_and_reuse_revokes_the_family(http, new_user):
    user = new_user()
    first = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
    assert first.status_code == 200
    second_token = first.json()["refresh_token"]
    assert second_token != user["refresh"]
    # The spent token is presented again: it leaked, so the whole family dies.
    reuse = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
    assert reuse.status_code == 401
    after = http.post("/api/auth/refresh", json={"refresh_token": second_token})
    assert after.status_code == 401


def test_logout_revokes_access_and_refresh_tokens(http, new_user):
    user = new_user()
    out = http.post(
        "/api/auth/logout", json={"refresh_token": user["refresh"]}, headers=user["auth"]
    )
    assert out.status_code == 204
    assert http.get("/api/users/me", headers=user["auth"]).status_code == 401
    refresh = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
    assert refresh.status_code == 401


def test_profile_edit_and_public_view(http, new_user):
    user = new_user()
    patch = http.patch(
        "/api/users/me",
        json={
            "bio": "Graphs & <b>tweets</b>",
            "website": "https://example.org/ada",
            "location": "London",
        },
        headers=user["auth"],
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["bio"] == "Graphs & <b>tweets</b>"
    public = http.get(f"/api/users/{user['username'].upper()}")
    assert public.status_code == 200
    body = public.json()
    assert body["website"] == "https://example.org/ada" and body["location"] == "London"
    assert "email" not in body


def test_profile_edit_refuses_bad_fields_and_changes_nothing(http, new_user):
    user = new_user()
    bad = http.patch(
        "/api/users/me",
        json={"bio": "b" * 161, "website": "javascript:alert(1)", "display_name": "fine"},
        headers=user["auth"],
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"bio", "website"}
    assert (
        http.get("/api/users/me", headers=user["auth"]).json()["display_name"] == user["username"]
    )


def test_unknown_profile_is_404(http):
    response = http.get("/api/users/nobody_zz_zz")
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_oversized_body_is_413(http):
    response = http.post(
        "/api/auth/signup",
        content=b'{"username":"' + b"x" * (1024 * 1024 + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_delete_account_needs_the_password_then_removes_everything(http, new_user):
    user = new_user()
    wrong = http.request(
        "DELETE", "/api/users/me", json={"password": "not the password"}, headers=user["auth"]
    )
    assert wrong.status_code == 401
    assert http.get(f"/api/users/{user['username']}").status_code == 200
    gone = http.request(
        "DELETE", "/api/users/me", json={"password": user["password"]}, headers=user["auth"]
    )
    assert gone.status_code == 204
    assert http.get(f"/api/users/{user['username']}").status_code == 404
    login = http.post(
        "/api/auth/token", json={"login": user["username"], "password": user["password"]}
    )
    assert login.status_code == 401
    assert (
        http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]}).status_code == 401
    )


def _clear_login_counters(settings):
    import redis

    with redis.Redis.from_url(settings.redis_url) as r:
        for key in r.scan_iter("throttle:login:*"):
            r.delete(key)


def test_login_throttling_per_account_and_its_reset(http, new_user, settings):
    user = new_user()
    _clear_login_counters(settings)
    for _ in range(settings.login_max_attempts):
        response = http.post(
            "/api/auth/token", json={"login": user["username"], "password": "wrong password!"}
        )
        assert response.status_code == 401
    throttled = http.post(
        "/api/auth/token", json={"login": user["username"], "password": user["password"]}
    )
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    # Another account from the same address is not locked out by this one.
    other = new_user()
    assert other["access"]
    # The window passing resets the counters (shortened here by expiring them in Redis).
    _clear_login_counters(settings)
    ok = http.post(
        "/api/auth/token", json={"login": user["username"], "password": user["password"]}
    )
    assert ok.status_code == 200


def test_log_in_refresh_and_log_out_work_while_redis_is_down(isolated_stack, sign_up):
    """Refresh tokens live in the graph: losing Redis logs nobody out and locks nobody out."""
    second, settings = isolated_stack
    with httpx.Client(base_url=f"http://{settings.host}:{settings.port}", timeout=30) as http:
        user = sign_up(http, "nored")
        redis_server = second.processes["redis"]
        redis_server.stop()
        try:
            login = {"login": user["username"], "password": user["password"]}
            pair = http.post("/api/auth/token", json=login)
            assert pair.status_code == 200, pair.text
            refreshed = http.post(
                "/api/auth/refresh", json={"refresh_token": pair.json()["refresh_token"]}
            )
            assert refreshed.status_code == 200, refreshed.text
            tokens = refreshed.json()
            auth = {"Authorization": f"Bearer {tokens['access_token']}"}
            assert http.get("/api/users/me", headers=auth).json()["username"] == user["username"]
            body = {"refresh_token": tokens["refresh_token"]}
            assert http.post("/api/auth/logout", json=body, headers=auth).status_code == 204
            assert http.post("/api/auth/refresh", json=body).status_code == 401
        finally:
            redis_server.start()
            redis_server.wait_ready()
        redis.Redis.from_url(settings.redis_url).flushall()  # every derived thing gone
        kept = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
        assert kept.status_code == 200, kept.text  # the first log-in still holds


def test_an_operator_logs_an_account_out_everywhere_at_once(http, new_user, flock_cli):
    """`flock users log-out NAME` (a stolen device): every token of the account is refused at
    once, the refresh token too, and the command is in the audit trail."""
    user = new_user("lo")
    assert http.get("/api/users/me", headers=user["auth"]).status_code == 200
    done = flock_cli("users", "log-out", user["username"])
    assert done.returncode == 0, done.stderr
    assert http.get("/api/users/me", headers=user["auth"]).status_code == 401
    refreshed = http.post("/api/auth/refresh", json={"refresh_token": user["refresh"]})
    assert refreshed.status_code == 401
    trail = flock_cli("audit", "--event", "admin_logout")
    assert user["username"] in trail.stdout
    assert flock_cli("users", "log-out", "nobody_at_all").returncode == 1


@pytest.mark.parametrize("attempt", ["password", "email", "delete"])
def test_guessing_the_current_password_with_a_token_is_throttled(http, new_user, settings, attempt):
    """A stolen access token cannot guess the password on: each wrong current password of a
    password change, an e-mail change or a deletion counts against the account's log-in
    limit, and then even the right one waits (429 with Retry-After); audited."""
    user = new_user("pg")

    def guess(password: str) -> httpx.Response:
        if attempt == "password":
            body = {"current_password": password, "new_password": "another-long-passphrase"}
            return http.put("/api/users/me/password", json=body, headers=user["auth"])
        if attempt == "email":
            body = {"email": f"{user['username']}@new.example.org", "current_password": password}
            return http.put("/api/users/me/email", json=body, headers=user["auth"])
        return http.request("DELETE", "/api/users/me", json={"password": password},
                            headers=user["auth"])  # fmt: skip

    answers = [guess(f"wrong-{n}").status_code for n in range(settings.login_max_attempts + 3)]
    assert answers[: settings.login_max_attempts] == [401] * settings.login_max_attempts
    assert set(answers[settings.login_max_attempts :]) == {429}
    right = guess(user["password"])
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    login = http.post(
        "/api/auth/token", json={"login": user["username"], "password": user["password"]}
    )
    assert login.status_code == 429  # one counter for every check of the password
