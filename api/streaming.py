"""`/api/streaming`: a signed-in user's live updates as Server-Sent Events.

New home-timeline entries (`update`), deleted posts (`delete`) and notifications
(`notification`), each `data` a JSON object; a comment line every FLOCK_STREAM_HEARTBEAT_SECONDS.
A client that reconnects with `Last-Event-ID` gets what it missed in the last few minutes. A
stream checks at each heartbeat, when told (a log-out, a password change) and when its access
token expires that its caller still may hold it; if not, it sends `end` and closes. The
events come through Redis (jobs/stores/live.py), so any app process serves any user; with Redis
gone the stream ends cleanly and the client's reconnection finds a 503 until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

from prometheus_client import Counter, Gauge
from quart import Blueprint, current_app, make_response, request, session
from redis.exceptions import RedisError

from api.bearer import bearer_claims
from api.openapi import AUTH_ATTRIBUTE
from flock.core.backends import Backends
from flock.core.db import GraphUnavailable
from flock.core.errors import DomainError, TooManyRequests, Unauthorized, Unavailable
from graph import web_sessions
from graph.access_tokens import verify_access_token
from graph.serving import backends
from jobs.stores import live

log = logging.getLogger("flock.streaming")
blueprint = Blueprint("api_streaming", __name__, url_prefix="/api")

CLOSED = None  # what a queue receives when Redis went away: the stream ends
OPEN_STREAMS = Gauge(
    "flock_open_streams", "Live-update streams open now", multiprocess_mode="livesum"
)
STREAMS_REFUSED = Counter(
    "flock_streams_refused_total", "Live-update streams refused by a cap", ["cap"]
)


class LiveHub:
    """One Redis subscription per app process, shared by all its open streams: each channel (a
    user's, the public timeline's, a hashtag's) is subscribed while a stream of it is open."""

    def __init__(self, b: Backends):
        self.b = b
        self.queues: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self.pubsub = None
        self.reader: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    @property
    def open_streams(self) -> int:
        return sum(len(queues) for queues in self.queues.values())

    async def join(self, channels: list[str], queue: asyncio.Queue | None = None) -> asyncio.Queue:
        """The queue these channels' events arrive on (a new one unless given)."""
        async with self.lock:
            if self.pubsub is None:
                self.pubsub = self.b.redis.pubsub()
            queue = queue or asyncio.Queue(maxsize=1000)
            for name in channels:
                if name not in self.queues:
                    await self.pubsub.subscribe(name)
                self.queues[name].add(queue)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self._read())
            return queue

    async def leave(self, channels: list[str], queue: asyncio.Queue) -> None:
        async with self.lock:
            for name in channels:
                self.queues[name].discard(queue)
                if not self.queues[name]:
                    del self.queues[name]
                    if self.pubsub is not None:
                        try:
                            await self.pubsub.unsubscribe(name)
                        except RedisError:
                            pass

    async def _read(self) -> None:
        try:
            while self.queues:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
                if message is None or message["type"] != "message":
                    continue
                name = message["channel"].decode()
                event = {**live.parse_message(message["data"]), "channel": name}
                for queue in list(self.queues.get(name, ())):
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
    `Last-Event-ID`. The stream ends with an `end` event when its token expires or is revoked,
    or its session ends (log-out, a password change, "log out everywhere"), within seconds.
    An account holds at most FLOCK_STREAMS_PER_ACCOUNT streams at once (then 429)."""
    b = backends()
    caller = await _caller(b)
    last_id = request.headers.get("Last-Event-ID", "").strip()
    hub = hub_of(b)
    if hub.open_streams >= b.settings.streams_per_process:
        STREAMS_REFUSED.labels("process").inc()
        raise Unavailable(
            "Too many live-update streams are open here; try again shortly.",
            headers={"Retry-After": "30"},
        )
    stream_id = uuid.uuid4().hex
    try:
        refused = await live.open_stream(
            b.redis,
            caller.user_id,
            stream_id,
            b.settings.streams_per_account,
            b.settings.streams_max,
        )
        if refused == live.ACCOUNT_AT_CAP:
            STREAMS_REFUSED.labels("account").inc()
            raise TooManyRequests(
                f"At most {b.settings.streams_per_account} live-update streams may be open at "
                "once; close one first.",
                headers={"Retry-After": "30"},
            )
        if refused == live.SITE_AT_CAP:
            STREAMS_REFUSED.labels("site").inc()
            raise Unavailable(
                "Too many live-update streams are open; try again shortly.",
                headers={"Retry-After": "30"},
            )
        queue = await hub.join([live.channel(caller.user_id)])
        missed = await live.events_after(b.redis, caller.user_id, last_id) if last_id else []
    except RedisError:
        raise Unavailable(
            "Live updates are unavailable just now; pages still work.",
            headers={"Retry-After": "5"},
        ) from None
    heartbeat = b.settings.stream_heartbeat_seconds
    user_id = caller.user_id

    async def events():
        sent = last_id or None
        OPEN_STREAMS.inc()
        try:
            yield "retry: 3000\n: connected\n\n"
            for event in missed:
                yield _format(event)
                sent = event["id"]
            while True:
                wait = heartbeat
                if caller.expires_at is not None:
                    wait = max(min(wait, caller.expires_at - time.time()), 0)
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=wait)
                except TimeoutError:
                    if ended := await caller.ended(b):
                        yield _end(ended)
                        return
                    try:
                        await live.mark_online(b.redis, user_id, stream_id)
                    except RedisError:
                        return
                    yield ": heartbeat\n\n"
                    continue
                if event is CLOSED:
                    return
                if "signal" in event:
                    if ended := await caller.ended(b):
                        yield _end(ended)
                        return
                    continue
                if sent and _order(event["id"]) <= _order(sent):
                    continue  # already sent from the log
                yield _format(event)
                sent = event["id"]
        finally:
            OPEN_STREAMS.dec()
            await hub.leave([live.channel(user_id)], queue)
            with contextlib.suppress(RedisError):
                await live.close_stream(b.redis, user_id, stream_id)

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


@dataclass
class Caller:
    """Who holds a stream, and how to tell that they no longer may."""

    user_id: int
    access_token: str | None = None  # None: a web session
    expires_at: float | None = None  # the access token's expiry
    session_token: str | None = None

    async def ended(self, b: Backends) -> str | None:
        """Why the stream must end now (None: it goes on)."""
        if self.expires_at is not None and time.time() >= self.expires_at:
            return "token_expired"
        try:
            if self.access_token is not None:
                await verify_access_token(b, self.access_token)
            elif await web_sessions.session_user(b, self.session_token) is None:
                return "session_ended"
        except Unauthorized:
            # A timer may wake a hair before the expiry the token's own check then sees.
            expired = self.expires_at is not None and time.time() >= self.expires_at
            return "token_expired" if expired else "token_revoked"
        except (DomainError, GraphUnavailable, RedisError):
            return "unavailable"  # the client's reconnection will find out which
        return None


async def _caller(b: Backends) -> Caller:
    claims = await bearer_claims()
    if claims is not None:
        token = request.headers["Authorization"].partition(" ")[2].strip()
        return Caller(claims.user_id, access_token=token, expires_at=claims.expires_at)
    token = session.get("sid")
    if isinstance(token, str):
        me = await web_sessions.session_user(b, token)
        if me is not None:
            return Caller(me["id_int"], session_token=token)
    raise Unauthorized(
        "Send an access token (Authorization: Bearer <token>) or sign in.",
        headers={"WWW-Authenticate": 'Bearer realm="flock"'},
    )


def hub_of(b: Backends) -> LiveHub:
    """The app process's hub (made on first use)."""
    hub = current_app.extensions.get("flock_live_hub")
    if hub is None:
        hub = current_app.extensions["flock_live_hub"] = LiveHub(b)
    return hub


def _end(reason: str) -> str:
    """The last event of a stream that may not go on: the client should not reconnect as is."""
    return f"event: end\ndata: {json.dumps({'reason': reason})}\n\n"


def _format(event: dict) -> str:
    return f"id: {event['id']}\nevent: {event['event']}\ndata: {event['data']}\n\n"


def _order(event_id: str) -> tuple[int, int]:
    try:
        return live.stream_id_order(event_id)
    except ValueError:
        return (0, 0)
