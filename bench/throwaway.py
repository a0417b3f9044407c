"""The throw-away stack every benchmark runs on: free ports, a temporary data directory."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flock.settings import Settings  # noqa: E402
from flock.stack.processes import free_port  # noqa: E402
from flock.stack.stack import Stack  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "socfb-Reed98.edges"


def throwaway_stack(with_worker: bool = True, with_app: bool = True) -> Stack:
    """A stack (not started) on free ports with its data under a new temporary directory."""
    env = {
        "FLOCK_VAR_DIR": tempfile.mkdtemp(prefix="flock-bench-"),
        "FLOCK_LOG_LEVEL": "WARNING",
        **{
            f"FLOCK_{name}": str(free_port())
            for name in (
                "PORT",
                "NEO4J_BOLT_PORT",
                "REDIS_PORT",
                "TYPESENSE_PORT",
                "TYPESENSE_PEERING_PORT",
            )  # fmt: skip
        },
    }
    return Stack(Settings.from_env(env), with_worker=with_worker, with_app=with_app)
