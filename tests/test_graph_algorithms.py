"""Graph algorithms as jobs (`flock analytics run`), read back from Cypher, the exports (`flock
export`), the analysts' pages and the blended who-to-follow, against the real Neo4j; every result
is checked against networkx over the same graph."""

from __future__ import annotations

import json
import random
import secrets

import networkx as nx
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from jobs.algorithms import compute
from jobs.algorithms.snapshot import FollowGraph

SCORED = ("pagerank", "community", "component", "coreness", "betweenness")


def follow(http, user, other) -> None:
    response = http.put(f"/api/users/{other['username']}/follow", headers=user["auth"])
    assert response.status_code == 200, response.text


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def export_users_and_follows(flock_cli, folder):
    ok(flock_cli("export", "--to", str(folder), "--table", "users", "--table", "follows"))
    users = pq.read_table(folder / "users.parquet").to_pylist()
    follows = pq.read_table(folder / "follows.parquet").to_pylist()
    return {row["id"]: row for row in users}, follows


def networkx_graph(users, follows) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(users)
    graph.add_edges_from((f["follower_id"], f["followed_id"]) for f in follows)
    return graph


# --------------------------------------------------------------------------- the computations


def test_each_algorithm_matches_networkx_on_a_graph_with_a_known_answer():
    rng = random.Random(5)
    reference = nx.gnp_random_graph(80, 0.05, seed=11, directed=True)
    ids = sorted(rng.sample(range(1, 10**6), 80))
    graph = FollowGraph(ids, list(reference.edges()))

    ranks, stats = compute.pagerank(graph)
    expected = nx.pagerank(reference, alpha=0.85, tol=1e-14, max_iter=10_000)
    assert max(abs(ranks[i] - expected[i]) for i in reference) < 1e-6
    assert stats["sum"] == pytest.approx(1.0, abs=1e-9)

    between, stats = compute.betweenness(graph, samples=80)
    expected = nx.betweenness_centrality(reference)
    assert stats["exact"] and max(abs(between[i] - expected[i]) for i in reference) < 1e-9

    cores, _ = compute.kcore(graph)
    assert cores == [nx.core_number(nx.Graph(reference))[i] for i in reference]

    labels, stats = compute.components(graph)
    expected = {frozenset(c) for c in nx.weakly_connected_components(reference)}
    found: dict[int, set[int]] = {}
    for i, label in enumerate(labels):
        found.setdefault(label, set()).add(i)
    assert {frozenset(c) for c in found.values()} == expected
    assert all(label == min(ids[i] for i in members) for label, members in found.items())


def test_communities_of_the_karate_club_with_their_modularity():
    karate = nx.karate_club_graph()
    graph = FollowGraph(list(range(100, 134)), [(a, b) for a, b in karate.edges()])
    labels, stats = compute.communities(graph)
    again, _ = compute.communities(graph)
    assert labels == again  # seeded: the same partition every run
    groups: dict[int, set[int]] = {}
    for node, label in enumerate(labels):
        groups.setdefault(label, set()).add(node)
    assert stats["modularity"] == pytest.approx(
        nx.community.modularity(karate, groups.values(), weight=None), abs=1e-6
    )
    assert stats["modularity"] > 0.4  # Leiden's known optimum for this graph is 0.4198
    assert stats["communities"] == len(groups)


def test_node_similarity_is_the_jaccard_index_of_followed_accounts():
    edges = [(0, 2), (0, 3), (1, 2), (1, 3), (1, 4), (4, 2)]
    picks, _ = compute.similarity(FollowGraph([10, 11, 12, 13, 14], edges), top_k=2)
    assert picks[0] == [{"id": 11, "score": pytest.approx(2 / 3)}, {"id": 14, "score": 0.5}]
    assert picks[2] == []  # follows nobody: like nobody


# --------------------------------------------------------------------------- the jobs


