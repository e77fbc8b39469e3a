"""The article list: every article with outlet, date and story siblings, sortable, filterable."""

from __future__ import annotations

import time
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, ProgressBar

from kabar_tui.core.store.catalog import ArticleHead, Catalog, filter_words
from kabar_tui.i18n import _
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.listing import NO_ROWS, SORTS, ListedRows, OrderKey, RowsRead, read_rows
from kabar_tui.ui.messages import OpenArticle
from kabar_tui.ui.widgets.article_list import ArticleList
from kabar_tui.ui.widgets.footer import SteadyFooter

# Characters of the title that names, on an "also in" line, an article of no known outlet.
ALSO_IN_TITLE = 30


class ListScreen(KabarNode, Screen[None]):
    """The first screen: pick an article."""

    BINDINGS = [
        Binding("s", "toggle_sort", _("Sort"), id="list.sort"),
        Binding("f", "focus_filter", _("Filter"), id="list.filter"),
        Binding("escape", "clear_filter", _("Clear filter"), show=False, id="list.clear_filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_by = "date"
        self.shown: ListedRows = NO_ROWS
        self._linking_timer: Timer | None = None
        self._linking_started = 0.0

    def compose(self) -> ComposeResult:
        with Horizontal(id="list-top"):
            yield Input(placeholder=_("Filter by title, outlet or author (f)"), id="filter")
            yield Label("", id="sort-label")
        yield ProgressBar(id="progress", show_eta=False)
        yield Label(_("Reading articles…"), id="status")
        yield ArticleList(self._title, self._date, self._want_heads, id="articles")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#articles").focus()
        self._show_sort()

    def set_progress(self, done: int, total: int) -> None:
        bar = self.query_one(ProgressBar)
        if done < total:
            bar.update(total=max(total, 1), progress=done)
            status = _("Reading articles… {done}/{total}").format(done=done, total=total)
            self.query_one("#status", Label).update(status)
        elif self._linking_timer is None:
            # The cross-article stage has no count: a moving bar and a running clock.
            bar.update(total=None)
            self._linking_started = time.monotonic()
            self._linking_timer = self.set_interval(1, self._show_linking)
            self._show_linking()

    def first_rows_shown(self) -> None:
        """The newest rows are listed while the rest are read: no moving bar meanwhile (at
        100k articles that takes seconds, and each frame of the bar drew the screen again,
        behind the search screen too). "Reading articles…" stays until the list is whole."""
        self.query_one(ProgressBar).display = False

    @property
    def linking(self) -> bool:
        """Every article is read; the cross-article stage runs."""
        return self._linking_timer is not None

    def _show_linking(self) -> None:
        seconds = int(time.monotonic() - self._linking_started)
        status = _("Linking stories and names across outlets… {seconds} s").format(seconds=seconds)
        self.query_one("#status", Label).update(status)

    def finish_loading(self, message: str | None) -> None:
        if self._linking_timer is not None:
            self._linking_timer.stop()
        self.query_one(ProgressBar).display = False
        status = self.query_one("#status", Label)
        status.update(Text(message or ""))
        status.display = bool(message)

    def refresh_articles(self, keep_place: bool = False) -> None:
        """Show the rows in order, filtered (articles arrived, sort or filter changed);
        `keep_place`: the highlighted row stays where it is on screen (files changed).
        An order not asked before is asked of the catalog (sorted, filtered and counted
        by the database for a stored one, in the catalog's thread), with its first heads."""
        key: OrderKey = (self.sort_by, tuple(filter_words(self.query_one("#filter", Input).value)))
        listing = self.kabar.listing
        order = listing.orders.get(key)
        if order is not None:
            self.shown = ListedRows(order, listing.known)
            self.query_one(ArticleList).set_articles(self.shown, keep_place)
            return

        def answered(read: RowsRead) -> None:
            if listing is self.kabar.listing:  # else a new catalog's list is shown
                listing.learn(read)
                self.refresh_articles(keep_place)

        self.kabar.ask(partial(read_rows, ids=(), key=key), answered, "list order")

    def _want_heads(self, ids: list[str]) -> None:
        """The list shows rows whose heads are not read: asked of the catalog."""
        listing = self.kabar.listing

        def answered(read: RowsRead) -> None:
            if listing is self.kabar.listing:
                listing.learn(read)
                self.query_one(ArticleList).heads_arrived()

        def question(catalog: Catalog) -> RowsRead:
            return read_rows(catalog, ids)

        self.kabar.ask(question, answered, "list heads")

    def forget_prompts(self) -> None:
        """Stories changed: the "also in" lines must be drawn (and measured) again."""
        self.query_one(ArticleList).forget_rows()

    def _date(self, article: ArticleHead) -> str:
        from kabar_tui.present.formatting import format_date  # babel loads after the first frame

        return format_date(article.published, self.kabar.locale)

    def _title(self, article: ArticleHead) -> Text:
        """The title, and under it the other outlets of its story."""
        title = Text(article.title)
        others = self.kabar.listing.siblings.get(article.id)
        if others:
            names = ", ".join(sorted({o.outlet_or_title(ALSO_IN_TITLE) for o in others}))
            title.append("\n" + _("also in: ") + names, style="italic dim")
        return title

    def retranslate(self) -> None:
        """The interface language changed: words drawn once are drawn again."""
        self.query_one("#filter", Input).placeholder = _("Filter by title, outlet or author (f)")
        self._show_sort()
        self.forget_prompts()
        self.refresh_articles()

    def _show_sort(self) -> None:
        label = _("sorted by date") if self.sort_by == "date" else _("sorted by outlet")
        self.query_one("#sort-label", Label).update(label)

    def action_toggle_sort(self) -> None:
        self.sort_by = SORTS[(SORTS.index(self.sort_by) + 1) % len(SORTS)]
        self._show_sort()
        self.refresh_articles()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        filter_input.value = ""
        self.query_one("#articles").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refresh_articles()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.query_one("#articles").focus()

    def on_article_list_selected(self, event: ArticleList.Selected) -> None:
        self.post_message(OpenArticle(event.article_id))
