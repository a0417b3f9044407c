"""The web pages over plain HTTP (no JavaScript): every feature works with forms and links,
fragments are served to htmx, output is escaped, CSRF is enforced."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest
from markupsafe import escape as escape_html


def test_compose_shows_the_tweet_on_home_and_profile(visitor):
    ada = visitor()
    post_id = ada.tweet("Hello #flock, see https://example.org/page. cc @nobody_here")
    home = ada.get("/").text
    assert f'id="post-{post_id}"' in home
    profile = ada.get(f"/u/{ada.username}").text
    assert f'id="post-{post_id}"' in profile
    assert 'href="/search?q=%23flock">#flock</a>' in home
    assert '<a href="https://example.org/page" rel="nofollow noopener ugc"' in home
    assert 'href="/u/nobody_here">@nobody_here</a>' in home


def test_a_refused_tweet_keeps_its_text(visitor):
    ada = visitor()
    too_long = "x" * 281
    response = ada.post("/compose", {"text": too_long})
    assert response.status_code == 422
    assert too_long in response.text
    assert "280" in response.text
    fragment = ada.post("/compose", {"text": "   "}, htmx=True)
    assert fragment.headers["HX-Retarget"] == "#compose-error"


def test_thread_reply_like_edit_history_delete(visitor):
    ada, bob = visitor(), visitor()
    post_id = ada.tweet("A question worth answering")
    page = f"/tweets/{post_id}"
    reply = bob.post(f"{page}/replies", {"text": "An answer from bob"})
    assert reply.status_code == 200 and "An answer from bob" in reply.text
    reply_id = re.findall(r'id="post-(\d+)"', reply.text)[-1]
    nested = ada.post(f"/replies/{reply_id}/replies", {"text": "Thanks, bob"})
    assert "A question worth answering" in nested.text  # the ancestor is shown above

    liked = bob.post(f"{page}/like", {"next": page})
    assert 'aria-pressed="true"' in liked.text
    fragment = bob.post(f"{page}/unlike", htmx=True)
    assert fragment.text.strip().startswith("<form") and 'aria-pressed="false"' in fragment.text

    assert bob.get(f"{page}/edit").status_code == 403
    assert bob.post(f"{page}/edit", {"text": "hijack"}).status_code == 403
    edited = ada.post(f"{page}/edit", {"text": "A better question"})
    assert "A better question" in edited.text and ">edited</a>" in edited.text
    history = ada.get(f"{page}/history").text
    assert "A question worth answering" in history and "A better question" in history

    confirm = ada.get(f"{page}/delete")
    assert "Delete this tweet?" in confirm.text
    gone = ada.post(f"{page}/delete")
    assert gone.url.path == "/"
    assert "This tweet was deleted." in ada.get(page).text
    assert "An answer from bob" in ada.get(page).text  # replies stay


def test_delete_is_offered_to_exactly_those_the_domain_allows(visitor):
    """The author of a thread's tweet may delete replies in it, and sees Delete on them; the
    reply's author may too; a third reader may delete neither, and sees no Delete."""
    owner, guest, reader = visitor(), visitor(), visitor()
    post_id = owner.tweet("My thread, my rules")
    answer = guest.post(f"/tweets/{post_id}/replies", {"text": "A guest's reply"})
    reply_id = re.findall(r'id="post-(\d+)"', answer.text)[-1]
    delete_link = f'href="/replies/{reply_id}/delete"'
    assert delete_link in owner.get(f"/tweets/{post_id}").text
    assert delete_link in guest.get(f"/tweets/{post_id}").text
    assert delete_link not in reader.get(f"/tweets/{post_id}").text
    assert f'href="/tweets/{post_id}/delete"' not in guest.get(f"/tweets/{post_id}").text
    assert reader.post(f"/replies/{reply_id}/delete").status_code == 403
    gone = owner.post(f"/replies/{reply_id}/delete")
    assert (
        gone.status_code == 200
        and "A guest&#39;s reply" not in owner.get(f"/tweets/{post_id}").text
    )


