"""`kabar entities`: who and what the corpus is about: how often, where, under which names."""

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
from kabar_tui.core.lexicon import Label
from kabar_tui.i18n import _

HELP = "people, places and organisations: mentions, articles, other names"
LABELS = [label.value for label in Label]  # plain strings: argparse lists them as `PER, LOC, ORG`


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--label",
        type=_label,
        metavar="{" + ",".join(LABELS) + "}",
        help="only this kind of entity: " + ", ".join(LABELS) + " (any case)",
    )
    parser.add_argument(
        "--ids", action="store_true", help="list the ids of the articles, not only their number"
    )


def _label(text: str) -> str:
    """`per` and `Per` mean PER; else say which labels there are, as the user types them."""
    if text.upper() in LABELS:
        return text.upper()
    raise argparse.ArgumentTypeError(f"no label {text!r} (choose from {', '.join(LABELS)})")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    records = [e for e in catalog.entities() if args.label in (None, e.label)]
    if not stdout_is_terminal():
        for e in records:
            fields = [e.canonical, e.label, str(e.mentions), str(len(e.articles))]
            fields.append("; ".join(e.aliases))
            if args.ids:
                fields.append(",".join(e.articles))
            print("\t".join(fields))
        return 0
    table = Table(expand=True)
    table.add_column(_("entity"), ratio=1)
    table.add_column(_("label"), no_wrap=True)
    table.add_column(_("mentions"), justify="right", no_wrap=True)
    table.add_column(_("articles"), justify="right", no_wrap=True)
    table.add_column(_("also written"), ratio=1)
    if args.ids:
        table.add_column(_("article ids"), ratio=2)
    for e in records:
        cells: list[Text | str] = [Text(e.canonical), e.label, str(e.mentions)]
        cells.append(str(len(e.articles)))
        cells.append(Text(", ".join(e.aliases)))
        if args.ids:
            cells.append(Text(", ".join(e.articles)))
        table.add_row(*cells)
    stdout_console().print(table)
    return 0
