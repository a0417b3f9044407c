"""The app factory: one Quart app serving the JSON API (`/api`) and the web UI."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path

import orjson
from pydantic_core import to_jsonable_python
from quart import Quart, Request, g, request
from quart.json.provider import DefaultJSONProvider
from quart_schema import QuartSchema, RequestSchemaValidationError, hide
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

import web
from api import admin as api_admin
from api import analytics as api_analytics
from api import auth as api_auth
from api import bookmarks as api_bookmarks
from api import discovery as api_discovery
from api import media as api_media
from api import notifications as api_notifications
from api import posts as api_posts
from api import search as api_search
from api import streaming as api_streaming
from api import timeline as api_timeline
from api import users as api_users
from api.json_bodies import check_json_body
from api.mastodon import BLUEPRINTS as MASTODON_BLUEPRINTS
from api.openapi import FlockOpenAPI
from api.problems import domain_error_response, http_exception_response, validation_problem
from flock import health
from flock.core.backends import Backends
from flock.core.db import GraphUnavailable, SyncGraph
from flock.core.errors import DomainError, Unavailable
from flock.core.ids import MAX_ID
from flock.core.logs import REQUEST_ID, configure_logging, request_id_from
from flock.core.settings import Settings
from flock.metrics import install_metrics
from graph import media, serving
from graph.requests import client_address
from graph.schema import apply_schema, warm_up_queries
from graph.serving import UNSAFE_METHODS
from jobs.stores import search_index
from web.site import install_web, is_web_request, web_domain_error, web_http_error

log = logging.getLogger("flock.app")
WEB_DIR = Path(web.__file__).parent
MULTIPART_SLACK = 256 * 1024  # form fields and part headers around the uploaded images
RETRY_AFTER_SECONDS = 5
HSTS = "max-age=31536000; includeSubDomains"


def create_app(settings: Settings | None = None) -> Quart:
    """Build the app; connections open when serving starts and close when it ends."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, "app")
    app = Quart(
        "flock", template_folder=str(WEB_DIR / "templates"), static_folder=str(WEB_DIR / "static")
    )
    app.url_map.converters["int"] = IdConverter  # every <int:...> in a URL is a 64-bit id
    app.request_class = _request_class(settings)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, _multipart_limit(settings)),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure or settings.serves_tls,
        PERMANENT_SESSION_LIFETIME=settings.session_ttl,
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
        openapi_provider_class=FlockOpenAPI,
    )
    app.json = FastJSON(app)  # after QuartSchema, which sets a provider of its own
    for blueprint in (
        health.blueprint,
        api_auth.blueprint,
        api_users.blueprint,
        api_posts.blueprint,
        api_timeline.blueprint,
        api_search.blueprint,
        api_discovery.blueprint,
        api_analytics.blueprint,
        api_admin.blueprint,
        api_media.blueprint,
        api_notifications.blueprint,
        api_bookmarks.blueprint,
        api_streaming.blueprint,
        *MASTODON_BLUEPRINTS,
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
        log.info("schema_applied", extra={"created_count": created})
        await asyncio.to_thread(search_index.ensure_collections_quietly, settings)
        app.extensions[serving.EXTENSION] = Backends.connect(settings)
        # Plans for every named query, made while the first pages are already served.
        threading.Thread(target=_warm_up, args=(settings,), daemon=True).start()

    @app.after_serving
    async def disconnect() -> None:
        await app.extensions[serving.EXTENSION].close()

    @app.before_request
    async def name_the_request() -> None:
        """Every request has an id: the caller's X-Request-ID, or a new one. It is in every log
        line about the request, in the jobs it queues, and in the response."""
        g.request_id = request_id_from(request.headers.get("X-Request-ID"))
        g.request_started = time.perf_counter()
        REQUEST_ID.set(g.request_id)

    @app.after_request
    async def log_the_request(response):
        """One line per request (the route's template, never its body or query), and the id
        back to the caller."""
        if settings.serves_tls:  # browsers come back over HTTPS only
            response.headers["Strict-Transport-Security"] = HSTS
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "seconds": round(time.perf_counter() - g.request_started, 4),
                    "client": g.get("client_address"),
                },
            )
        return response

    @app.before_request
    async def limit_body_size() -> None:
        """Bodies up to FLOCK_MAX_BODY_BYTES; multipart forms (a compose box with its images,
        an API upload) up to four images' worth. Each image's own limit is checked as it is
        stored, with a message the form can show."""
        multipart = request.mimetype == "multipart/form-data"
        limit = _multipart_limit(settings) if multipart else settings.max_body_bytes
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()

    @app.before_request
    async def note_client_address() -> None:
        """Where the request came from, for rate limits: X-Forwarded-For only from proxies
        named in FLOCK_TRUSTED_PROXIES."""
        g.client_address = client_address(
            request.remote_addr or "",
            request.headers.get("X-Forwarded-For"),
            settings.trusted_proxies,
        )

    @app.before_request
    async def check_json() -> None:
        """JSON bodies: strict UTF-8, bounded nesting, no lone surrogates (api/json_bodies.py)."""
        if request.method in UNSAFE_METHODS and request.mimetype == "application/json":
            check_json_body(await request.get_data())

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

    @app.errorhandler(GraphUnavailable)
    async def on_graph_unavailable(error: Exception):
        """Neo4j down, restarting or overloaded (a statement past its timeout): 503 with
        Retry-After, never a 500; nothing was changed."""
        log.warning("graph_unavailable", extra={"error": repr(error)})
        if isinstance(error, DomainError):  # writes paused: it says so itself
            return await on_domain_error(error)
        return await on_domain_error(
            Unavailable(
                "The service is busy or restarting. Try again in a few seconds.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        )

    @app.errorhandler(HTTPException)
    async def on_http_error(error: HTTPException):
        if is_web_request():
            return await web_http_error(error)
        return http_exception_response(error)

    return app


def _request_class(settings: Settings) -> type[Request]:
    """Requests whose body limit holds while the body streams in (chunked or not): multipart
    forms (images) up to four images' worth, every other body FLOCK_MAX_BODY_BYTES."""

    class FlockRequest(Request):
        def __init__(self, *args, **kwargs):
            headers = args[4] if len(args) > 4 else kwargs["headers"]
            if not headers.get("content-type", "").startswith("multipart/form-data"):
                kwargs["max_content_length"] = settings.max_body_bytes
            super().__init__(*args, **kwargs)

    return FlockRequest


class FastJSON(DefaultJSONProvider):
    """Responses serialised by orjson (several times faster than `json` on a page of posts);
    dates, dataclasses and pydantic models as before (Quart's rules, then quart-schema's), and
    what orjson refuses (an int past 64 bits, say) through `json`. Request bodies are still
    read by `json` (api/json_bodies.py checks them first)."""

    OPTIONS = (  # keys sorted, as Quart's provider sorts them: the same bytes as before
        orjson.OPT_SORT_KEYS
        | orjson.OPT_NON_STR_KEYS
        | orjson.OPT_PASSTHROUGH_DATETIME
        | orjson.OPT_PASSTHROUGH_DATACLASS
    )

    @staticmethod
    def default(obj):
        try:
            return DefaultJSONProvider.default(obj)
        except TypeError:
            return to_jsonable_python(obj)

    def dumps(self, obj, **kwargs) -> str:
        if kwargs:  # an explicit choice (indent, say): the standard library honours it
            return super().dumps(obj, **kwargs)
        return self._bytes(obj).decode()

    def response(self, *args, **kwargs):
        body = self._bytes(self._prepare_response_obj(args, kwargs))
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)

    def _bytes(self, obj) -> bytes:
        try:
            return orjson.dumps(obj, default=self.default, option=self.OPTIONS)
        except (TypeError, orjson.JSONEncodeError):
            return super().dumps(obj, separators=(",", ":")).encode()


class IdConverter(IntegerConverter):
    """`<int:...>` segments are 64-bit ids: a number past 2^63 - 1 (more than Neo4j holds)
    becomes -1, which names nothing, so every route answers it as an unknown post: 404."""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else -1


def _migrate(settings: Settings) -> int:
    graph = SyncGraph(settings, long=True)  # index builds may take longer than a request
    try:
        return apply_schema(graph)
    finally:
        graph.close()


def _warm_up(settings: Settings) -> None:
    try:
        with SyncGraph(settings, long=True) as graph:
            warm_up_queries(graph)
    except Exception as error:  # noqa: BLE001 - Neo4j away: the queries are planned on first use
        log.warning("query_warm_up_failed", extra={"error": repr(error)})


def _multipart_limit(settings: Settings) -> int:
    return media.MAX_PER_POST * settings.media_max_bytes + MULTIPART_SLACK
