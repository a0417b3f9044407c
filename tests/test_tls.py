"""Encryption in transit: an app and a worker serving HTTPS and talking to Redis over TLS, with
certificates made on the fly (trustme) and verified against their CA (FLOCK_CA_FILE)."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time

import httpx
import pytest
import redis
import trustme

from flock.core.settings import Settings
from flock.stack.processes import free_port
from flock.stack.stack import Stack


@pytest.fixture
def certificates(tmp_path):
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    paths = {
        "ca": tmp_path / "ca.pem",
        "cert": tmp_path / "server.pem",
        "key": tmp_path / "server.key",
    }
    ca.cert_pem.write_to_path(str(paths["ca"]))
    server.cert_chain_pems[0].write_to_path(str(paths["cert"]))
    server.private_key_pem.write_to_path(str(paths["key"]))
    return paths


@pytest.fixture
def tls_redis(certificates, tmp_path):
    """Debian's redis-server listening on TLS only."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server missing: `make test` installs Debian's"
    port = free_port()
    server = subprocess.Popen(
        [
            binary, "--port", "0", "--tls-port", str(port), "--bind", "127.0.0.1",
            "--tls-cert-file", str(certificates["cert"]),
            "--tls-key-file", str(certificates["key"]),
            "--tls-ca-cert-file", str(certificates["ca"]), "--tls-auth-clients", "no",
            "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
        ],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"rediss://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, ssl_ca_certs=str(certificates["ca"]))
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start with TLS"
            time.sleep(0.1)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_https_app_and_worker_over_tls_redis(stack, certificates, tls_redis, tmp_path, sign_up):
    """(The same secret key as the main stack: the two share a graph, and its audit chain.)
    The app answers over HTTPS only, with HSTS and secure cookies; it and its worker reach
    Redis over TLS and verify its certificate: a post is fanned out and indexed through it, the
    worker answers a ping, and without the CA the same connection is refused."""
    env = {
        **stack.settings.as_env(),
        "FLOCK_VAR_DIR": str(tmp_path / "var"),
        "FLOCK_PORT": str(free_port()),
        "FLOCK_REDIS_URL": tls_redis,
        "FLOCK_CA_FILE": str(certificates["ca"]),
        "FLOCK_TLS_CERT": str(certificates["cert"]),
        "FLOCK_TLS_KEY": str(certificates["key"]),
    }
    encrypted = Stack(Settings.from_env({**os.environ, **env}))
    settings = encrypted.start()  # its own app and worker; Neo4j and Typesense are shared
    trust = ssl.create_default_context(cafile=str(certificates["ca"]))
    try:
        assert settings.app_url.startswith("https://")
        with httpx.Client(base_url=settings.app_url, verify=trust, timeout=30) as client:
            healthz = client.get("/healthz")
            assert healthz.status_code == 200
            assert healthz.headers["Strict-Transport-Security"].startswith("max-age=")
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text  # Redis (TLS) and the worker answer
            author = sign_up(client, "tls")
            word = f"sealed{os.getpid()}"
            posted = client.post("/api/tweets", json={"text": word}, headers=author["auth"])
            assert posted.status_code == 201, posted.text
            _wait(lambda: _found(client, word) == [posted.json()["id"]])  # the worker indexed it
            page = client.get("/login")
            assert page.status_code == 200
            signed_up = client.post(
                "/signup",
                data={
                    "csrf_token": _csrf(page.text), "username": f"tw{os.getpid()}"[:15],
                    "email": f"tw{os.getpid()}@example.org", "password": "a long enough secret",
                },
                follow_redirects=False,
            )  # fmt: skip
            cookies = signed_up.headers.get_list("set-cookie")
            assert cookies and all("Secure" in cookie for cookie in cookies), cookies
        with pytest.raises(httpx.HTTPError):  # plain HTTP on the HTTPS port goes nowhere
            httpx.get(f"http://127.0.0.1:{settings.port}/healthz", timeout=5).raise_for_status()
        with pytest.raises(httpx.ConnectError):  # and a client that does not trust the CA
            httpx.get(f"{settings.app_url}/healthz", timeout=5)
        cli_env = {**os.environ, **settings.as_env()}
        pinged = _flock(["worker", "ping", "--timeout", "30"], cli_env)
        assert pinged.returncode == 0, pinged.stderr
        untrusting = _flock(["worker", "ping", "--timeout", "5"], {**cli_env, "FLOCK_CA_FILE": ""})
        assert untrusting.returncode != 0
        assert "certificate verify failed" in untrusting.stderr
    finally:
        encrypted.stop()


def _found(client: httpx.Client, word: str) -> list[str]:
    response = client.get("/api/search", params={"q": word, "type": "tweets"})
    return [p["id"] for p in response.json()["items"]] if response.status_code == 200 else []


def _csrf(page: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _flock(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flock.cli", *args], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def _wait(check, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)
