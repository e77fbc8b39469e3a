"""`kabar [PATH ...]`: open the reader."""

from __future__ import annotations

import argparse

from kabar_tui.cli.common import add_paths_argument
from kabar_tui.cli.interface_options import add_interface_arguments, apply_interface_arguments

HELP = "open the reader"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    add_interface_arguments(parser)


def run(args: argparse.Namespace) -> int:
    apply_interface_arguments(args)
    from kabar_tui.ui.app import KabarApp  # textual only loads when the reader opens

    KabarApp(paths=args.paths or None, theme=args.theme).run()
    return 0
