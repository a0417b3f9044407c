"""The app factory: one Quart app serving the JSON API (`/api`) and the web UI."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from quart import Quart, request
from quart_schema import QuartSchema, RequestSchemaValidationError, hide
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

import web
from api import analytics as api_analytics
from api import auth as api_auth
from api import discovery as api_discovery
from api import media as api_media
from api import posts as api_posts
from api import search as api_search
from api import timeline as api_timeline
from api import users as api_users
from api.problems import domain_error_response, http_exception_response, validation_problem
from flock import health
from flock.logs import configure_logging
from flock.metrics import install_metrics
from flock.settings import Settings
from graph import media
from graph.backends import Backends
from graph.db import SyncGraph
from graph.errors import DomainError
from graph.schema import apply_schema
from jobs.stores import search_index
from web.site import install_web, is_web_request, web_domain_error, web_http_error

log = logging.getLogger("flock.app")
WEB_DIR = Path(web.__file__).parent
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MULTIPART_SLACK = 256 * 1024  # form fields and part headers around the uploaded images


def create_app(settings: Settings | None = None) -> Quart:
    """Build the app; connections open when serving starts and close when it ends."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level)
    app = Quart(
        "flock", template_folder=str(WEB_DIR / "templates"), static_folder=str(WEB_DIR / "static")
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, _multipart_limit(settings)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        FLOCK_SETTINGS=settings,
    )
    QuartSchema(
        app,
        openapi_path="/api/openapi.json",
        redoc_ui_path=None,
        scalar_ui_path=None,
        swagger_ui_path=None,
        info={"title": "Flock API", "version": "1"},
        security_schemes={"bearer": {"type": "http", "scheme": "bearer", "bearer_format": "JWT"}},
    )
    for blueprint in (
        health.blueprint,
        api_auth.blueprint,
        api_users.blueprint,
        api_posts.blueprint,
        api_timeline.blueprint,
        api_search.blueprint,
        api_discovery.blueprint,
        api_analytics.blueprint,
        api_media.blueprint,
    ):
        app.register_blueprint(blueprint)
    install_web(app)
    install_metrics(app)
    for endpoint, view in app.view_functions.items():
        if not endpoint.startswith("api_"):  # the OpenAPI document describes /api only
            hide(getattr(view, "__func__", view))

    @app.before_serving
    async def connect() -> None:
        created = await asyncio.to_thread(_migrate, settings)
        log.info("event=schema_applied created=%d", created)
        await asyncio.to_thread(search_index.ensure_collections_quietly, settings)
        app.extensions["flock"] = Backends.connect(settings)

    @app.after_serving
    async def disconnect() -> None:
        await app.extensions["flock"].close()

    @app.before_request
    async def limit_body_size() -> None:
        """Bodies up to FLOCK_MAX_BODY_BYTES; multipart forms (a compose box with its images,
        an API upload) up to four images' worth. Each image's own limit is checked as it is
        stored, with a message the form can show."""
        multipart = request.mimetype == "multipart/form-data"
        limit = _multipart_limit(settings) if multipart else settings.max_body_bytes
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()

    @app.after_request
    async def read_unread_body(response):
        """A request refused before its body was read (a 401, say) would leave the body on the
        connection, and Hypercorn would drop the kept-alive connection under the client."""
        length = request.content_length or 0
        if 0 < length <= app.config["MAX_CONTENT_LENGTH"] and request.method in UNSAFE_METHODS:
            try:
                await request.get_data()
            except HTTPException:  # the body broke off: the connection closes anyway
                pass
        return response

    @app.errorhandler(DomainError)
    async def on_domain_error(error: DomainError):
        if is_web_request():
            return await web_domain_error(error)
        return domain_error_response(error)

    @app.errorhandler(RequestSchemaValidationError)
    async def on_invalid_body(error: RequestSchemaValidationError):
        return validation_problem(error.validation_error)

    @app.errorhandler(HTTPException)
    async def on_http_error(error: HTTPException):
        if is_web_request():
            return await web_http_error(error)
        return http_exception_response(error)

    return app


def _migrate(settings: Settings) -> int:
    graph = SyncGraph(settings)
    try:
        return apply_schema(graph)
    finally:
        graph.close()


def _multipart_limit(settings: Settings) -> int:
    return media.MAX_PER_POST * settings.media_max_bytes + MULTIPART_SLACK
