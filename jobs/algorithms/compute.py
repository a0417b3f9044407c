"""The algorithms, computed with igraph over a `FollowGraph`: each returns one value per account
(by position) and the statistics its run reports. Pure functions: no I/O, deterministic for the
same graph and parameters (seeded where the method is randomised), so a job run twice writes the
same properties."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import numpy as np
from scipy import sparse

from jobs.algorithms.snapshot import FollowGraph

Values = list[Any]
Stats = dict[str, Any]


def pagerank(graph: FollowGraph, damping: float = 0.85) -> tuple[Values, Stats]:
    """PageRank over follows (a follow passes rank to the followed account); sums to 1. An
    account that follows nobody spreads its rank evenly, as networkx and GDS do."""
    if not graph.ids:
        return [], {"sum": 0.0}
    ranks = graph.directed.pagerank(directed=True, damping=damping)
    top = max(range(len(ranks)), key=lambda i: (ranks[i], -graph.ids[i]))
    return ranks, {"sum": round(sum(ranks), 9), "top_account": graph.ids[top]}


def components(graph: FollowGraph) -> tuple[Values, Stats]:
    """Weakly connected components: accounts joined by follows either way. Each component is
    named by the smallest account id in it, so the names survive a rerun."""
    membership = graph.directed.connected_components(mode="weak").membership
    labels = _labels(graph.ids, membership)
    sizes = Counter(labels)
    return labels, {"components": len(sizes), "largest": max(sizes.values(), default=0)}


def communities(
    graph: FollowGraph, resolution: float = 1.0, seed: int = 42, iterations: int = 10
) -> tuple[Values, Stats]:
    """Leiden communities maximising modularity over follows as ties (Traag, van Eck and
    Waltman 2019), `iterations` passes (10 reach within 2% of the modularity of iterating until
    stable, in a tenth of the time: bench/README.md); named by their smallest account id."""
    ties = graph.undirected
    random.seed(seed)  # igraph draws from Python's `random`: the same seed, the same partition
    partition = ties.community_leiden(
        objective_function="modularity", resolution=resolution, n_iterations=iterations
    )
    labels = _labels(graph.ids, partition.membership)
    sizes = Counter(labels)
    return labels, {
        "communities": len(sizes),
        "modularity": round(ties.modularity(partition.membership), 6) if ties.ecount() else 0.0,
        "largest": sorted(sizes.values(), reverse=True)[:10],
    }


def betweenness(graph: FollowGraph, samples: int = 500, seed: int = 42) -> tuple[Values, Stats]:
    """Betweenness over follows, estimated from shortest paths out of `samples` accounts drawn at
    random (Brandes and Pich 2007) and scaled as networkx's `betweenness_centrality(k=...)`;
    exact when `samples` is at least the number of accounts."""
    n = len(graph.ids)
    if n < 3:
        return [0.0] * n, {"sampled": n, "exact": True}
    exact = samples >= n
    sources = list(range(n)) if exact else random.Random(seed).sample(range(n), samples)
    raw = graph.directed.betweenness(directed=True, sources=sources)
    scale = 1.0 / ((n - 1) * (n - 2)) * (n / len(sources))
    return [value * scale for value in raw], {"sampled": len(sources), "exact": exact}


def kcore(graph: FollowGraph) -> tuple[Values, Stats]:
    """Each account's core number over follows as ties: the largest k such that it belongs to a
    group where everyone has at least k ties inside the group."""
    cores = graph.undirected.coreness(mode="all")
    return cores, {"max_core": max(cores, default=0)}


def similarity(
    graph: FollowGraph, top_k: int = 10, cutoff: float = 0.0, chunk: int = 2000
) -> tuple[Values, Stats]:
    """Node similarity as GDS computes it: the Jaccard index of the sets of accounts two
    accounts follow, each account's `top_k` most similar above `cutoff` (ties by account id).
    The overlaps come from a sparse product, a chunk of accounts at a time."""
    n = len(graph.ids)
    if not graph.edges:
        return [[] for _ in range(n)], {"pairs": 0}
    rows, cols = zip(*graph.edges, strict=True)
    follows = sparse.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, n))
    follows.data[:] = 1.0  # a repeated follow counts once
    degree = np.asarray(follows.sum(axis=1)).ravel()
    transposed = follows.T.tocsc()
    picks: Values = []
    for start in range(0, n, chunk):
        overlap = (follows[start : start + chunk] @ transposed).tocsr()
        for offset in range(overlap.shape[0]):
            me = start + offset
            row = overlap.getrow(offset)
            others, shared = row.indices, row.data
            keep = others != me
            others, shared = others[keep], shared[keep]
            scores = shared / (degree[me] + degree[others] - shared)
            keep = scores > cutoff
            best = sorted(
                zip(scores[keep].tolist(), others[keep].tolist(), strict=True),
                key=lambda pair: (-pair[0], graph.ids[pair[1]]),
            )[:top_k]
            picks.append([{"id": graph.ids[o], "score": round(s, 9)} for s, o in best])
    return picks, {"pairs": sum(len(p) for p in picks)}


def _labels(ids: list[int], membership: list[int]) -> list[int]:
    """Group numbers turned into the smallest account id of each group."""
    smallest: dict[int, int] = {}
    for account, group in zip(ids, membership, strict=True):
        smallest[group] = min(account, smallest.get(group, account))
    return [smallest[group] for group in membership]
