"""A small web site for the tests of link preview cards (tests/test_link_cards.py) and the
screenshots (a post with a card): pages, a picture, a redirect to its twin, a 20 MB body, a slow
answer and JSON."""

from __future__ import annotations

import http.server
import threading

from browsing import picture

HUGE = 20 * 1024 * 1024
PAGE = b"""<!doctype html><html><head><title>Fallback title</title>
<meta property="og:title" content="Herons of the Lower Marsh">
<meta property="og:description" content="A field guide &amp; a map, with <b>notes</b>.">
<meta property="og:image" content="/heron.png">
<meta property="og:site_name" content="Marsh Notes"></head><body>Hello</body></html>"""


class Site(http.server.ThreadingHTTPServer):
    """A web server on `host` that records every path asked for."""

    daemon_threads = True

    def __init__(self, host: str, twin: Site | None = None):
        super().__init__((host, 0), Handler)
        self.asked: list[str] = []
        self.twin = twin
        self.huge_sent = False
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def handle_error(self, request, client_address):
        pass  # a client that stopped reading (the 20 MB body): as intended

    def url(self, path: str) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}{path}"


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the standard library's name
        site: Site = self.server
        site.asked.append(self.path)
        if self.path.startswith("/page"):
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/heron.png":
            self._send(200, "image/png", picture((1200, 630)))
        elif self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", site.twin.url("/page"))
            self.end_headers()
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(HUGE))
            self.end_headers()
            try:
                for _ in range(HUGE // 65536):
                    self.wfile.write(b"<p>" + b"x" * 65533)
                site.huge_sent = True
            except OSError:
                pass
        elif self.path == "/slow":
            site.release.wait(30)
            self._send(200, "text/html", PAGE)
        elif self.path == "/data.json":
            self._send(200, "application/json", b'{"title": "not a page"}')
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
