"""Every Cypher statement Flock sends, one named `.cypher` file each, `$parameters` only.

`statement("queries/tweet_by_id")` returns the text of `cypher/queries/tweet_by_id.cypher`.
Folders: `schema/` (constraints and indexes, applied at start-up), `queries/` (what the app
asks and writes), `analytics/` (documented read-only queries for data scientists).
"""

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
