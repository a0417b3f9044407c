"""Where a process spent its samples, from a py-spy profile in collapsed-stack form
(`py-spy record --format raw`, as `bench/timeline_bench.py --profile DIR` writes them).

    .venv/bin/python bench/profile_summary.py DIR/warm.txt [--top 25]

Prints the share of samples in which each library (by the path of its frames) and each
function appear anywhere on the stack (inclusive), so a row reads "x% of the time was spent
in, or below, this".
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# Which library a frame belongs to, by its file: the first pattern that matches names it.
LIBRARIES = [
    ("redis-py", r"/redis/"),
    ("hiredis", r"hiredis"),
    ("hypercorn + h11", r"/hypercorn/|/h11/"),
    ("quart + werkzeug", r"/quart/|/werkzeug/"),
    ("quart-schema + pydantic", r"/quart_schema/|/pydantic"),
    ("json (orjson, json)", r"orjson|/json/"),
    ("logging", r"/logging/|pythonjsonlogger"),
    ("prometheus-client", r"/prometheus_client/"),
    ("jwt", r"/jwt/"),
    ("neo4j driver", r"/neo4j/"),
    ("asyncio + uvloop", r"/asyncio/|uvloop"),
    ("flock: api/", r"/api/\w+\.py"),
    ("flock: graph/", r"/graph/\w+\.py"),
    ("flock: jobs/", r"/jobs/"),
    ("flock: web/ and flock/", r"/web/\w+\.py|/flock/\w+\.py"),
]
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    libraries, functions, total, idle = Counter(), Counter(), 0, 0
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [FRAME.match(f) for f in stack.split(";")]
        frames = [f for f in frames if f]
        if frames and frames[-1]["function"] in ("select", "poll", "epoll_wait", "run_once"):
            idle += n
        seen_libraries, seen_functions = set(), set()
        for frame in frames:
            for name, pattern in LIBRARIES:
                if re.search(pattern, frame["file"]):
                    seen_libraries.add(name)
                    break
            short = f"{frame['function']} ({Path(frame['file']).parent.name}/"
            seen_functions.add(short + f"{Path(frame['file']).name})")
        libraries.update(seen_libraries)
        functions.update(seen_functions)
    print(f"{total} samples ({100 * idle / max(total, 1):.0f}% waiting for events)")
    print()
    print("| library (inclusive) | share of samples |")
    print("| --- | ---: |")
    for name, n in libraries.most_common():
        print(f"| {name} | {100 * n / total:.0f}% |")
    print()
    print("| function (inclusive) | share of samples |")
    print("| --- | ---: |")
    for name, n in functions.most_common(args.top):
        print(f"| `{name}` | {100 * n / total:.0f}% |")


if __name__ == "__main__":
    main()
