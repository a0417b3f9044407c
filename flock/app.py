"""The app factory: one Quart app serving the JSON API (`/api`) and the web UI."""

from __future__ import annotations

import asyncio
import logging

from quart import Quart, request
from werkzeug.exceptions import HTTPException

from api.problems import Problem, http_exception_problem, problem_response
from flock import health
from flock.backends import Backends
from flock.logs import configure_logging
from flock.settings import Settings
from graph.db import SyncGraph
from graph.schema import apply_schema

log = logging.getLogger("flock.app")


def create_app(settings: Settings | None = None) -> Quart:
    """Build the app; connections open when serving starts and close when it ends."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    app = Quart(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        FLOCK_SETTINGS=settings,
    )
    app.register_blueprint(health.blueprint)

    @app.before_serving
    async def connect() -> None:
        created = await asyncio.to_thread(_migrate, settings)
        log.info("event=schema_applied created=%d", created)
        app.extensions["flock"] = Backends.connect(settings)

    @app.after_serving
    async def disconnect() -> None:
        await app.extensions["flock"].close()

    @app.errorhandler(Problem)
    async def on_problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    async def on_http_error(error: HTTPException):
        if request.path.startswith("/api/") or request.path in ("/healthz", "/readyz"):
            return problem_response(http_exception_problem(error))
        return error

    return app


def _migrate(settings: Settings) -> int:
    graph = SyncGraph(settings)
    try:
        return apply_schema(graph)
    finally:
        graph.close()
