"""Logging for every Flock process (app, worker, CLI): one JSON object per line on standard
error, with the time, level, logger, the process's role, and the id of the request being
served (or of the request that queued the job being run).

Call sites log an event name and its fields: `log.warning("feed_drop_failed", extra={"user":
user_id, "error": repr(error)})`. Bodies, passwords, tokens and secrets are never logged.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is a sane token, else a new one."""
    if header and _GIVEN_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class _Context(logging.Filter):
    def __init__(self, role: str):
        super().__init__()
        self.role = role

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.role = self.role
        record.pid = os.getpid()
        return True


def configure_logging(level: str, role: str) -> None:
    """JSON lines to standard error for this process (`role`: app, worker or cli)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{role}{pid}{request_id}{message}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    )
    handler.addFilter(_Context(role))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # The driver logs every retry at INFO; keep its warnings only.
    logging.getLogger("neo4j").setLevel(logging.WARNING)
