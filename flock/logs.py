"""Logging for every Flock process: one line per event, key=value, to standard error."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s level=%(levelname)s logger=%(name)s %(message)s",
    )
    # The driver logs every retry at INFO; keep its warnings only.
    logging.getLogger("neo4j").setLevel(logging.WARNING)
