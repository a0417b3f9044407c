"""Load from `wrk` (Debian's native load generator), with the CPU it and the measured server
spent per request, so that a benchmark can show it measured the server and not itself."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Requests drawn per request from files named by environment variables (one line each), so that
# every user's token, every path, every body is used: FLOCK_BENCH_TOKENS holds tokens,
# FLOCK_BENCH_PATHS holds "<weight> <method> <path>" lines ("{u}" in a path is replaced by the
# username on the token's line, written "<token> <username>").
WRK_SCRIPT = """
local users = {}
for line in io.lines(os.getenv("FLOCK_BENCH_TOKENS")) do
  local token, name = line:match("^(%S+)%s*(%S*)$")
  users[#users + 1] = {token = token, name = name}
end
local paths, total = {}, 0
for line in io.lines(os.getenv("FLOCK_BENCH_PATHS")) do
  local weight, method, path = line:match("^(%d+) (%S+) (%S+)$")
  total = total + tonumber(weight)
  paths[#paths + 1] = {upto = total, method = method, path = path}
end
local counter = 0
init = function(args) math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16)) end
request = function()
  local user = users[math.random(#users)]
  local pick = math.random(total)
  local chosen = paths[#paths]
  for _, p in ipairs(paths) do
    if pick <= p.upto then chosen = p break end
  end
  local headers = {["Authorization"] = "Bearer " .. user.token}
  if os.getenv("FLOCK_BENCH_GZIP") == "1" then headers["Accept-Encoding"] = "gzip" end
  local path = chosen.path:gsub("{u}", user.name)
  if chosen.method == "POST" then
    counter = counter + 1
    headers["Content-Type"] = "application/json"
    local body = '{"text": "bench note ' .. counter .. ' ' .. math.random(1000000) .. '"}'
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format(chosen.method, path, headers)
end
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    wrk_cpu_ms: float  # the load generator's CPU per request
    server_cpu_ms: float | None  # the measured processes' CPU per request
    machine_busy: float = 0.0  # the share of all cores busy meanwhile (1.0: every core)
    redis_cpu_ms: float | None = None  # Redis's own CPU per request (its process, from /proc)


def _py_spy() -> str:
    beside = Path(sys.executable).parent / "py-spy"  # pip install -e '.[bench]'
    return str(beside) if beside.exists() else shutil.which("py-spy") or "py-spy"


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is needed: sudo apt-get install wrk")
    return found


class Load:
    """wrk against one base URL, with users (token and username per line) and weighted paths."""

    def __init__(self, work: Path, tokens: list[str], usernames: list[str] | None = None):
        self.work = work
        names = usernames or [""] * len(tokens)
        self.users = work / "users"
        self.users.write_text("".join(f"{t} {n}\n" for t, n in zip(tokens, names, strict=True)))
        self.script = work / "load.lua"
        self.script.write_text(WRK_SCRIPT)

    def run(
        self,
        base: str,
        paths: list[tuple[int, str, str]],
        connections: int,
        seconds: int,
        server_pids: list[int] = (),
        users: Path | None = None,
        profile: Path | None = None,
        redis_pids: list[int] = (),
        gzip: bool = False,
        cpus: set[int] | None = None,
    ) -> Result:
        """`paths`: (weight, method, path). `server_pids`: process groups whose CPU to count;
        with `profile`, py-spy samples the first of them meanwhile (collapsed stacks).
        `redis_pids`: Redis's process groups, counted apart. `gzip`: ask for gzip.
        `cpus`: the cores wrk runs on (taskset)."""
        paths_file = self.work / "paths"
        paths_file.write_text("".join(f"{w} {m} {p}\n" for w, m, p in paths))
        spy = None
        if profile is not None and server_pids:
            spy = subprocess.Popen(
                [_py_spy(), "record", "--pid", str(server_pids[0]),
                 "--duration", str(seconds), "--rate", "200", "--nonblocking", "--subprocesses",
                 "--format", "raw", "--output", str(profile)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_before = group_cpu_seconds(server_pids)
        redis_before = group_cpu_seconds(redis_pids)
        busy_before = machine_ticks()
        pin = ["taskset", "-c", ",".join(map(str, sorted(cpus)))] if cpus else []
        ran = subprocess.run(
            [
                *pin, wrk_path(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
                "-s", str(self.script), base,
            ],
            env={
                **os.environ,
                "FLOCK_BENCH_TOKENS": str(users or self.users),
                "FLOCK_BENCH_PATHS": str(paths_file),
                "FLOCK_BENCH_GZIP": "1" if gzip else "0",
            },
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        server_after = group_cpu_seconds(server_pids)
        redis_after = group_cpu_seconds(redis_pids)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if spy is not None:
            spy.wait()  # reaped after the count: its CPU is not wrk's
        busy_after = machine_ticks()
        server_cpu = server_after - server_before if server_pids else None
        try:
            result = parse(ran.stdout, after, before, server_cpu)
        except (AttributeError, KeyError):
            raise RuntimeError(f"wrk said something unexpected:\n{ran.stdout}") from None
        busy, total = (a - b for a, b in zip(busy_after, busy_before, strict=True))
        result.machine_busy = busy / max(total, 1)
        if redis_pids:
            result.redis_cpu_ms = (redis_after - redis_before) * 1000 / max(result.requests, 1)
        return result

    def user_file(self, name: str, tokens: list[str]) -> Path:
        path = self.work / name
        path.write_text("".join(f"{t}\n" for t in tokens))
        return path


def parse(out: str, after, before, server_cpu: float | None) -> Result:
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    wrk_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)),
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)),
        requests=total,
        errors=(int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
        wrk_cpu_ms=wrk_cpu * 1000 / max(total, 1),
        server_cpu_ms=server_cpu * 1000 / max(total, 1) if server_cpu is not None else None,
    )


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def group_cpu_seconds(pgids: list[int]) -> float:
    """User and system CPU of every live process in these process groups (from /proc)."""
    wanted, ticks, total = set(pgids), os.sysconf("SC_CLK_TCK"), 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) in wanted:  # pgrp
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def pin_groups(pgids: list[int], cpus: set[int]) -> None:
    """Every thread of every process in these process groups onto these cores."""
    wanted = set(pgids)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) not in wanted:
                continue
            for task in (stat.parent / "task").iterdir():
                os.sched_setaffinity(int(task.name), cpus)
        except (OSError, ValueError):
            continue  # gone meanwhile
