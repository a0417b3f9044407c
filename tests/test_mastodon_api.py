"""The Mastodon client API and its OAuth 2 server, through HTTP as an app sends it: the flow
with PKCE through the consent page, every refusal the RFCs name, and the entities checked
against their schemas (tests/mastodon_schemas.py). Real Mastodon clients drive the same stack
in tests/test_mastodon_clients.py."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from conftest import SECRETS_USED, Visitor
from helpers import image_bytes
from mastodon_schemas import check
from neo4j import GraphDatabase

CALLBACK = "http://127.0.0.1:9/callback"  # never visited: the app reads the code off the redirect
OOB = "urn:ietf:wg:oauth:2.0:oob"


def register(http, scopes="read write follow", uris=CALLBACK, name="Test App") -> dict:
    made = http.post(
        "/api/v1/apps",
        data={
            "client_name": name,
            "redirect_uris": uris,
            "scopes": scopes,
            "website": "https://app.example",
        },
    )
    assert made.status_code == 200, made.text
    check("Application", made.json())
    SECRETS_USED.add(made.json()["client_secret"])
    return made.json()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def consent(person: Visitor, app: dict, approve: bool = True, **extra) -> httpx.Response:
    """The person opens the authorize URL, sees the consent page, and decides; the response
    is the redirect (not followed) or the page."""
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": extra.pop("redirect_uri", CALLBACK),
        "scope": "read write follow",
        **extra,
    }
    page = person.client.get("/oauth/authorize", params=query)
    assert page.status_code == 200, page.text
    assert app["name"] in page.text
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    fields["decision"] = "approve" if approve else "deny"
    return person.client.post("/oauth/authorize", data=fields, follow_redirects=False)


def code_of(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def exchange(http, app: dict, code: str, verifier: str | None = None, **extra) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": CALLBACK,
        **extra,
    }
    if verifier:
        body["code_verifier"] = verifier
    return http.post("/oauth/token", data=body)


@pytest.fixture
def authorized(http, visitor):
    """A person who authorized an app with PKCE: (person, app, token response)."""

    def make(scopes: str = "read write follow"):
        person = visitor()
        app = register(http, scopes=scopes)
        verifier, challenge = pkce()
        code = code_of(
            consent(
                person,
                app,
                code_challenge=challenge,
                code_challenge_method="S256",
                scope=scopes,
                state="s-1",
            )
        )
        token = exchange(http, app, code, verifier)
        assert token.status_code == 200, token.text
        SECRETS_USED.update([token.json()["access_token"], token.json()["refresh_token"]])
        return person, app, check("Token", token.json())

    return make


def bearer(token: dict) -> dict:
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_an_app_is_authorized_with_pkce_and_its_token_works_until_revoked(http, authorized):
    person, app, token = authorized()
    me = http.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert me.status_code == 200, me.text
    assert check("CredentialAccount", me.json())["username"] == person.username
    assert (
        http.get("/api/v1/apps/verify_credentials", headers=bearer(token)).json()["name"]
        == app["name"]
    )
    settings = person.get("/settings/profile").text
    assert app["name"] in settings  # listed, to revoke

    fresh = http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "refresh_token": token["refresh_token"],
        },
    )
    assert fresh.status_code == 200, fresh.text
    SECRETS_USED.update([fresh.json()["access_token"], fresh.json()["refresh_token"]])
    again = http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "refresh_token": token["refresh_token"],
        },
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"  # spent

    revoked = http.post(
        "/oauth/revoke",
        data={
            "token": fresh.json()["access_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert revoked.status_code == 200
    after = http.get("/api/v1/accounts/verify_credentials", headers=bearer(fresh.json()))
    assert after.status_code == 401 and check("Error", after.json())
    assert app["name"] not in person.get("/settings/profile").text


def test_a_person_revokes_an_app_in_settings(http, authorized):
    person, app, token = authorized()
    page = person.get("/settings/profile").text
    action = re.search(r'action="(/settings/apps/[^"]+/revoke)"', page).group(1)
    assert person.post(action).status_code == 200
    assert http.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).status_code == 401
    assert app["name"] not in person.get("/settings/profile").text


def test_oauth_refusals_follow_the_rfcs_and_issue_nothing(http, visitor, authorized):
    person = visitor()
    app, other = register(http), register(http, name="Other App")
    verifier, challenge = pkce()
    pkce_args = {"code_challenge": challenge, "code_challenge_method": "S256"}

    wrong_uri = person.client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app["client_id"],
            "redirect_uri": "https://evil.example/cb",
        },
    )
    assert wrong_uri.status_code == 400 and "evil.example" not in wrong_uri.headers.get(
        "location", ""
    )  # never sent there
    unknown = person.client.get(
        "/oauth/authorize",
        params={"response_type": "code", "client_id": "nope", "redirect_uri": CALLBACK},
    )
    assert unknown.status_code == 400

    denied = consent(person, app, approve=False, state="st-9", **pkce_args)
    assert denied.status_code == 302
    query = parse_qs(urlsplit(denied.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["st-9"]

    code = code_of(consent(person, app, **pkce_args))
    mismatch = exchange(http, app, code, pkce()[0])
    assert mismatch.status_code == 400 and mismatch.json()["error"] == "invalid_grant"
    assert exchange(http, app, code, verifier).json()["error"] == "invalid_grant"  # spent

    code = code_of(consent(person, app, **pkce_args))
    assert exchange(http, other, code, verifier).json()["error"] == "invalid_grant"  # not theirs
    code = code_of(consent(person, app, **pkce_args))
    assert (
        exchange(http, app, code, verifier, redirect_uri="http://127.0.0.1:9/other").json()["error"]
        == "invalid_grant"
    )
    code = code_of(consent(person, app, **pkce_args))
    bad_secret = exchange(http, app, code, verifier, client_secret="wrong")
    assert bad_secret.status_code in (400, 401) and bad_secret.json()["error"] == "invalid_client"

    code = code_of(consent(person, app, **pkce_args))
    good = exchange(http, app, code, verifier)
    assert good.status_code == 200
    SECRETS_USED.update([good.json()["access_token"], good.json()["refresh_token"]])
    reused = exchange(http, app, code, verifier)  # a code presented twice leaked ...
    assert reused.json()["error"] == "invalid_grant"
    gone = http.get("/api/v1/accounts/verify_credentials", headers=bearer(good.json()))
    assert gone.status_code == 401  # ... so what it gave is revoked

    password = http.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": person.username,
            "password": "a long enough secret",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert password.json()["error"] == "unsupported_grant_type"

    _, mine, token = authorized()
    theirs = http.post(
        "/oauth/revoke",
        data={
            "token": token["access_token"],
            "client_id": other["client_id"],
            "client_secret": other["client_secret"],
        },
    )
    assert theirs.json()["error"] == "invalid_grant"
    assert http.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).status_code == 200

    forged = person.client.post(
        "/oauth/authorize",
        data={
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": CALLBACK,
            "decision": "approve",
        },
        follow_redirects=False,
    )
    assert forged.status_code == 403  # no CSRF token: nothing is issued
    page = person.client.get(
        "/oauth/authorize",
        params={"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK},
    )
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    too_wide = person.client.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": register(http, scopes="read")["client_id"],
            "redirect_uri": CALLBACK,
            "scope": "read write",
        },
        follow_redirects=False,
    )
    assert "error=invalid_scope" in too_wide.headers["location"]


def test_logging_out_everywhere_ends_every_apps_authorization_and_its_streams(
    http, authorized, base_url
):
    """An app's authorization is a log-in: "log out everywhere" ends it (its token and its
    refresh token stop working, an open stream closes) and it leaves the settings list."""
    person, app, token = authorized()
    with httpx.Client(base_url=base_url, timeout=30) as streaming:
        query = {"access_token": token["access_token"]}
        with streaming.stream("GET", "/api/v1/streaming/user", params=query) as stream:
            assert stream.status_code == 200
            lines = stream.iter_lines()
            assert next(lines).startswith(":")  # open
            assert person.post("/logout/everywhere").status_code == 200
            rest = list(lines)  # the server ends the stream: this returns
            assert all(not line.startswith("data:") for line in rest), rest
    refused = http.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert refused.status_code == 401
    refresh = http.post("/oauth/token", data={"grant_type": "refresh_token", "client_id":
                        app["client_id"], "client_secret": app["client_secret"],
                        "refresh_token": token["refresh_token"]})  # fmt: skip
    assert refresh.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(http, visitor, settings):
    """A code not spent within FLOCK_OAUTH_CODE_TTL (aged here in the graph: the consent page
    only writes "now") gives nothing."""
    person, app = visitor(), register(http)
    code = code_of(consent(person, app))
    with GraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    ) as driver:
        driver.execute_query(
            "MATCH (c:OAuthCode {digest: $digest}) SET c.expires_at = c.created_at - 1",
            digest=hashlib.sha256(code.encode()).hexdigest(),
        )
    late = exchange(http, app, code)
    assert late.status_code == 400 and late.json()["error"] == "invalid_grant"


def test_scopes_are_enforced_per_endpoint(http, authorized):
    _, _, token = authorized(scopes="read")
    assert http.get("/api/v1/timelines/home", headers=bearer(token)).status_code == 200
    refused = http.post("/api/v1/statuses", data={"status": "hi"}, headers=bearer(token))
    assert refused.status_code == 403 and check("Error", refused.json())
    assert "insufficient_scope" in refused.headers["WWW-Authenticate"]
    own_api = http.post("/api/tweets", json={"text": "hi"}, headers=bearer(token))
    assert own_api.status_code == 403  # Flock's own API holds the scope too


def test_the_out_of_band_code_is_shown_to_copy(http, visitor):
    person, app = visitor(), register(http, uris=OOB)
    shown = consent(person, app, redirect_uri=OOB)
    assert shown.status_code == 200
    code = re.search(r'id="oauth-code">([^<]+)<', shown.text).group(1)
    token = http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
    )
    assert token.status_code == 200, token.text
    SECRETS_USED.update([token.json()["access_token"], token.json()["refresh_token"]])


def test_a_day_of_statuses_timelines_and_notifications(http, authorized, drain_queue):
    _, _, ann = authorized()
    _, _, bob = authorized()
    a, b = bearer(ann), bearer(bob)
    bob_me = http.get("/api/v1/accounts/verify_credentials", headers=b).json()
    ann_me = http.get("/api/v1/accounts/verify_credentials", headers=a).json()
    followed = http.post(f"/api/v1/accounts/{bob_me['id']}/follow", headers=a)
    assert check("Relationship", followed.json())["following"] is True

    media = http.post(
        "/api/v2/media",
        files={"file": ("p.png", image_bytes(), "image/png")},
        data={"description": "a square"},
        headers=b,
    )
    assert media.status_code == 202, media.text
    ready = http.get(f"/api/v1/media/{media.json()['id']}", headers=b)
    assert check("MediaAttachment", ready.json())["url"].startswith("http")
    described = http.put(
        f"/api/v1/media/{media.json()['id']}", data={"description": "a red square"}, headers=b
    ).json()
    assert described["description"] == "a red square"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    posted = http.post(
        "/api/v1/statuses",
        data={
            "status": f"hello #mastotest{ann_me['id']} @{ann_me['username']}",
            "media_ids[]": [media.json()["id"]],
        },
        headers={**b, **key},
    )
    assert posted.status_code == 200, posted.text
    status = check("Status", posted.json())
    assert status["media_attachments"][0]["description"] == "a red square"
    assert status["mentions"][0]["id"] == ann_me["id"]
    again = http.post("/api/v1/statuses", data={"status": "anything"}, headers={**b, **key})
    assert again.json()["id"] == status["id"]  # the Idempotency-Key held

    reply = check(
        "Status",
        http.post(
            "/api/v1/statuses", json={"status": "answer", "in_reply_to_id": status["id"]}, headers=a
        ).json(),
    )
    assert reply["in_reply_to_id"] == status["id"]
    assert reply["in_reply_to_account_id"] == bob_me["id"]
    quote = http.post(
        "/api/v1/statuses", json={"status": "look", "quoted_status_id": status["id"]}, headers=a
    ).json()
    assert check("Status", quote)["quote"]["quoted_status"]["id"] == status["id"]
    liked = check(
        "Status", http.post(f"/api/v1/statuses/{status['id']}/favourite", headers=a).json()
    )
    assert liked["favourited"] and liked["favourites_count"] == 1
    reblog = check("Status", http.post(f"/api/v1/statuses/{status['id']}/reblog", headers=a).json())
    assert reblog["reblog"]["id"] == status["id"] and reblog["reblog"]["reblogged"]
    assert http.post(f"/api/v1/statuses/{status['id']}/bookmark", headers=a).json()["bookmarked"]
    marked = http.get("/api/v1/bookmarks", headers=a).json()
    assert [s["id"] for s in check("Status", marked, many=True)] == [status["id"]]
    assert [s["id"] for s in http.get("/api/v1/favourites", headers=a).json()] == [status["id"]]

    context = check("Context", http.get(f"/api/v1/statuses/{reply['id']}/context").json())
    assert [s["id"] for s in context["ancestors"]] == [status["id"]]
    drain_queue()
    home = http.get("/api/v1/timelines/home", params={"limit": 2}, headers=a)
    shown = check("Status", home.json(), many=True)
    assert len(shown) == 2 and 'rel="next"' in home.headers["Link"]
    older_url = re.search(r'<([^>]+)>; rel="next"', home.headers["Link"]).group(1)
    older = http.get(older_url, headers=a)
    assert older.status_code == 200
    assert not {s["id"] for s in older.json()} & {s["id"] for s in shown}  # the next page
    tag = http.get(f"/api/v1/timelines/tag/mastotest{ann_me['id']}").json()
    assert [s["id"] for s in check("Status", tag, many=True)] == [status["id"]]
    assert status["id"] in [
        s["id"] for s in http.get("/api/v1/timelines/public", params={"limit": 40}).json()
    ]

    notes = check("Notification", http.get("/api/v1/notifications", headers=b).json(), many=True)
    assert {"favourite", "reblog", "mention", "follow", "quote"} <= {n["type"] for n in notes}
    only = http.get("/api/v1/notifications", params={"types[]": "favourite"}, headers=b).json()
    assert [n["type"] for n in only] == ["favourite"]
    one = http.get(f"/api/v1/notifications/{only[0]['id']}", headers=b)
    assert check("Notification", one.json())["id"] == only[0]["id"]
    http.post(f"/api/v1/notifications/{only[0]['id']}/dismiss", headers=b)
    assert only[0]["id"] not in [
        n["id"] for n in http.get("/api/v1/notifications", headers=b).json()
    ]
    assert http.post("/api/v1/notifications/clear", headers=b).status_code == 200
    assert http.get("/api/v1/notifications", headers=b).json() == []

    edited = check(
        "Status",
        http.put(
            f"/api/v1/statuses/{status['id']}", data={"status": "hello again"}, headers=b
        ).json(),
    )
    assert edited["edited_at"] and "hello again" in edited["content"]
    history = check(
        "StatusEdit", http.get(f"/api/v1/statuses/{status['id']}/history").json(), many=True
    )
    assert len(history) == 2 and "hello again" in history[-1]["content"]
    source = check(
        "StatusSource", http.get(f"/api/v1/statuses/{status['id']}/source", headers=b).json()
    )
    assert source["text"] == "hello again"
    found = check(
        "Search",
        http.get(
            "/api/v2/search", params={"q": bob_me["username"], "type": "accounts"}, headers=a
        ).json(),
    )
    assert [x["id"] for x in found["accounts"]] == [bob_me["id"]]
    deleted = http.delete(f"/api/v1/statuses/{status['id']}", headers=b)
    assert deleted.status_code == 200 and deleted.json()["text"] == "hello again"
    assert check("Error", http.get(f"/api/v1/statuses/{status['id']}").json())
    blocked = http.post(f"/api/v1/accounts/{bob_me['id']}/block", headers=a).json()
    assert blocked["blocking"] and not blocked["following"]
    assert http.get(f"/api/v1/accounts/{ann_me['id']}", headers=b).status_code == 404


def test_instance_and_start_up_calls_answer_well_formed(http):
    check("InstanceV1", http.get("/api/v1/instance").json())
    v2 = check("InstanceV2", http.get("/api/v2/instance").json())
    assert v2["configuration"]["statuses"]["max_characters"] == 280
    assert v2["configuration"]["media_attachments"]["supported_mime_types"]
    for path in (
        "/api/v1/custom_emojis",
        "/api/v2/filters",
        "/api/v1/lists",
        "/api/v1/announcements",
        "/api/v1/follow_requests",
        "/api/v1/trends/tags",
    ):
        assert isinstance(http.get(path).json(), list), path
    missing = http.get("/api/v1/no_such_thing")
    assert missing.status_code == 404 and check("Error", missing.json())
    meta = http.get("/.well-known/oauth-authorization-server").json()
    assert "S256" in meta["code_challenge_methods_supported"]
    assert meta["token_endpoint"].endswith("/oauth/token")


def test_suggestions_say_why_in_mastodons_words(http, authorized, new_user, drain_queue):
    person, _, token = authorized()
    me = http.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).json()
    admirer = new_user("adm")
    followed = http.put(f"/api/users/{me['username']}/follow", headers=admirer["auth"])
    assert followed.status_code == 200, followed.text
    drain_queue()
    response = http.get("/api/v2/suggestions", params={"limit": 80}, headers=bearer(token))
    assert response.status_code == 200, response.text
    documented = {"featured", "most_followed", "most_interactions",
                  "similar_to_recently_followed", "friends_of_friends"}  # fmt: skip
    for item in response.json():
        assert item["source"] in {"staff", "past_interactions", "global"}
        assert set(item["sources"]) <= documented
    by_name = {item["account"]["username"]: item for item in response.json()}
    assert by_name[admirer["username"]]["sources"] == ["friends_of_friends"]
