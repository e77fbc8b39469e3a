"""The reader: one article, and a side pane with its entities, quotes or related passages."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen

from kabar_tui.core.model import Article, Quote
from kabar_tui.core.shortening import shortened
from kabar_tui.i18n import _
from kabar_tui.present.citation import cite_passage, cite_quote
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.messages import Compare, ShowList
from kabar_tui.ui.widgets.article_view import ArticleView, HeaderMentions
from kabar_tui.ui.widgets.footer import KeyFooter
from kabar_tui.ui.widgets.panes import PANES, SidePane

NARROW = 100  # below this many columns a pane takes the whole width
NOTICE = 160  # characters of a copied text the notice shows


class ReaderScreen(KabarNode, Screen[None]):
    """Shows the article at the current history location."""

    BINDINGS = [
        Binding("e", "pane('entities')", _("Entities"), id="reader.entities"),
        Binding("c", "pane('quotes')", _("Quotes"), id="reader.quotes"),
        Binding("r", "pane('related')", _("Related"), id="reader.related"),
        Binding("d", "compare", _("Compare"), id="reader.compare"),
        # Out of the footer so that `/ Search` fits at 80 columns; `?` lists it.
        Binding("y", "copy", _("Copy"), show=False, id="reader.copy"),
        Binding("[", "neighbour(-1)", _("Prev article"), show=False, id="reader.previous_article"),
        Binding("]", "neighbour(1)", _("Next article"), show=False, id="reader.next_article"),
        Binding("q,escape", "close", _("Back"), id="reader.close"),
        Binding("l", "article_list", _("List"), show=False, id="reader.list"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pane: str | None = None
        self.pending: tuple[Article, int, list[str] | None, HeaderMentions | None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="reader-body"):
            yield ArticleView(id="article", locale=self.kabar.locale)
            yield SidePane(id="side")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.side.display = False
        self.view.focus()
        self._apply_width(self.app.size.width)
        if self.pending is not None:
            self.show(*self.pending)

    def open(
        self,
        article: Article,
        paragraph: int,
        match_terms: list[str] | None,
        header: HeaderMentions | None = None,
    ) -> None:
        """Show an article now, or as soon as the screen is mounted (`header`: its title's
        and captions' mentions, when found with it in the catalog's thread)."""
        self.pending = (article, paragraph, match_terms, header)
        if self.is_mounted:
            self.show(article, paragraph, match_terms, header)

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW, "narrow")
        if self.pane is not None:
            self.view.display = not self.has_class("narrow")

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def side(self) -> SidePane:
        return self.query_one(SidePane)

    def show(
        self,
        article: Article,
        paragraph: int,
        match_terms: list[str] | None,
        header: HeaderMentions | None = None,
    ) -> None:
        self.view.show(article, paragraph, match_terms or [], header)
        self.sub_title = article.outlet or ""
        self.title = article.title
        self.fill_pane()

    def on_article_view_cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self.kabar.remember_paragraph(event.paragraph)
        if self.pane is not None and PANES[self.pane].follows_cursor:
            self.fill_pane()

    # -- side pane ---------------------------------------------------------------------

    def action_pane(self, name: str) -> None:
        listing = self.side.listing
        if self.pane == name and self.side.display:
            if listing.has_focus:
                self.close_pane()
            else:
                listing.focus()
            return
        self.pane = name
        self.side.display = True
        # At 80 columns the pane is a full-width list: the article steps aside.
        self.view.display = not self.has_class("narrow")
        self.fill_pane()
        listing.focus()

    def close_pane(self) -> None:
        self.side.display = False
        self.view.display = True
        self.pane = None
        self.view.focus()

    def fill_pane(self) -> None:
        if self.pane is None or self.view.article is None:
            return
        self.side.show(PANES[self.pane], self.view.article, self.view.cursor)

    def on_side_pane_chosen(self, event: SidePane.Chosen) -> None:
        if self.has_class("narrow"):  # the full-width pane would hide where we jump to
            self.close_pane()
        self.kabar.post_message(event.request)

    # -- actions -----------------------------------------------------------------------

    def action_close(self) -> None:
        """q / escape: one level up: the pane, then the article (to where it was opened from:
        search results, a comparison, else the list)."""
        if self.pane is not None:
            self.close_pane()
        elif self.kabar.history.current.origin is not None:
            self.kabar.action_go_back()
        else:
            self.kabar.post_message(ShowList())

    def action_compare(self) -> None:
        if self.view.article is not None:
            self.kabar.post_message(Compare(self.view.article.id))

    def action_copy(self) -> None:
        article = self.view.article
        if article is None or not article.paragraphs:
            return
        locale = self.kabar.locale
        chosen = self.side.highlighted_item() if self.side.listing.has_focus else None
        if self.pane == "quotes" and isinstance(chosen, Quote):
            citation = cite_quote(chosen, article, locale)
            what = _("Quote copied")
        else:
            quotes = [q for q in article.quotes if q.paragraph == self.view.cursor]
            if quotes:
                citation = cite_quote(quotes[0], article, locale)
                what = _("Quote copied")
            else:
                citation = cite_passage(article, self.view.cursor, locale)
                what = _("Passage copied")
        self.kabar.copy_to_clipboard(citation)
        self.kabar.last_copied = citation
        if self.app.screen is self:  # not when a dialog opened to copy it by hand
            self.notify(shortened(citation, NOTICE), title=what, timeout=4, markup=False)

    def action_neighbour(self, step: int) -> None:
        self.kabar.open_neighbour(step)

    def action_article_list(self) -> None:
        self.kabar.post_message(ShowList())
