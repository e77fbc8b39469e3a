"""Suite-wide settings: no test (nor the CLI it runs) touches the user's real cache or config,
the cache is off unless a test turns it on, so monkeypatched stages are never skipped by a
hit, and everyone runs in the same locale."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def private_cache_dir() -> Iterator[str]:
    """Subprocesses inherit these variables too."""
    saved = {name: os.environ.get(name) for name in ("KABAR_CACHE_DIR", "KABAR_NO_CACHE")}
    with tempfile.TemporaryDirectory(prefix="kabar-test-cache-") as folder:
        os.environ["KABAR_CACHE_DIR"] = folder
        os.environ["KABAR_NO_CACHE"] = "1"
        yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def predictable_terminal(monkeypatch) -> None:
    """Commands pick their language from the environment and the reader its default theme
    from the terminal's colours: tests expect English and a truecolour terminal."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "NO_COLOR", "TMUX", "STY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache as the suite's shared folder, for modules whose subject it is
    (`pytestmark = pytest.mark.usefixtures("cache_on")`): module fixtures index into it once."""
    monkeypatch.delenv("KABAR_NO_CACHE", raising=False)


@pytest.fixture
def private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The cache on, in a folder of this test's own: nothing another test stored is found."""
    monkeypatch.delenv("KABAR_NO_CACHE", raising=False)
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"
