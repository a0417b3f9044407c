"""One real, throw-away Flock stack for the whole test session: Neo4j, Redis, Typesense, an RQ
worker and the app, on free ports with their own data under a temporary directory."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from helpers import ISOLATED_METRICS_TOKEN, ISOLATED_SIGNUP_LIMIT

from flock.core.settings import Settings
from flock.stack.processes import free_port
from flock.stack.stack import Stack


def _test_settings(var_dir) -> Settings:
    ports = {name: free_port() for name in ("bolt", "redis", "ts", "peer", "app")}
    env = {
        "FLOCK_VAR_DIR": str(var_dir),
        "FLOCK_PORT": str(ports["app"]),
        "FLOCK_NEO4J_BOLT_PORT": str(ports["bolt"]),
        "FLOCK_REDIS_PORT": str(ports["redis"]),
        "FLOCK_TYPESENSE_PORT": str(ports["ts"]),
        "FLOCK_TYPESENSE_PEERING_PORT": str(ports["peer"]),
        "FLOCK_LOG_LEVEL": "INFO",
        # One app process for the shared stack (the machine's two cores run the whole suite);
        # the stacks `flock run` starts for a test run the default, one per core.
        "FLOCK_WEB_WORKERS": "1",
        # Small, so that tests exercise both fan-out and the read-time merge of big accounts.
        "FLOCK_FANOUT_LIMIT": "3",
        # Every cold home page tries the site's newest posts first, in a window small enough
        # that both of its outcomes (served, or read from every followed account) happen.
        "FLOCK_COLD_SCAN_FOLLOWING": "1",
        "FLOCK_COLD_SCAN_WINDOW": "40",
        # Trends and popular accounts are cached for minutes; tests want to see new data.
        "FLOCK_DISCOVERY_CACHE_SECONDS": "1",
        # Low enough for a test to reach, high enough for every other test's posting.
        "FLOCK_POSTS_PER_HOUR": "60",
        "FLOCK_UPLOADS_PER_HOUR": "20",
        # Every test signs up from 127.0.0.1; the limit is tested on the isolated stack.
        "FLOCK_SIGNUPS_PER_HOUR_PER_ADDRESS": "100000",
        # Live-update streams send a heartbeat this often, so that tests see some.
        "FLOCK_STREAM_HEARTBEAT_SECONDS": "1",
        # Link cards are fetched from the tests' own web server there (tests/test_link_cards.py);
        # 127.0.0.1 stays refused like every other loopback, private or link-local address.
        "FLOCK_LINK_CARD_ALLOW_NETS": "127.0.0.2/32",
        "FLOCK_LINK_CARD_SECONDS": "3",
    }
    return Settings.from_env(env)


# Every password and token the session's tests used: none may appear in any log.
SECRETS_USED: set[str] = set()


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The running stack; torn down at the end of the session, whatever the tests did. Before
    it goes: its audit trail must verify, and its logs must hold no password or token."""
    stack = Stack(_test_settings(tmp_path_factory.mktemp("var")))
    stack.start()
    try:
        yield stack
        _check_audit_trail(stack.settings)
        _check_logs_hold_no_secrets(stack)
        _check_worker_kept_listening(stack)
    finally:
        stack.stop()


