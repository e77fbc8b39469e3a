"""`kabar entities`: who and what the corpus is about: how often, where, under which names."""

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
from kabar_tui.i18n import _

HELP = "people, places and organisations: mentions, articles, other names"
LABELS = ("PER", "LOC", "ORG")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--label", choices=LABELS, help="only this kind of entity")


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args)
    if corpus is None:
        return NOTHING_READ
    records = [e for e in corpus.entities if args.label in (None, e.label)]
    if not stdout_is_terminal():
        for e in records:
            fields = [e.canonical, e.label, str(e.mentions), ",".join(e.articles)]
            print("\t".join([*fields, "; ".join(e.aliases)]))
        return 0
    table = Table(_("entity"), _("label"), _("mentions"), _("articles"), _("also written"))
    for e in records:
        table.add_row(
            Text(e.canonical),
            e.label,
            str(e.mentions),
            Text(", ".join(e.articles)),
            Text(", ".join(e.aliases)),
        )
    stdout_console().print(table)
    return 0
