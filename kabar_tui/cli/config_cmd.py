"""`kabar config`: where the settings file is and what is in effect, with where it came from."""

from __future__ import annotations

import argparse
import os

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kabar_tui.cli.common import stdout_is_terminal
from kabar_tui.config import config_path, load_config
from kabar_tui.core.store.storage import CACHE_DIR_ENV, cache_dir, cache_disabled
from kabar_tui.i18n import _, resolve_language
from kabar_tui.present.themes import ANSI_THEME, DEFAULT_THEME

HELP = "show the settings file's path and the settings in effect"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the command only reports."""


def settings() -> list[tuple[str, str, str]]:
    """(setting, value, where it comes from) for everything the user can set."""
    path = config_path()
    config = load_config()
    from_file = _("config file")
    rows = [
        ("config file", str(path), _("exists") if path.is_file() else _("not created yet")),
        (
            "theme",
            config.theme or DEFAULT_THEME,
            from_file if config.theme else _("default"),
        ),
        (
            "theme_16",
            config.theme_16 or ANSI_THEME,
            from_file if config.theme_16 else _("default (16-colour terminals)"),
        ),
        (
            "lang",
            resolve_language(None, config.lang),
            from_file if config.lang else _("environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)"),
        ),
        ("cache", str(cache_dir()), "KABAR_CACHE_DIR" if _env_cache() else _("default")),
        ("cache enabled", "no" if cache_disabled() else "yes", "KABAR_NO_CACHE"),
    ]
    for binding_id, keys in sorted(config.keymap.items()):
        rows.append((f"keymap.{binding_id}", keys, from_file))
    rows += [("warning", warning, from_file) for warning in config.warnings]
    return rows


def _env_cache() -> bool:
    return bool(os.environ.get(CACHE_DIR_ENV))


def run(args: argparse.Namespace) -> int:
    rows = settings()
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    table = Table(highlight=False)
    table.add_column(_("setting"), no_wrap=True)
    table.add_column(_("value"))
    table.add_column(_("from"))
    for name, value, source in rows:
        table.add_row(Text(name), Text(value), Text(source, style="dim"))
    Console(highlight=False).print(table)
    return 0
