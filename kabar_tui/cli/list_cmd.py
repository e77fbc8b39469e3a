"""`kabar list`: a table of articles: outlet, date in the reader's locale, title."""

from __future__ import annotations

import argparse

from rich.table import Table
from rich.text import Text

from kabar_tui.cli.common import (
    NOTHING_READ,
    add_paths_argument,
    load_catalog,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.cli.ids import shortest_unique_ids
from kabar_tui.cli.present import interface_locale, plain
from kabar_tui.i18n import _
from kabar_tui.present.formatting import format_date

HELP = "list articles: id, outlet, date, title"
OUTLET_WIDTH = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    heads = catalog.heads()
    locale = interface_locale()
    rows = [
        (plain(a.id), plain(a.outlet), format_date(a.published, locale), plain(a.title))
        for a in heads
    ]
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    # On a terminal: the shortest id prefix that is still unique (any command takes it),
    # and the title wraps, so 80 columns show outlet, date and the whole title.
    short = shortest_unique_ids([a.id for a in heads])
    table = Table(highlight=False, expand=True)
    table.add_column(_("id"), no_wrap=True)
    table.add_column(_("outlet"), no_wrap=True, overflow="ellipsis", max_width=OUTLET_WIDTH)
    table.add_column(_("date"), no_wrap=True)
    table.add_column(_("title"), ratio=1)
    for article, (_id, outlet, date, title) in zip(heads, rows, strict=True):
        # Text: `[bold]` in a title is not markup
        table.add_row(Text(short[article.id]), Text(outlet), Text(date), Text(title))
    stdout_console().print(table)
    return 0
