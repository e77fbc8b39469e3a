"""`--theme`, `--lang` and `--no-animation`: how the reader looks, speaks and moves.

Applied before the UI is imported, so class-level interface strings (binding
descriptions) are already translated and Textual reads TEXTUAL_ANIMATIONS.
"""

from __future__ import annotations

import argparse
import os

from kabar_tui.config import config_dir, load_config
from kabar_tui.core.resources import themes_dir
from kabar_tui.i18n import available_languages, match_language, resolve_language, set_language
from kabar_tui.present.themes import read_theme_dirs


def _theme_name(name: str) -> str:
    """A theme that exists, else a usage error (status 2) before the reader starts."""
    themes, _problems = read_theme_dirs(themes_dir(), config_dir() / "themes")
    if name in themes:
        return name
    raise argparse.ArgumentTypeError(f"no theme {name!r} (have {', '.join(sorted(themes))})")


def _language(name: str) -> str:
    """A language the interface speaks, else a usage error (status 2) before the reader starts."""
    if match_language(name):
        return name
    languages = ", ".join(available_languages())
    raise argparse.ArgumentTypeError(f"no interface language {name!r} (have {languages})")


def add_interface_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--theme",
        type=_theme_name,
        metavar="NAME",
        help="colour theme (kabar-dark, kabar-light, ...)",
    )
    parser.add_argument(
        "--lang", type=_language, metavar="LANG", help="interface language: en or id"
    )
    parser.add_argument(
        "--no-animation",
        action="store_true",
        help="no animations, for slow links (same as TEXTUAL_ANIMATIONS=none)",
    )


def interface_flags(args: argparse.Namespace) -> list[str]:
    """The same options as command-line words, for running the reader in another process."""
    flags = []
    if args.theme:
        flags += ["--theme", args.theme]
    if args.lang:
        flags += ["--lang", args.lang]
    if args.no_animation:
        flags.append("--no-animation")
    return flags


def apply_interface_arguments(args: argparse.Namespace) -> str:
    """Set the interface language and animation level; returns the language in use."""
    if args.no_animation:
        os.environ["TEXTUAL_ANIMATIONS"] = "none"
    return set_language(resolve_language(args.lang, load_config().lang))
