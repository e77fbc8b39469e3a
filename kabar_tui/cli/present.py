"""How the CLI presents articles: the reader's locale, `-` for what is unknown."""

from __future__ import annotations

import os

from kabar_tui.config import load_config
from kabar_tui.present.formatting import locale_or_default


def interface_locale() -> str:
    """The `lang` setting, else the environment's locale, else English."""
    configured = load_config().lang
    environment = os.environ.get("LC_ALL") or os.environ.get("LC_TIME") or os.environ.get("LANG")
    return locale_or_default(configured or environment)


def plain(value: str | None, missing: str = "-") -> str:
    """The value, `-` when unknown; the core has already made it safe to print."""
    return value or missing