def test_algorithms_run_as_a_job_write_back_and_match_networkx(http, new_user, flock_cli, tmp_path):
    left = [new_user("left") for _ in range(4)]
    right = [new_user("right") for _ in range(4)]
    for group in (left, right):
        for a in group:
            for b in group:
                if a is not b:
                    follow(http, a, b)
    follow(http, left[0], right[0])  # the one bridge

    run = ok(flock_cli("analytics", "run", "all", "-p", "betweenness.samples=1000000"))
    for name in ("pagerank", "components", "communities", "betweenness", "kcore", "similarity"):
        assert run.stdout.count(f"{name}: ") == 1, run.stdout
    users, follows = export_users_and_follows(flock_cli, tmp_path / "first")
    reference = networkx_graph(users, follows)

    expected = nx.pagerank(reference, tol=1e-14, max_iter=10_000)
    assert max(abs(users[i]["pagerank"] - expected[i]) for i in users) < 1e-6
    assert sum(row["pagerank"] for row in users.values()) == pytest.approx(1.0, abs=1e-6)
    expected = nx.betweenness_centrality(reference)
    assert max(abs(users[i]["betweenness"] - expected[i]) for i in users) < 1e-9
    ties = nx.Graph(reference)
    ties.remove_edges_from(nx.selfloop_edges(ties))
    assert all(users[i]["coreness"] == c for i, c in nx.core_number(ties).items())
    for component in nx.weakly_connected_components(reference):
        assert {users[i]["component"] for i in component} == {min(component)}

    left_ids, right_ids = ({int(u["id"]) for u in group} for group in (left, right))
    assert len({users[i]["community"] for i in left_ids}) == 1
    assert len({users[i]["community"] for i in right_ids}) == 1
    assert users[min(left_ids)]["community"] != users[min(right_ids)]["community"]

    out = ok(flock_cli("cypher", "algorithm_runs", "--format", "json")).stdout
    runs = [json.loads(line) for line in out.splitlines()]
    communities = next(r for r in runs if r["algorithm"] == "communities")
    assert json.loads(communities["params"]) == {"resolution": 1.0, "seed": 42, "iterations": 10}
    partition: dict[int, set[int]] = {}
    for i, row in users.items():
        partition.setdefault(row["community"], set()).add(i)
    assert json.loads(communities["stats"])["modularity"] == pytest.approx(
        nx.community.modularity(ties, partition.values()), abs=1e-6
    )

    # Idempotent: a second run writes the same properties.
    ok(flock_cli("analytics", "run", "all", "-p", "betweenness.samples=1000000"))
    again, _ = export_users_and_follows(flock_cli, tmp_path / "second")
    assert {i: [again[i][k] for k in SCORED] for i in users} == {
        i: [users[i][k] for k in SCORED] for i in users
    }


def test_cypher_reads_what_the_algorithms_wrote(http, new_user, flock_cli):
    group = [new_user("grp") for _ in range(4)]
    for a in group:
        for b in group:
            if a is not b:
                follow(http, a, b)
    ok(flock_cli("analytics", "run", "communities", "pagerank", "similarity", "betweenness"))
    me = group[0]["username"]

    def rows(name, *params):
        args = [p for param in params for p in ("-p", param)]
        out = ok(flock_cli("cypher", name, *args, "--format", "json")).stdout
        return [json.loads(line) for line in out.splitlines()]

    inside = rows("influence_in_community", f"username={me}", "limit=100")
    assert {u["username"] for u in group} <= {row["username"] for row in inside}
    assert all(row["followers_inside"] >= 0 for row in inside)
    similar = rows("similar_accounts", f"username={me}")
    assert {row["username"] for row in similar[:3]} == {u["username"] for u in group[1:]}
    central = rows("most_central_accounts", "limit=5")
    assert len(central) == 5
    assert central == sorted(central, key=lambda r: -r["pagerank"])
    listed = rows("communities", "limit=1000")
    assert any(set(r["central_members"]) & {u["username"] for u in group} for r in listed)
    assert rows("community_bridges", "limit=3")  # the test stack's graph has bridges


