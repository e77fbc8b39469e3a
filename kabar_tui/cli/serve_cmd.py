"""`kabar serve`: the same reader in a web browser, through textual-serve (optional extra)."""

from __future__ import annotations

import argparse
import shlex
import sys

from kabar_tui.cli.common import add_paths_argument
from kabar_tui.cli.interface_options import add_interface_arguments, interface_flags

HELP = "serve the reader in a web browser (needs: pip install 'kabar-tui[serve]')"
DEFAULT_MAX_SESSIONS = 4  # each is a reader process holding the corpus


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    add_interface_arguments(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument("--public-url", help="the URL browsers reach, behind a proxy")
    parser.add_argument(
        "--max-sessions",
        type=_at_least_one,
        default=DEFAULT_MAX_SESSIONS,
        help=f"readers open at once, at most (default {DEFAULT_MAX_SESSIONS})",
    )


def _at_least_one(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def reader_command(args: argparse.Namespace) -> str:
    """The shell command textual-serve runs for each browser session."""
    words = [sys.executable, "-m", "kabar_tui", *map(str, args.paths or []), *interface_flags(args)]
    return shlex.join(words)


def run(args: argparse.Namespace) -> int:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print("kabar serve needs textual-serve: pip install 'kabar-tui[serve]'", file=sys.stderr)
        return 1
    from kabar_tui.cli.serve_guard import guarded_server, session_token

    server = guarded_server(
        reader_command(args),
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        token=session_token(),
        max_sessions=args.max_sessions,
    )
    server.serve()
    return 0
