"""The follow graph read from Neo4j in pages of accounts, each page a short read transaction,
so that a snapshot of a million follows never holds a long transaction open on the site."""

from __future__ import annotations

from dataclasses import dataclass

import igraph

from flock.core.db import SyncGraph

PAGE = 5000  # accounts a page


@dataclass(frozen=True)
class FollowGraph:
    """Accounts by position (`ids[i]` is the account id of vertex i) and follows as pairs of
    positions (follower, followed)."""

    ids: list[int]
    edges: list[tuple[int, int]]

    @property
    def directed(self) -> igraph.Graph:
        return igraph.Graph(n=len(self.ids), edges=self.edges, directed=True)

    @property
    def undirected(self) -> igraph.Graph:
        """Follows as ties: a mutual follow is one edge."""
        graph = igraph.Graph(n=len(self.ids), edges=self.edges, directed=False)
        graph.simplify(multiple=True, loops=True)
        return graph


def read_follow_graph(graph: SyncGraph, page: int = PAGE) -> FollowGraph:
    """Every account and every follow between accounts, page by page in account id order."""
    ids: list[int] = []
    follows: list[list[int]] = []
    after = -1
    while True:
        rows = graph.read("algorithms/follows_page", after=after, batch=page)
        for row in rows:
            ids.append(row["id"])
            follows.append(row["follows"])
        if len(rows) < page:
            break
        after = rows[-1]["id"]
    position = {account: index for index, account in enumerate(ids)}
    edges = [
        (index, position[followed])
        for index, followed_ids in enumerate(follows)
        for followed in followed_ids
        if followed in position  # an account made after its page was read
    ]
    return FollowGraph(ids, edges)
