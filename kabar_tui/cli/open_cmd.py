"""`kabar [PATH ...]`: open the reader."""

from __future__ import annotations

import argparse

from kabar_tui.cli.common import add_paths_argument

HELP = "open the reader"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def run(args: argparse.Namespace) -> int:
    from kabar_tui.ui.app import KabarApp  # textual only loads when the reader opens

    KabarApp(paths=args.paths or None).run()
    return 0
