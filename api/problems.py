"""One error format for Flock's JSON API: RFC 9457 problem details (`application/problem+json`);
the Mastodon client API's paths answer in Mastodon's (`{"error": ..., "error_description"}`),
which its apps read."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import ValidationError
from quart import Response, has_request_context, json, request
from werkzeug.exceptions import HTTPException

from api.mastodon.paths import is_mastodon_path
from flock.core.errors import DomainError
from graph.requests import field_errors

PROBLEM_TYPE_BASE = "https://flock.dev/problems/"


def problem_response(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    kind: str | None = None,
) -> Response:
    if has_request_context() and is_mastodon_path(request.path):
        return mastodon_error(status, detail, errors=errors, headers=headers)
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (kind or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, content_type="application/problem+json")
    response.headers.update(headers or {})
    return response


def mastodon_error(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Mastodon's Error entity; `error_description` names the fields at fault, if any."""
    body: dict[str, Any] = {
        "error": MASTODON_MESSAGES.get(status, detail) if status == 404 else detail
    }
    if errors:
        body["error_description"] = "; ".join(
            f"{field}: {', '.join(messages)}" for field, messages in errors.items()
        )
    response = Response(json.dumps(body), status=status, content_type="application/json")
    response.headers.update(headers or {})
    return response


MASTODON_MESSAGES = {404: "Record not found"}


def domain_error_response(error: DomainError) -> Response:
    return problem_response(
        error.status, error.detail, errors=error.errors, headers=error.headers, kind=error.kind
    )


def http_exception_response(error: HTTPException) -> Response:
    """Werkzeug's HTTP errors (unknown routes, 405, 413...) in the same format."""
    detail = {
        400: "The request could not be read.",
        404: "No such resource.",
        405: "That method is not allowed here.",
        413: "The request body is too large.",
    }.get(error.code or 500, error.description or "")
    return problem_response(error.code or 500, detail)


def validation_problem(error: Exception) -> Response:
    """A body that is not JSON, or not of the right shape: 422 with per-field errors."""
    if isinstance(error, ValidationError) and all(item["loc"] for item in error.errors()):
        return problem_response(
            422, "Some fields are invalid.", errors=field_errors(error), kind="invalid-fields"
        )
    return problem_response(422, "The request body must be a JSON object.", kind="invalid-body")
