"""`/healthz` (the process answers) and `/readyz` (every dependency answers)."""

from __future__ import annotations

import asyncio

import httpx
from quart import Blueprint

from flock.core.backends import typesense_urls
from flock.worker import live_workers
from graph.serving import backends

blueprint = Blueprint("health", __name__)

CHECK_TIMEOUT = 3.0


@blueprint.get("/healthz")
async def healthz():
    return {"status": "ok"}


@blueprint.get("/readyz")
async def readyz():
    """Each dependency reported by name; 503 naming the ones that are down."""
    report = await dependency_report()
    down = sorted(name for name, result in report.items() if not result["ok"])
    body = {"status": "unavailable" if down else "ready", "down": down, "checks": report}
    return body, (503 if down else 200)


async def dependency_report() -> dict[str, dict]:
    """Neo4j, Redis, Typesense and a worker: each answering ({"ok": true}) or not (why)."""
    b = backends()
    checks = {
        "neo4j": b.graph.ping(),
        "redis": b.redis.ping(),
        "typesense": _typesense_ok(),
        "worker": _worker_ok(),
    }
    results = await asyncio.gather(*(_timed(check) for check in checks.values()))
    return dict(zip(checks, results, strict=True))


async def _timed(check) -> dict:
    try:
        await asyncio.wait_for(check, CHECK_TIMEOUT)
        return {"ok": True}
    except Exception as error:  # every failure is reported, none raised
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


async def _typesense_ok() -> None:
    """Search answers while one node of a cluster does (its client skips the others)."""
    b = backends()
    problems = []
    for url in typesense_urls(b.settings):
        try:
            response = await b.http.get(f"{url}/health")
            if response.status_code == 200 and response.json().get("ok"):
                return
            problems.append(f"{url}: {response.status_code}")
        except httpx.HTTPError as error:
            problems.append(f"{url}: {type(error).__name__}")
    raise RuntimeError("no Typesense node is healthy: " + "; ".join(problems))


async def _worker_ok() -> None:
    workers = await asyncio.to_thread(live_workers, backends().settings)
    if not workers:
        raise RuntimeError("no worker said it was alive within the last seconds")
