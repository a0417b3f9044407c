"""The connection to Neo4j. Every statement is a named file under `cypher/`, sent with parameters.

`Graph` is the async handle the app uses; `SyncGraph` is the same for RQ tasks and the CLI.
This module and `cypher/` are the only code that sends Cypher.

A request never waits on Neo4j for longer than FLOCK_NEO4J_DEADLINE: each call of `Graph` (a
connection from the pool, the statement, its retries: the whole call) is given up after it,
so a hung Neo4j (stopped, not dead: its sockets stay open) cannot pile requests up. After a
call ran past its deadline while no other was answered, or found Neo4j unreachable, the
`Breaker` answers new calls at once
with GraphUnavailable (503 with Retry-After) for a few seconds, then lets one call through as
a probe: when it succeeds, calls flow again. Reads served from Redis go on meanwhile.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import neo4j
from neo4j import AsyncGraphDatabase, GraphDatabase, Query, RoutingControl

from cypher import header_params, statement
from flock.core.causal import SharedBookmarks
from flock.core.errors import Invalid, Unavailable
from flock.core.ids import MAX_ID
from flock.core.settings import Settings

WRITES_PAUSED_RETRY_AFTER = 5  # seconds; a backup's pause lasts about that long

# What the driver raises when Neo4j refuses a statement or cannot be reached.
GRAPH_ERRORS = (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError)


class GraphUnavailable(Exception):
    """Neo4j cannot answer now: down, restarting, or a statement ran past its timeout. The
    faces answer 503 with Retry-After; nothing was changed."""


class WritesPaused(GraphUnavailable, Unavailable):
    """Graph writes are paused for a while (a backup is exporting the graph): a 503 with
    Retry-After, and a message a form can show beside the text it keeps."""

    def __init__(self, statement: str):
        Unavailable.__init__(
            self,
            "Flock is read-only for a few seconds (a backup is being made). Nothing was "
            "changed: try again in a moment.",
            headers={"Retry-After": str(WRITES_PAUSED_RETRY_AFTER)},
        )
        self.statement = statement


# Driver errors that mean "not now" rather than "wrong statement".
_UNAVAILABLE = (
    neo4j.exceptions.ServiceUnavailable,
    neo4j.exceptions.SessionExpired,
    neo4j.exceptions.TransientError,
)
# ... of which these mean Neo4j is away or not answering at all (the breaker opens).
_UNREACHABLE = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired)
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
_BAD_BOOKMARK = "Neo.ClientError.Transaction.InvalidBookmark"


class Breaker:
    """Fails calls fast while Neo4j is known to be unresponsive (one per app process).

    A call that runs past its deadline opens it only when no other call was answered while it
    waited: then Neo4j is hung or away. When others were answered, Neo4j is busy (writes queued
    on one locked post, say): that call alone is answered 503, the rest flow."""

    def __init__(self, cooldown: float):
        self.cooldown = cooldown
        self.open_until = 0.0  # 0: closed, calls flow
        self.probing = False
        self.last_answer = 0.0  # when Neo4j last answered a call (monotonic)

    def before(self, name: str) -> bool:
        """Whether this call may go; False: it is the probe. Raises while open."""
        if not self.open_until:
            return True
        if time.monotonic() < self.open_until or self.probing:
            raise GraphUnavailable(f"{name}: Neo4j is not answering (checked moments ago)")
        self.probing = True
        return False

    def succeeded(self) -> None:
        self.open_until, self.probing = 0.0, False
        self.last_answer = time.monotonic()

    def failed(self) -> None:
        self.open_until, self.probing = time.monotonic() + self.cooldown, False

    def timed_out(self, started: float) -> None:
        """A call begun at `started` got no answer within its deadline."""
        if self.last_answer < started:
            self.failed()
        else:
            self.probing = False


def neo4j_target(settings: Settings) -> tuple[str, dict[str, Any]]:
    """The URI and TLS options: `neo4j+s://` (or `bolt+s://`) verifies the server against the
    system's CAs, or against FLOCK_CA_FILE when set (the driver takes a CA file only with the
    plain scheme and `encrypted`)."""
    uri = settings.neo4j_uri
    scheme, sep, rest = uri.partition("://")
    if settings.ca_file and scheme in ("neo4j+s", "bolt+s"):
        trusted = neo4j.TrustCustomCAs(settings.ca_file)
        return f"{scheme[:-2]}{sep}{rest}", {"encrypted": True, "trusted_certificates": trusted}
    return uri, {}


INT64 = (-MAX_ID - 1, MAX_ID)  # what Neo4j's integers hold (a signed 64-bit integer)


def bounded(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters, once every integer in them (nested included) is one Neo4j can hold; a
    larger one is the client's mistake (422), never the driver's OverflowError (a 500). Every
    parameter a request sends to Neo4j passes here, so a new one cannot forget it."""
    stack = list(params.values())
    while stack:
        value = stack.pop()
        if isinstance(value, int) and not isinstance(value, bool):
            if not INT64[0] <= value <= INT64[1]:
                raise Invalid("A number is out of range (at most 64 bits).")
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return params


