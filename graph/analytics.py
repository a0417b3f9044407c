"""Read-only Cypher for data scientists: the named queries in `cypher/analytics/`, or their own.

Every query runs in a READ transaction (the server refuses writes), with a timeout (the server
stops it) and a row cap (the rest is not fetched). The same rules serve `flock cypher`,
`POST /api/analytics/query` and `dataframe()`.

Each analytics file starts with comment lines: a description, then `// params: a, b=10` naming
its parameters and their defaults (values are JSON, else text).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import neo4j
from neo4j.exceptions import ClientError, CypherSyntaxError, Neo4jError

from cypher import header_params, header_required, names, statement
from flock.core.db import bounded, neo4j_target
from flock.core.errors import DomainError, Forbidden, Invalid, NotFound
from flock.core.settings import Settings
from graph.cursors import decode_cursor, encode_cursor

FOLDER = "analytics"
NAME = re.compile(r"^[a-z0-9_]{1,64}$")
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 1000


class TimedOut(DomainError):
    status = 504


@dataclass
class NamedQuery:
    name: str
    description: str
    text: str
    defaults: dict[str, Any] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)


@dataclass
class Result:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool  # more rows existed than the cap allowed


def catalogue() -> list[NamedQuery]:
    """Every named analytics query, by name."""
    return [named_query(name.split("/", 1)[1]) for name in names(FOLDER)]


def named_query(name: str) -> NamedQuery:
    if not NAME.match(name) or f"{FOLDER}/{name}" not in names(FOLDER):
        raise NotFound(f"There is no analytics query called {name!r}.")
    full = f"{FOLDER}/{name}"
    text = statement(full)
    comments = [line[2:].strip() for line in text.splitlines() if line.startswith("//")]
    required = header_required(full)
    defaults = {k: v for k, v in header_params(full).items() if k not in required}
    return NamedQuery(name, " ".join(comments), text, defaults, required)


def parse_value(value: str) -> Any:
    """`10` is a number, `true` a boolean, `"x"` or `x` text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def named_params(query: NamedQuery, given: dict[str, Any]) -> dict[str, Any]:
    missing = [key for key in query.required if key not in given]
    if missing:
        raise Invalid(
            f"{query.name} needs the parameter(s) {', '.join(missing)}.",
            errors={key: ["Required."] for key in missing},
        )
    return {**query.defaults, **given}


async def run_read_only(
    driver: neo4j.AsyncDriver,
    database: str,
    text: str,
    params: dict[str, Any],
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    skip: int = 0,
) -> Result:
    """Run any Cypher in a READ transaction with a timeout and a row cap, leaving out its first
    `skip` rows (a later page); nothing is committed."""
    bounded(params)
    try:
        async with driver.session(
            database=database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            tx = await session.begin_transaction(timeout=timeout)
            try:
                result = await tx.run(text, params)
                columns = list(result.keys())
                rows: list[list[Any]] = []
                async for record in result:
                    if skip:
                        skip -= 1
                        continue
                    if len(rows) == max_rows:
                        return Result(columns, rows, truncated=True)
                    rows.append([_plain(value) for value in record.values()])
                return Result(columns, rows, truncated=False)
            finally:
                await tx.close()  # rolls back: a read never commits
    except Neo4jError as error:
        raise _refusal(error, timeout) from None


async def run_named_or_own(
    settings: Settings,
    name: str | None,
    text: str | None,
    given: dict[str, Any],
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Result:
    """`flock cypher`: a named query with `given` over its defaults, or an operator's own
    Cypher, read-only, on a driver of its own."""
    if name is not None:
        named = named_query(name)
        text, given = named.text, named_params(named, given)
    uri, tls = neo4j_target(settings)
    driver = neo4j.AsyncGraphDatabase.driver(
        uri, **tls, auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    )  # fmt: skip
    try:
        return await run_read_only(driver, settings.neo4j_database, text, given, timeout, max_rows)
    finally:
        await driver.close()


def next_page_cursor(name: str, params: dict[str, Any], offset: int) -> str:
    """The cursor of the rows after the first `offset` of a named query with these parameters.
    Pages are stable for queries with an ORDER BY (every named query has one)."""
    return encode_cursor(offset, _query_digest(name, params))


def page_offset(cursor: str | None, name: str, params: dict[str, Any]) -> int:
    """How many rows a cursor has already given; 0 without one. A cursor of another query, or of
    other parameters, is refused."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return 0
    offset, digest = values
    if not isinstance(offset, int) or digest != _query_digest(name, params):
        raise Invalid(
            "The cursor belongs to another query or to other parameters.",
            errors={"cursor": ["Not a cursor of this query."]},
        )
    return offset


def _query_digest(name: str, params: dict[str, Any]) -> int:
    text = json.dumps([name, params], sort_keys=True, default=str).encode()
    return int(hashlib.sha256(text).hexdigest()[:12], 16)


def dataframe(name: str, settings=None, **params: Any):
    """A named analytics query as a pandas DataFrame (needs `pandas`), read-only:

    from graph.analytics import dataframe
    df = dataframe("most_followed", limit=20)
    """
    settings = settings or Settings.from_env().with_running_stack()
    query = named_query(name)
    uri, tls = neo4j_target(settings)
    with neo4j.GraphDatabase.driver(
        uri,
        **tls,
        auth=(settings.neo4j_user, settings.neo4j_password),
        notifications_min_severity="OFF",
    ) as driver:
        return driver.execute_query(
            neo4j.Query(query.text, timeout=DEFAULT_TIMEOUT),  # type: ignore[arg-type]
            named_params(query, params),
            routing_=neo4j.RoutingControl.READ,
            database_=settings.neo4j_database,
            result_transformer_=neo4j.Result.to_df,
        )


def _refusal(error: Neo4jError, timeout: float) -> DomainError:
    code = error.code or ""
    if code.endswith("AccessMode") or "Writing in read access mode" in (error.message or ""):
        return Forbidden("Analytics queries are read-only: writes are refused.")
    if "TransactionTimedOut" in code or "Terminated" in code:
        return TimedOut(f"The query was stopped at its {timeout:g} second timeout.")
    if isinstance(error, CypherSyntaxError | ClientError):
        return Invalid(f"Neo4j refused the query: {error.message}", errors={"query": [code]})
    return DomainError(f"The query failed: {error.message}")


def _plain(value: Any) -> Any:
    """Values fit for CSV and JSON: nodes and relationships as their properties, times as text."""
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship):
        return dict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
