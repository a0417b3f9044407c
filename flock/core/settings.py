"""Every address, secret and limit Flock uses, read once from `FLOCK_*` environment variables
(pydantic-settings: `FLOCK_POSTS_PER_HOUR=100` sets `posts_per_hour`).

The table in README.md lists each variable; `flock settings` prints the values in force.
Secrets left empty are generated once and kept under the var directory, so a restart keeps
sessions and the Neo4j password. This module imports nothing of the app: everything else may
import it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]  # flock/core/settings.py -> the repository
PREFIX = "FLOCK_"
STACK_FILE = "stack.json"  # where `flock run` records what it started, under the var directory


def new_data_key() -> str:
    """A new key for FLOCK_DATA_KEY: `<key id>:<base64url of 32 random bytes>` (the id says
    when it was made; flock/core/crypto.py reads it)."""
    key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
    return f"k{int(time.time())}:{key}"


# The keys of encryption at rest: generated under var/ when unset, and never put in a backup
# (an archive holds the data they encrypt; a restore is given them).
DATA_KEYS = {"data_key": "data-key", "data_index_key": "data-index-key"}
DATA_KEY_MAKERS = {"data_key": new_data_key, "data_index_key": lambda: secrets.token_urlsafe(32)}

# The secrets generated on first use, and where under the var directory each is kept (backups
# hold these, so that a restored site keeps its sessions).
KEPT_SECRETS = {
    "secret_key": "secret-key",
    "neo4j_password": "neo4j/password",
    "typesense_api_key": "typesense/api-key",
}
# Set while `from_env(environ)` builds settings from a given mapping instead of the process's.
_GIVEN_ENVIRONMENT: ContextVar[bool] = ContextVar("given_environment", default=False)


class Settings(BaseSettings):
    """The settings in force; build with `Settings.from_env()`."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="ignore")

    var_dir: Path = REPO_ROOT / "var"
    host: str = "127.0.0.1"
    port: int = 8000
    web_workers: int = Field(default=0, ge=0)  # 0: one per core (hypercorn_workers)
    log_level: str = "INFO"

    neo4j_uri: str = ""  # empty: `flock run` starts the embedded server
    neo4j_bolt_port: int = 7687  # the embedded server's port
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""  # empty: generated and kept in var/neo4j/password
    neo4j_database: str = "neo4j"
    neo4j_heap: str = "512m"
    neo4j_pagecache: str = "256m"
    neo4j_deadline: float = 5.0  # seconds a request waits for Neo4j in all (then a 503)
    neo4j_query_timeout: float = 10.0
    neo4j_long_query_timeout: float = 600.0  # migration, seeding, rebuilds

    redis_url: str = ""  # empty: `flock run` starts an embedded redis-server
    redis_port: int = 6379  # the embedded server's port
    typesense_url: str = ""  # empty: `flock run` starts the embedded Typesense
    typesense_port: int = 8108  # the embedded server's API port
    typesense_peering_port: int = 8107
    typesense_api_key: str = ""  # empty: generated and kept in var/typesense/api-key

    secret_key: str = ""  # empty: generated and kept in var/secret-key
    data_key: str = ""  # FLOCK_DATA_KEY; empty: generated and kept in var/data-key (never archived)
    data_index_key: str = ""  # empty: generated and kept in var/data-index-key (never archived)
    access_token_ttl: int = 900
    refresh_token_ttl: int = 30 * 24 * 3600
    oauth_token_ttl: int = 365 * 24 * 3600  # an app's access token (apps rarely refresh)
    oauth_code_ttl: int = 600  # an authorization code, unspent
    session_ttl: int = 14 * 24 * 3600
    cookie_secure: bool = False  # on by itself with FLOCK_TLS_CERT
    tls_cert: str = ""  # with tls_key: the app serves HTTPS (and HSTS, secure cookies)
    tls_key: str = ""
    ca_file: str = ""  # CA bundle that rediss://, neo4j+s:// and https:// Typesense verify with
    max_body_bytes: int = 1024 * 1024
    login_max_attempts: int = 5  # failed log-ins per account per window
    login_max_attempts_per_address: int = 50  # failed log-ins per client address per window
    login_window_seconds: int = 900
    posts_per_hour: int = 300  # tweets and replies per account per hour
    follows_per_hour: int = 400  # follows per account per hour
    uploads_per_hour: int = 100  # image uploads per account per hour
    signups_per_hour_per_address: int = 20  # new accounts per client address per hour
    trusted_proxies: str = ""  # comma-separated addresses or networks whose X-Forwarded-For counts
    metrics_token: str = ""  # empty: /metrics answers loopback clients only
    worker_metrics_port: int = 0  # a worker serves its own /metrics here (0: through the app's)

    timeline_cap: int = 800
    active_days: int = 7
    fanout_limit: int = 10_000
    # A cold home page of a viewer following at least this many accounts is read from the
    # newest `cold_scan_window` posts and reposts of the site (queries/home_timeline_ids_recent)
    cold_scan_following: int = Field(default=500, ge=1)
    cold_scan_window: int = Field(default=1000, ge=10, le=100_000)
    discovery_cache_seconds: int = 120
    stream_heartbeat_seconds: float = 15.0  # a comment line on open live-update streams
    streams_per_account: int = 5  # open live-update streams one account may hold (then 429)
    streams_per_process: int = 1000  # ... one app process serves (then 503)
    streams_max: int = 20_000  # ... the whole site serves (then 503)

    media_backend: str = "disk"  # disk | s3
    media_dir: str = ""  # empty: var/media
    media_max_bytes: int = 5 * 1024 * 1024
    link_cards: bool = True  # a preview card for the first link of a post (jobs/tasks/link_cards)
    link_card_seconds: float = 4.0  # the whole fetch of a page (and of its picture), at most
    link_card_max_bytes: int = 1024 * 1024  # of a page read for its card
    link_card_allow_nets: str = ""  # CIDRs fetched though not public (an intranet; the tests)
    media_base_url: str = ""  # images linked at this origin (a CDN in front of /media); empty: here
    s3_bucket: str = "flock-media"
    s3_endpoint_url: str = ""

    backup_key: str = ""  # an age identity (AGE-SECRET-KEY-1...): `flock backup keygen` makes one
    backup_to: str = ""  # a folder or s3://bucket/prefix; empty: var/backups
    backup_every_hours: float = 0.0  # the workers back up this often; 0: only `flock backup`
    backup_keep: int = 7  # archives kept at backup_to by scheduled backups (the newest)
    # The graph algorithms (jobs/algorithms/) run by the workers this often; 0: only by
    # `flock analytics run`.
    analytics_every_hours: float = 0.0

    @field_validator("var_dir")
    @classmethod
    def absolute_var_dir(cls, value: Path) -> Path:
        return value.resolve()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the variables (no .env file, no secrets dir); only the given ones in from_env."""
        return (init_settings,) if _GIVEN_ENVIRONMENT.get() else (init_settings, env_settings)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, generate_secrets: bool = True
    ) -> Settings:
        """The settings from the process environment, or from `environ` alone when given;
        malformed values fail loudly. Empty secrets are filled from files under var/ (unless
        `generate_secrets` is false: a restore brings its own)."""
        try:
            settings = cls._read(environ)
        except ValidationError as error:
            raise ValueError("; ".join(_plain(item) for item in error.errors())) from None
        return settings.with_generated_secrets() if generate_secrets else settings

    @classmethod
    def _read(cls, environ: Mapping[str, str] | None) -> Settings:
        if environ is None:
            return cls()
        known = {
            key[len(PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(PREFIX) and key[len(PREFIX) :].lower() in cls.model_fields
        }
        token = _GIVEN_ENVIRONMENT.set(True)
        try:
            return cls(**known)
        finally:
            _GIVEN_ENVIRONMENT.reset(token)

    def with_running_stack(self) -> Settings:
        """These settings with the service URLs left unset filled from the stack that `flock run`
        records under the var directory (`stack.json`); raises NoStackRunning when a URL is
        unset and no stack is running there."""
        urls = ("neo4j_uri", "redis_url", "typesense_url")
        if all(getattr(self, name) for name in urls):
            return self
        record = running_stack(self.var_dir)
        if record is None:
            raise NoStackRunning(
                f"no Flock stack is running under {self.var_dir} (start one with `make run`, "
                "or set FLOCK_NEO4J_URI, FLOCK_REDIS_URL and FLOCK_TYPESENSE_URL)"
            )
        return self.replace(
            **{name: record[name] for name in urls if not getattr(self, name) and record[name]}
        )

    def with_generated_secrets(self) -> Settings:
        """Fill empty secrets and data keys from files under var/, creating them on first
        use."""
        updates = {
            name: _kept_secret(self.var_dir / path)
            for name, path in KEPT_SECRETS.items()
            if not getattr(self, name)
        }
        for name, path in DATA_KEYS.items():
            if not getattr(self, name):
                updates[name] = _kept_secret(self.var_dir / path, DATA_KEY_MAKERS[name])
        return self.replace(**updates) if updates else self

    def with_kept_data_keys(self) -> Settings:
        """Empty data keys filled from var/ where they are kept (none is generated)."""
        updates = {
            name: (self.var_dir / path).read_text().strip()
            for name, path in DATA_KEYS.items()
            if not getattr(self, name) and (self.var_dir / path).exists()
        }
        return self.replace(**updates) if updates else self

    def replace(self, **changes: object) -> Settings:
        """A copy with some fields changed (validated like the environment's values)."""
        token = _GIVEN_ENVIRONMENT.set(True)
        try:
            return type(self)(**{**self.model_dump(), **changes})
        finally:
            _GIVEN_ENVIRONMENT.reset(token)

    def as_env(self) -> dict[str, str]:
        """These settings as `FLOCK_*` variables, to hand to a child process."""
        env = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            env[f"{PREFIX}{name.upper()}"] = (
                ("1" if value else "0") if isinstance(value, bool) else str(value)
            )
        return env

    @property
    def media_path(self) -> Path:
        return Path(self.media_dir) if self.media_dir else self.var_dir / "media"

    @property
    def hypercorn_workers(self) -> int:
        """Hypercorn worker processes: FLOCK_WEB_WORKERS, else one per core of this machine
        (one Python process serves on one core: more of them are the way to more pages)."""
        return self.web_workers or len(os.sched_getaffinity(0)) or 1

    @property
    def serves_tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)

    @property
    def app_url(self) -> str:
        return f"{'https' if self.serves_tls else 'http'}://{self.host}:{self.port}"

    @property
    def backup_target(self) -> str:
        """Where archives go: FLOCK_BACKUP_TO, or the folder var/backups."""
        return self.backup_to or str(self.var_dir / "backups")


class NoStackRunning(RuntimeError):
    """A command needs the services, and neither a URL nor a running stack names them."""


def running_stack(var_dir: Path) -> dict | None:
    """What `flock run` recorded under var_dir, if the process that recorded it still runs."""
    try:
        record = json.loads((var_dir / STACK_FILE).read_text())
        os.kill(int(record["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return record


def _plain(error: dict) -> str:
    """One validation error as the variable's name, its value and what is wrong with it."""
    name = f"{PREFIX}{str(error['loc'][0]).upper()}" if error["loc"] else "settings"
    given = f"{name}={error['input']!r}"
    if error["type"] in ("int_parsing", "float_parsing", "int_from_float"):
        return f"{given} is not a number"
    if error["type"] == "bool_parsing":
        return f"{given} is not a boolean (use 1 or 0)"
    return f"{given}: {error['msg']}"


def keep_secret(path: Path, value: str) -> None:
    """Write a secret where `with_generated_secrets` reads it (readable by the owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value)


def _kept_secret(path: Path, make=lambda: secrets.token_urlsafe(32)) -> str:
    """Read a generated secret, or generate and keep one (readable by the owner only)."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process generated it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(value)
    return value
