"""The CLI as a user meets it: clear messages and exit codes, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_commands() -> None:
    result = kabar("--help")
    assert result.returncode == 0
    for name in ("list", "show", "export"):
        assert name in result.stdout


def test_list_on_missing_path_is_one_line_error() -> None:
    result = kabar("list", "/no/such/place")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no such file or folder" in result.stderr


def test_export_json_on_seeds_is_versioned() -> None:
    result = kabar("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert len(data["articles"]) == 5
    assert all(a["paragraphs"] for a in data["articles"])


def test_show_unknown_id_is_an_error(tmp_path: Path) -> None:
    result = kabar("show", "nope")
    assert result.returncode == 1
    assert "no article with id" in result.stderr
