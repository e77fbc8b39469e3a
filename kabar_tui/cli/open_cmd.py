"""`kabar [PATH ...]`: open the reader."""

from __future__ import annotations

import argparse
import os
import sys

from kabar_tui.cli.common import add_paths_argument

HELP = "open the reader"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kabar_tui.config import load_config
    from kabar_tui.core.formatting import locale_or_default
    from kabar_tui.ui.app import KabarApp  # textual only loads when the reader opens

    config = load_config()
    for warning in config.warnings:
        print(f"kabar: warning: {warning}", file=sys.stderr)
    locale = locale_or_default(config.lang or os.environ.get("LC_ALL") or os.environ.get("LANG"))
    app = KabarApp(
        paths=args.paths or None,
        locale=locale,
        keymap=config.keymap,
        theme=config.theme,
        warnings=config.warnings,
    )
    app.run()
    for problem in app.corpus.problems:
        kind = "error" if problem.fatal else "warning"
        print(f"kabar: {kind}: {problem}", file=sys.stderr)
    return 0 if app.corpus.articles else 2
