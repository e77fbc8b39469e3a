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
from kabar_tui.core.search.filter_values import NameMatcher
from kabar_tui.core.textfold import words
from kabar_tui.i18n import _
from kabar_tui.ui.labels import value_notes

HELP = "quotations: text, kind, speaker, outlet, date"
UNKNOWN = "-"
SPEAKER_WIDTH = 20  # columns, borders included
ARTICLE_WIDTH = 16


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--speaker",
        help="only quotes whose speaker contains this text (else: the closest speaker)",
    )


Row = tuple[str, str, str, str, str, str]  # quote, kind, speaker, outlet, date, article


def _said_by(wanted: str, rows: list[Row], names: list[str]) -> list[Row]:
    """The rows whose speaker contains `wanted`; when none does, those of the speaker it
    is closest to, as `kabar search by:` takes it (`matsegra` → Matsegora), said on stderr."""
    folded = wanted.casefold()
    kept = [row for row in rows if folded in row[2].casefold()]
    if kept:
        return kept
    typed = " ".join(words(wanted))
    if not typed:
        return []  # no word (`!!!`): no name to be close to
    speakers = NameMatcher(sorted(set(names) - {UNKNOWN}))
    match = speakers.match("speaker", typed)
    for note in value_notes([match]):
        print(f"kabar: {note.replace('speaker:', '--speaker ', 1)}", file=sys.stderr)
    chosen = {speakers.names[number] for number in match.names}
    return [row for row, name in zip(rows, names, strict=True) if name in chosen]


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    rows: list[Row] = []
    names = []  # each row's speaker, without `via`
    for article, quote in catalog.quotes():
        date = article.published.date().isoformat() if article.published else UNKNOWN
        speaker = name = quote.speaker_canonical or quote.speaker or UNKNOWN
        if quote.via:
            speaker = f"{speaker} (via {quote.via})"
        rows.append((quote.text, quote.kind, speaker, article.outlet or UNKNOWN, date, article.id))
        names.append(name)
    if args.speaker:
        rows = _said_by(args.speaker, rows, names)
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
