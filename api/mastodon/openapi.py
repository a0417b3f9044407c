"""An OpenAPI 3.1 document of the Mastodon client API as Flock serves it, at
`/api/mastodon/openapi.json`: made from the app's own routes (so a new endpoint is in it at
once), with the parameters each takes. The fuzz test (tests/test_openapi_fuzz.py) runs
Schemathesis over it as over Flock's own document. The prose is docs/mastodon-api.md."""

from __future__ import annotations

import re

from quart import Blueprint, current_app

blueprint = Blueprint("mastodon_openapi", __name__)

PAGED = ["max_id", "since_id", "min_id", "limit"]
QUERY = {  # parameters beyond the path's, by route
    "/api/v1/accounts/lookup": ["acct"],
    "/api/v1/accounts/relationships": ["id[]"],
    "/api/v1/accounts/search": ["q", "limit", "offset"],
    "/api/v1/accounts/{account_id}/statuses": [*PAGED, "exclude_replies", "only_media", "pinned"],
    "/api/v1/accounts/{account_id}/{which}": ["max_id", "limit"],
    "/api/v1/statuses/{status_id}/{which}": ["max_id", "limit"],
    "/api/v1/timelines/home": PAGED,
    "/api/v1/timelines/public": [*PAGED, "local", "only_media"],
    "/api/v1/timelines/tag/{hashtag}": [*PAGED, "only_media"],
    "/api/v1/notifications": [*PAGED, "types[]", "exclude_types[]"],
    "/api/v1/{which}": ["max_id", "limit"],
    "/api/v1/favourites": ["max_id", "limit"],
    "/api/v1/bookmarks": ["max_id", "limit"],
    "/api/v1/markers": ["timeline[]"],
    "/api/v2/search": ["q", "type", "limit", "offset", "resolve"],
    "/api/v1/trends/tags": ["limit"],
    "/api/v1/trends": ["limit"],
    "/api/v2/suggestions": ["limit"],
}
BODY = {  # JSON body fields, by method and route
    ("POST", "/api/v1/apps"): {"client_name": "string", "redirect_uris": "string",
                               "scopes": "string", "website": "string"},
    ("PATCH", "/api/v1/accounts/update_credentials"): {"display_name": "string",
                                                       "note": "string"},
    ("POST", "/api/v1/statuses"): {"status": "string", "in_reply_to_id": "string",
                                   "quoted_status_id": "string", "media_ids": "array"},
    ("PUT", "/api/v1/statuses/{status_id}"): {"status": "string"},
    ("PUT", "/api/v1/media/{media_id}"): {"description": "string"},
    ("POST", "/api/v1/markers"): {"home": "object", "notifications": "object"},
    ("POST", "/oauth/token"): {"grant_type": "string", "code": "string", "client_id": "string",
                               "client_secret": "string", "redirect_uri": "string",
                               "code_verifier": "string", "refresh_token": "string"},
    ("POST", "/oauth/revoke"): {"token": "string", "client_id": "string",
                                "client_secret": "string"},
}  # fmt: skip
NOT_DESCRIBED = ("/api/v1/streaming",)  # streams never end: tests/test_mastodon_clients.py
ERRORS = ("400", "401", "403", "404", "413", "422", "429", "503")
ANY = {"description": "See docs/mastodon-api.md", "content": {"application/json": {"schema": {}}}}
CONVERTER = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


@blueprint.get("/api/mastodon/openapi.json")
async def document():
    return {
        "openapi": "3.1.0",
        "info": {"title": "Flock's Mastodon client API", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": _paths(),
    }


def _paths() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("mastodon_") or rule.endpoint.startswith(
            "mastodon_openapi"
        ):
            continue
        if rule.rule.startswith(NOT_DESCRIBED) or rule.websocket:
            continue
        for path, parameters in _paths_of(rule.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                paths.setdefault(path, {})[method.lower()] = _operation(method, path, parameters)
    return paths


def _operation(method: str, path: str, parameters: list[dict]) -> dict:
    query = [_query(name) for name in QUERY.get(_generic(path), []) if method == "GET"]
    operation = {
        "operationId": f"{method.lower()}{re.sub(r'[^a-z0-9]+', '_', path)}",
        "parameters": parameters + query,
        "responses": {"200": ANY, "202": ANY, **{code: ANY for code in ERRORS}},
    }
    if (fields := BODY.get((method, _generic(path)))) is not None:
        properties = {name: {"type": kind} for name, kind in fields.items()}
        schema = {"type": "object", "properties": properties}
        operation["requestBody"] = {"content": {"application/json": {"schema": schema}}}
    return operation


def _paths_of(rule: str) -> list[tuple[str, list[dict]]]:
    """The rule as OpenAPI paths: one per value of an `any(...)` segment, `{name}` for the
    rest, with their parameters."""
    match = next((m for m in CONVERTER.finditer(rule) if m["converter"] == "any"), None)
    if match is not None:
        values = [a.strip() for a in match["args"].split(",")]
        return [p for v in values for p in _paths_of(rule.replace(match.group(0), v, 1))]
    parameters = []

    def replace(found: re.Match) -> str:
        schema: dict = {"type": "string", "minLength": 1}
        if found["converter"] == "path":
            schema = {"enum": ["user", "user/notification", "public", "public/local"]}
        parameters.append({"name": found["name"], "in": "path", "required": True,
                           "schema": schema})  # fmt: skip
        return "{" + found["name"] + "}"

    return [(CONVERTER.sub(replace, rule), parameters)]


def _generic(path: str) -> str:
    """The key of QUERY and BODY for a path whose `any(...)` segments were expanded."""
    templates = (*QUERY, *(key for _, key in BODY))
    if path in templates:
        return path
    for template in templates:
        if re.fullmatch(re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)), path):
            return template
    return path


def _query(name: str) -> dict:
    schema = {"type": "array", "items": {"type": "string"}} if name.endswith("[]") else {
        "type": "string"}  # fmt: skip
    return {"name": name, "in": "query", "required": False, "schema": schema}
