"""What the subcommands share: the PATH argument and opening the corpus with clear problems."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from kabar_tui.core.model import Article, Corpus
from kabar_tui.core.store.catalog import ArticleHead, Catalog, MemoryCatalog
from kabar_tui.i18n import _

if TYPE_CHECKING:
    from rich.console import Console

NOTHING_READ = 2
CANDIDATES_SHOWN = 10


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        default=[],  # without a default argparse names an empty `*` among the missing
        metavar="PATH",
        help="article files or folders (*.txt, recursive); the bundled seeds when none",
    )


def stdout_console(**options: Any) -> Console:
    """The console for a command's output: a reader that goes away (`| head`) ends it
    quietly. Rich is imported here, when a command prints through it: a command whose
    output is piped (`kabar search ... | cut`) never does (0.02 s of CPU spared)."""
    from rich.console import Console

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:
            """Rich exits 1 when the pipe closes; `main` makes that a quiet 0 like every
            command."""
            raise BrokenPipeError

    return StdoutConsole(highlight=False, **options)


def error_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)  # one message, one line


def load_catalog(args: argparse.Namespace) -> Catalog | None:
    """The corpus under the paths, print each problem as one line, None when nothing could
    be read. The cache's stored corpus when every file is unchanged (nothing is loaded, the
    command asks for what it prints), or when a live watcher vouches for the folders (a
    reader or `kabar index --watch`: no file looked at); else the files are indexed now."""
    from kabar_tui.core.store.catalog_open import open_catalog

    catalog: Catalog | None
    catalog, warnings = open_catalog(args.paths or None, vouched=True)
    if catalog is None:
        from kabar_tui.core.indexing.pipeline import build_corpus

        corpus = build_corpus(args.paths or None)
        corpus.problems.extend(warnings)
        catalog = MemoryCatalog(corpus)
    said_an_error = say_problems(catalog)
    if not len(catalog):
        if not said_an_error:  # `/missing: no such file or folder` is reason enough
            error_console().print("kabar: error: no articles could be read", markup=False)
        return None
    return catalog


def say_problems(catalog: Catalog) -> bool:
    """Print the catalog's problems not printed yet, one line each; True when one was
    an error."""
    if not catalog.problems:
        return False
    console = error_console()
    fatal = False
    for problem in catalog.problems:
        kind = "error" if problem.fatal else "warning"
        fatal = fatal or problem.fatal
        console.print(f"kabar: {kind}: {problem}", markup=False)
    catalog.problems.clear()
    return fatal


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def find_article(source: Catalog | Corpus, wanted: str) -> Article | None:
    """The article an id or a unique start of one names; else say why, in one line."""
    catalog = source if isinstance(source, Catalog) else MemoryCatalog(source)
    found = find_head(catalog, wanted)
    if found is None:
        return None
    article = catalog.article(found.id)
    if article is None:  # its stored rows are damaged: the warning says so
        say_problems(catalog)
    return article


def find_head(catalog: Catalog, wanted: str) -> ArticleHead | None:
    """The head of the article an id or a unique start of one names; else say why."""
    found = catalog.matching(wanted)
    if len(found) == 1:
        return found[0]
    if not found:
        message = _("no article with id {id}").format(id=repr(wanted))
    else:
        names = ", ".join(head.id for head in found[:CANDIDATES_SHOWN])
        if len(found) > CANDIDATES_SHOWN:
            names += ", …"
        message = _("{id} is the start of {n} article ids: {names}").format(
            id=repr(wanted), n=len(found), names=names
        )
    error_console().print(f"kabar: error: {message}", markup=False)
    return None
