"""The reader: one article, and a side pane with its entities, quotes or related passages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kabar_tui.core.citation import cite_passage, cite_quote
from kabar_tui.core.formatting import format_date
from kabar_tui.core.model import Article, Corpus, Quote
from kabar_tui.i18n import _
from kabar_tui.ui.data import entity_counts, related_links
from kabar_tui.ui.widgets.article_view import ArticleView
from kabar_tui.ui.widgets.footer import KeyFooter

PANES = ("entities", "quotes", "related")
# Panes showing resolved names or links, which exist only once the whole corpus is linked.
CROSS_ARTICLE_PANES = ("entities", "related")
NARROW = 100  # below this many columns the side pane floats over the article


def pane_titles() -> dict[str, str]:
    return {
        "entities": _("Entities"),
        "quotes": _("Quotes"),
        "related": _("Related to this paragraph"),
    }


class SidePane(OptionList):
    """Entities, quotes or related passages; Enter acts on the highlighted one."""

    BINDINGS = [
        Binding("j", "cursor_down", _("Down"), show=False, id="pane.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="pane.up"),
        Binding("escape", "leave", _("Article"), id="pane.leave"),
    ]

    def action_leave(self) -> None:
        """Back to the article; on a narrow terminal the floating pane closes too."""
        if self.screen.has_class("narrow"):
            self.screen.close_pane()  # type: ignore[attr-defined]
        self.screen.query_one(ArticleView).focus()


class ReaderScreen(Screen[None]):
    """Shows the article at the current history location."""

    BINDINGS = [
        Binding("e", "pane('entities')", _("Entities"), id="reader.entities"),
        Binding("c", "pane('quotes')", _("Quotes"), id="reader.quotes"),
        Binding("r", "pane('related')", _("Related"), id="reader.related"),
        Binding("y", "copy", _("Copy"), id="reader.copy"),
        Binding("[", "neighbour(-1)", _("Prev article"), show=False, id="reader.previous_article"),
        Binding("]", "neighbour(1)", _("Next article"), show=False, id="reader.next_article"),
        Binding("l,escape", "article_list", _("List"), show=False, id="reader.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pane: str | None = None
        self.pane_items: Sequence[object] = []
        self.pending: tuple[Article, int, list[str] | None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="reader-body"):
            yield ArticleView(id="article", locale=self.app.locale)  # type: ignore[attr-defined]
            with Vertical(id="side"):
                yield Label("", id="side-title")
                yield SidePane(id="side-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#side").display = False
        self.query_one(ArticleView).focus()
        self._apply_width(self.app.size.width)
        if self.pending is not None:
            self.show(*self.pending)

    def open(self, article: Article, paragraph: int, match_terms: list[str] | None) -> None:
        """Show an article now, or as soon as the screen is mounted."""
        self.pending = (article, paragraph, match_terms)
        if self.is_mounted:
            self.show(article, paragraph, match_terms)

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")

    @property
    def corpus(self) -> Corpus:
        return self.app.corpus  # type: ignore[attr-defined]

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def show(self, article: Article, paragraph: int, match_terms: list[str] | None) -> None:
        self.view.show(article, paragraph, match_terms or [])
        self.sub_title = article.outlet or ""
        self.title = article.title
        self.fill_pane()

    def on_article_view_cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self.app.remember_paragraph(event.paragraph)  # type: ignore[attr-defined]
        if self.pane == "related":
            self.fill_pane()

    # -- side pane ---------------------------------------------------------------------

    def action_pane(self, name: str) -> None:
        side = self.query_one("#side")
        listing = self.query_one("#side-list", SidePane)
        if self.pane == name and side.display:
            if listing.has_focus:
                self.close_pane()
            else:
                listing.focus()
            return
        self.pane = name
        side.display = True
        self.fill_pane()
        listing.focus()

    def close_pane(self) -> None:
        self.query_one("#side").display = False
        self.pane = None
        self.view.focus()

    def fill_pane(self) -> None:
        if self.pane is None or self.view.article is None:
            return
        article = self.view.article
        listing = self.query_one("#side-list", SidePane)
        if self.pane in CROSS_ARTICLE_PANES and not self.app.linked:  # type: ignore[attr-defined]
            self.pane_items = []
            self.query_one("#side-title", Label).update(pane_titles()[self.pane])
            listing.clear_options()
            still = _("Still linking articles across outlets…")
            listing.add_option(Option(Text(still, style="dim"), disabled=True))
            return
        if self.pane == "entities":
            rows = entity_counts(article)
            self.pane_items = [name for name, _label, _count in rows]
            prompts = [self._entity_prompt(name, label, count) for name, label, count in rows]
            empty = _("No entities found in this article")
        elif self.pane == "quotes":
            self.pane_items = list(article.quotes)
            prompts = [self._quote_prompt(q) for q in article.quotes]
            empty = _("No quotes found in this article")
        else:
            links = related_links(self.corpus, article.id, self.view.cursor)
            self.pane_items = links
            prompts = [self._related_prompt(link) for link in links]
            empty = _("No related passages for this paragraph")
        title = pane_titles()[self.pane]
        self.query_one("#side-title", Label).update(f"{title} ({len(prompts)})")
        listing.clear_options()
        if prompts:
            listing.add_options(Option(prompt) for prompt in prompts)
            listing.highlighted = 0
        else:
            listing.add_option(Option(Text(empty, style="dim"), disabled=True))

    def _entity_prompt(self, name: str, label: str, count: int) -> Text:
        text = Text()
        text.append(f"{count:>3} ", style="dim")
        text.append(name, style="bold")
        text.append(f" {label}", style="dim")
        return text

    def _quote_prompt(self, quote) -> Text:
        speaker = quote.speaker_canonical or quote.speaker or _("unknown speaker")
        text = Text(speaker, style="bold")
        text.append("\n" + quote.text)
        return text

    def _related_prompt(self, link) -> Text:
        target = self.corpus.article(link.target_article)
        text = Text()
        text.append(f"{link.score:>3.0f} ", style="bold")
        if target is not None:
            locale = self.app.locale  # type: ignore[attr-defined]
            source = target.outlet or target.title[:40]
            text.append(f"{source} · {format_date(target.published, locale)}")
            text.append(f" · {link.kind}", style="dim")
            if link.target_paragraph < len(target.paragraphs):
                snippet = target.paragraphs[link.target_paragraph].text
                text.append("\n" + (snippet[:160] + ("…" if len(snippet) > 160 else "")))
        return text

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "side-list" or event.option_index >= len(self.pane_items):
            return
        item = self.pane_items[event.option_index]
        app = self.app
        pane = self.pane
        if self.has_class("narrow"):  # the floating pane would hide where we jump to
            self.close_pane()
        if pane == "entities":
            app.show_entity(item)  # type: ignore[attr-defined]
        elif pane == "quotes":
            app.jump(self.view.article.id, item.paragraph)  # type: ignore[attr-defined, union-attr]
        else:
            app.jump(item.target_article, item.target_paragraph)  # type: ignore[attr-defined]

    # -- actions -----------------------------------------------------------------------

    def action_copy(self) -> None:
        article = self.view.article
        if article is None or not article.paragraphs:
            return
        locale = self.app.locale  # type: ignore[attr-defined]
        listing = self.query_one("#side-list", SidePane)
        index = listing.highlighted
        if self.pane == "quotes" and listing.has_focus and index is not None and self.pane_items:
            citation = cite_quote(cast(Quote, self.pane_items[index]), article, locale)
            what = _("Quote copied")
        else:
            quotes = [q for q in article.quotes if q.paragraph == self.view.cursor]
            if quotes:
                citation = cite_quote(quotes[0], article, locale)
                what = _("Quote copied")
            else:
                citation = cite_passage(article, self.view.cursor, locale)
                what = _("Passage copied")
        self.app.copy_to_clipboard(citation)
        self.app.last_copied = citation  # type: ignore[attr-defined]
        if self.app.screen is self:  # not when a dialog opened to copy it by hand
            self.notify(citation, title=what, timeout=4, markup=False)

    def action_neighbour(self, step: int) -> None:
        self.app.open_neighbour(step)  # type: ignore[attr-defined]

    def action_article_list(self) -> None:
        self.app.show_list()  # type: ignore[attr-defined]
