"""One error format for the JSON API: RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from quart import Response, json
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE_BASE = "https://flock.dev/problems/"


class Problem(Exception):
    """Raise from a use case or a view; rendered as problem details with its status."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        kind: str | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}
        self.headers = headers or {}
        self.kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.kind,
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_response(problem: Problem) -> Response:
    response = Response(
        json.dumps(problem.body()), status=problem.status, content_type="application/problem+json"
    )
    response.headers.update(problem.headers)
    return response


def http_exception_problem(error: HTTPException) -> Problem:
    """Werkzeug's HTTP errors (404 routes, 405, 413...) in the same format."""
    detail = {
        404: "No such resource.",
        405: "That method is not allowed here.",
        413: "The request body is too large.",
    }.get(error.code or 500, error.description or "")
    return Problem(error.code or 500, detail)
