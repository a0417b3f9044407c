"""Nothing names what is gone: every file path, module and named statement mentioned in the
code (comments and docstrings included), the `.cypher` headers and the Markdown docs exists.

Runs without a stack: it reads the tree.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import tokenize
from pathlib import Path

from cypher import header_params, header_required, names

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flock", "api", "web", "graph", "jobs", "cypher")
FOLDERS = (*PACKAGES, "tests", "bench", "docs", "deploy")
SUFFIXES = "py|cypher|md|html|css|js|yaml|yml|toml|json|template|xml|txt|svg|png|rules|conf"
PATH = re.compile(
    rf"(?<![\w/.-])((?:{'|'.join(FOLDERS)})/(?:[\w/.-]*\.(?:{SUFFIXES})\b|(?:[\w-]+/)*))"
)
MODULE = re.compile(rf"(?<![\w/.-])((?:{'|'.join(PACKAGES)})(?:\.[a-z_][a-z0-9_]*)+)(?![\w(])")
STATEMENT = re.compile(r"(?<![\w/.-])((?:queries|analytics|schema|audit|backup|seed)/[a-z0-9_]+)\b")
# Words that look like module names but are not: file names and hosts.
NOT_MODULES = re.compile(r"\.(gz|jsonl|css|js|dev|org|com|io|local)\b")


def _texts() -> dict[str, str]:
    """Every file a reader would follow a name from."""
    files = [
        path
        for folder in (*PACKAGES, "tests", "bench")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".cypher", ".md", ".html")
    ]
    files += [ROOT / "README.md", ROOT / "pyproject.toml", ROOT / "compose.yaml"]
    files += list((ROOT / "docs").rglob("*.md")) + list((ROOT / "deploy").rglob("*.md"))
    return {p.relative_to(ROOT).as_posix(): p.read_text() for p in files if p.is_file()}


def test_every_file_path_mentioned_exists():
    missing = sorted(
        f"{name}: {path}"
        for name, text in _texts().items()
        for path in set(PATH.findall(text))
        if not (ROOT / path).exists() and "*" not in path
    )
    assert missing == []


def test_every_module_mentioned_exists():
    """In Python, what comments and docstrings name (code is checked by running it); logger
    names (`flock.timelines`) are names, not modules."""
    texts = _texts()
    loggers = {n for text in texts.values() for n in re.findall(r'getLogger\("([\w.]+)"\)', text)}
    missing = sorted(
        f"{name}: {dotted}"
        for name, text in texts.items()
        for dotted in set(MODULE.findall(_prose(name, text)))
        if dotted not in loggers and not NOT_MODULES.search(dotted) and not _resolves(dotted)
    )
    assert missing == []


def test_every_named_statement_mentioned_exists():
    known = {n for folder in ("queries", "analytics", "schema", "audit", "backup", "seed")
             for n in names(folder)}  # fmt: skip
    missing = sorted(
        f"{name}: {statement}"
        for name, text in _texts().items()
        for statement in set(STATEMENT.findall(text))
        if statement not in known and not (ROOT / statement).exists()
    )
    assert missing == []


def test_each_analytics_query_has_one_parameter_header_that_gives_its_defaults():
    from graph.analytics import catalogue

    for query in catalogue():
        name = f"analytics/{query.name}"
        text = (ROOT / "cypher" / f"{name}.cypher").read_text()
        assert text.count(":params") == 1 and "// params:" not in text, name
        given = header_params(name)
        assert query.required == header_required(name), name
        assert query.defaults == {k: v for k, v in given.items() if k not in query.required}
        used = set(re.findall(r"\$(\w+)", text.partition("*/")[2]))
        assert used == set(given), name


def _prose(name: str, text: str) -> str:
    """What a reader reads as prose: a Python file's comments and docstrings, else all."""
    if not name.endswith(".py"):
        return text
    comments = [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type == tokenize.COMMENT
    ]
    docstrings = [
        ast.get_docstring(node) or ""
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    return "\n".join(comments + docstrings)


def _resolves(dotted: str) -> bool:
    """A module, or a name defined in one (`graph.posts.post_tweet`)."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        module = ".".join(parts[:n])
        path = ROOT.joinpath(*parts[:n])
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            rest = parts[n:]
            if not rest:
                return True
            found = importlib.import_module(module)
            for attribute in rest:
                if not hasattr(found, attribute):
                    return False
                found = getattr(found, attribute)
            return True
    return False
