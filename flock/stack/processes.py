"""Child processes of the embedded stack: start, wait until ready, stop, name the log."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BACKOFF_MAX = 30.0  # seconds between restarts of a child that keeps dying
HEALTHY_AFTER = 10.0  # seconds of life after which a death restarts the back-off (no crash loop)


class StackError(RuntimeError):
    """A service could not be started; the message names it and its log file."""


@dataclass
class ManagedProcess:
    """One server process the stack owns, with the probe that says it is ready."""

    name: str
    argv: list[str]
    log_path: Path
    ready: Callable[[], bool]
    env: dict[str, str] | None = None
    cwd: Path | None = None
    ready_timeout: float = 120.0
    fresh_argv: Callable[[], list[str]] | None = None  # a new command line for each restart
    port: int | None = None  # where it listens, when that is worth knowing (app processes)
    process: subprocess.Popen | None = field(default=None, init=False)
    restarts: int = field(default=0, init=False)
    restarts_in_a_row: int = field(default=0, init=False)
    started_at: float = field(default=0.0, init=False)
    died_at: float | None = field(default=None, init=False)

    def start(self) -> None:
        """Launch the process in its own process group, output to its log file."""
        self.started_at = time.monotonic()
        self.died_at = None
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child for its lifetime
        self.process = subprocess.Popen(
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self) -> None:
        """Block until the readiness probe passes; fail if the process dies or time runs out."""
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise StackError(
                    f"{self.name} exited while starting (code {self.process.returncode}); "
                    f"see {self.log_path}"
                )
            try:
                if self.ready():
                    return
            except Exception:  # noqa: S110 - not ready yet; the probe is retried
                pass
            time.sleep(0.25)
        raise StackError(
            f"{self.name} was not ready after {self.ready_timeout:.0f}s; see {self.log_path}"
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def restart_due(self, now: float) -> bool:
        """Dead, and its back-off has passed: 1 s after the first death, doubling with each
        death that follows a short life, at most BACKOFF_MAX; HEALTHY_AFTER of life resets it."""
        if self.alive() or self.process is None:
            return False
        if self.died_at is None:
            self.died_at = now
            if now - self.started_at > HEALTHY_AFTER:
                self.restarts_in_a_row = 0
        wait = min(BACKOFF_MAX, 2.0**self.restarts_in_a_row)
        return now - self.died_at >= wait

    def restart(self) -> None:
        """Start it again (with a fresh command line where one is made per start). What is left
        of the dead one's process group goes first: a Hypercorn worker whose parent was killed
        would keep the port, and the new process could never bind it."""
        if self.process is not None:
            _signal_group(self.process.pid, signal.SIGKILL)
        self.restarts += 1
        self.restarts_in_a_row = self.restarts_in_a_row + 1
        if self.fresh_argv is not None:
            self.argv = self.fresh_argv()
        self.start()

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left after the grace period."""
        if self.process is None or self.process.poll() is not None:
            return
        _signal_group(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port and we may bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port the OS says is free now (for tests' throw-away stacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tcp_accepts(host: str, port: int) -> bool:
    """True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
