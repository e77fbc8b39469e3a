"""`kabar related ID [PARAGRAPH]`: where other articles say the same thing."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table
from rich.text import Text

from kabar_tui.cli.common import (
    NOTHING_READ,
    error_console,
    find_article,
    load_catalog,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.cli.ids import shortest_unique_ids
from kabar_tui.core.model import Article
from kabar_tui.core.shortening import shortened
from kabar_tui.core.store.catalog import Catalog
from kabar_tui.i18n import _

HELP = "passages in other articles that match an article or one of its paragraphs"
SNIPPET = 100
FOUND_WIDTH = 18  # columns for outlet and article, borders included
NAMELESS_TITLE = 40  # characters of the title naming an article whose outlet is unknown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.usage = "%(prog)s [-h] id [PARAGRAPH] [PATH ...]"  # argparse cannot say it alone
    parser.add_argument("id", help="article id (the file name without .txt), or its start")
    parser.add_argument(
        "rest",
        nargs="*",
        default=[],  # without a default argparse names an empty `*` among the missing
        metavar="PARAGRAPH, PATH",
        help="paragraph number (0-based, as in `kabar export`), then article files or folders; "
        "a first word that is an existing file or folder (such as a folder `2024`) is a path",
    )


def _split_rest(rest: list[str]) -> tuple[int | None, list[str]]:
    """A leading number is a paragraph, unless a file or folder has that name."""
    if rest and rest[0].isdigit() and not Path(rest[0]).exists():
        return int(rest[0]), rest[1:]
    return None, rest


def _paragraph_text(article: Article | None, index: int) -> str:
    if article is None:
        return ""
    for paragraph in article.paragraphs:
        if paragraph.index == index:
            return paragraph.text
    return ""


def _also_in(catalog: Catalog, article_id: str) -> list[str]:
    heads = (catalog.head(other_id) for other_id in catalog.story_members(article_id))
    return [head.outlet_or_title(NAMELESS_TITLE) for head in heads if head is not None]


def run(args: argparse.Namespace) -> int:
    paragraph, args.paths = _split_rest(args.rest)
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    article = find_article(catalog, args.id)
    if article is None:
        return 1
    if paragraph is not None and not any(p.index == paragraph for p in article.paragraphs):
        message = _("article {id} has no paragraph {number} (it has {count}, from 0)").format(
            id=repr(article.id), number=paragraph, count=len(article.paragraphs)
        )
        error_console().print(f"kabar: error: {message}", markup=False, soft_wrap=True)
        return 1
    links = catalog.related(article.id, paragraph)
    targets: dict[str, Article | None] = {}
    rows = []
    for link in links:
        if link.target_article not in targets:
            targets[link.target_article] = catalog.article(link.target_article)
        target = targets[link.target_article]
        rows.append(
            (
                str(link.source_paragraph),
                link.target_article,
                str(link.target_paragraph),
                (target.outlet if target else None) or "-",
                link.kind,
                f"{link.score:.0f}",
                _paragraph_text(target, link.target_paragraph),
            )
        )
    also_in = _also_in(catalog, article.id)
    if not stdout_is_terminal():
        for row in rows:
            print("\t".join(row))
        return 0
    console = stdout_console()
    console.print(Text(article.title, style="bold"))
    if also_in:
        console.print(
            Text(_("also in: {outlets}").format(outlets=", ".join(also_in)), style="italic")
        )
    if not rows:
        console.print(Text(_("no related passages"), style="dim"))
        return 0
    short = shortest_unique_ids([a.id for a in catalog.heads()])
    # The passage takes the width: where it is found and how it matches stack in narrow
    # columns, so that even 80 columns leave the passage about half the line.
    table = Table(expand=True)
    table.add_column(_("par"), no_wrap=True)
    table.add_column(
        f"{_('outlet')}\n{_('article')} ¶", no_wrap=True, overflow="ellipsis", max_width=FOUND_WIDTH
    )
    table.add_column(f"{_('kind')}\n{_('score')}", no_wrap=True)
    table.add_column(_("text"), ratio=1)
    for source_paragraph, article_id, target_paragraph, outlet, kind, score, text in rows:
        found = Text(f"{outlet}\n{short.get(article_id, article_id)} ¶{target_paragraph}")
        table.add_row(
            Text(source_paragraph), found, Text(f"{kind}\n{score}"), Text(shortened(text, SNIPPET))
        )
    console.print(table)
    return 0
