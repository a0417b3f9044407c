"""Query results printed for people (an aligned table) or for tools (CSV, JSON lines)."""

from __future__ import annotations

import csv
import json
from typing import IO, Any

MAX_CELL = 60


def write_result(result, fmt: str, out: IO[str]) -> None:
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(result.columns)
        writer.writerows([[_text(v, None) for v in row] for row in result.rows])
    elif fmt == "json":
        for row in result.rows:
            out.write(json.dumps(dict(zip(result.columns, row, strict=True)), default=str) + "\n")
    else:
        _table(result.columns, result.rows, out)


def _table(columns: list[str], rows: list[list[Any]], out: IO[str]) -> None:
    cells = [[_text(v, MAX_CELL) for v in row] for row in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    out.write(line.rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _text(value: Any, limit: int | None) -> str:
    text = "" if value is None else value if isinstance(value, str) else json.dumps(value)
    text = text.replace("\n", " ")
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"
