"""Shared test setup: no real user config directory, and the same locale for everyone."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def english_environment(monkeypatch) -> None:
    """Commands pick their language from the environment; tests expect English."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
