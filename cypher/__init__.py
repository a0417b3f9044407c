"""Every Cypher statement Flock sends, one named `.cypher` file each, `$parameters` only.

`statement("queries/post_edit")` returns the text of `cypher/queries/post_edit.cypher`.
Folders: `schema/` (constraints and indexes, applied at start-up), `queries/` (what the app
asks and writes), `analytics/` (documented read-only queries for data scientists),
`algorithms/` (the graph algorithms' reads and write-backs), `export/` (`flock export`'s
pages), `audit/`, `backup/` and `seed/`. The bottom layer: it imports nothing of the app.

Each file opens with a header that Neo4j Browser can paste:

    /*
    name: analytics/mutual_follows
    :params {username: "ann", limit: 50}
    required: username
    */

`:params` gives an example of every parameter (warm-up runs `queries/` with them; for
`analytics/` they are the defaults), `required:` the parameters a caller must give.
"""

import json
import re
from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


@cache
def statement(name: str) -> str:
    """The text of the named statement; a missing name is a programming error."""
    return (HERE / f"{name}.cypher").read_text()


def names(folder: str) -> list[str]:
    """The statement names in one folder, sorted (`schema` is applied in this order)."""
    return sorted(f"{folder}/{path.stem}" for path in (HERE / folder).glob("*.cypher"))


@cache
def header_params(name: str) -> dict:
    """The statement's `:params {...}` header as a dict (its example or default parameters)."""
    line = _header(name)[2].removeprefix(":params").strip()
    return json.loads(re.sub(r"([{,]\s*)(\w+)\s*:", r'\1"\2":', line))


def header_required(name: str) -> list[str]:
    """The parameters the header's `required:` line names (none without one)."""
    for line in _header(name)[3:]:
        if line.startswith("required:"):
            return [p.strip() for p in line.removeprefix("required:").split(",") if p.strip()]
    return []


def _header(name: str) -> list[str]:
    return statement(name).partition("*/")[0].splitlines()
