"""The throw-away stack every benchmark runs on: free ports, a temporary data directory."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flock.core.settings import Settings  # noqa: E402
from flock.stack.processes import free_port  # noqa: E402
from flock.stack.stack import Stack  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "socfb-Reed98.edges"


PORTS = ("PORT", "NEO4J_BOLT_PORT", "REDIS_PORT", "TYPESENSE_PORT", "TYPESENSE_PEERING_PORT")


def throwaway_stack(with_worker: bool = True, with_app: bool = True) -> Stack:
    """A stack (not started) on free ports with its data under a new temporary directory; other
    FLOCK_* settings come from the environment (FLOCK_NEO4J_QUERY_TIMEOUT=30, say)."""
    env = {  # the app's defaults (INFO: one log line per request, as in production)
        **{k: v for k, v in os.environ.items() if k.startswith("FLOCK_")},
        "FLOCK_VAR_DIR": tempfile.mkdtemp(prefix="flock-bench-"),
        **{f"FLOCK_{name}": str(free_port()) for name in PORTS},
    }
    for url in ("FLOCK_NEO4J_URI", "FLOCK_REDIS_URL", "FLOCK_TYPESENSE_URL"):
        env.pop(url, None)  # its own services, always
    return Stack(Settings.from_env(env), with_worker=with_worker, with_app=with_app)
