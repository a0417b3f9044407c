"""The OpenAPI document at `/api/openapi.json`: what quart-schema derives from the views, plus
what it cannot see: the problem-details responses each operation can give, which operations
want a token, and the empty (204) answers.

Schemathesis checks the running API against this document (tests/test_openapi_fuzz.py): no
server error and no status code the document does not list.
"""

from __future__ import annotations

from typing import Any

from quart_schema.openapi import OpenAPIProvider
from werkzeug.routing import Rule

AUTH_ATTRIBUTE = "_flock_auth"  # "required" or "optional", set by api/bearer.py

PROBLEMS = {
    "400": "The request cannot be read: not UTF-8, or JSON nested too deep",
    "401": "No valid access token (or wrong credentials)",
    "403": "Not allowed for this account",
    "404": "No such resource",
    "409": "Already taken",
    "413": "The body is too large",
    "422": "Invalid fields, parameters or cursor (errors by field)",
    "429": "Too many requests: wait Retry-After seconds",
    "503": "A dependency is down or busy: retry after Retry-After seconds",
    "504": "The query ran past its timeout",
}
EVERY_OPERATION = ("400", "404", "422", "429", "503")
WITH_TOKEN = ("401", "403")
WITH_BODY = ("413",)
ONLY_SOME = {
    "api_auth.signup": ("409",),
    "api_users.change_my_email": ("409",),
    "api_auth.token": ("401",),
    "api_auth.refresh": ("401",),
    "api_analytics.run_query": ("504",),
}
UNSAFE = {"post", "put", "patch", "delete"}
# Answers that are not JSON, which quart-schema cannot see.
STREAMS = {
    "api_streaming.streaming": {
        "description": "Server-Sent Events (`update`, `delete`, `notification`; `end` last)",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    },
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array"}},
    },
    "required": ["type", "title", "status", "detail"],
}


POST_PATH = "/api/{collection}/{post_id}"
# Links (OpenAPI 3.1): what a created resource leads to, so that clients and stateful fuzzers
# can follow a new post or account to the operations on it.
LINKS = {
    ("/api/tweets", "post", 201): {
        f"{name}": {
            "operationRef": "#/paths/" + path.replace("/", "~1") + f"/{method}",
            "parameters": {"collection": "tweets", "post_id": "$response.body#/id"},
        }
        for name, path, method in [
            ("read", POST_PATH, "get"),
            ("edit", POST_PATH, "patch"),
            ("delete", POST_PATH, "delete"),
            ("like", POST_PATH + "/like", "put"),
            ("unlike", POST_PATH + "/like", "delete"),
            ("likers", POST_PATH + "/likers", "get"),
            ("thread", POST_PATH + "/thread", "get"),
            ("history", POST_PATH + "/history", "get"),
            ("replies", POST_PATH + "/replies", "get"),
            ("reply", POST_PATH + "/replies", "post"),
        ]
    },
    ("/api/auth/signup", "post", 201): {
        name: {
            "operationRef": "#/paths/" + path.replace("/", "~1") + f"/{method}",
            "parameters": {"username": "$response.body#/username"},
        }
        for name, path, method in [
            ("profile", "/api/users/{username}", "get"),
            ("follow", "/api/users/{username}/follow", "put"),
            ("unfollow", "/api/users/{username}/follow", "delete"),
            ("tweets", "/api/users/{username}/tweets", "get"),
            ("followers", "/api/users/{username}/followers", "get"),
        ]
    },
}


class FlockOpenAPI(OpenAPIProvider):
    def schema(self) -> dict[str, Any]:
        document = super().schema()
        document["components"]["schemas"]["Problem"] = PROBLEM_SCHEMA
        for (path, method, status), links in LINKS.items():
            response = document["paths"][path][method]["responses"][status]
            response["links"] = links
        return document

    def build_paths(self, rule: Rule) -> tuple[dict, dict]:
        paths, components = super().build_paths(rule)
        auth = getattr(self._app.view_functions[rule.endpoint], AUTH_ATTRIBUTE, None)
        for operations in paths.values():
            for method, operation in operations.items():
                _complete(operation, method, rule.endpoint, auth)
        return paths, components


def _complete(operation: dict, method: str, endpoint: str, auth: str | None) -> None:
    responses = operation.setdefault("responses", {})
    if endpoint in STREAMS:
        responses[200] = STREAMS[endpoint]
    if not any(200 <= int(code) < 300 for code in responses):
        responses[204] = {"description": "Done; no content"}
    codes = list(EVERY_OPERATION) + list(ONLY_SOME.get(endpoint, ()))
    if auth is not None:
        codes += WITH_TOKEN
        operation["security"] = [{"bearer": []}] + ([{}] if auth == "optional" else [])
    if method in UNSAFE:
        codes += WITH_BODY
    for code in sorted(set(codes)):
        responses.setdefault(
            int(code),  # quart-schema keys responses by number: one kind of key, or no JSON
            {
                "description": PROBLEMS[code],
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        )
