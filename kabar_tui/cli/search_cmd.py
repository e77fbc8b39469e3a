"""`kabar search QUERY`: ranked fuzzy hits over passages, quotes, titles and entities."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from kabar_tui.cli.common import (
    NOTHING_READ,
    add_paths_argument,
    load_catalog,
    stdout_console,
    stdout_is_terminal,
)
from kabar_tui.core.search.query import filters_help
from kabar_tui.core.search.search import Hit, SearchPage

if TYPE_CHECKING:
    from rich.text import Text

HELP = f"fuzzy search (filters: {filters_help()})"

SNIPPET = 280  # characters of a long passage shown around its first match


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="words to find; typos and missing diacritics are fine")
    add_paths_argument(parser)
    parser.add_argument("--json", action="store_true", help="print hits as JSON")
    parser.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("kabar: error: --limit must be at least 1", file=sys.stderr)
        return 2
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    page = catalog.searcher().search_page(args.query, 0, args.limit)
    hits = page.hits
    notes = _value_notes(page)  # by:matsegra → Matsegora
    outlets = {}
    for article_id in {hit.article_id for hit in hits if hit.article_id}:
        head = catalog.head(article_id)
        outlets[article_id] = head.outlet if head is not None else None
    if args.json or not stdout_is_terminal():
        for note in notes:
            print(f"kabar: {note}", file=sys.stderr)
    if args.json:
        import json

        records = [{**asdict(hit), "outlet": outlets.get(hit.article_id or "")} for hit in hits]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not stdout_is_terminal():
        if not hits:
            print("kabar: no hits", file=sys.stderr)
        for hit in hits:
            fields = [
                f"{hit.score:.1f}",
                hit.kind,
                outlets.get(hit.article_id or "") or "-",
                hit.article_id or "-",
                "-" if hit.paragraph is None else str(hit.paragraph),
                hit.label or "-",
                " ".join(hit.text.split()),
            ]
            print("\t".join(fields))
        return 0
    from rich.text import Text

    console = stdout_console()
    for note in notes:
        console.print(Text(note, style="dim"))
    if not hits:
        console.print(Text("no hits", style="dim"))
    for hit in hits:
        console.print(_heading(hit, outlets.get(hit.article_id or "")))
        console.print(_highlighted(hit))
        console.print()
    return 0


def _value_notes(page: SearchPage) -> list[str]:
    """What the filter values matched, said in the interface's language (its labels
    import babel: only when a filter was typed)."""
    if not page.values:
        return []
    from kabar_tui.ui.labels import value_notes

    return value_notes(page.values)


def _heading(hit: Hit, outlet: str | None) -> Text:
    from rich.text import Text

    heading = Text()
    heading.append(f"{hit.score:5.1f} ", style="dim")
    heading.append(hit.kind, style="bold")
    if outlet:
        heading.append(f"  {outlet}", style="cyan")
    if hit.article_id:
        heading.append(f"  {hit.article_id}")
    if hit.paragraph is not None:
        heading.append(f" ¶{hit.paragraph}", style="dim")
    if hit.label:
        heading.append(f"  {hit.label}", style="italic")
    return heading


def _highlighted(hit: Hit) -> Text:
    """The hit text (plain, never markup) with its matched spans styled; long text cut
    to a window around the first match."""
    from rich.text import Text

    text = Text(hit.text)
    for start, end in hit.spans:
        text.stylize("bold yellow", start, end)
    if len(hit.text) <= SNIPPET:
        return text
    first = hit.spans[0][0] if hit.spans else 0
    start = max(0, min(first - SNIPPET // 3, len(hit.text) - SNIPPET))
    end = start + SNIPPET
    window = text[start:end]
    if start > 0:
        window = Text("…") + window
    if end < len(hit.text):
        window.append("…")
    return window
