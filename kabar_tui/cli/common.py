"""What the subcommands share: the PATH argument and loading with clear problems."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console

from kabar_tui.core.model import Corpus
from kabar_tui.core.pipeline import build_corpus

NOTHING_READ = 2


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (*.txt, recursive); the bundled seeds when none",
    )


def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line


def load_corpus(args: argparse.Namespace) -> Corpus | None:
    """Build the corpus, print each problem as one line, None when nothing could be read."""
    corpus = build_corpus(args.paths or None)
    console = error_console()
    for problem in corpus.problems:
        kind = "error" if problem.fatal else "warning"
        console.print(f"kabar: {kind}: {problem}", markup=False)
    if not corpus.articles:
        console.print("kabar: error: no articles could be read", markup=False)
        return None
    return corpus


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
