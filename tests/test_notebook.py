"""The analysts' notebook (docs/notebooks/flock-graph.ipynb) runs top to bottom against the test
stack, in a real Jupyter kernel, and saves its plots."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebooks" / "flock-graph.ipynb"


def test_the_notebook_runs_top_to_bottom_and_saves_its_plots(settings, http, new_user, tmp_path):
    people = [new_user("nb") for _ in range(6)]
    for a in people:
        for b in people[:3]:
            if a is not b:
                response = http.put(f"/api/users/{b['username']}/follow", headers=a["auth"])
                assert response.status_code == 200, response.text
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    env = {**settings.as_env(), "FLOCK_NOTEBOOK_FIGURES": str(tmp_path)}
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute(env={**os.environ, **env})
    for name in ("degree_distribution", "pagerank_top", "communities", "who_to_follow_quality"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000, name
    outputs = "".join(
        str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "recall@10" in outputs and "Adamic-Adar" in outputs
    assert "pagerank" in outputs
