"""`kabar quotes`: who said what, in which outlet and when."""

from __future__ import annotations

import argparse
import sys

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
from kabar_tui.i18n import _

HELP = "quotations: text, kind, speaker, outlet, date"
UNKNOWN = "-"
SPEAKER_WIDTH = 20  # columns, borders included
ARTICLE_WIDTH = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--speaker", help="only quotes whose speaker contains this text")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    wanted = args.speaker.casefold() if args.speaker else None
    rows = []
    for article, quote in catalog.quotes():
        date = article.published.date().isoformat() if article.published else UNKNOWN
        speaker = quote.speaker_canonical or quote.speaker or UNKNOWN
        if quote.via:
            speaker = f"{speaker} (via {quote.via})"
        if wanted and wanted not in speaker.casefold():
            continue
        rows.append((quote.text, quote.kind, speaker, article.outlet or UNKNOWN, date, article.id))
    if not rows:
        print(_("kabar: no quotes found"), file=sys.stderr)
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    # The quote takes the width: the other fields stack in two narrow columns, so that
    # even 80 columns leave the quote about half the line.
    short = shortest_unique_ids([a.id for a in catalog.heads()])
    table = Table(expand=True)
    table.add_column(_("quote"), ratio=1)
    table.add_column(f"{_('speaker')}\n{_('kind')}", max_width=SPEAKER_WIDTH)
    table.add_column(
        f"{_('outlet')}\n{_('date')}\n{_('article')}",
        no_wrap=True,
        overflow="ellipsis",
        max_width=ARTICLE_WIDTH,
    )
    for text, kind, speaker, outlet, date, article_id in rows:
        who = Text(speaker)
        who.append(f"\n{kind}", style="dim")
        where = Text("\n").join([Text(outlet), Text(date), Text(short[article_id])])
        table.add_row(Text(text), who, where)
    stdout_console().print(table)
    return 0
