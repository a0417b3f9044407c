"""The Mastodon client API (docs.joinmastodon.org/client), served beside Flock's own: OAuth 2
apps, accounts, statuses, timelines, notifications, search, media and streaming, each through
the same graph/ use cases as Flock's own API and web pages. docs/mastodon-api.md lists every
endpoint with its status and scopes."""

from api.mastodon import (
    accounts,
    apps,
    instance,
    media,
    notifications,
    openapi,
    search,
    statuses,
    streaming,
    timelines,
)

BLUEPRINTS = (
    apps.blueprint,
    instance.blueprint,
    accounts.blueprint,
    statuses.blueprint,
    timelines.blueprint,
    notifications.blueprint,
    search.blueprint,
    media.blueprint,
    streaming.blueprint,
    openapi.blueprint,
)
