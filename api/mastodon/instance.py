"""What an app asks first: the instance (v1 and v2, with Flock's real limits), and the calls
apps make at start-up where Flock has nothing to say, answered with well-formed empty
results (custom emojis, filters, lists, announcements...). Trends and suggestions are Flock's
own (graph/discovery.py)."""

from __future__ import annotations

from quart import Blueprint

from api.mastodon import entities, render
from api.mastodon.common import base_url, limit_param, me, params, scoped
from graph import discovery
from graph.serving import backends

blueprint = Blueprint("mastodon_instance", __name__)

VERSION = "4.3.0 (compatible; Flock)"
DESCRIPTION = "Flock: an open, graph-native place to post and follow."
EMPTY_LISTS = (
    "/api/v1/custom_emojis", "/api/v1/filters", "/api/v2/filters", "/api/v1/lists",
    "/api/v1/followed_tags", "/api/v1/announcements", "/api/v1/conversations",
    "/api/v1/scheduled_statuses", "/api/v1/follow_requests", "/api/v1/endorsements",
    "/api/v1/featured_tags", "/api/v1/domain_blocks", "/api/v1/instance/peers",
    "/api/v1/instance/rules", "/api/v1/trends/links",
)  # fmt: skip


@blueprint.get("/api/v1/instance")
async def instance_v1():
    base, settings = base_url(), backends().settings
    limits = entities.instance_limits(settings)
    host = base.split("://", 1)[-1]
    return {
        "uri": host,
        "title": "Flock",
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": "",
        "version": VERSION,
        "urls": {"streaming_api": _streaming(base)},
        "stats": {"user_count": 0, "status_count": 0, "domain_count": 1},
        "thumbnail": None,
        "languages": ["en"],
        "registrations": True,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": limits,
        "contact_account": None,
        "rules": [],
    }


@blueprint.get("/api/v2/instance")
async def instance_v2():
    base, settings = base_url(), backends().settings
    limits = entities.instance_limits(settings)
    return {
        "domain": base.split("://", 1)[-1],
        "title": "Flock",
        "version": VERSION,
        "source_url": "https://github.com/flock-social/flock",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": 0}},
        "thumbnail": {"url": f"{base}/static/avatar-missing.png"},
        "icon": [],
        "languages": ["en"],
        "configuration": {
            **limits,
            "urls": {"streaming": _streaming(base), "status": None},
            "vapid": {"public_key": ""},
        },
        "registrations": {
            "enabled": True,
            "approval_required": False,
            "message": None,
            "url": f"{base}/signup",
        },  # fmt: skip
        "api_versions": {"mastodon": 2},
        "contact": {"email": "", "account": None},
        "rules": [],
    }


def _streaming(base: str) -> str:
    return base.replace("https://", "wss://").replace("http://", "ws://")


def _empty():
    return []


for _path in EMPTY_LISTS:
    blueprint.add_url_rule(_path, f"empty_{_path.strip('/').replace('/', '_')}", _empty)


@blueprint.get("/api/v1/preferences")
@scoped("read:accounts")
async def preferences():
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": None,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }


@blueprint.get("/api/v1/trends/tags")
@blueprint.get("/api/v1/trends")
async def trending_tags():
    given = await params()
    rows = await discovery.trends(backends(), limit_param(given, 10, 20))
    base = base_url()
    return [
        entities.tag(
            row["hashtag"],
            base,
            [{"day": "0", "uses": str(row["post_count"]), "accounts": str(row["post_count"])}],
        )  # fmt: skip
        for row in rows
    ]


@blueprint.get("/api/v1/trends/statuses")
async def trending_statuses():
    return []


SUGGESTION_SOURCES = {  # why Flock suggests an account, in Mastodon's words
    "network": "friends_of_friends",
    "follows_you": "friends_of_friends",
    "engaged": "most_interactions",
    "community": "similar_to_recently_followed",
    "popular": "most_followed",
}


@blueprint.get("/api/v2/suggestions")
@scoped("read:accounts")
async def suggestions():
    given = await params()
    picked = await discovery.who_to_follow(backends(), me(), limit_param(given, 40, 80))
    return [
        {
            "source": "global"
            if user["reason"] in ("popular", "community")
            else "past_interactions",
            "sources": [SUGGESTION_SOURCES[user["reason"]]],
            "account": render.account(user),
        }
        for user in picked
    ]


@blueprint.delete("/api/v1/suggestions/<account_id>")
@scoped("write:accounts")
async def dismiss_suggestion(account_id: str):
    return {}
