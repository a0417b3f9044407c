"""The connections a running app holds: Neo4j, Redis, Typesense and an HTTP client.

Created once when the app starts serving (or a command runs) and closed when it stops; views
reach them through `graph.serving.backends()` and hand them to the use cases. No web framework
here: the worker and the commands import this module too.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import redis
import redis.asyncio as aioredis
import redis.asyncio.sentinel
import redis.sentinel
import typesense
from redis.commands.core import AsyncScript, Script

from flock.core import pause
from flock.core.causal import SharedBookmarks
from flock.core.db import Graph
from flock.core.settings import Settings


@dataclass
class Backends:
    settings: Settings
    graph: Graph
    redis: aioredis.Redis
    typesense: typesense.AsyncClient
    http: httpx.AsyncClient

    @classmethod
    def connect(cls, settings: Settings) -> Backends:
        r = async_redis(settings, socket_timeout=2, socket_connect_timeout=1)
        return cls(
            settings=settings,
            graph=Graph(
                settings, writes_paused=lambda: pause.writes_paused(r), bookmarks=SharedBookmarks(r)
            ),
            redis=r,
            typesense=typesense.AsyncClient(typesense_config(settings)),
            http=httpx.AsyncClient(timeout=2.0, verify=_verify(settings)),
        )

    async def close(self) -> None:
        await self.graph.close()
        await self.redis.aclose()
        await self.http.aclose()
        await self.typesense.api_call.aclose()


JOB_TYPESENSE_TIMEOUT = 10  # seconds: a job can wait for a loaded node, a page cannot


def typesense_client(settings: Settings) -> typesense.Client:
    """A blocking client, for jobs and command-line tools."""
    return typesense.Client(
        {**typesense_config(settings), "connection_timeout_seconds": JOB_TYPESENSE_TIMEOUT}
    )


def typesense_urls(settings: Settings) -> list[str]:
    """FLOCK_TYPESENSE_URL: one node, or every node of a cluster, comma-separated."""
    return [url.strip().rstrip("/") for url in settings.typesense_url.split(",") if url.strip()]


def typesense_config(settings: Settings) -> dict:
    """Every node of the cluster: the client spreads requests and skips a node that fails.
    Requests made for a page give up after 2 s (search degrades to a 503)."""
    nodes = []
    for given in typesense_urls(settings):
        url = urlsplit(given)
        port = url.port or (443 if url.scheme == "https" else 80)
        nodes.append({"host": url.hostname, "port": port, "protocol": url.scheme})
    return {
        "nodes": nodes,
        "healthcheck_interval_seconds": 5,
        "api_key": settings.typesense_api_key,
        **({"verify": settings.ca_file} if settings.ca_file else {}),
        "connection_timeout_seconds": 2,
        "num_retries": 1,
        "retry_interval_seconds": 0.2,
    }


def _verify(settings: Settings) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else True


SENTINEL = "redis+sentinel://"


def sentinel_parts(url: str) -> tuple[list[tuple[str, int]], str, int] | None:
    """`redis+sentinel://h1:p1,h2:p2,h3:p3/<master name>/<db>`: the Sentinels to ask where the
    master is (None for a plain redis:// or rediss:// URL)."""
    if not url.startswith(SENTINEL):
        return None
    hosts, _, rest = url[len(SENTINEL) :].partition("/")
    master, _, db = rest.partition("/")
    sentinels = [(h.rsplit(":", 1)[0], int(h.rsplit(":", 1)[1])) for h in hosts.split(",") if h]
    return sentinels, master or "flock", int(db or 0)


def sync_redis_client(url: str, ca_file: str = "", **options) -> redis.Redis:
    """A blocking client: through Sentinel when the URL says so (it finds the master again
    after a failover), else straight to the URL."""
    parts = sentinel_parts(url)
    if parts is None:
        return redis.Redis.from_url(url, **options, **redis_tls(url, ca_file))
    sentinels, master, db = parts
    timeouts = {k: v for k, v in options.items() if k.startswith("socket")}
    finder = redis.sentinel.Sentinel(sentinels, sentinel_kwargs=timeouts, **timeouts)
    return finder.master_for(master, db=db, **options)


def async_redis(settings: Settings, **options) -> aioredis.Redis:
    """The app's client, the same way."""
    url = settings.redis_url
    parts = sentinel_parts(url)
    if parts is None:
        return aioredis.Redis.from_url(url, **options, **redis_tls(url, settings.ca_file))
    sentinels, master, db = parts
    timeouts = {k: v for k, v in options.items() if k.startswith("socket")}
    finder = aioredis.sentinel.Sentinel(sentinels, sentinel_kwargs=timeouts, **timeouts)
    return finder.master_for(master, db=db, **options)


def redis_tls(url: str, ca_file: str) -> dict:
    """Connection options for a TLS URL (`rediss://`): verify the certificate and host name."""
    if not url.startswith("rediss://"):
        return {}
    return {
        "ssl_cert_reqs": "required",
        "ssl_check_hostname": True,
        "ssl_ca_certs": ca_file or None,
    }


def lua_script(text: str) -> AsyncScript:
    """A Lua script for the app's client: sent once, then called by its digest (EVALSHA, and
    loaded again by redis-py when a restarted Redis no longer knows it). Call it with
    `await script(keys=..., args=..., client=r)`, `client` a pipeline too."""
    return AsyncScript(None, text.encode())


def lua_script_sync(text: str) -> Script:
    """`lua_script` for the jobs' blocking client: `script(keys=..., args=..., client=r)`."""
    return Script(None, text.encode())
