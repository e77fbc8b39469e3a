"""Every mention of one entity across the corpus, grouped by article; Enter jumps."""

from __future__ import annotations

from functools import partial

from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kabar_tui.core.model import Mention
from kabar_tui.core.store.catalog import EntityOccurrence
from kabar_tui.i18n import _, ngettext
from kabar_tui.present.formatting import format_number
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.labels import known_source
from kabar_tui.ui.messages import OpenArticle
from kabar_tui.ui.widgets.footer import KeyFooter

CONTEXT = 60
PAGE = 50  # paragraphs asked for at a time (a screenful or two of rows)
MARGIN = 40  # rows before the end of the listed ones where the next page is asked for


def mention_snippet(text: str, mention: Mention) -> Text:
    """The mention with some words around it, the mention itself in bold."""
    start = max(0, mention.start - CONTEXT)
    end = min(len(text), mention.end + CONTEXT)
    snippet = Text(("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""))
    offset = 1 if start else 0
    snippet.stylize("bold reverse", mention.start - start + offset, mention.end - start + offset)
    return snippet


class EntityScreen(KabarNode, Screen[None]):
    """The counts come at once; the mentions a page at a time as the cursor nears the end
    of what is listed, each page asked of the catalog (in its thread when it is stored)."""

    BINDINGS = [
        Binding("q,escape", "app.go_back", _("Back"), id="entity.close"),
        Binding("j", "cursor_down", _("Down"), show=False, id="entity.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="entity.up"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.entity = name
        self.targets: list[tuple[str, int] | None] = []
        self.listed = 0  # occurrences (paragraphs) listed so far
        self.exhausted = False  # the last page came back short: every mention is listed
        self._asked: int | None = None  # the offset of the page being read
        self._last_article: str | None = None  # whose heading the last row is under
        self.closed = False  # left: answers that come later are dropped

    def compose(self) -> ComposeResult:
        yield Label(self._title(None), id="entity-title")
        yield OptionList(id="mentions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#mentions", OptionList).focus()
        self._ask_page()  # first: counting a name's mentions takes longer than a page
        self._count()

    def _title(self, counts: tuple[int, int] | None) -> Text:
        title = Text(self.entity, style="bold")
        if counts is None:
            title.append("  …", style="dim")
            return title
        mentions, articles = counts
        locale = self.kabar.locale
        title.append(
            "  "
            + ngettext("{n} mention", "{n} mentions", mentions).format(
                n=format_number(mentions, locale)
            )
            + " · "
            + ngettext("{n} article", "{n} articles", articles).format(
                n=format_number(articles, locale)
            )
        )
        return title

    def _count(self) -> None:
        name = self.entity
        self.kabar.ask(
            lambda catalog: catalog.mention_count(name), self._show_count, "entity-count"
        )

    def _show_count(self, counts: tuple[int, int]) -> None:
        if self.closed:  # answered after the screen was left
            return
        self.query_one("#entity-title", Label).update(self._title(counts))

    def _ask_page(self) -> None:
        if self.exhausted or self._asked is not None:
            return
        name, offset = self.entity, self.listed
        self._asked = offset
        self.kabar.ask(
            lambda catalog: catalog.mentions(name, offset, PAGE),
            partial(self._add_page, offset),
            "entity-page",
        )

    def _add_page(self, offset: int, page: list[EntityOccurrence]) -> None:
        if offset != self._asked or self.closed:
            return
        self._asked = None
        self.listed += len(page)
        self.exhausted = len(page) < PAGE
        locale = self.kabar.locale
        options: list[Option] = []
        for occurrence in page:
            head = occurrence.article
            if head.id != self._last_article:
                self._last_article = head.id
                line = Text(" · ").join([*map(Text, known_source(head, locale)), Text(head.title)])
                line.stylize("bold", len(line) - len(head.title))
                options.append(Option(line, disabled=True))
                self.targets.append(None)
            for mention in occurrence.mentions:
                snippet = mention_snippet(occurrence.text, mention)
                options.append(Option(Padding(snippet, (0, 0, 0, 2))))
                self.targets.append((head.id, occurrence.paragraph))
        listing = self.query_one("#mentions", OptionList)
        first = listing.option_count == 0
        listing.add_options(options)
        if first and len(options) > 1:
            listing.highlighted = 1

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Near the end of what is listed: the next page."""
        if event.option_index >= len(self.targets) - MARGIN:
            self._ask_page()

    def action_cursor_down(self) -> None:
        self.query_one("#mentions", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#mentions", OptionList).action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = self.targets[event.option_index]
        if target is not None:
            article_id, paragraph = target
            self.kabar.post_message(OpenArticle(article_id, paragraph, [self.entity]))