def _check_audit_trail(settings: Settings) -> None:
    verified = subprocess.run(
        [sys.executable, "-m", "flock.cli", "audit", "verify"],
        env={**os.environ, **settings.as_env()}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "audit trail intact" in verified.stdout


def _check_logs_hold_no_secrets(stack: Stack) -> None:
    logs = [process.log_path for process in stack.processes.values()]
    for path in logs:
        text = path.read_text(errors="replace")
        leaked = [secret for secret in SECRETS_USED if secret in text]
        assert not leaked, f"{path.name} holds {len(leaked)} password(s) or token(s)"


def _check_worker_kept_listening(stack: Stack) -> None:
    """This stack's Redis is never stopped (tests that stop one use `isolated_stack`), so its
    worker must never have lost it: an idle worker whose blocking dequeue outlived its socket
    timeout took that for a lost Redis and backed off for up to a minute, jobs waiting."""
    text = stack.processes["worker"].log_path.read_text(errors="replace")
    assert "could not connect to Redis" not in text, "the worker lost its Redis while idle"


@pytest.fixture(scope="session")
def isolated_stack(stack, tmp_path_factory):
    """A second Neo4j, Redis, worker and app (Typesense shared), so that stopping this Redis
    disturbs no other test, and no other worker takes this stack's kept jobs. A test that stops
    one of its services starts it again."""
    env = {
        **stack.settings.as_env(),
        "FLOCK_VAR_DIR": str(tmp_path_factory.mktemp("isolated")),
        "FLOCK_PORT": str(free_port()),
        "FLOCK_REDIS_URL": "",
        "FLOCK_REDIS_PORT": str(free_port()),
        "FLOCK_NEO4J_URI": "",
        "FLOCK_NEO4J_BOLT_PORT": str(free_port()),
        "FLOCK_NEO4J_PASSWORD": "",
        "FLOCK_SIGNUPS_PER_HOUR_PER_ADDRESS": str(ISOLATED_SIGNUP_LIMIT),
        "FLOCK_METRICS_TOKEN": ISOLATED_METRICS_TOKEN,
        "FLOCK_TRUSTED_PROXIES": "127.0.0.9",
        # Its workers run the graph algorithms on their schedule (once at start, then daily).
        "FLOCK_ANALYTICS_EVERY_HOURS": "24",
    }
    second = Stack(Settings.from_env({**os.environ, **env}))
    settings = second.start()
    try:
        yield second, settings
    finally:
        second.stop()


@pytest.fixture(scope="session")
def settings(stack) -> Settings:
    """The settings in force for the running stack (real URLs, ports and secrets)."""
    return stack.settings


@pytest.fixture(scope="session")
def base_url(settings) -> str:
    return f"http://{settings.host}:{settings.port}"


@pytest.fixture
def http(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def drain_queue(settings):
    """Wait until the real RQ worker has run every queued job."""
    import time

    import redis
    from rq import Queue
    from rq.registry import ScheduledJobRegistry, StartedJobRegistry

    def drain(timeout: float = 60.0) -> None:
        with redis.Redis.from_url(settings.redis_url) as connection:
            queue = Queue("default", connection=connection)
            started = StartedJobRegistry(queue=queue)
            scheduled = ScheduledJobRegistry(queue=queue)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                # Read in the order a job moves: scheduled (a retry), the queue, the
                # intermediate list (dequeued, not yet started: one transaction moves it on),
                # the started registry.
                left = [
                    scheduled.count,
                    queue.count,
                    connection.llen(queue.intermediate_queue_key),
                    started.count,
                ]
                if not any(left):
                    return
                time.sleep(0.05)
        raise AssertionError("the worker did not drain the queue in time")

    return drain


@pytest.fixture
def flock_cli(settings):
    """Run the `flock` command against the test stack; returns the CompletedProcess."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
        full_env = {**os.environ, **settings.as_env(), **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "flock.cli", *args],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def new_user(http, sign_up):
    """Sign up a fresh user through the test stack's API and log in (see `sign_up`)."""

    def make(prefix: str = "u", **fields):
        return sign_up(http, prefix, **fields)

    return make


@pytest.fixture(scope="session")
def sign_up():
    """Sign up a fresh user through the API of the app `http` talks to, and log in; returns its
    name, password, id and tokens."""

    def make(http: httpx.Client, prefix: str = "u", **fields):
        import secrets

        username = f"{prefix}{secrets.token_hex(4)}"[:15]
        password = fields.pop("password", f"pw-{secrets.token_hex(8)}")
        body = {"username": username, "email": f"{username}@example.org", "password": password}
        body.update(fields)
        created = http.post("/api/auth/signup", json=body)
        assert created.status_code == 201, created.text
        pair = http.post("/api/auth/token", json={"login": username, "password": password})
        assert pair.status_code == 200, pair.text
        tokens = pair.json()
        SECRETS_USED.update([password, tokens["access_token"], tokens["refresh_token"]])
        return {
            "username": username,
            "password": password,
            "id": created.json()["id"],
            "access": tokens["access_token"],
            "refresh": tokens["refresh_token"],
            "auth": {"Authorization": f"Bearer {tokens['access_token']}"},
        }

    return make


@pytest.fixture(scope="session")
def wait_until():
    """Poll `check` until it is true (work done by a real worker), or fail after `timeout`."""
    import time

    def wait(check, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s")
            time.sleep(0.1)

    return wait


@pytest.fixture
def redis_stopped(isolated_stack):
    """The isolated stack with its Redis stopped for the test, started again after it."""
    second, settings = isolated_stack
    redis_server = second.processes["redis"]
    redis_server.stop()
    try:
        yield settings
    finally:
        redis_server.start()
        redis_server.wait_ready()
        _until_reconciled(settings)


def _until_reconciled(settings: Settings, timeout: float = 120) -> None:
    """A restarted Redis is reconciled with the graph by the worker (jobs/tasks/recovery.py:
    every copy of a graph fact forgotten, recent posts fanned out again): wait until that is
    done, so that it does not land in the middle of the next test (it once forgot a reader's
    token facts just as a test hung Neo4j, and every page needed the graph)."""
    from rq import Queue
    from rq.registry import StartedJobRegistry

    from jobs.queue import sync_redis
    from jobs.stores import copies

    r = sync_redis(settings.redis_url)
    queue = Queue("default", connection=r)
    started = StartedJobRegistry(queue=queue)
    deadline = time.monotonic() + timeout
    while copies.reconciled_replid(r) != copies.master_replid(r) or queue.count or started.count:
        assert time.monotonic() < deadline, "the restarted Redis was not reconciled in time"
        time.sleep(0.1)


class Visitor:
    """A browser without JavaScript: cookies, forms with their CSRF token, redirects."""

    def __init__(self, base_url: str):
        self.client = httpx.Client(base_url=base_url, timeout=30, follow_redirects=True)
        self.username = ""

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, htmx: bool = False) -> httpx.Response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get("/").text).group(1)
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, headers=headers)

    def sign_up(self, display_name: str | None = None) -> Visitor:
        self.username = f"w{secrets.token_hex(5)}"
        page = self.client.get("/signup").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.client.post(
            "/signup",
            data={
                "csrf_token": token,
                "username": self.username,
                "email": f"{self.username}@example.org",
                "password": "a long enough secret",
                "display_name": display_name or self.username,
            },
        )
        assert response.status_code == 200, response.text
        return self

    def tweet(self, text: str) -> str:
        response = self.post("/compose", {"text": text})
        assert response.status_code == 200, response.text
        return re.search(r'id="post-(\d+)"', response.text).group(1)


@pytest.fixture
def visitor(base_url):
    def make(display_name: str | None = None) -> Visitor:
        return Visitor(base_url).sign_up(display_name)

    return make


CHROMIUM = os.environ.get("FLOCK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, driven by Playwright (it never downloads a browser here)."""
    from playwright import sync_api as playwright_api

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    playwright_api.expect.set_options(timeout=15_000)  # a loaded machine answers slower
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def person(chromium, base_url):
    """People at browsers (tests/browsing.py): `person("phone")` is one at a phone's size."""
    from browsing import Person

    made: list = []

    def make(size: str = "desktop"):
        made.append(Person(chromium, base_url, size))
        return made[-1]

    yield make
    for one in made:
        one.close()
