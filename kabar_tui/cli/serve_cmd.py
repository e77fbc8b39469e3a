"""`kabar serve`: the same reader in a web browser, through textual-serve (optional extra)."""

from __future__ import annotations

import argparse
import shlex
import sys

from kabar_tui.cli.common import add_paths_argument
from kabar_tui.cli.interface_options import add_interface_arguments, interface_flags

HELP = "serve the reader in a web browser (needs: pip install 'kabar-tui[serve]')"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    add_interface_arguments(parser)
    parser.add_argument("--host", default="localhost", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--public-url", help="the URL browsers reach, behind a proxy")


def reader_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each browser session."""
    words = [sys.executable, "-m", "kabar_tui", *map(str, args.paths or []), *interface_flags(args)]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    try:
        from textual_serve.server import Server
    except ImportError:
        print("kabar serve needs textual-serve: pip install 'kabar-tui[serve]'", file=sys.stderr)
        return 1
    Server(
        reader_command(args),
        host=args.host,
        port=args.port,
        title="kabar",
        public_url=args.public_url,
    ).serve()
    return 0
