"""What a link shows: the title, description and picture of the page a post links to, fetched
by a worker (jobs/tasks/link_cards.py), never while a request waits.

A server that fetches any URL a user writes can be aimed at what only it can reach (SSRF), so:

- only http and https;
- the host is resolved first, and every address it resolves to must be public (not private,
  loopback, link-local, shared, multicast, reserved or unspecified, nor one of those written
  as IPv6); the connection then goes to the address that was checked (the Host header and the
  TLS server name carry the host), so a DNS answer that changes between the check and the
  connection cannot move it;
- redirects are followed by hand, at most MAX_REDIRECTS, each checked the same way;
- one deadline for the whole fetch (a slow server is left), a size cap (a larger
  Content-Length is refused before the body, a body is read no further than the cap), and only
  the expected type is read (HTML for a page, an image for its picture).

`FLOCK_LINK_CARD_ALLOW_NETS` lets named networks through although they are not public (an
intranet's own pages; the tests' local server).
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from flock.core.settings import Settings

MAX_REDIRECTS = 3
USER_AGENT = "FlockBot/1.0 (link previews)"
TEXT_CAP = 300  # characters of a title or description kept


class Refused(Exception):
    """The link is not fetched, or not used: why, in a few words (logged and counted)."""


@dataclass(frozen=True)
class Page:
    url: str  # where it was found, after redirects
    title: str
    description: str
    image_url: str | None
    site: str


def fetch_page(settings: Settings, url: str) -> Page:
    """The card of an HTML page; Refused when it may not be fetched or has nothing to show."""
    deadline = time.monotonic() + settings.link_card_seconds
    final, body = fetch(settings, url, ("text/html", "application/xhtml+xml"),
                        settings.link_card_max_bytes, deadline)  # fmt: skip
    meta = _Meta.read(body.decode("utf-8", errors="replace"))
    title = meta.first("og:title", "twitter:title") or meta.title
    if not title:
        raise Refused("no title")
    image = meta.first("og:image", "og:image:url", "twitter:image")
    return Page(
        url=final,
        title=_short(title),
        description=_short(meta.first("og:description", "twitter:description", "description")),
        image_url=urljoin(final, image) if image else None,
        site=_short(meta.first("og:site_name")) or urlsplit(final).hostname or "",
    )


def fetch(
    settings: Settings, url: str, types: tuple[str, ...], max_bytes: int, deadline: float
) -> tuple[str, bytes]:
    """(the final URL, its body) of a GET that follows the rules above; Refused otherwise."""
    allowed = _networks(settings.link_card_allow_nets)
    with httpx.Client(trust_env=False, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target, host, address = _checked(url, allowed)
            request = client.build_request(
                "GET", target,
                headers={"Host": _host_header(url), "User-Agent": USER_AGENT,
                         "Accept": ", ".join(types), "Accept-Encoding": "identity"},
                extensions={"sni_hostname": host,
                            "timeout": _timeouts(deadline)},
            )  # fmt: skip
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as error:
                raise Refused(f"unreachable: {type(error).__name__}") from None
            try:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise Refused(f"status {response.status_code}")
                kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if not any(kind == t or (t.endswith("/*") and kind.startswith(t[:-1]))
                           for t in types):  # fmt: skip
                    raise Refused(f"type {kind or 'unknown'}")
                if response.headers.get("content-encoding", "identity") != "identity":
                    raise Refused("compressed")  # asked for none: a bomb is not unpacked
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise Refused("too large")
                return url, _read(response, max_bytes, deadline, types[0] == "text/html")
            finally:
                response.close()
        raise Refused("too many redirects")


def _checked(url: str, allowed: list) -> tuple[str, str, str]:
    """(the URL with its host replaced by a checked address, the host, the address)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("not an http(s) link")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused("no such host") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not addresses or not all(_may_fetch(a, allowed) for a in addresses):
        raise Refused("not a public address")
    address = str(addresses[0])
    shown = f"[{address}]" if addresses[0].version == 6 else address
    netloc = f"{shown}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host, address


def _may_fetch(address, allowed: list) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in net for net in allowed):
        return True
    return address.is_global and not address.is_multicast


def _networks(text: str) -> list:
    return [ipaddress.ip_network(part.strip()) for part in text.split(",") if part.strip()]


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname or ""
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def _timeouts(deadline: float) -> dict[str, float]:
    left = max(deadline - time.monotonic(), 0.01)
    return {"connect": left, "read": left, "write": left, "pool": left}


def _read(response: httpx.Response, max_bytes: int, deadline: float, html: bool) -> bytes:
    """The body up to the cap (a page: what is read by then is enough for its head; a picture
    over the cap is refused), within the deadline."""
    body = bytearray()
    for chunk in response.iter_raw():
        body += chunk
        if time.monotonic() > deadline:
            raise Refused("too slow")
        if len(body) > max_bytes:
            if html:
                return bytes(body[:max_bytes])
            raise Refused("too large")
    return bytes(body)


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= TEXT_CAP else text[: TEXT_CAP - 1] + "…"


class _Meta(HTMLParser):
    """The <title> and the <meta> tags of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    @classmethod
    def read(cls, html: str) -> _Meta:
        parser = cls()
        parser.feed(html)
        return parser

    def first(self, *names: str) -> str:
        return next((self.values[n] for n in names if self.values.get(n)), "")

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            found = dict(attrs)
            name = (found.get("property") or found.get("name") or "").lower()
            if name and found.get("content") and name not in self.values:
                self.values[name] = found["content"]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and len(self.title) < 1000:
            self.title += data