def _query(name: str, timeout: float) -> Query:
    return Query(statement(name), timeout=timeout)  # type: ignore[arg-type]


class Graph:
    """Async: `await graph.read("queries/user_id_by_username", username=...)` returns dicts.

    `writes_paused`: asked before every write transaction; True refuses it with WritesPaused
    (flock/core/pause.py)."""

    def __init__(
        self,
        settings: Settings,
        writes_paused: Callable[[], Awaitable[bool]] | None = None,
        bookmarks: SharedBookmarks | None = None,
    ):
        uri, tls = neo4j_target(settings)
        self.driver = AsyncGraphDatabase.driver(
            uri,
            **tls,
            auth=(settings.neo4j_user, settings.neo4j_password),
            connection_acquisition_timeout=5.0,
            connection_timeout=3.0,
            max_transaction_retry_time=5.0,  # a request waits seconds for Neo4j, not 30
            notifications_min_severity="OFF",
        )
        self.database = settings.neo4j_database
        self.timeout = settings.neo4j_query_timeout
        self.deadline = settings.neo4j_deadline
        self.breaker = Breaker(cooldown=min(settings.neo4j_deadline, 3.0))
        self.writes_paused = writes_paused
        self.bookmarks = bookmarks

    async def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named statement in a READ transaction (retried on transient errors)."""
        return await self._run(name, params, RoutingControl.READ)

    async def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run a named statement in a WRITE transaction (retried on transient errors)."""
        if self.writes_paused is not None and await self.writes_paused():
            raise WritesPaused(name)
        return await self._run(name, params, RoutingControl.WRITE)

    async def write_after(
        self,
        first: str,
        then: str,
        build: Callable[[dict[str, Any]], dict[str, Any]],
        **first_params: Any,
    ) -> dict[str, Any]:
        """One WRITE transaction: run `first` (which locks what it reads), then `then` with
        the parameters `build` makes from first's row; returns them (an audit append)."""
        if self.writes_paused is not None and await self.writes_paused():
            raise WritesPaused(then)

        bounded(first_params)

        async def work(tx) -> dict[str, Any]:
            row = await (await tx.run(statement(first), first_params)).single()
            params = build(row.data())
            await (await tx.run(statement(then), params)).consume()
            return params

        async def call() -> dict[str, Any]:
            async with self.driver.session(
                database=self.database, bookmark_manager=self.bookmarks
            ) as session:
                return await session.execute_write(work)

        return await self._guarded(then, call)

    async def read_one(self, name: str, **params: Any) -> dict[str, Any] | None:
        rows = await self.read(name, **params)
        return rows[0] if rows else None

    async def write_one(self, name: str, **params: Any) -> dict[str, Any] | None:
        rows = await self.write(name, **params)
        return rows[0] if rows else None

    async def _run(self, name: str, params: dict, routing: RoutingControl) -> list[dict]:
        async def call() -> list[dict]:
            try:
                return await self._execute(name, params, routing)
            except neo4j.exceptions.ClientError as error:
                if error.code and error.code.startswith(_TIMED_OUT):
                    raise GraphUnavailable(f"{name}: timed out") from error
                if error.code and error.code.startswith(_BAD_BOOKMARK) and self.bookmarks:
                    await self.bookmarks.forget()  # from another database: start afresh
                    return await self._execute(name, params, routing)
                raise

        bounded(params)
        return await self._guarded(name, call)

    async def _guarded(self, name: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """The call within the deadline, through the breaker."""
        self.breaker.before(name)
        started = time.monotonic()
        try:
            result = await asyncio.wait_for(call(), self.deadline)
        except TimeoutError as error:
            self.breaker.timed_out(started)
            raise GraphUnavailable(f"{name}: no answer within the deadline") from error
        except _UNREACHABLE as error:
            self.breaker.failed()
            raise GraphUnavailable(f"{name}: {error}") from error
        except asyncio.CancelledError:
            self.breaker.probing = False  # the caller went away; the next call probes
            raise
        except neo4j.exceptions.TransientError as error:  # busy (a deadlock, say), not hung
            self.breaker.succeeded()
            raise GraphUnavailable(f"{name}: {error}") from error
        except BaseException:
            self.breaker.succeeded()  # Neo4j answered (with an error of the statement's)
            raise
        self.breaker.succeeded()
        return result

    async def _execute(self, name: str, params: dict, routing: RoutingControl) -> list[dict]:
        extra = {"bookmark_manager_": self.bookmarks} if self.bookmarks else {}
        records, _, _ = await self.driver.execute_query(
            _query(name, self.timeout),
            bounded(params),
            routing_=routing,
            database_=self.database,
            **extra,
        )
        return [record.data() for record in records]

    async def ping(self) -> None:
        """Neo4j answers (for /readyz): within the deadline, and whatever the breaker says
        (a good ping closes it)."""
        try:
            await asyncio.wait_for(
                self.driver.execute_query(
                    "RETURN 1", routing_=RoutingControl.READ, database_=self.database
                ),
                self.deadline,
            )
        except (TimeoutError, *_UNREACHABLE):
            self.breaker.failed()
            raise
        self.breaker.succeeded()

    async def close(self) -> None:
        await self.driver.close()


class SyncGraph:
    """The same as `Graph`, blocking: for RQ tasks and command-line tools. A context manager
    (`with SyncGraph(settings, long=True) as graph:`) that closes its driver on the way out.

    `long`: statements may run for FLOCK_NEO4J_LONG_QUERY_TIMEOUT (migration, seeding,
    rebuilds) instead of the request-sized FLOCK_NEO4J_QUERY_TIMEOUT."""

    def __init__(self, settings: Settings, *, long: bool = False):
        uri, tls = neo4j_target(settings)
        self.driver = GraphDatabase.driver(
            uri,
            **tls,
            auth=(settings.neo4j_user, settings.neo4j_password),
            notifications_min_severity="OFF",
        )
        self.settings = settings
        self.database = settings.neo4j_database
        self.timeout = settings.neo4j_long_query_timeout if long else settings.neo4j_query_timeout

    def __enter__(self) -> SyncGraph:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(name, params, RoutingControl.READ)

    def write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self._run(name, params, RoutingControl.WRITE)

    def stream(self, name: str, batch: int, **params: Any):
        """Run a read statement and yield its first column in lists of `batch` values, as the
        server sends them (for result sets too large to hold twice)."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS, fetch_size=batch
        ) as session:
            result = session.run(_query(name, self.timeout), params)
            chunk = []
            for record in result:
                chunk.append(record[0])
                if len(chunk) == batch:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    def batches(self, name: str, batch: int, **params: Any) -> Iterator[list]:
        """Run a read statement that returns its ids as lists of at most `$batch` (one row a
        list: the driver's work is per row) and yield each list."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            for record in session.run(_query(name, self.timeout), {**params, "batch": batch}):
                yield record[0]

    def write_after(
        self,
        first: str,
        then: str,
        build: Callable[[dict[str, Any]], dict[str, Any]],
        **first_params: Any,
    ) -> dict[str, Any]:
        """The same as Graph.write_after, blocking."""

        def work(tx) -> dict[str, Any]:
            params = build(tx.run(statement(first), first_params).single().data())
            tx.run(statement(then), params).consume()
            return params

        with self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def rows(self, name: str, batch: int) -> Iterator[tuple]:
        """Run a read statement and yield its rows as tuples, as the server sends them (for
        results too large to hold: a backup's export)."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS, fetch_size=batch
        ) as session:
            for record in session.run(_query(name, self.timeout)):
                yield tuple(record)

    def last_bookmark(self) -> frozenset[str]:
        """Neo4j's bookmark for a new read: equal twice only when nothing committed between."""
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            session.execute_read(lambda tx: tx.run(statement("backup/last_transaction")).consume())
            return frozenset(session.last_bookmarks().raw_values)

    def run_counted(self, name: str, **params: Any) -> neo4j.SummaryCounters:
        """Run a write statement and return what it changed (for schema migration)."""
        _, summary, _ = self.driver.execute_query(
            _query(name, self.timeout), params, database_=self.database
        )
        return summary.counters

    def run_discarded(self, name: str) -> None:
        """Run the statement with the example parameters of its header (`:params {...}`) in a
        transaction that is rolled back: Neo4j plans it and keeps the plan, nothing changes."""
        with self.driver.session(database=self.database) as session:
            with session.begin_transaction(timeout=self.timeout) as tx:
                tx.run(statement(name), header_params(name)).consume()
                tx.rollback()

    def _run(self, name: str, params: dict, routing: RoutingControl) -> list[dict]:
        records, _, _ = self.driver.execute_query(
            _query(name, self.timeout), bounded(params), routing_=routing, database_=self.database
        )
        return [record.data() for record in records]

    def close(self) -> None:
        self.driver.close()
