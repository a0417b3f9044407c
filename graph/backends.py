"""The connections a running app holds: Neo4j, Redis, Typesense and an HTTP client.

Created once when the app starts serving and closed when it stops; views reach them through
`backends()` and hand them to the use cases. Imports nothing of the app but the settings and
the Neo4j handle.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import redis.asyncio as aioredis
import typesense
from quart import current_app

from flock.settings import Settings
from graph import pause
from graph.db import Graph


@dataclass
class Backends:
    settings: Settings
    graph: Graph
    redis: aioredis.Redis
    typesense: typesense.AsyncClient
    http: httpx.AsyncClient

    @classmethod
    def connect(cls, settings: Settings) -> Backends:
        r = aioredis.Redis.from_url(
            settings.redis_url,
            socket_timeout=2,
            socket_connect_timeout=1,
            **redis_tls(settings.redis_url, settings.ca_file),
        )
        return cls(
            settings=settings,
            graph=Graph(settings, writes_paused=lambda: pause.writes_paused(r)),
            redis=r,
            typesense=typesense.AsyncClient(typesense_config(settings)),
            http=httpx.AsyncClient(timeout=2.0, verify=_verify(settings)),
        )

    async def close(self) -> None:
        await self.graph.close()
        await self.redis.aclose()
        await self.http.aclose()
        await self.typesense.api_call.aclose()


def typesense_client(settings: Settings) -> typesense.Client:
    """A blocking client, for jobs and command-line tools."""
    return typesense.Client(typesense_config(settings))


def typesense_config(settings: Settings) -> dict:
    url = urlsplit(settings.typesense_url)
    return {
        "nodes": [
            {
                "host": url.hostname,
                "port": url.port or (443 if url.scheme == "https" else 80),
                "protocol": url.scheme,
            }
        ],
        "api_key": settings.typesense_api_key,
        **({"verify": settings.ca_file} if settings.ca_file else {}),
        "connection_timeout_seconds": 2,
        "num_retries": 1,
        "retry_interval_seconds": 0.2,
    }


def _verify(settings: Settings) -> ssl.SSLContext | bool:
    return ssl.create_default_context(cafile=settings.ca_file) if settings.ca_file else True


def redis_tls(url: str, ca_file: str) -> dict:
    """Connection options for a TLS URL (`rediss://`): verify the certificate and host name."""
    if not url.startswith("rediss://"):
        return {}
    return {
        "ssl_cert_reqs": "required",
        "ssl_check_hostname": True,
        "ssl_ca_certs": ca_file or None,
    }


def backends() -> Backends:
    """The running app's connections."""
    return current_app.extensions["flock"]