def test_the_workers_run_the_algorithms_on_their_schedule(isolated_stack, flock_cli, wait_until):
    _, settings = isolated_stack  # FLOCK_ANALYTICS_EVERY_HOURS=24: a run at start, then daily

    def recorded() -> set[str]:
        result = flock_cli("cypher", "algorithm_runs", "--format", "json", env=settings.as_env())
        return {json.loads(line)["algorithm"] for line in ok(result).stdout.splitlines()}

    wait_until(lambda: len(recorded()) == 6, timeout=120)
    assert recorded() == {"pagerank", "components", "communities", "betweenness", "kcore",
                          "similarity"}  # fmt: skip


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "nosuch"], "There is no graph algorithm called 'nosuch'"),
        (["run", "pagerank", "-p", "pagerank.damping=2"], "damping must be between"),
        (["run", "pagerank", "-p", "pagerank.alpha=0.5"], "pagerank takes no parameter alpha"),
        (["run", "betweenness", "-p", "betweenness.samples=1.5"], "samples must be a whole"),
        (["run", "kcore", "-p", "kcore.k=x"], "kcore takes no parameter k"),
    ],
)
def test_bad_algorithm_runs_get_clear_messages(flock_cli, args, message):
    result = flock_cli("analytics", *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_follow_graph_in_one_call(settings, http, new_user):
    from graph.exports import follow_graph

    a, b = new_user("fga"), new_user("fgb")
    follow(http, a, b)
    as_igraph = follow_graph(settings=settings)
    as_networkx = follow_graph("networkx", settings)
    assert as_networkx.has_edge(int(a["id"]), int(b["id"]))
    assert as_igraph.vcount() == as_networkx.number_of_nodes()
    assert as_igraph.ecount() == as_networkx.number_of_edges()
    position = {account: i for i, account in enumerate(as_igraph.vs["id"])}
    assert as_igraph.are_adjacent(position[int(a["id"])], position[int(b["id"])])


# --------------------------------------------------------------------------- exports


def test_export_writes_every_table_without_personal_data(http, new_user, flock_cli, tmp_path):
    author, fan = new_user("auth"), new_user("fan")
    follow(http, fan, author)
    words = f"secret words {secrets.token_hex(6)}"
    post = http.post("/api/tweets", json={"text": words}, headers=author["auth"]).json()
    reply = http.post(f"/api/tweets/{post['id']}/replies", json={"text": f"re {words}"},
                      headers=fan["auth"]).json()  # fmt: skip
    gone = http.post("/api/tweets", json={"text": "soon gone"}, headers=author["auth"]).json()
    assert http.put(f"/api/tweets/{post['id']}/like", headers=fan["auth"]).status_code == 200
    assert http.put(f"/api/tweets/{post['id']}/repost", headers=fan["auth"]).status_code == 200
    assert http.delete(f"/api/tweets/{gone['id']}", headers=author["auth"]).status_code in (
        200,
        204,
    )

    result = ok(flock_cli("export", "--to", str(tmp_path), "--format", "csv"))
    for table in ("users", "follows", "likes", "reposts", "posts", "replies"):
        assert f"{table}.csv:" in result.stdout
    tables = {
        name: pa_csv.read_csv(tmp_path / f"{name}.csv").to_pylist()
        for name in ("users", "follows", "likes", "reposts", "posts", "replies")
    }
    fan_id, author_id, post_id = int(fan["id"]), int(author["id"]), int(post["id"])
    assert {"follower_id": fan_id, "followed_id": author_id}.items() <= next(
        row for row in tables["follows"] if row["follower_id"] == fan_id
    ).items()
    assert any(r["user_id"] == fan_id and r["post_id"] == post_id for r in tables["likes"])
    assert any(r["user_id"] == fan_id and r["post_id"] == post_id for r in tables["reposts"])
    assert any(
        r["post_id"] == int(reply["id"]) and r["parent_id"] == post_id
        and r["author_id"] == fan_id and r["parent_author_id"] == author_id
        for r in tables["replies"]
    )  # fmt: skip
    posts = {r["id"]: r for r in tables["posts"]}
    assert posts[post_id]["author_id"] == author_id
    assert posts[int(reply["id"])]["reply_to_id"] == post_id
    assert int(gone["id"]) not in posts
    assert any(r["username"] == fan["username"] for r in tables["users"])
    everything = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert words.encode() not in everything
    assert b"@" not in everything  # no e-mail address
    assert b"argon2" not in everything


def test_export_refuses_what_it_cannot_do(flock_cli, tmp_path):
    result = flock_cli("export", "--to", str(tmp_path), "--table", "passwords")
    assert result.returncode == 2 and "passwords" in result.stderr


# --------------------------------------------------------------------------- analysts' pages


@pytest.fixture
def analyst(new_user, flock_cli):
    user = new_user("analyst")
    ok(flock_cli("users", "grant", user["username"], "analyst"))
    return user


def test_the_analysts_endpoint_pages_past_its_cap(http, analyst, new_user):
    for other in [new_user("edge") for _ in range(3)]:
        follow(http, analyst, other)

    def ask(**body):
        body = {"name": "follow_edges", "params": {"limit": 20}, **body}
        return http.post("/api/analytics/query", headers=analyst["auth"], json=body)

    whole = ask(max_rows=100).json()
    assert whole["next_cursor"] is None and not whole["truncated"]
    rows, cursor, pages = [], None, 0
    while True:
        page = ask(max_rows=7, cursor=cursor).json()
        rows += page["rows"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert rows == whole["rows"] and pages == 3

    first = ask(max_rows=7).json()
    other_params = http.post("/api/analytics/query", headers=analyst["auth"], json={
        "name": "follow_edges", "params": {"limit": 21}, "cursor": first["next_cursor"],
    })  # fmt: skip
    assert other_params.status_code == 422
    assert "another query" in other_params.json()["detail"]
    for bad in ("nonsense", "W10", "x" * 300):
        assert ask(cursor=bad).status_code == 422


# --------------------------------------------------------------------------- who to follow


def test_who_to_follow_blends_followers_and_interactions(http, new_user, drain_queue):
    me, admirer, liked, stranger = (new_user(p) for p in ("me", "adm", "liked", "str"))
    follow(http, admirer, me)
    post = http.post("/api/tweets", json={"text": "worth a like"}, headers=liked["auth"]).json()
    assert http.put(f"/api/tweets/{post['id']}/like", headers=me["auth"]).status_code == 200
    follow(http, me, stranger)  # a follow refreshes my list
    drain_queue()
    response = http.get("/api/users/me/suggestions", params={"limit": 50}, headers=me["auth"])
    reasons = {item["username"]: item["reason"] for item in response.json()["items"]}
    assert reasons[admirer["username"]] == "follows_you"
    assert reasons[liked["username"]] == "engaged"
    assert stranger["username"] not in reasons
