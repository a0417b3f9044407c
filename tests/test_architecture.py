"""The dependency rule (pyproject.toml, [tool.importlinter]) holds, and covers every module.

Faces (api, web) -> use cases (graph) -> events -> tasks -> stores and the queue -> connections
(flock.core.db) -> settings: arrows point one way, so after-effects have one door (jobs/events.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flock", "api", "web", "graph", "jobs", "cypher")


def test_imports_follow_the_layers():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_module_has_a_layer():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    placed = {
        name
        for contract in config["contracts"]
        for layer in contract["layers"]
        for name in re.split(r"[|:\s\\]+", layer)
        if name
    }
    unplaced = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            module = module.removesuffix(".__init__")
            parts = module.split(".")
            if module in PACKAGES:
                continue  # a package's own __init__ (a docstring)
            if not any(".".join(parts[:n]) in placed for n in range(1, len(parts) + 1)):
                unplaced.append(module)
    assert unplaced == [], f"give these a layer in pyproject.toml: {unplaced}"


def test_only_graph_db_sends_the_named_statements():
    """Every `statement(...)` is read by flock.core.db (the analysts' named queries by
    graph.analytics): nothing else loads Cypher text."""
    loaders = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if re.search(r"\bstatement\(", path.read_text()) and path.parent.name != "cypher":
                loaders.add(path.relative_to(ROOT).as_posix())
    assert loaders <= {"flock/core/db.py", "graph/analytics.py"}, loaders


def test_every_cypher_file_names_itself_and_gives_example_params():
    """Each statement opens with its name and a `:params {...}` line for Neo4j Browser that
    gives every $parameter it uses."""
    for path in sorted((ROOT / "cypher").rglob("*.cypher")):
        name = path.relative_to(ROOT / "cypher").with_suffix("").as_posix()
        text = path.read_text()
        header, _, body = text.partition("*/\n")
        lines = header.splitlines()
        assert lines[:2] == ["/*", f"name: {name}"], name
        given = set(re.findall(r"(\w+):", lines[2].removeprefix(":params")))
        assert lines[2].startswith(":params {"), name
        assert set(re.findall(r"\$(\w+)", body)) <= given, name


def test_the_data_directory_is_var_at_the_top_of_the_repository(monkeypatch):
    """`make run` keeps its data (and Neo4j's jars) under ./var, whatever folder the settings
    module sits in."""
    from flock.core.settings import Settings

    monkeypatch.delenv("FLOCK_VAR_DIR", raising=False)
    assert Settings.from_env({}, generate_secrets=False).var_dir == ROOT / "var"
