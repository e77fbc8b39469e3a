"""A normal, non-editable install must carry the seeds, themes and data files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("kabar_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_has_every_seed_byte_for_byte(wheel_names: set[str]) -> None:
    seeds = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert len(seeds) == 5
    for name in seeds:
        assert f"kabar_tui/_bundled/seeds/{name}" in wheel_names


def test_wheel_has_themes_and_data_files(wheel_names: set[str]) -> None:
    for theme in (ROOT / "themes").glob("*.toml"):
        assert f"kabar_tui/_bundled/themes/{theme.name}" in wheel_names
    for data in (ROOT / "kabar_tui" / "data").rglob("*"):
        if data.is_file() and data.suffix not in {".py", ".pyc"}:
            assert data.relative_to(ROOT).as_posix() in wheel_names


def test_wheel_has_the_compiled_interface_catalogs(wheel_names: set[str]) -> None:
    catalogs = list((ROOT / "kabar_tui" / "locale").rglob("kabar.mo"))
    assert catalogs
    for catalog in catalogs:
        assert catalog.relative_to(ROOT).as_posix() in wheel_names
