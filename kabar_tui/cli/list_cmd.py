"""`kabar list`: a table of articles: outlet, date in the reader's locale, title."""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from kabar_tui.cli.common import (
    NOTHING_READ,
    add_paths_argument,
    load_corpus,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.cli.present import interface_locale, plain
from kabar_tui.core.formatting import format_date
from kabar_tui.i18n import _

HELP = "list articles: outlet, date, title"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args)
    if corpus is None:
        return NOTHING_READ
    locale = interface_locale()
    rows = [
        (plain(a.id), plain(a.outlet), format_date(a.published, locale), plain(a.title))
        for a in corpus.articles
    ]
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    table = Table(highlight=False)
    for header in (_("id"), _("outlet"), _("date")):
        table.add_column(header, no_wrap=True)
    table.add_column(_("title"), no_wrap=True, overflow="ellipsis")  # one row per article
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: `[bold]` in a title is not markup
    stdout_console().print(table)
    return 0
