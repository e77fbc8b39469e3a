"""How the CLI presents articles: the reader's locale and text that is safe to print."""

from __future__ import annotations

import os

from kabar_tui.config import load_config
from kabar_tui.core.formatting import locale_or_default
from kabar_tui.core.text import normalise


def interface_locale() -> str:
    """The `lang` setting, else the environment's locale, else English."""
    configured = load_config().lang
    environment = os.environ.get("LC_ALL") or os.environ.get("LC_TIME") or os.environ.get("LANG")
    return locale_or_default(configured or environment)


def plain(value: str | None, missing: str = "-") -> str:
    """One printable line: control characters and escapes removed, `-` when unknown."""
    return normalise(value) if value else missing
