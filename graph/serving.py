"""What both faces share with the app serving a request: its connections.

`flock/app.py` connects them once when it starts serving (`Backends.connect`) and keeps them in
the app's extensions; a view calls `backends()` and hands them to the use cases.
"""

from __future__ import annotations

from quart import current_app

from flock.core.backends import Backends

EXTENSION = "flock"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}  # need CSRF (web) or a JSON body check


def backends() -> Backends:
    """The running app's connections."""
    return current_app.extensions[EXTENSION]
