"""Where the bundled seeds and themes live, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """Return the bundled `seeds` or `themes` folder.

    A wheel carries them inside the package (`_bundled/`); a source checkout or an
    editable install has them at the project root.
    """
    installed = _PACKAGE_DIR / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def seeds_dir() -> Path:
    return bundled_dir("seeds")


def themes_dir() -> Path:
    return bundled_dir("themes")
