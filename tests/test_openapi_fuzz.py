"""Schemathesis over the API's OpenAPI documents, against the running test stack, signed in: no
input it makes gives a server error, a status code the document does not list, or a response
that does not match its documented shape. Flock's own API (`/api/openapi.json`) and the
Mastodon client API (`/api/mastodon/openapi.json`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance"
EXAMPLES_PER_OPERATION = "12"


def _schemathesis(document: str, token: str, seed: str, tmp_path: Path, *extra: str) -> str:
    """Its output, once the run passed and made a few hundred cases at least."""
    schemathesis = Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [
            str(schemathesis), "run", document,
            "--checks", CHECKS,
            "--max-examples", EXAMPLES_PER_OPERATION,
            "--seed", seed,
            "--header", f"Authorization: Bearer {token}",
            "--request-timeout", "60",
            "--suppress-health-check", "all",
            "--report-dir", str(tmp_path),
            *extra,
        ],
        capture_output=True, text=True, timeout=1200,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    generated = int(re.search(r"(\d+) generated", result.stdout).group(1))
    assert generated >= 300, result.stdout[-3000:]
    return result.stdout


def test_the_api_keeps_to_its_openapi_document(base_url, new_user, tmp_path):
    user = new_user("fz")
    out = _schemathesis(
        f"{base_url}/api/openapi.json", user["access"], "20261127", tmp_path,
        # logout would end the run's own token; a stream never ends (tests/test_streaming.py)
        "--exclude-path-regex", "^/api/(auth/logout|streaming)",
    )  # fmt: skip
    assert "✅ Stateful" in out, out[-3000:]  # links were followed


def test_the_mastodon_api_keeps_to_its_openapi_document(base_url, new_user, tmp_path):
    user = new_user("fm")
    _schemathesis(f"{base_url}/api/mastodon/openapi.json", user["access"], "20261207", tmp_path)
