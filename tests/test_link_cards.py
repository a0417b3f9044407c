"""Link preview cards: the first link of a post shows its page's title, description and picture
under it, fetched by the worker (posting never waits for it), and nothing is fetched from where
a server must not reach: a private address, a name that resolves to loopback, a redirect to a
private address; a 20 MB body, a slow server or a page that is not HTML gives no card.

The tests' web server listens on 127.0.0.2, which the test stack allows
(FLOCK_LINK_CARD_ALLOW_NETS); its twin on 127.0.0.1 is loopback like any other and refused."""

from __future__ import annotations

import pytest
from websites import Site


@pytest.fixture(scope="module")
def sites():
    private = Site("127.0.0.1")
    allowed = Site("127.0.0.2", twin=private)
    yield allowed, private
    allowed.release.set()
    for site in (allowed, private):
        site.shutdown()
        site.server_close()


def _post(http, user, text: str) -> dict:
    posted = http.post("/api/tweets", json={"text": text}, headers=user["auth"])
    assert posted.status_code == 201, posted.text
    return posted.json()


def _card(http, post: dict) -> dict | None:
    return http.get(f"/api/tweets/{post['id']}").json()["card"]


def test_a_link_shows_its_pages_card_with_its_picture(http, new_user, wait_until, sites):
    allowed, _ = sites
    ann = new_user("lc")
    post = _post(http, ann, f"Worth a read: {allowed.url('/page?a=1')}.")
    assert post["card"] is None  # posting did not wait for it
    wait_until(lambda: _card(http, post) is not None, timeout=60)
    card = _card(http, post)
    assert card["url"] == allowed.url("/page?a=1")  # the sentence's full stop left out
    assert card["title"] == "Herons of the Lower Marsh"
    assert card["description"] == "A field guide & a map, with <b>notes</b>."
    assert card["site"] == "Marsh Notes"
    picture_served = http.get(card["image_url"])
    assert picture_served.status_code == 200
    assert picture_served.headers["content-type"] == "image/jpeg"
    assert card["image_width"] == 600 and card["image_height"] == 315
    page = http.get(f"/tweets/{post['id']}").text
    assert "Herons of the Lower Marsh" in page and 'class="link-card"' in page
    assert "&lt;b&gt;notes&lt;/b&gt;" in page  # the page's text is shown, never run
    status = http.get(f"/api/v1/statuses/{post['id']}", headers=ann["auth"]).json()
    assert status["card"]["title"] == "Herons of the Lower Marsh"

    asked = len(allowed.asked)
    again = _post(http, ann, f"Again: {allowed.url('/page?a=1')}")
    wait_until(lambda: _card(http, again) is not None, timeout=60)
    assert len(allowed.asked) == asked  # the card kept in the graph: not fetched again

    edited = http.patch(
        f"/api/tweets/{post['id']}", json={"text": "no link any more"}, headers=ann["auth"]
    )
    assert edited.status_code == 200, edited.text
    wait_until(lambda: _card(http, post) is None, timeout=60)


@pytest.mark.parametrize(
    ("link", "why"),
    [
        ("http://10.20.30.40/page", "not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "not a public address"),
        ("PRIVATE/page", "not a public address"),
        ("http://localhost:PRIVATE_PORT/page", "not a public address"),
        ("ALLOWED/to-private", "not a public address"),
        ("ALLOWED/huge", "too large"),
        ("ALLOWED/data.json", "type application/json"),
    ],
)
def test_nothing_is_fetched_from_where_a_server_must_not_reach(
    http, new_user, drain_queue, settings, sites, link, why
):
    allowed, private = sites
    link = (
        link.replace("PRIVATE_PORT", str(private.server_address[1]))
        .replace("PRIVATE", private.url("").rstrip("/"))
        .replace("ALLOWED", allowed.url("").rstrip("/"))
    )
    user = new_user("lr")
    post = _post(http, user, f"see {link}")
    drain_queue()
    assert _card(http, post) is None
    assert private.asked == []  # nothing reached the loopback server
    assert not allowed.huge_sent  # a 20 MB body was never read
    log = (settings.var_dir / "logs" / "worker.log").read_text(errors="replace")
    refusals = [line for line in log.splitlines() if '"link_card_refused"' in line and link in line]
    assert refusals and f'"reason": "{why}' in refusals[-1], refusals[-1:]


def test_a_slow_server_gives_no_card_and_never_slows_posting(
    http, new_user, drain_queue, settings, sites
):
    allowed, _ = sites
    user = new_user("ls")
    post = _post(http, user, f"slow {allowed.url('/slow')}")
    assert "/slow" not in allowed.asked or not allowed.release.is_set()
    drain_queue()  # the worker gave up on the server (it is still holding its answer)
    assert not allowed.release.is_set()
    assert _card(http, post) is None  # had the worker waited out the server, it had a card
    log = (settings.var_dir / "logs" / "worker.log").read_text(errors="replace")
    assert '"reason": "unreachable: ReadTimeout"' in log or '"reason": "too slow"' in log
    allowed.release.set()
