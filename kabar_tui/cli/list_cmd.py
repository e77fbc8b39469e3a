"""`kabar list`: a table of articles."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from kabar_tui.cli.common import NOTHING_READ, add_paths_argument, load_corpus, stdout_is_terminal

HELP = "list articles: outlet, date, title"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args)
    if corpus is None:
        return NOTHING_READ
    rows = [
        (a.id, a.outlet or "-", a.published.date().isoformat() if a.published else "-", a.title)
        for a in corpus.articles
    ]
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    table = Table("id", "outlet", "date", "title")
    for row in rows:
        table.add_row(*row)
    Console(highlight=False).print(table)
    return 0
