"""Mastodon's streaming API: `GET /api/v1/streaming` over WebSocket (`subscribe` and
`unsubscribe` messages) and the per-stream Server-Sent Events paths.

Streams: `user` (the caller's new home entries, deletions, notifications), `user:notification`
(notifications only), `public` and `public:local` (every new tweet: Flock is one server),
`hashtag` and `hashtag:local` (with `tag`). Events: `update` (a Status), `delete` (its id),
`notification` (a Notification), `status.update` (an edited Status). They come through the same
Redis channels as the web's live updates (jobs/stores/live.py, api/streaming.py's hub); each is
shown as the caller sees it (blocks and mutes hold). The token is checked again when it is told
(a log-out, a revoked app, a password change) and at each heartbeat: a revoked one closes the
stream. Authenticated by the Authorization header, the `access_token` parameter, or the
`Sec-WebSocket-Protocol` header, as apps send it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import Any

from quart import Blueprint, make_response, request, websocket
from redis.exceptions import RedisError

from api.mastodon import render
from api.mastodon.common import base_url, bearer_token
from api.streaming import CLOSED, hub_of
from flock.core.backends import Backends
from flock.core.db import GraphUnavailable
from flock.core.errors import DomainError, TooManyRequests, Unauthorized, Unavailable
from graph import access_tokens, notifications, oauth, posts, user_views
from graph.serving import backends
from jobs.stores import live

log = logging.getLogger("flock.mastodon.streaming")
blueprint = Blueprint("mastodon_streaming", __name__, url_prefix="/api/v1/streaming")

USER_STREAMS = {"user", "user:notification"}
PUBLIC_STREAMS = {"public", "public:local", "public:media", "public:local:media"}
TAG_STREAMS = {"hashtag", "hashtag:local"}


class Subscriptions:
    """What one connection listens to: stream names (as the client named them) by channel."""

    def __init__(self, user_id: int):
        self.user_id = user_id
        self.by_channel: dict[str, set[tuple[str, ...]]] = {}

    def channels_for(self, stream: str, tag: str | None) -> tuple[str, tuple[str, ...]]:
        if stream in USER_STREAMS:
            return live.channel(self.user_id), (stream,)
        if stream in PUBLIC_STREAMS:
            return live.PUBLIC, (stream,)
        if stream in TAG_STREAMS and tag:
            return live.tag_channel(tag.lstrip("#")), (stream, tag.lstrip("#"))
        raise Unprocessable(f"Unknown stream: {stream}")

    def add(self, channel: str, named: tuple[str, ...]) -> bool:
        """True when the channel is new to this connection."""
        new = channel not in self.by_channel
        self.by_channel.setdefault(channel, set()).add(named)
        return new

    def remove(self, channel: str, named: tuple[str, ...]) -> bool:
        """True when nothing listens to the channel any more."""
        names = self.by_channel.get(channel, set())
        names.discard(named)
        if not names:
            self.by_channel.pop(channel, None)
            return True
        return False


class Unprocessable(DomainError):
    status = 422


class Connection:
    """One streaming client: its caller, its queue on the hub, its subscriptions."""

    def __init__(self, b: Backends, token: str, user_id: int, expires_at: float):
        self.b, self.token, self.user_id, self.expires_at = b, token, user_id, expires_at
        self.subscriptions = Subscriptions(user_id)
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        self.hub = hub_of(b)
        self.stream_id = uuid.uuid4().hex
        self.base = base_url()  # events are shown after the request's context has gone

    async def open(self) -> None:
        """Count the stream against the caps (as the web's streams are)."""
        settings = self.b.settings
        if self.hub.open_streams >= settings.streams_per_process:
            raise Unavailable("Too many streams are open here.", headers={"Retry-After": "30"})
        try:
            refused = await live.open_stream(
                self.b.redis, self.user_id, self.stream_id, settings.streams_per_account,
                settings.streams_max,
            )  # fmt: skip
        except RedisError:
            raise Unavailable("Streaming is unavailable just now.") from None
        if refused == live.ACCOUNT_AT_CAP:
            raise TooManyRequests("Too many streams are open for this account.")
        if refused:
            raise Unavailable("Too many streams are open.", headers={"Retry-After": "30"})

    async def close(self) -> None:
        channels = list(self.subscriptions.by_channel)
        self.subscriptions.by_channel.clear()
        await self.hub.leave(channels, self.queue)
        with contextlib.suppress(RedisError):
            await live.close_stream(self.b.redis, self.user_id, self.stream_id)

    async def subscribe(self, stream: str, tag: str | None) -> None:
        channel, named = self.subscriptions.channels_for(stream, tag)
        if self.subscriptions.add(channel, named):
            await self.hub.join([channel], self.queue)

    async def unsubscribe(self, stream: str, tag: str | None) -> None:
        channel, named = self.subscriptions.channels_for(stream, tag)
        if self.subscriptions.remove(channel, named):
            await self.hub.leave([channel], self.queue)

    async def ended(self) -> str | None:
        """Why the stream must end now (None: it goes on)."""
        if time.time() >= self.expires_at:
            return "token_expired"
        try:
            await access_tokens.verify_access_token(self.b, self.token)
        except Unauthorized:
            # A timer may wake a hair before the expiry the token's own check then sees.
            return "token_expired" if time.time() >= self.expires_at else "token_revoked"
        except (DomainError, RedisError):
            return "unavailable"
        return None

    async def next_messages(self, heartbeat: float) -> list[dict[str, Any]] | None:
        """The next events as Mastodon sends them ([] on a quiet heartbeat); None: close."""
        wait = max(min(heartbeat, self.expires_at - time.time()), 0)
        try:
            event = await asyncio.wait_for(self.queue.get(), timeout=wait)
        except TimeoutError:
            if await self.ended():
                return None
            with contextlib.suppress(RedisError):
                await live.mark_online(self.b.redis, self.user_id, self.stream_id)
            return []
        if event is CLOSED:
            return None
        if "signal" in event:
            return None if await self.ended() else []
        try:
            return await self.translate(event)
        except (DomainError, GraphUnavailable, RedisError) as error:  # this event is lost
            log.warning("stream_event_skipped", extra={"error": repr(error)})
            return []

    async def translate(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """A channel's event as the messages of each stream that listens to it."""
        names = self.subscriptions.by_channel.get(event["channel"], set())
        kind = event["event"]
        data = json.loads(event["data"])
        user_channel = event["channel"] == live.channel(self.user_id)
        payload: Any = None
        if kind == "delete":
            payload = data.get("id")
        elif kind in ("update", "status.update"):
            payload = await self._status(data, with_repost=user_channel)
        elif kind == "notification":
            payload = await self._notification(data)
        if payload is None:
            return []
        messages = []
        for named in names:
            if named[0] == "user:notification" and kind != "notification":
                continue
            if (
                named[0] in PUBLIC_STREAMS
                and "media" in named[0]
                and not payload.get("media_attachments")
            ):
                continue
            text = payload if isinstance(payload, str) else json.dumps(payload)
            messages.append({"stream": list(named), "event": kind, "payload": text})
        return messages

    async def _status(self, data: dict, with_repost: bool) -> dict | None:
        try:
            post_id = int(data.get("post_id") or data["id"])
            post = await posts.find_post(self.b, post_id, self.user_id)
        except (DomainError, KeyError, ValueError):
            return None  # gone, or hidden from this caller
        if with_repost and data.get("reposted_by"):
            cards = await user_views.cards(self.b, [int(data["reposted_by"])])
            if not cards:
                return None
            post = {**post, "entry_id": data["id"], "reposted_by": next(iter(cards.values()))}
        return await render.status(self.b, post, self.base)

    async def _notification(self, data: dict) -> dict | None:
        kinds = {"like": ["like"], "repost": ["repost"], "follow": ["follow"],
                 "reply": ["reply"], "quote": ["quote"], "mention": ["mention"]}  # fmt: skip
        items, _ = await notifications.notifications_page(
            self.b, self.user_id, None, None, kinds.get(data.get("type"), None), 5
        )
        for item in items:
            post_id = item["post"]["id"] if item.get("post") else None
            if item["actor"]["id"] == data.get("actor_id") and post_id == data.get("post_id"):
                return (await render.notifications(self.b, [item], self.base))[0]
        return None


async def _connection(b: Backends, token: str | None) -> Connection:
    if not token:
        raise Unauthorized("Missing access token")
    claims = await access_tokens.verify_access_token(b, token)
    if claims.scope is not None and not oauth.allows(claims.scope, "read:statuses"):
        raise Unauthorized("This token may not read statuses")
    return Connection(b, token, claims.user_id, float(claims.expires_at))


@blueprint.get("/health")
async def health():
    return "OK", 200, {"Content-Type": "text/plain"}


@blueprint.websocket("")
async def over_websocket():
    """One WebSocket, many streams: `{"type": "subscribe", "stream": "user"}` (and `tag` for a
    hashtag); each event `{"stream": [...], "event": "update", "payload": "<JSON>"}`."""
    b = backends()
    protocol = websocket.headers.get("Sec-WebSocket-Protocol")
    token = _token_of_websocket(protocol)
    try:
        connection = await _connection(b, token)
        await connection.open()
    except DomainError as error:
        await websocket.close(4001 if error.status == 401 else 1013, error.detail[:120])
        return
    await websocket.accept(subprotocol=protocol if protocol and protocol == token else None)
    first = websocket.args.get("stream")
    reader = None
    try:
        if first:
            await connection.subscribe(first, websocket.args.get("tag"))
        reader = asyncio.create_task(_read_commands(connection))
        while True:
            messages = await connection.next_messages(b.settings.stream_heartbeat_seconds)
            if messages is None:
                break
            for message in messages:
                await websocket.send(json.dumps(message))
    except DomainError as error:
        await websocket.send(json.dumps({"error": error.detail}))
    finally:
        if reader is not None:
            reader.cancel()
        await connection.close()
    await websocket.close(1000)


def _token_of_websocket(protocol: str | None) -> str | None:
    header = websocket.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return websocket.args.get("access_token") or protocol or None


async def _read_commands(connection: Connection) -> None:
    """The client's `subscribe`/`unsubscribe` messages; a bad one is answered, not fatal."""
    while True:
        raw = await websocket.receive()
        try:
            command = json.loads(raw)
            stream, tag = command["stream"], command.get("tag")
            if command.get("type") == "subscribe":
                await connection.subscribe(stream, tag)
            elif command.get("type") == "unsubscribe":
                await connection.unsubscribe(stream, tag)
        except (ValueError, KeyError, TypeError, AttributeError):
            await websocket.send(json.dumps({"error": "Bad request"}))
        except DomainError as error:
            await websocket.send(json.dumps({"error": error.detail}))


@blueprint.get("/<path:stream_path>")
async def over_sse(stream_path: str):
    """One stream as Server-Sent Events: `user`, `user/notification`, `public`,
    `public/local`, `hashtag?tag=...`, `hashtag/local?tag=...`."""
    b = backends()
    stream = stream_path.strip("/").replace("/", ":")
    connection = await _connection(b, bearer_token())
    await connection.open()
    try:
        await connection.subscribe(stream, request.args.get("tag"))  # a 422 for an unknown one
    except BaseException:
        await connection.close()
        raise
    heartbeat = b.settings.stream_heartbeat_seconds

    async def events():
        try:
            yield ":)\n\n"
            while True:
                messages = await connection.next_messages(heartbeat)
                if messages is None:
                    return
                if not messages:
                    yield ":thump\n\n"
                for message in messages:
                    yield f"event: {message['event']}\ndata: {message['payload']}\n\n"
        finally:
            await connection.close()

    response = await make_response(
        events(), 200,
        {"Content-Type": "text/event-stream", "Cache-Control": "no-store",
         "X-Accel-Buffering": "no"},
    )  # fmt: skip
    response.timeout = None
    return response
