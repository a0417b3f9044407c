"""`/api/streaming`: a signed-in user's live updates as Server-Sent Events.

New home-timeline entries (`update`), deleted posts (`delete`) and notifications
(`notification`), each `data` a JSON object; a comment line every FLOCK_STREAM_HEARTBEAT_SECONDS.
A client that reconnects with `Last-Event-ID` gets what it missed in the last few minutes. The
events come through Redis (jobs/stores/live.py), so any app process serves any user; with Redis
gone the stream ends cleanly and the client's reconnection finds a 503 until it is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from quart import Blueprint, current_app, make_response, request, session
from redis.exceptions import RedisError

from api.bearer import bearer_claims
from api.openapi import AUTH_ATTRIBUTE
from flock.core.backends import Backends
from flock.core.errors import Unauthorized, Unavailable
from graph import web_sessions
from graph.serving import backends
from jobs.stores import live

log = logging.getLogger("flock.streaming")
blueprint = Blueprint("api_streaming", __name__, url_prefix="/api")

CLOSED = None  # what a queue receives when Redis went away: the stream ends


class LiveHub:
    """One Redis subscription per app process, shared by all its open streams: each user's
    channel is subscribed while at least one of their streams is open."""

    def __init__(self, b: Backends):
        self.b = b
        self.queues: dict[int, set[asyncio.Queue]] = defaultdict(set)
        self.pubsub = None
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    async def join(self, user_id: int) -> asyncio.Queue:
        async with self.lock:
            if self.pubsub is None:
                self.pubsub = self.b.redis.pubsub()
            if user_id not in self.queues:
                await self.pubsub.subscribe(live.channel(user_id))
            queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
            self.queues[user_id].add(queue)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self._read())
            return queue

    async def leave(self, user_id: int, queue: asyncio.Queue) -> None:
        async with self.lock:
            self.queues[user_id].discard(queue)
            if not self.queues[user_id]:
                del self.queues[user_id]
                if self.pubsub is not None:
                    try:
                        await self.pubsub.unsubscribe(live.channel(user_id))
                    except RedisError:
                        pass

    async def _read(self) -> None:
        try:
            while self.queues:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is None or message["type"] != "message":
                    continue
                user_id = int(message["channel"].decode().partition(":")[2])
                event = live.parse_message(message["data"])
                for queue in list(self.queues.get(user_id, ())):
                    if queue.full():  # a client that does not read: drop it, it will resume
                        queue.get_nowait()
                    queue.put_nowait(event)
        except (RedisError, OSError) as error:
            log.warning("live_subscription_lost", extra={"error": repr(error)})
            async with self.lock:
                for queues in self.queues.values():
                    for queue in queues:
                        queue.put_nowait(CLOSED)
                self.queues.clear()
                pubsub, self.pubsub = self.pubsub, None
            try:
                await pubsub.aclose()
            except (RedisError, OSError):
                pass


@blueprint.get("/streaming")
async def streaming():
    """Live updates for the caller (access token, or the web session's cookie) as
    `text/event-stream`: `update`, `delete` and `notification` events; resume with
    `Last-Event-ID`."""
    b = backends()
    user_id = await _streaming_user(b)
    last_id = request.headers.get("Last-Event-ID", "").strip()
    hub = _hub(b)
    try:
        await live.mark_online(b.redis, user_id)
        queue = await hub.join(user_id)
        missed = await live.events_after(b.redis, user_id, last_id) if last_id else []
    except RedisError:
        raise Unavailable(
            "Live updates are unavailable just now; pages still work.",
            headers={"Retry-After": "5"},
        ) from None
    heartbeat = b.settings.stream_heartbeat_seconds

    async def events():
        sent = last_id or None
        try:
            yield "retry: 3000\n: connected\n\n"
            for event in missed:
                yield _format(event)
                sent = event["id"]
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=heartbeat)
                except TimeoutError:
                    try:
                        await live.mark_online(b.redis, user_id)
                    except RedisError:
                        return
                    yield ": heartbeat\n\n"
                    continue
                if event is CLOSED:
                    return
                if sent and _order(event["id"]) <= _order(sent):
                    continue  # already sent from the log
                yield _format(event)
                sent = event["id"]
        finally:
            await hub.leave(user_id, queue)

    response = await make_response(
        events(),
        200,
        {
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        },
    )
    response.timeout = None  # open as long as the client stays
    return response


setattr(streaming, AUTH_ATTRIBUTE, "required")


async def _streaming_user(b: Backends) -> int:
    claims = await bearer_claims()
    if claims is not None:
        return claims.user_id
    token = session.get("sid")
    if isinstance(token, str):
        me = await web_sessions.session_user(b, token)
        if me is not None:
            return me["id_int"]
    raise Unauthorized(
        "Send an access token (Authorization: Bearer <token>) or sign in.",
        headers={"WWW-Authenticate": 'Bearer realm="flock"'},
    )


def _hub(b: Backends) -> LiveHub:
    hub = current_app.extensions.get("flock_live_hub")
    if hub is None:
        hub = current_app.extensions["flock_live_hub"] = LiveHub(b)
    return hub


def _format(event: dict) -> str:
    return f"id: {event['id']}\nevent: {event['event']}\ndata: {event['data']}\n\n"


def _order(event_id: str) -> tuple[int, int]:
    try:
        return live.stream_id_order(event_id)
    except ValueError:
        return (0, 0)
