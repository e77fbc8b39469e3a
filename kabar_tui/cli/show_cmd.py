"""`kabar show ID`: one cleaned article with its metadata; `--removed` adds what was dropped."""

from __future__ import annotations

import argparse

from rich.text import Text

from kabar_tui.cli.common import (
    NOTHING_READ,
    add_paths_argument,
    find_article,
    load_catalog,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.cli.present import interface_locale, plain
from kabar_tui.core.model import Article
from kabar_tui.i18n import _
from kabar_tui.present.formatting import format_datetime

HELP = "show one cleaned article (--removed: also what was dropped and why)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="article id (the file name without .txt), or its start")
    add_paths_argument(parser)
    parser.add_argument("--removed", action="store_true", help="also show dropped lines")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    article = find_article(catalog, args.id)
    if article is None:
        return 1
    # Piped output is not wrapped, so each paragraph stays one line for grep and friends.
    console = stdout_console(soft_wrap=not stdout_is_terminal())
    for line in article_lines(article, interface_locale(), args.removed):
        console.print(line)
    return 0


def published(article: Article, locale: str) -> str:
    """Localised date and time, with the zone the article states (`WIB`, `UTC+08:00`)."""
    if article.published is None:
        return "-"
    return f"{format_datetime(article.published, locale)} {article.published.tzname()}"


def article_lines(article: Article, locale: str, removed: bool) -> list[Text]:
    """The article as printable lines; every user text is a Text, never markup."""
    title = plain(article.title) + (
        "  (" + _("title derived from the text") + ")" if article.title_derived else ""
    )
    lines = [Text(title, style="bold")]
    fields = [
        (_("outlet"), plain(article.outlet)),
        (_("published"), published(article, locale)),
        (_("author"), plain(article.author)),
        (_("editor"), plain(article.editor)),
        (_("dateline"), plain(article.dateline)),
        (_("source"), plain(article.credited_source)),
    ]
    for name, value in fields:
        line = Text(f"{name}: ", style="dim")
        line.append(value)
        lines.append(line)
    for caption in article.captions:
        line = Text(_("caption") + ": ", style="dim")
        line.append(plain(caption.text, ""))
        if caption.credit:
            line.append(f" ({plain(caption.credit)})", style="italic")
        lines.append(line)
    for paragraph in article.paragraphs:
        lines += [Text(), Text(plain(paragraph.text))]
    if removed:
        lines += [Text(), Text(_("Removed lines"), style="bold")]
        for item in article.removed:
            line = Text(f"{item.line:>5}  {item.reason:<24} ", style="dim")
            line.append(plain(item.text, ""))
            lines.append(line)
        if article.edits:
            lines += [Text(), Text(_("Repairs"), style="bold")]
            for edit in article.edits:
                line = Text(f"{edit.line:>5}  {edit.kind:<24} ", style="dim")
                line.append(plain(edit.detail))
                lines.append(line)
    return lines
