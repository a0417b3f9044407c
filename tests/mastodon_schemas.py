"""JSON schemas of Mastodon's entities, written from their documentation
(docs.joinmastodon.org/entities): every Mastodon response a test sees is checked against its
entity's schema with `check(kind, value)`."""

from __future__ import annotations

from jsonschema import Draft202012Validator

STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer", "minimum": 0}
BOOL = {"type": "boolean"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"}
NDATETIME = {"anyOf": [DATETIME, {"type": "null"}]}
ID = {"type": "string", "pattern": r"^\d+$"}
URL = {"type": "string", "pattern": r"^https?://"}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


FIELD = _object({"name": STR, "value": STR, "verified_at": NDATETIME})
ACCOUNT = _object(
    {
        "id": ID,
        "username": STR,
        "acct": STR,
        "url": URL,
        "display_name": STR,
        "note": STR,
        "avatar": URL,
        "avatar_static": URL,
        "header": URL,
        "header_static": URL,
        "locked": BOOL,
        "fields": {"type": "array", "items": FIELD},
        "emojis": {"type": "array"},
        "bot": BOOL,
        "group": BOOL,
        "discoverable": {"type": ["boolean", "null"]},
        "created_at": DATETIME,
        "last_status_at": NSTR,
        "statuses_count": INT,
        "followers_count": INT,
        "following_count": INT,
    }
)
CREDENTIAL_ACCOUNT = {
    "allOf": [
        ACCOUNT,
        _object(
            {
                "source": _object(
                    {"note": STR, "fields": {"type": "array"}, "privacy": STR, "sensitive": BOOL}
                )
            }
        ),
    ]
}
META_SIZE = _object({"width": INT, "height": INT, "size": STR, "aspect": {"type": "number"}})
MEDIA = _object(
    {
        "id": ID,
        "type": {"enum": ["unknown", "image", "gifv", "video", "audio"]},
        "url": {"anyOf": [URL, {"type": "null"}]},
        "preview_url": {"anyOf": [URL, {"type": "null"}]},
        "remote_url": NSTR,
        "meta": {"type": "object"},
        "description": NSTR,
        "blurhash": NSTR,
    }
)
MENTION = _object({"id": ID, "username": STR, "url": URL, "acct": STR})
TAG = _object({"name": STR, "url": URL})
STATUS: dict = _object(
    {
        "id": ID,
        "uri": STR,
        "created_at": DATETIME,
        "account": ACCOUNT,
        "content": STR,
        "visibility": {"enum": ["public", "unlisted", "private", "direct"]},
        "sensitive": BOOL,
        "spoiler_text": STR,
        "media_attachments": {"type": "array", "items": MEDIA},
        "mentions": {"type": "array", "items": MENTION},
        "tags": {"type": "array", "items": TAG},
        "emojis": {"type": "array"},
        "reblogs_count": INT,
        "favourites_count": INT,
        "replies_count": INT,
        "url": NSTR,
        "in_reply_to_id": {"anyOf": [ID, {"type": "null"}]},
        "in_reply_to_account_id": {"anyOf": [ID, {"type": "null"}]},
        "reblog": {"type": ["object", "null"]},
        "poll": {"type": "null"},
        "card": {
            "anyOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "required": [
                        "url",
                        "title",
                        "description",
                        "type",
                        "provider_name",
                        "width",
                        "height",
                        "image",
                    ],
                    "properties": {
                        "url": {"type": "string"},
                        "title": {"type": "string"},
                        "type": {"const": "link"},
                        "image": NSTR,
                    },
                },
            ]
        },  # fmt: skip
        "language": NSTR,
        "edited_at": NDATETIME,
        "favourited": BOOL,
        "reblogged": BOOL,
        "muted": BOOL,
        "bookmarked": BOOL,
        "pinned": BOOL,
    }
)
RELATIONSHIP = _object(
    {
        "id": ID,
        "following": BOOL,
        "showing_reblogs": BOOL,
        "notifying": BOOL,
        "followed_by": BOOL,
        "blocking": BOOL,
        "blocked_by": BOOL,
        "muting": BOOL,
        "muting_notifications": BOOL,
        "requested": BOOL,
        "domain_blocking": BOOL,
        "endorsed": BOOL,
        "note": STR,
    }
)
NOTIFICATION = _object(
    {
        "id": ID,
        "type": {
            "enum": [
                "mention",
                "status",
                "reblog",
                "follow",
                "follow_request",
                "favourite",
                "poll",
                "update",
                "quote",
                "admin.sign_up",
            ]
        },
        "created_at": DATETIME,
        "account": ACCOUNT,
        "status": STATUS,
    },
    ["id", "type", "created_at", "account"],
)
CONTEXT = _object(
    {
        "ancestors": {"type": "array", "items": STATUS},
        "descendants": {"type": "array", "items": STATUS},
    }
)
STATUS_EDIT = _object(
    {
        "content": STR,
        "spoiler_text": STR,
        "sensitive": BOOL,
        "created_at": DATETIME,
        "account": ACCOUNT,
        "media_attachments": {"type": "array"},
        "emojis": {"type": "array"},
    }
)
STATUS_SOURCE = _object({"id": ID, "text": STR, "spoiler_text": STR})
SEARCH = _object(
    {
        "accounts": {"type": "array", "items": ACCOUNT},
        "statuses": {"type": "array", "items": STATUS},
        "hashtags": {"type": "array", "items": TAG},
    }
)
APPLICATION = _object(
    {"name": STR, "website": NSTR, "scopes": {"type": "array"}, "redirect_uris": {"type": "array"}},
    ["name", "scopes"],
)
TOKEN = _object(
    {"access_token": STR, "token_type": {"const": "Bearer"}, "scope": STR, "created_at": INT},
    ["access_token", "token_type", "scope", "created_at"],
)
ERROR = _object({"error": STR, "error_description": STR}, ["error"])
INSTANCE_V1 = _object(
    {
        "uri": STR,
        "title": STR,
        "description": STR,
        "version": STR,
        "urls": _object({"streaming_api": STR}),
        "configuration": _object(
            {"statuses": _object({"max_characters": INT, "max_media_attachments": INT})},
            ["statuses"],
        ),
    },
    ["uri", "title", "version", "urls"],
)
INSTANCE_V2 = _object(
    {
        "domain": STR,
        "title": STR,
        "version": STR,
        "source_url": STR,
        "description": STR,
        "usage": {"type": "object"},
        "configuration": _object(
            {
                "urls": _object({"streaming": STR}),
                "statuses": {"type": "object"},
                "media_attachments": {"type": "object"},
            },
            ["urls", "statuses", "media_attachments"],
        ),
        "registrations": {"type": "object"},
        "contact": {"type": "object"},
        "rules": {"type": "array"},
    }
)
MARKER = _object({"last_read_id": ID, "version": INT, "updated_at": DATETIME})

SCHEMAS = {
    "Account": ACCOUNT,
    "CredentialAccount": CREDENTIAL_ACCOUNT,
    "Status": STATUS,
    "MediaAttachment": MEDIA,
    "Relationship": RELATIONSHIP,
    "Notification": NOTIFICATION,
    "Context": CONTEXT,
    "StatusEdit": STATUS_EDIT,
    "StatusSource": STATUS_SOURCE,
    "Search": SEARCH,
    "Application": APPLICATION,
    "Token": TOKEN,
    "Error": ERROR,
    "InstanceV1": INSTANCE_V1,
    "InstanceV2": INSTANCE_V2,
    "Marker": MARKER,
    "Tag": TAG,
}


def check(kind: str, value, many: bool = False):
    """The value, once it holds to the entity's schema (a list of them with `many`)."""
    schema = SCHEMAS[kind]
    validator = Draft202012Validator(schema)
    for item in value if many else [value]:
        errors = sorted(validator.iter_errors(item), key=lambda e: e.path)
        assert not errors, f"{kind}: {errors[0].message} at {list(errors[0].path)}"
        if kind == "Status" and item.get("reblog"):
            check("Status", item["reblog"])  # a reblog's post is a Status too
    return value
