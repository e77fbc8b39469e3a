"""`kabar show ID`: one cleaned article."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from kabar_tui.cli.common import NOTHING_READ, add_paths_argument, error_console, load_corpus

HELP = "show one cleaned article (--removed: also what was dropped and why)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="article id (the file name without .txt)")
    add_paths_argument(parser)
    parser.add_argument("--removed", action="store_true", help="also show dropped lines")


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args)
    if corpus is None:
        return NOTHING_READ
    article = corpus.article(args.id)
    if article is None:
        error_console().print(f"kabar: error: no article with id {args.id!r}", markup=False)
        return 1
    console = Console(highlight=False)
    console.print(Text(article.title, style="bold"))
    for paragraph in article.paragraphs:
        console.print()
        console.print(Text(paragraph.text))
    if args.removed:
        console.print()
        for removed in article.removed:
            console.print(Text(f"{removed.line:>4} [{removed.reason}] {removed.text}", style="dim"))
    return 0
