"""Cypher for data scientists: `flock cypher`, the analytics endpoint and the DataFrame helper,
all read-only, against the real Neo4j."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from pathlib import Path

import pytest

import cypher

SLOW = "UNWIND range(1, 10000000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x) AS n"


@pytest.fixture
def analyst(new_user, flock_cli):
    user = new_user("analyst")
    granted = flock_cli("users", "grant", user["username"], "analyst")
    assert granted.returncode == 0, granted.stderr
    assert "analyst" in granted.stdout
    return user


def count_label(flock_cli, label: str) -> int:
    result = flock_cli("cypher", "--query", f"MATCH (n:{label}) RETURN count(n) AS n", "--format",
                       "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["n"]


def test_every_named_query_is_listed_with_its_parameters(flock_cli):
    result = flock_cli("cypher", "--list")
    assert result.returncode == 0, result.stderr
    for name in ("degree_distribution", "most_followed", "reciprocity", "mutual_follows",
                 "triangles_around_user", "hashtag_engagement_over_time"):  # fmt: skip
        assert name in result.stdout
    assert "mutual_follows(username, limit=50)" in result.stdout


def test_named_query_prints_a_table_csv_or_json(http, new_user, flock_cli):
    a, b = new_user("ana"), new_user("bea")
    for x, y in ((a, b), (b, a)):
        assert http.put(f"/api/users/{y['username']}/follow", headers=x["auth"]).status_code == 200

    table = flock_cli("cypher", "mutual_follows", "--param", f"username={a['username']}")
    assert table.returncode == 0, table.stderr
    header, rule, row, footer = table.stdout.splitlines()
    assert header.split() == ["username", "followers"]
    assert row.split() == [b["username"], "1"]
    assert footer == "(1 row)"

    as_csv = flock_cli("cypher", "mutual_follows", "-p", f"username={a['username']}",
                       "--format", "csv")  # fmt: skip
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["username", "followers"], [b["username"], "1"]
    ]  # fmt: skip
    as_json = flock_cli("cypher", "triangles_around_user", "-p", f"username={a['username']}",
                        "--format", "json")  # fmt: skip
    assert json.loads(as_json.stdout) == {
        "username": a["username"], "neighbours": 1, "triangles": 0, "clustering": 0.0
    }  # fmt: skip


def test_every_named_query_runs(flock_cli, new_user):
    user = new_user("every")
    listing = flock_cli("cypher", "--list").stdout.splitlines()
    for name in [line.split("(")[0] for line in listing if not line.startswith(" ")]:
        result = flock_cli("cypher", name, "-p", f"username={user['username']}",
                           "-p", "hashtag=python")  # fmt: skip
        assert result.returncode == 0, (name, result.stderr)


def test_writes_are_refused_by_the_server(flock_cli):
    label = f"Intruder{secrets.token_hex(4)}"
    for query in (f"CREATE (n:{label}) RETURN n", f"MERGE (n:{label} {{x: 1}}) RETURN n"):
        result = flock_cli("cypher", "--query", query)
        assert result.returncode == 1
        assert "read-only" in result.stderr
    assert count_label(flock_cli, label) == 0


def test_a_slow_query_is_stopped_at_its_timeout(flock_cli):
    result = flock_cli("cypher", "--query", SLOW, "--timeout", "1")
    assert result.returncode == 1
    assert "stopped at its 1 second timeout" in result.stderr


def test_rows_are_capped(flock_cli):
    result = flock_cli("cypher", "--query", "UNWIND range(1, 50) AS x RETURN x", "--max-rows",
                       "10", "--format", "csv")  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["x"] + [str(n) for n in range(1, 11)]
    assert "stopped at 10 rows" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such_query"], "no analytics query called"),
        (["../queries/user_delete"], "no analytics query called"),
        (["mutual_follows"], "needs the parameter(s) username"),
        (["--query", "MATCH (n RETURN n"], "Neo4j refused the query"),
    ],
)
def test_bad_queries_get_clear_messages(flock_cli, args, message):
    result = flock_cli("cypher", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_endpoint_is_for_analysts_only(http, new_user):
    user = new_user("plain")
    body = {"name": "reciprocity"}
    assert http.post("/api/analytics/query", json=body).status_code == 401
    refused = http.post("/api/analytics/query", json=body, headers=user["auth"])
    assert refused.status_code == 403
    assert "analyst" in refused.json()["detail"]


def test_analysts_run_named_queries_only(http, analyst):
    named = http.post(
        "/api/analytics/query", json={"name": "most_followed", "params": {"limit": 2}},
        headers=analyst["auth"],
    )  # fmt: skip
    assert named.status_code == 200, named.text
    assert named.json()["columns"] == ["username", "followers", "following", "tweets"]
    assert len(named.json()["rows"]) <= 2

    capped = http.post(
        "/api/analytics/query", json={"name": "most_followed", "max_rows": 1},
        headers=analyst["auth"],
    )  # fmt: skip
    assert len(capped.json()["rows"]) == 1 and capped.json()["truncated"] is True

    catalogue = http.get("/api/analytics/queries", headers=analyst["auth"])
    entry = next(i for i in catalogue.json()["items"] if i["name"] == "mutual_follows")
    assert entry["params"] == {"username": None, "limit": 50}


ATTACKS = [
    "MATCH (u:User) RETURN u.email, u.password_hash",
    "MATCH (u:User) RETURN properties(u)",
    "MATCH (t:RefreshToken) RETURN t.digest",
    "LOAD CSV FROM 'http://127.0.0.1:7474/' AS row RETURN row",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "SHOW USERS",
    "CALL dbms.listConfig()",
    "CREATE (:Intruder)",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_an_analysts_own_cypher_is_refused_whatever_it_is(http, analyst, attack):
    response = http.post(
        "/api/analytics/query", json={"name": "most_followed", "query": attack},
        headers=analyst["auth"],
    )  # fmt: skip
    assert response.status_code == 422
    assert "named queries" in response.json()["errors"]["query"][0]
    bare = http.post("/api/analytics/query", json={"query": attack}, headers=analyst["auth"])
    assert bare.status_code == 422


def test_named_queries_stay_away_from_secrets_files_and_admin_commands():
    """The reviewed queries an analyst may run never name a credential, an email, a token or
    an internal record, and never load files or URLs or call procedures."""
    forbidden = re.compile(
        r"password|email|digest|RefreshToken|PendingJob|roles|LOAD\s+CSV|\bCALL\s+\w|"
        r"TERMINATE|SHOW\s|properties\(|\{\s*\.\*|keys\(",
        re.IGNORECASE,
    )
    for path in sorted((Path(cypher.__file__).parent / "analytics").glob("*.cypher")):
        body = path.read_text().split("*/\n", 1)[1]
        assert not forbidden.search(body), (path.name, forbidden.search(body).group(0))


def test_bad_analytics_requests_are_422(http, analyst):
    for body in ({}, {"name": "reciprocity", "max_rows": 0}, {"name": "mutual_follows"}):
        response = http.post("/api/analytics/query", json=body, headers=analyst["auth"])
        assert response.status_code == 422, (body, response.text)


def test_a_named_query_as_a_dataframe(settings, http, new_user):
    from graph.analytics import dataframe

    new_user("df")
    frame = dataframe("degree_distribution", settings=settings)
    assert list(frame.columns) == ["followers", "accounts", "avg_following"]
    assert frame["accounts"].sum() >= 1


def test_load_csv_reaches_no_url_even_for_operators(flock_cli):
    result = flock_cli("cypher", "--query", "LOAD CSV FROM 'http://127.0.0.1:9/x' AS r RETURN r")
    assert result.returncode == 1
    assert "blocked" in result.stderr.lower(), result.stderr
