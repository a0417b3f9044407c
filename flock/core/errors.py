"""What a use case refuses, with the HTTP status it maps to. The API renders these as problem
details; the web shows them as form messages."""

from __future__ import annotations

from http import HTTPStatus


class DomainError(Exception):
    status = 400

    def __init__(
        self,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or {}
        self.headers = headers or {}

    @property
    def kind(self) -> str:
        return HTTPStatus(self.status).phrase.lower().replace(" ", "-")


class BadRequest(DomainError):
    status = 400


class Invalid(DomainError):
    status = 422


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class TooManyRequests(DomainError):
    status = 429


class Unavailable(DomainError):
    status = 503