def test_follow_from_the_profile_then_home_shows_their_tweets(visitor):
    ada, bob = visitor(), visitor()
    post_id = bob.tweet("bob's news")
    profile = ada.post(f"/u/{bob.username}/follow", {"next": f"/u/{bob.username}"})
    assert f'Following<span class="visually-hidden"> @{bob.username}: unfollow' in profile.text
    assert f'id="post-{post_id}"' in ada.get("/").text
    followers = ada.get(f"/u/{bob.username}/followers").text
    assert f"@{ada.username}" in followers
    button = ada.post(f"/u/{bob.username}/unfollow", htmx=True).text
    assert f'Follow<span class="visually-hidden"> @{bob.username}<' in button


def test_profile_tabs_and_load_more(visitor):
    ada = visitor()
    other = visitor()
    target = other.tweet("something to answer")
    ada.post(f"/tweets/{target}/replies", {"text": "my reply"})
    for n in range(21):
        ada.tweet(f"tweet number {n}")
    tweets = ada.get(f"/u/{ada.username}").text
    assert "tweet number 20" in tweets and "my reply" not in tweets
    more = re.search(r'href="(/u/[^"]+max_id=\d+)"', tweets).group(1).replace("&amp;", "&")
    assert "tweet number 0" in ada.get(more).text
    assert "tweet number 0" in ada.get(more, headers={"HX-Request": "true"}).text
    replies = ada.get(f"/u/{ada.username}?tab=replies").text
    assert "my reply" in replies and "tweet number" not in replies


def test_search_page_tabs_and_errors(visitor, drain_queue):
    ada = visitor()
    word = "qz" + secrets.token_hex(4)
    ada.tweet(f"searching for {word}")
    drain_queue()
    page = ada.get("/search", params={"q": word}).text
    assert f"searching for {word}" in page
    people = ada.get("/search", params={"q": ada.username, "type": "users"}).text
    assert f"@{ada.username}" in people
    refused = ada.get("/search", params={"q": "x" * 201})
    assert refused.status_code == 422 and "at most 200" in refused.text
    assert ada.get("/search").status_code == 200  # no query yet: just the form


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "javascript:alert(1)",
        '"><svg onload=alert(1)>',
    ],
)
def test_user_text_is_escaped_everywhere(visitor, evil):
    mallory = visitor(display_name=evil[:50])
    mallory.post("/settings/profile", {"display_name": evil[:50], "bio": evil})
    post_id = mallory.tweet(f"look {evil}")
    for path in ("/", f"/u/{mallory.username}", f"/tweets/{post_id}"):
        html = mallory.get(path).text
        if "<" in evil:  # markup shows as text, never as markup
            assert evil not in html and str(escape_html(evil)) in html, path
        # No markup from any user's text (other tests' users may be suggested on the page).
        assert not any(tag in html for tag in ("<script>alert", "<img src=x", "<svg onload"))
        assert 'href="javascript:' not in html


def test_forms_without_the_csrf_token_are_refused(visitor):
    ada = visitor()
    response = ada.client.post("/compose", data={"text": "forged"})
    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert "forged" not in ada.get(f"/u/{ada.username}").text


def test_pages_send_the_security_headers(base_url):
    response = httpx.get(f"{base_url}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["referrer-policy"]
    assert "<script>" not in response.text.replace("<script src=", "")  # no inline scripts


def test_missing_pages_are_404_in_the_site_style(visitor):
    ada = visitor()
    for path in ("/tweets/1", "/u/nobody_at_all", "/replies/12345/history", "/nowhere"):
        response = ada.get(path)
        assert response.status_code == 404, path
        assert "Back to Flock" in response.text


def test_static_files_are_versioned_cached_for_a_year_and_gzipped(http):
    page = http.get("/login")
    assert page.headers["Content-Encoding"] == "gzip"  # httpx asked for it, and unpacked it
    assert "Accept-Encoding" in page.headers["Vary"]
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert any(url.startswith("/static/vendor/htmx") for url in urls), urls
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        versioned = http.get(url)
        assert versioned.status_code == 200
        assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        plain = http.get(url.split("?")[0], headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in plain.headers
        assert "immutable" not in plain.headers["Cache-Control"]  # revalidated
        assert versioned.content == plain.content  # the same bytes once unpacked
        if len(plain.content) > 1024 and not url.split("?")[0].endswith(".svg"):
            assert versioned.headers["Content-Encoding"] == "gzip"
            assert int(versioned.headers["Content-Length"]) < len(plain.content) / 2
    raw = http.get("/login", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in raw.headers and "<form" in raw.text
