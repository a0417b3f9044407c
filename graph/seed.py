"""Seed the graph with a real social network (e.g. socfb-Reed98) for demos and benchmarks.

Users are `username_<index>` as the data set's README names them; every undirected edge becomes
a follow in both directions; each user gets a few tweets with hashtags from a small vocabulary.
Then, in a random order, about half the users repost something a friend posted or reposted (so
reposts cascade through the follow graph) and a few quote a friend's tweet.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from flock.core.db import SyncGraph
from flock.core.ids import new_id
from graph import personal_data
from graph.passwords import hash_password

BATCH = 2000
REPOST_SHARE = 0.5  # users who repost something
CASCADE_SHARE = 0.6  # of those, the share who repost what a friend reposted (if any)
QUOTE_SHARE = 0.1  # users who quote a friend's tweet
TOPICS = ["graphs", "python", "neo4j", "music", "coffee", "reed", "science", "books", "film"]


def read_edges(path: Path) -> list[tuple[int, int]]:
    """The edges of an edge list in the common formats: one `src dst` pair a line, separated by
    whitespace, commas or tabs, further columns (weights, times) ignored, comment lines (`#`,
    `%`) and a header line (`source,target`, `id_1,id_2`) skipped."""
    edges = []
    for line in path.read_text().splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) < 2 or line.lstrip().startswith(("%", "#")):
            continue
        try:
            edges.append((int(parts[0]), int(parts[1])))
        except ValueError:
            if edges:
                raise ValueError(f"{path}: not an edge: {line!r}") from None
            # a header line before the first edge
    return edges


def seed_social_graph(
    graph: SyncGraph,
    edges: list[tuple[int, int]],
    tweets_per_user: int,
    password: str,
    progress: Callable[[int], None] = lambda _: None,
    seed: int = 7,
) -> dict[int, int]:
    """Create users, mutual follows and tweets; returns data-set index -> user id."""
    rng = random.Random(seed)
    indexes = sorted({i for edge in edges for i in edge})
    ids = {index: new_id() for index in indexes}
    now = time.time()
    password_hash = hash_password(password)
    users = [
        {
            "id": ids[i],
            "username": f"username_{i}",
            "display_name": f"User {i}",
            **personal_data.email_fields(graph.settings, f"username_{i}@seed.flock.invalid"),
        }
        for i in indexes
    ]
    for start in range(0, len(users), BATCH):
        chunk = users[start : start + BATCH]
        graph.write("seed/users", users=chunk, password_hash=password_hash, now=now)
        progress(len(chunk))
    pairs = [[ids[a], ids[b]] for a, b in edges] + [[ids[b], ids[a]] for a, b in edges]
    for start in range(0, len(pairs), BATCH):
        chunk = pairs[start : start + BATCH]
        graph.write("seed/follows", pairs=chunk, now=now)
        progress(len(chunk))
    tweets = []
    for index in indexes:
        for n in range(tweets_per_user):
            topic = rng.choice(TOPICS)
            tweets.append(
                {
                    "id": new_id(),
                    "author_id": ids[index],
                    "text": f"Note {n} from user {index} about #{topic}",
                    "hashtag": topic,
                    "created_at": now,
                }
            )
    for start in range(0, len(tweets), BATCH):
        chunk = tweets[start : start + BATCH]
        graph.write("seed/tweets", tweets=chunk)
        progress(len(chunk))
    reposts, quotes = _shares(rng, edges, ids, tweets, now)
    for start in range(0, len(reposts), BATCH):
        graph.write("seed/reposts", reposts=reposts[start : start + BATCH])
    for start in range(0, len(quotes), BATCH):
        graph.write("seed/quotes", quotes=quotes[start : start + BATCH])
    return ids


def _shares(
    rng: random.Random,
    edges: list[tuple[int, int]],
    ids: dict[int, int],
    tweets: list[dict],
    now: float,
) -> tuple[list[dict], list[dict]]:
    """Reposts that spread from friend to friend, and a few quotes."""
    friends: dict[int, list[int]] = {}
    for a, b in edges:
        friends.setdefault(ids[a], []).append(ids[b])
        friends.setdefault(ids[b], []).append(ids[a])
    own: dict[int, list[int]] = {}
    for tweet in tweets:
        own.setdefault(tweet["author_id"], []).append(tweet["id"])
    reposted: dict[int, int] = {}  # user id -> the post they reposted
    reposts, quotes = [], []
    users = sorted(friends)
    rng.shuffle(users)
    for user in users:
        near = friends[user]
        if rng.random() < REPOST_SHARE:
            shared = [reposted[f] for f in near if f in reposted]
            if shared and rng.random() < CASCADE_SHARE:
                post_id = rng.choice(shared)
            else:
                post_id = rng.choice(own.get(rng.choice(near)) or [None])
            if post_id is not None and post_id not in own.get(user, []):
                reposted[user] = post_id
                reposts.append({"id": new_id(), "user_id": user, "post_id": post_id, "at": now})
        if rng.random() < QUOTE_SHARE and (theirs := own.get(rng.choice(near))):
            quotes.append(
                {
                    "id": new_id(),
                    "author_id": user,
                    "quote_id": rng.choice(theirs),
                    "text": "Worth reading, this.",
                    "created_at": now,
                }
            )
    return reposts, quotes
