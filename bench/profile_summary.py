"""Where a process spent its samples, from a py-spy profile in collapsed-stack form
(`py-spy record --format raw`, as `bench/timeline_bench.py --profile DIR` writes them).

    .venv/bin/python bench/profile_summary.py DIR/warm.txt [--top 25]

Prints the share of samples in which each library (by the path of its frames) and each
function appear anywhere on the stack (inclusive: "x% of the time was spent in, or below,
this"), and the share each library takes as the innermost one on the stack (where the time
itself went; what is left is the standard library, asyncio and uvloop).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

# Which library a frame belongs to, by its file: the first pattern that matches names it.
LIBRARIES = [
    ("redis-py", r"(^|/)redis/"),
    ("hiredis", r"hiredis"),
    ("hypercorn + h11", r"(^|/)(hypercorn|h11)/"),
    ("quart-schema + pydantic", r"(^|/)(quart_schema|pydantic\w*)/"),
    ("quart + werkzeug", r"(^|/)(quart|werkzeug)/"),
    ("json (orjson, json)", r"orjson|(^|/)json/"),
    ("logging", r"(^|/)(logging|pythonjsonlogger)/"),
    ("prometheus-client", r"(^|/)prometheus_client/"),
    ("jwt", r"(^|/)jwt/"),
    ("neo4j driver", r"(^|/)neo4j/"),
    ("flock: api/", r"^api/"),
    ("flock: graph/", r"^graph/"),
    ("flock: jobs/", r"^jobs/"),
    ("flock: web/ and flock/", r"^(web|flock)/"),
]
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    by_process: dict[str, list[tuple[list, int]]] = {}
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        parts = stack.split(";")
        processes = [p for p in parts if p.startswith("process ")]
        frames = [m for p in parts if not p.startswith("process ") and (m := FRAME.match(p))]
        process = processes[-1].split(":")[0] if processes else "?"
        by_process.setdefault(process, []).append((frames, int(count)))
    # The busiest process: the one serving (Hypercorn's parent only watches it).
    process, samples = max(by_process.items(), key=lambda kv: sum(n for _, n in kv[1]))
    libraries, functions, total = Counter(), Counter(), 0
    innermost = Counter()  # each sample to the library of its innermost frame that has one
    for frames, n in samples:
        total += n
        innermost[_innermost_library(frames)] += n
        seen_libraries, seen_functions = set(), set()
        for frame in frames:
            for name, pattern in LIBRARIES:
                if re.search(pattern, frame["file"]):
                    seen_libraries.add(name)
                    break
            seen_functions.add(f"{frame['function']} ({frame['file']})")
        libraries.update(seen_libraries)
        functions.update(seen_functions)
    print(f"{total} samples of {process} (py-spy leaves out idle ones)")
    print()
    print("| library (inclusive) | share of samples |")
    print("| --- | ---: |")
    for name, n in libraries.most_common():
        print(f"| {name} | {100 * n / total:.0f}% |")
    print()
    print("| library (innermost frame: where the time itself went) | share of samples |")
    print("| --- | ---: |")
    for name, n in innermost.most_common():
        print(f"| {name} | {100 * n / total:.0f}% |")
    print()
    print("| function (inclusive) | share of samples |")
    print("| --- | ---: |")
    for name, n in functions.most_common(args.top):
        print(f"| `{name}` | {100 * n / total:.0f}% |")


def _innermost_library(frames) -> str:
    for frame in reversed(frames):
        for name, pattern in LIBRARIES:
            if re.search(pattern, frame["file"]):
                return name
    return "Python itself, asyncio, uvloop"


if __name__ == "__main__":
    main()
