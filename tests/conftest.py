"""Suite-wide settings: no test (nor the CLI it runs) ever touches the user's real cache."""

from __future__ import annotations

import os
import tempfile

import pytest


@pytest.fixture(autouse=True, scope="session")
def private_cache_dir() -> object:
    """Point KABAR_CACHE_DIR at a throwaway folder; subprocesses inherit it."""
    with tempfile.TemporaryDirectory(prefix="kabar-test-cache-") as folder:
        previous = os.environ.get("KABAR_CACHE_DIR")
        os.environ["KABAR_CACHE_DIR"] = folder
        yield folder
        if previous is None:
            os.environ.pop("KABAR_CACHE_DIR", None)
        else:
            os.environ["KABAR_CACHE_DIR"] = previous
