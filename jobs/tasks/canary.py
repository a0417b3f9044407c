"""A job that proves the worker runs jobs end to end (`flock worker ping`)."""

from __future__ import annotations

import os
import socket


def echo(token: str) -> dict[str, str | int]:
    """Return the token with where it ran: the caller checks a real worker executed it."""
    return {"token": token, "pid": os.getpid(), "host": socket.gethostname()}
