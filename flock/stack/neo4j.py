"""The embedded Neo4j 5.26 Community server: jars from Maven Central, a generated neo4j.conf,
the real `org.neo4j.server.CommunityEntryPoint`, and the initial password set on first start."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from flock.stack.processes import ManagedProcess, StackError, tcp_accepts

POM = Path(__file__).with_name("pom.xml")
NEO4J_VERSION = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", POM.read_text()).group(1)

# What Neo4j's own bootloader passes on Java 17 for Netty and the page cache.
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


def check_java() -> None:
    """Stop at once, with how to fix it, when Java 17 or newer is missing."""
    java = shutil.which("java")
    if java is None:
        raise StackError(
            "Java 17 or newer is required to run Neo4j and was not found on PATH.\n"
            "  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(match.group(1)) if match else 0
    if major == 1 and match and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < 17:
        raise StackError(
            f"Java 17 or newer is required to run Neo4j {NEO4J_VERSION}; found: "
            f"{out.splitlines()[0] if out else 'unknown'}.\n"
            "  Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless"
        )


def check_maven() -> None:
    """Stop at once, with how to fix it, when Maven is missing."""
    if shutil.which("mvn") is None:
        raise StackError(
            "Maven (mvn) is required to resolve Neo4j's jars from Maven Central.\n"
            "  Debian/Ubuntu: sudo apt-get install maven"
        )


def resolve_jars(cache_dir: Path) -> Path:
    """The folder of Neo4j's jars, resolved from Maven Central once and then reused."""
    lib = cache_dir / f"neo4j-{NEO4J_VERSION}" / "lib"
    done = lib / ".complete"
    if done.exists():
        return lib
    check_maven()
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    log_path = lib.parent / "maven.log"
    print(f"Resolving Neo4j {NEO4J_VERSION} from Maven Central (first run only)...", flush=True)
    argv = [
        "mvn", "-B", "-f", str(POM),
        "dependency:copy-dependencies", f"-DoutputDirectory={lib}",
    ]  # fmt: skip
    files, kilobytes = 0, 0.0
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            log.write(line)
            size = re.search(r"Downloaded from \S+: \S+ \(([\d.]+) (kB|MB|B)", line)
            if size:
                files += 1
                amount = float(size.group(1))
                kilobytes += {"B": amount / 1024, "kB": amount, "MB": amount * 1024}[size.group(2)]
                print(
                    f"\r  downloaded {files} files, {kilobytes / 1024:.1f} MB", end="", flush=True
                )
        proc.wait()
    print(flush=True)
    if proc.returncode != 0:
        shutil.rmtree(lib, ignore_errors=True)
        raise StackError(
            f"Could not resolve Neo4j {NEO4J_VERSION} from Maven Central "
            f"(is the network or a Maven mirror reachable?). Maven's output: {log_path}"
        )
    done.write_text(NEO4J_VERSION)
    return lib


def write_conf(home: Path, bolt_port: int, heap: str, pagecache: str) -> Path:
    """Generate neo4j.conf for a loopback-only server sized for a small machine."""
    conf_dir = home / "conf"
    conf_dir.mkdir(parents=True, exist_ok=True)
    settings = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{bolt_port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        # Defence in depth under the named-queries-only analytics endpoint: no reading the
        # server's files, and no fetching any URL, with LOAD CSV.
        "dbms.security.allow_csv_import_from_file_urls": "false",
        "internal.dbms.cypher_ip_blocklist": "0.0.0.0/0,::/0",  # (dbms.cypher.ip_blocklist)
        "server.memory.heap.initial_size": heap,
        "server.memory.heap.max_size": heap,
        "server.memory.pagecache.size": pagecache,
        "db.transaction.timeout": "60s",
        "db.shutdown_transaction_end_timeout": "2s",
        "server.directories.data": str(home / "data"),
        "server.directories.logs": str(home / "logs"),
        "server.directories.run": str(home / "run"),
    }
    conf = conf_dir / "neo4j.conf"
    conf.write_text(
        "# Generated by `flock` on every start; edit FLOCK_* settings instead.\n"
        + "".join(f"{key}={value}\n" for key, value in settings.items())
    )
    return conf_dir


def neo4j_process(
    home: Path, lib: Path, bolt_port: int, heap: str, pagecache: str
) -> ManagedProcess:
    """The CommunityEntryPoint process, launched the way Neo4j's own bootloader does."""
    conf_dir = write_conf(home, bolt_port, heap, pagecache)
    java = shutil.which("java") or "java"
    argv = [
        java, f"-Xms{heap}", f"-Xmx{heap}", *JVM_OPTIONS,
        "-cp", f"{conf_dir}:{lib}/*",
        "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={home}", f"--config-dir={conf_dir}",
    ]  # fmt: skip
    return ManagedProcess(
        name="neo4j",
        argv=argv,
        log_path=home / "logs" / "console.log",
        ready=lambda: tcp_accepts("127.0.0.1", bolt_port),
        cwd=home,
        ready_timeout=180.0,
    )


def ensure_password(uri: str, user: str, password: str, timeout: float = 60.0) -> None:
    """Set the generated password on a new database (the default `neo4j` must be changed)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with GraphDatabase.driver(uri, auth=(user, password)) as driver:
                driver.verify_connectivity()
                return
        except AuthError:
            break
        except ServiceUnavailable:
            if time.monotonic() > deadline:
                raise StackError(f"Neo4j at {uri} did not accept connections") from None
            time.sleep(0.5)
    try:
        with GraphDatabase.driver(uri, auth=(user, "neo4j")) as driver:
            driver.execute_query(
                "ALTER CURRENT USER SET PASSWORD FROM $old TO $new",
                old="neo4j", new=password, database_="system",
            )  # fmt: skip
    except AuthError:
        print(
            "Neo4j rejected both the kept password and the default one; the password file "
            "under var/neo4j does not match this database.",
            file=sys.stderr,
        )
        raise StackError("Neo4j password mismatch; see var/neo4j/password") from None
