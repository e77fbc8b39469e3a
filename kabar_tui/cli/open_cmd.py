"""`kabar [PATH ...]`: open the reader."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from kabar_tui.cli.common import add_paths_argument
from kabar_tui.cli.interface_options import add_interface_arguments, apply_interface_arguments

HELP = "open the reader"
# After the reader has quit, how long loading may take to stop at its next file or batch
# (and close the cache) before the process exits without it.
QUIT_GRACE_SECONDS = 0.5


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    add_interface_arguments(parser)
    parser.add_argument(
        "--no-watch",
        dest="watch",
        action="store_false",
        help="do not watch the folders for new, changed or removed files (they are still "
        "checked once at start)",
    )


def meant_command(word: str) -> str | None:
    """What to say when the first PATH is no file but a command, misspelt (`serach`) or
    after a reader option (`kabar --lang id list`); None when it is no command."""
    from difflib import get_close_matches

    from kabar_tui.cli import COMMANDS
    from kabar_tui.i18n import _

    if not word.isalpha() or Path(word).exists():  # `news/`, `a.txt`: paths
        return None
    if word in COMMANDS:
        return _(
            "no file {word}: a command comes first (kabar {command} ...); options such as "
            "--lang are the reader's"
        ).format(word=repr(word), command=word)
    close = get_close_matches(word, COMMANDS, n=1, cutoff=0.7)
    if not close:
        return None
    return _("no file or command {word}; did you mean kabar {command}?").format(
        word=repr(word), command=close[0]
    )


def run(args: argparse.Namespace) -> int:
    from kabar_tui.config import load_config

    language = apply_interface_arguments(args)  # before the UI's strings are imported
    from kabar_tui.ui.app import KabarApp  # textual only loads when the reader opens

    if args.paths:
        from kabar_tui.core.ingest.sources import discover

        files, problems = discover(args.paths)
        if not files:  # say so now, as the other commands do, rather than open an empty reader
            meant = meant_command(args.paths[0])
            if meant is not None:  # `kabar serach korut`: its arguments are no paths either
                print(f"kabar: error: {meant}", file=sys.stderr)
                return 2
            for problem in problems:
                print(f"kabar: error: {problem}", file=sys.stderr)
            return 2
    config = load_config()
    for warning in config.warnings:
        print(f"kabar: warning: {warning}", file=sys.stderr)
    app = KabarApp(
        paths=args.paths or None,
        locale=language,
        keymap=config.keymap,
        theme=args.theme,
        warnings=config.warnings,
        watch=args.watch,
    )
    app.run()
    app.stop_loading(QUIT_GRACE_SECONDS)
    # Everything the reader made is garbage now, and the interpreter's last collection would
    # walk all of it (3 s for 10k articles, 5 s while a loading thread still holds them):
    # exempt from it, they go with the process. `atexit` handlers still run.
    gc.freeze()
    if app.return_code:  # 128 + a signal's number, or the app failed and textual said why
        return app.return_code
    if not app.linked:  # quit while loading: nothing more to say
        return 0
    for problem in app.problems:
        kind = "error" if problem.fatal else "warning"
        print(f"kabar: {kind}: {problem}", file=sys.stderr)
    return 0 if len(app.catalog) else 2
