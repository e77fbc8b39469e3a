"""`/`: search the whole corpus as you type; Enter jumps to the passage."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from kabar_tui.core.formatting import format_date
from kabar_tui.i18n import _

DEBOUNCE_SECONDS = 0.15
FILTER = re.compile(r'\b(?:outlet|by|type):(?:"[^"]*"|\S+)')


def query_terms(query: str) -> list[str]:
    """The words of a query to highlight in the reader: the phrase, without filters."""
    rest = FILTER.sub(" ", query)
    phrases = re.findall(r'"([^"]+)"', rest)
    rest = re.sub(r'"[^"]*"', " ", rest)
    return phrases + [word for word in rest.split() if len(word) > 1]


class HitList(OptionList):
    BINDINGS = [
        Binding("ctrl+j,ctrl+n", "cursor_down", _("Next hit"), show=False, id="search.down"),
        Binding("ctrl+k,ctrl+p", "cursor_up", _("Previous hit"), show=False, id="search.up"),
    ]


class SearchScreen(ModalScreen[tuple[object, str] | None]):
    """Returns the chosen hit and the query, or None when closed."""

    BINDINGS = [
        Binding("escape", "dismiss_search", _("Close"), id="search.close"),
        Binding("down", "focus_hits", _("Hits"), show=False, id="search.hits"),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list = []
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(
                value=self.initial_query,
                placeholder=_('Search quotes and passages — outlet: by: type: "phrase"'),
                id="search-input",
            )
            yield Label(_("Type to search the whole corpus"), id="search-status")
            yield HitList(id="hits")

    def on_mount(self) -> None:
        self.query_one("#search-input").focus()
        if self.initial_query:
            self.run_search(self.initial_query)

    @on(Input.Changed, "#search-input")
    def schedule(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(event.value))

    @on(Input.Submitted, "#search-input")
    def submit(self) -> None:
        hits = self.query_one(HitList)
        if self.hits:
            self._choose(hits.highlighted or 0)

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, query: str) -> None:
        searcher = self.app.searcher  # type: ignore[attr-defined]
        if not query.strip() or searcher is None:
            self.app.call_from_thread(self.show_hits, query, [])
            return
        hits = searcher.search(query, 50)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_hits, query, hits)

    def show_hits(self, query: str, hits: list) -> None:
        if query != self.query_one("#search-input", Input).value:
            return  # a newer query is on its way
        self.hits = hits
        listing = self.query_one(HitList)
        listing.clear_options()
        listing.add_options(Option(self._prompt(hit)) for hit in hits)
        if hits:
            listing.highlighted = 0
        status = self.query_one("#search-status", Label)
        if self.app.searcher is None:  # type: ignore[attr-defined]
            status.update(_("Still reading articles…"))
        elif not query.strip():
            status.update(_("Type to search the whole corpus"))
        else:
            status.update(_("{count} hits").format(count=len(hits)) if hits else _("No hits"))

    def _prompt(self, hit) -> Text:
        corpus = self.app.corpus  # type: ignore[attr-defined]
        article = corpus.article(hit.article_id) if hit.article_id else None
        head = Text()
        head.append(f"{hit.score:>3.0f} ", style="bold")
        head.append(hit.kind, style="dim")
        if article is not None:
            locale = self.app.locale  # type: ignore[attr-defined]
            head.append(f" · {article.outlet or '-'} · {format_date(article.published, locale)}")
        if hit.label:
            head.append(f" · {hit.label}", style="italic")
        body = Text(hit.text[:300])
        for start, end in hit.spans:
            if start < 300:
                body.stylize("reverse bold", start, min(end, 300))
        return Text("\n").join([head, body])

    def action_focus_hits(self) -> None:
        self.query_one(HitList).focus()

    def action_dismiss_search(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#hits")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.hits):
            self.dismiss((self.hits[index], self.query_one("#search-input", Input).value))
