"""Suite-wide settings: no test (nor the CLI it runs) touches the user's real cache, and the
cache is off unless a test turns it on, so monkeypatched stages are never skipped by a hit."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

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
