"""The throw-away stack every benchmark runs on: free ports, a temporary data directory."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flock.core.db import SyncGraph  # noqa: E402
from flock.core.settings import Settings  # noqa: E402
from flock.stack.processes import free_port  # noqa: E402
from flock.stack.stack import Stack  # noqa: E402
from graph.access_tokens import issue_access_token  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "socfb-Reed98.edges"


PORTS = ("PORT", "NEO4J_BOLT_PORT", "REDIS_PORT", "TYPESENSE_PORT", "TYPESENSE_PEERING_PORT")


def throwaway_stack(with_worker: bool = True, with_app: bool = True) -> Stack:
    """A stack (not started) on free ports with its data under a new temporary directory; other
    FLOCK_* settings come from the environment (FLOCK_NEO4J_QUERY_TIMEOUT=30, say)."""
    env = {  # the app's defaults (INFO: one log line per request, as in production)
        "FLOCK_WEB_WORKERS": "1",  # one app process: a bench measures per process
        **{k: v for k, v in os.environ.items() if k.startswith("FLOCK_")},
        "FLOCK_VAR_DIR": tempfile.mkdtemp(prefix="flock-bench-"),
        **{f"FLOCK_{name}": str(free_port()) for name in PORTS},
    }
    for url in ("FLOCK_NEO4J_URI", "FLOCK_REDIS_URL", "FLOCK_TYPESENSE_URL"):
        env.pop(url, None)  # its own services, always
    return Stack(Settings.from_env(env), with_worker=with_worker, with_app=with_app)


def bench_tokens(graph: SyncGraph, settings: Settings, user_ids, ttl: int = 3600) -> list[str]:
    """Access tokens living `ttl` seconds for these users, each of a log-in of its own (a
    refresh-token family in the graph, as `POST /api/auth/token` makes), without paying for a
    password hash per user."""
    long_lived, now = settings.replace(access_token_ttl=ttl), time.time()
    tokens = []
    for user_id in user_ids:
        family = uuid.uuid4().hex
        graph.write(
            "queries/refresh_token_create",
            user_id=user_id,
            digest=uuid.uuid4().hex,
            family=family,
            expires_at=now + ttl,
            now=now,
        )
        tokens.append(issue_access_token(long_lived, user_id, family))
    return tokens
