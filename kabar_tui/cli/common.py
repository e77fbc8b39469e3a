"""What the subcommands share: the PATH argument and loading with clear problems."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.console import Console

from kabar_tui.core.model import Article, Corpus
from kabar_tui.i18n import _

NOTHING_READ = 2
CANDIDATES_SHOWN = 10


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (*.txt, recursive); the bundled seeds when none",
    )


class _StdoutConsole(Console):
    def on_broken_pipe(self) -> None:
        """Rich exits 1 when the pipe closes; `main` makes that a quiet 0 like every command."""
        raise BrokenPipeError


def stdout_console(**options: Any) -> Console:
    """The console for a command's output: a reader that goes away (`| head`) ends it quietly."""
    return _StdoutConsole(highlight=False, **options)


def error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line


def load_corpus(args: argparse.Namespace) -> Corpus | None:
    """Build the corpus, print each problem as one line, None when nothing could be read."""
    from kabar_tui.core.pipeline import build_corpus  # not for `kabar`: the reader opens fast

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


def find_article(corpus: Corpus, wanted: str) -> Article | None:
    """The article an id or a unique start of one names; else say why, in one line."""
    found = corpus.articles_matching(wanted)
    if len(found) == 1:
        return found[0]
    if not found:
        message = _("no article with id {id}").format(id=repr(wanted))
    else:
        names = ", ".join(article.id for article in found[:CANDIDATES_SHOWN])
        if len(found) > CANDIDATES_SHOWN:
            names += ", …"
        message = _("{id} is the start of {n} article ids: {names}").format(
            id=repr(wanted), n=len(found), names=names
        )
    error_console().print(f"kabar: error: {message}", markup=False)
    return None
