"""`kabar compare ID1 ID2`: two outlets' versions of a story, paragraph by paragraph."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kabar_tui.cli.common import (
    NOTHING_READ,
    add_paths_argument,
    error_console,
    find_article,
    load_catalog,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.cli.present import plain
from kabar_tui.core.corpus.compare import Comparison, Span, compare_articles, comparison_json
from kabar_tui.core.model import Article, Quote
from kabar_tui.i18n import _

HELP = "compare two articles of a story: aligned paragraphs, changed words, quotes"
STACK_BELOW = 100  # columns: narrower terminals get one version under the other


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("left", metavar="ID1", help="article id or a unique prefix of it")
    parser.add_argument("right", metavar="ID2", help="the other article")
    add_paths_argument(parser)
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    sides = []
    for wanted in (args.left, args.right):
        article = find_article(catalog, wanted)
        if article is None:
            return 1
        sides.append(article)
    if sides[0].id == sides[1].id:  # every paragraph would be "only in" both sides
        message = _("{left} and {right} are the same article, {id}").format(
            left=repr(args.left), right=repr(args.right), id=sides[0].id
        )
        error_console().print(f"kabar: error: {message}", markup=False)
        return 2
    comparison = compare_articles(catalog, sides[0], sides[1])
    if args.json:
        print(json.dumps(comparison_json(comparison), ensure_ascii=False, indent=1))
    elif not stdout_is_terminal():
        for line in plain_lines(comparison):
            print(line)
    else:
        console = stdout_console()
        print_comparison(console, comparison, stacked=console.width < STACK_BELOW)
    return 0


def marked(text: str, changes: list[Span], opening: str, closing: str) -> str:
    """wdiff style: words only this version has, between `opening` and `closing`."""
    parts = []
    at = 0
    for start, end in changes:
        parts += [text[at:start], opening, text[start:end], closing]
        at = end
    parts.append(text[at:])
    return plain("".join(parts), "")


def row_label(comparison: Comparison, index: int) -> str:
    row = comparison.rows[index]
    if row.left is not None and row.right is not None:
        return f"{row.kind} {row.score:.0f}"
    side = comparison.left if row.left is not None else comparison.right
    label = _("only in {outlet}").format(outlet=outlet_name(side))
    if row.moved_to is not None:
        label += " · " + _("moved (paragraph {number} there)").format(number=row.moved_to)
    return label


def outlet_name(article: Article) -> str:
    return plain(article.outlet or article.id)


def plain_lines(comparison: Comparison) -> list[str]:
    """One tab-separated record a row: left par, right par, how they match, the two texts."""
    left, right = comparison.left, comparison.right
    lines = []
    for index, row in enumerate(comparison.rows):
        left_text = (
            marked(left.paragraphs[row.left].text, row.left_changes, "[-", "-]")
            if row.left is not None
            else ""
        )
        right_text = (
            marked(right.paragraphs[row.right].text, row.right_changes, "{+", "+}")
            if row.right is not None
            else ""
        )
        fields = [
            "-" if row.left is None else str(row.left),
            "-" if row.right is None else str(row.right),
            row_label(comparison, index),
            left_text,
            right_text,
        ]
        lines.append("\t".join(fields))
    for outlet, quotes in (
        (outlet_name(left), comparison.only_left_quotes),
        (outlet_name(right), comparison.only_right_quotes),
    ):
        for quote in quotes:
            speaker = plain(quote.speaker_canonical or quote.speaker)
            lines.append(
                "\t".join(
                    [
                        _("quote only in {outlet}").format(outlet=outlet),
                        str(quote.paragraph),
                        speaker,
                        plain(quote.text),
                    ]
                )
            )
    return lines


def side_text(article: Article, index: int | None, changes: list[Span]) -> Text:
    """A paragraph with its changed words underlined and reversed, quotes with speakers."""
    if index is None:
        return Text("—", style="dim")
    paragraph = article.paragraphs[index].text
    text = Text(paragraph)
    quotes = [q for q in article.quotes if q.paragraph == index]
    for quote in quotes:
        text.stylize("italic", quote.start, quote.end)
    for start, end in changes:
        text.stylize("bold reverse", start, end)
    for quote in quotes:
        text.append(f"  ◂ {plain(quote.speaker_canonical or quote.speaker, '?')}", style="bold")
    return text


def print_comparison(console: Console, comparison: Comparison, *, stacked: bool) -> None:
    left, right = comparison.left, comparison.right
    console.print(Text(plain(left.title), style="bold"))
    summary = _(
        "{left} and {right}: {aligned} paragraphs aligned of {left_count} and {right_count}"
    )
    console.print(
        Text(
            summary.format(
                left=outlet_name(left),
                right=outlet_name(right),
                aligned=comparison.aligned,
                left_count=len(left.paragraphs),
                right_count=len(right.paragraphs),
            ),
            style="dim",
        )
    )
    if stacked:
        for index, row in enumerate(comparison.rows):
            console.print()
            console.print(Text(row_label(comparison, index), style="dim"))
            if row.left is not None:
                line = Text.assemble((f"{outlet_name(left)}: ", "bold"))
                console.print(line + side_text(left, row.left, row.left_changes))
            if row.right is not None:
                line = Text.assemble((f"{outlet_name(right)}: ", "bold"))
                console.print(line + side_text(right, row.right, row.right_changes))
    else:
        table = Table(expand=True, show_lines=True, highlight=False)
        table.add_column(Text(outlet_name(left)), ratio=1)
        table.add_column(Text(outlet_name(right)), ratio=1)
        for index, row in enumerate(comparison.rows):
            label = row_label(comparison, index)
            table.add_row(
                numbered(row.left, label) + side_text(left, row.left, row.left_changes),
                numbered(row.right, label) + side_text(right, row.right, row.right_changes),
            )
        console.print(table)
    print_lonely_quotes(console, comparison)


def numbered(index: int | None, label: str) -> Text:
    """The paragraph number and how the row matches, above each side's text."""
    number = "" if index is None else f"¶{index} · "
    return Text.assemble((f"{number}{label}\n", "dim"))


def print_lonely_quotes(console: Console, comparison: Comparison) -> None:
    for article, quotes in (
        (comparison.left, comparison.only_left_quotes),
        (comparison.right, comparison.only_right_quotes),
    ):
        if not quotes:
            continue
        console.print()
        heading = _("Quotes only in {outlet}").format(outlet=outlet_name(article))
        console.print(Text(heading, style="bold underline"))
        for quote in quotes:
            console.print(quote_line(quote))


def quote_line(quote: Quote) -> Text:
    line = Text(f"  {quote.paragraph:>3}  ", style="dim")
    line.append(plain(quote.speaker_canonical or quote.speaker, "?"), style="bold")
    line.append(": " + plain(quote.text), style="italic")
    return line
