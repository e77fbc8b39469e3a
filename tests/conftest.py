"""Shared test setup: never read or write the real user's config directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(folder))
    return folder
