"""Every address, secret and limit Flock uses, read once from `FLOCK_*` environment variables.

The table in README.md lists each variable; `flock settings` prints the values in force.
Secrets left empty are generated once and kept under the var directory, so a restart keeps
sessions and the Neo4j password.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, fields
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """The settings in force; build with `Settings.from_env()`."""

    var_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = 1
    log_level: str = "INFO"

    neo4j_uri: str = ""  # empty: `flock run` starts the embedded server
    neo4j_bolt_port: int = 7687  # the embedded server's port
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""  # empty: generated and kept in var/neo4j/password
    neo4j_database: str = "neo4j"
    neo4j_heap: str = "512m"
    neo4j_pagecache: str = "256m"
    neo4j_query_timeout: float = 10.0

    redis_url: str = ""  # empty: `flock run` starts an embedded redis-server
    redis_port: int = 6379  # the embedded server's port
    typesense_url: str = ""  # empty: `flock run` starts the embedded Typesense
    typesense_port: int = 8108  # the embedded server's API port
    typesense_peering_port: int = 8107
    typesense_api_key: str = ""  # empty: generated and kept in var/typesense/api-key

    secret_key: str = ""  # empty: generated and kept in var/secret-key
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    session_ttl: int = 14 * 24 * 3600
    cookie_secure: bool = False
    max_body_bytes: int = 1024 * 1024
    login_max_attempts: int = 5  # failed log-ins per account per window
    login_max_attempts_per_address: int = 50  # failed log-ins per client address per window
    login_window_seconds: int = 900
    posts_per_hour: int = 300  # tweets and replies per account per hour
    follows_per_hour: int = 400  # follows per account per hour
    uploads_per_hour: int = 100  # image uploads per account per hour

    worker_heartbeat_seconds: int = 60
    timeline_cap: int = 800
    active_days: int = 7
    fanout_limit: int = 10_000
    discovery_cache_seconds: int = 120

    media_backend: str = "disk"  # disk | s3
    media_dir: str = ""  # empty: var/media
    media_max_bytes: int = 5 * 1024 * 1024
    s3_bucket: str = "flock-media"
    s3_endpoint_url: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read `FLOCK_<FIELD>` for every field; unknown or malformed values fail loudly."""
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("FLOCK_VAR_DIR", str(REPO_ROOT / "var"))).resolve()
        values: dict[str, object] = {"var_dir": var_dir}
        for field in fields(cls):
            if field.name == "var_dir":
                continue
            raw = env.get(f"FLOCK_{field.name.upper()}")
            if raw is None:
                continue
            values[field.name] = _parse(field.name, raw, type(getattr(_DEFAULTS, field.name)))
        settings = cls(**values)  # type: ignore[arg-type]
        return settings.with_generated_secrets()

    def with_generated_secrets(self) -> Settings:
        """Fill empty secrets from files under var/, creating them on first use."""
        updates = {}
        if not self.secret_key:
            updates["secret_key"] = _kept_secret(self.var_dir / "secret-key")
        if not self.neo4j_password:
            updates["neo4j_password"] = _kept_secret(self.var_dir / "neo4j" / "password")
        if not self.typesense_api_key:
            updates["typesense_api_key"] = _kept_secret(self.var_dir / "typesense" / "api-key")
        return self.replace(**updates) if updates else self

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return Settings(**current)  # type: ignore[arg-type]

    def as_env(self) -> dict[str, str]:
        """These settings as `FLOCK_*` variables, to hand to a child process."""
        env = {}
        for field in fields(self):
            value = getattr(self, field.name)
            env[f"FLOCK_{field.name.upper()}"] = (
                ("1" if value else "0") if isinstance(value, bool) else str(value)
            )
        return env

    @property
    def media_path(self) -> Path:
        return Path(self.media_dir) if self.media_dir else self.var_dir / "media"


def _parse(name: str, raw: str, kind: type) -> object:
    if kind is bool:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"FLOCK_{name.upper()}={raw!r} is not a boolean (use 1 or 0)")
    if kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            raise ValueError(f"FLOCK_{name.upper()}={raw!r} is not a number") from None
    return raw


def _kept_secret(path: Path) -> str:
    """Read a generated secret, or generate and keep one (readable by the owner only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(value)
    return value


_DEFAULTS = Settings(var_dir=REPO_ROOT / "var")
