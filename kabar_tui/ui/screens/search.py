"""`/`: search the whole corpus as you type; Enter jumps to the passage."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from kabar_tui.core.search.filter_values import ValueMatch
from kabar_tui.core.search.query import (
    HitKind,
    filter_keys_help,
    filter_problem,
    highlight_terms,
    type_values_help,
)
from kabar_tui.core.textfold import WORD, fold
from kabar_tui.i18n import _, ngettext
from kabar_tui.present.formatting import format_number
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.labels import hit_kind_label, known_source, value_notes
from kabar_tui.ui.messages import OpenArticle, ShowEntity

if TYPE_CHECKING:  # not imported with the screen: numpy may be loading in the search thread
    from kabar_tui.core.search.search import Hit, SearchPage

DEBOUNCE_SECONDS = 0.15
PAGE = 50  # hits asked for at a time; moving past the last asks for the next page


def query_terms(query: str) -> list[str]:
    """The words of a query to highlight in the reader: the phrase, without filters."""
    return highlight_terms(query)


def query_hint(query: str) -> str | None:
    """One line on a filter that cannot work as typed: unknown name or type, or no value."""
    problem = filter_problem(query)
    if problem is None:
        return None
    if problem.kind == "unknown key":
        return _("unknown filter {key}: — try {keys}").format(
            key=problem.key, keys=filter_keys_help()
        )
    if problem.kind == "no value":
        return _("{key}: needs a value, e.g. {example}").format(
            key=problem.key, example=problem.example
        )
    return _("unknown filter type:{value} — try {values}").format(
        value=problem.value, values=type_values_help()
    )


def real_matches(text: str, spans: list[tuple[int, int]], query: str) -> list[tuple[int, int]]:
    """The spans whose words match a typed word: the same, a continuation of it, or (for
    words of five letters or more) one typo away; `saya` is not marked for `sama`."""
    typed = [fold(word) for word in query_terms(query) for word in word.split()]
    if not typed:
        return spans

    def matches(word: str) -> bool:
        return any(
            word == term
            or word.startswith(term)
            or (len(term) >= 5 and Levenshtein.distance(word, term) <= 1)
            for term in typed
        )

    return [
        (start, end)
        for start, end in spans
        if any(matches(word) for word in WORD.findall(fold(text[start:end])))
    ]


class HitList(OptionList):
    """The hits; the search screen moves its highlight while the query keeps the focus."""

    def action_cursor_down(self) -> None:
        screen = self.screen
        if isinstance(screen, SearchScreen) and self.highlighted == len(screen.hits) - 1:
            screen.next_page()
        super().action_cursor_down()


class SearchScreen(KabarNode, ModalScreen[None]):
    """Type to search; Enter opens the highlighted hit. Remembers the query for next time."""

    BINDINGS = [
        Binding("escape", "dismiss_search", _("Close"), id="search.close"),
        Binding("down", "focus_hits", _("Hits"), show=False, id="search.hits"),
        # Priority: the query field would take ctrl+k (delete to the end) for itself.
        Binding(
            "ctrl+n,ctrl+j",
            "move_hit(1)",
            _("Next hit"),
            show=False,
            priority=True,
            id="search.down",
        ),
        # ctrl+p is the app's palette key: in search the app hands it to move_hit(-1).
        Binding(
            "ctrl+k", "move_hit(-1)", _("Previous hit"), show=False, priority=True, id="search.up"
        ),
    ]

    def __init__(self, query: str = "", selected: int = 0) -> None:
        super().__init__()
        self.initial_query = query
        self.initial_selected = selected
        self.hits: list[Hit] = []
        self.total = 0  # hits the query has in all; pages of PAGE are listed as needed
        self.values: list[ValueMatch] = []  # what the query's filter values matched
        self.shown_query: str | None = None  # the query whose hits are listed
        self._paging = False  # the next page has been asked for
        self.closed = False  # dismissed: answers that come later are dropped
        self._debounce: Timer | None = None
        self._typed = query  # the field's value before its last change

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box"):
            yield Input(
                value=self.initial_query,
                placeholder=_('Search quotes and passages — {filters} "phrase"').format(
                    filters=filter_keys_help(" ")
                ),
                id="search-input",
            )
            yield Label(_("Type to search the whole corpus"), id="search-status")
            yield HitList(id="hits")

    def on_mount(self) -> None:
        field = self.query_one("#search-input", Input)
        field.focus()
        if self.initial_query:
            field.select_all()  # typing replaces the last query; arrows keep it
            self._search(self.initial_query, 0, self._show_remembered)

    def _show_remembered(self, page: SearchPage) -> None:
        """The last query's hits again, the one chosen last time highlighted."""
        self.show_hits(self.initial_query, page)
        if self.hits:
            self.query_one(HitList).highlighted = min(self.initial_selected, len(self.hits) - 1)

    def on_unmount(self) -> None:
        self.closed = True

    @on(Input.Changed, "#search-input")
    def schedule(self, event: Input.Changed) -> None:
        """Search once typing pauses; a query pasted (or cut) whole is searched at once:
        there are no keystrokes to wait for."""
        pasted = abs(len(event.value) - len(self._typed)) > 1
        self._typed = event.value
        if event.value == self.shown_query:
            return  # the field was filled with the remembered query, already searched
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if pasted:
            self.run_search(event.value)
        else:
            self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(event.value))

    @on(Input.Submitted, "#search-input")
    def submit(self, event: Input.Submitted) -> None:
        """Enter: the highlighted hit; typed faster than the debounce, the best hit now."""
        if event.value != self.shown_query:
            if self._debounce is not None:
                self._debounce.stop()
            self._search(event.value, 0, partial(self._choose_best, event.value))
        elif self.hits:
            self._choose(self.query_one(HitList).highlighted or 0)

    def _choose_best(self, query: str, page: SearchPage) -> None:
        self.show_hits(query, page)
        if self.hits and self.shown_query == query:
            self._choose(0)

    def _search(self, query: str, offset: int, then: Callable[[SearchPage], object]) -> None:
        """Ask for a page of hits (in the search thread when there is one; before search is
        ready there are none, and `searcher_ready` searches again)."""
        self.kabar.search_hits(query, offset, PAGE, then)

    def run_search(self, query: str) -> None:
        if self.kabar.searcher is None and query.strip():  # searched again once it is ready
            self.query_one("#search-status", Label).update(self._waiting())
        self._search(query, 0, partial(self.show_hits, query))

    def searcher_ready(self) -> None:
        """The index answers now: the query typed meanwhile is searched."""
        query = self.query_one("#search-input", Input).value
        if query.strip():
            self.run_search(query)  # the same query keeps its highlighted hit

    def show_hits(self, query: str, page: SearchPage) -> None:
        """List the first page of a query's hits (the same query keeps its highlight)."""
        typed = self.query(Input).filter("#search-input")
        if self.closed or not typed or not self.query(HitList) or query != typed.first().value:
            return  # closed, being taken down (the reader quit), or a newer query is coming
        self._paging = False
        highlighted = self.query_one(HitList).highlighted if query == self.shown_query else None
        hits = page.hits
        self.hits = list(hits)
        self.total = page.total
        self.values = page.values
        self.shown_query = query
        listing = self.query_one(HitList)
        listing.clear_options()
        listing.add_options(Option(self._prompt(hit)) for hit in hits)
        if hits:
            listing.highlighted = min(highlighted or 0, len(hits) - 1)
        self._show_status(query)

    def _show_status(self, query: str) -> None:
        status = self.query_one("#search-status", Label)
        hint = query_hint(query)
        if hint:
            status.update(Text(hint, style="bold"))
        elif self.kabar.searcher is None:
            status.update(self._waiting())
        elif not query.strip():
            status.update(_("Type to search the whole corpus"))
        else:
            status.update(self._count_line())

    def _waiting(self) -> str:
        """What search waits for: the articles read, or (all read) linked across outlets."""
        if self.kabar.list_screen.linking:
            return _("Still linking articles across outlets…")
        return _("Still reading articles…")

    def _count_line(self) -> Text:
        """`12 hits`, and what a filter value was taken as (`by:matsegra → Matsegora`)
        or that it matched nothing: plain text, the names come from the articles."""
        if self.hits:
            count = self.total
            if len(self.hits) < count:
                line = ngettext(
                    "{n} hit; ↓ past the last shows more",
                    "{n} hits; ↓ past the last shows more",
                    count,
                )
            else:
                line = ngettext("{n} hit", "{n} hits", count)
            line = line.format(n=format_number(count, self.kabar.locale))
        else:
            line = _("No hits")
        return Text(" · ").join(Text(part) for part in [line, *value_notes(self.values)])

    def move_hit(self, step: int) -> None:
        """ctrl+n/ctrl+p, ctrl+j/ctrl+k: move in the hits while typing, as in fzf."""
        listing = self.query_one(HitList)
        if not self.hits:
            return
        current = listing.highlighted or 0
        if step > 0 and current == len(self.hits) - 1:
            self.next_page()
        listing.highlighted = max(0, min(current + step, len(self.hits) - 1))

    def next_page(self) -> None:
        """Past the last listed hit: add the next page of hits, the highlight stays."""
        if self.shown_query is None or len(self.hits) >= self.total or self._paging:
            return
        self._paging = True
        self._search(self.shown_query, len(self.hits), partial(self._add_page, self.shown_query))

    def _add_page(self, query: str, page: SearchPage) -> None:
        self._paging = False
        if self.closed or query != self.shown_query:
            return
        self.hits += page.hits
        self.query_one(HitList).add_options(Option(self._prompt(hit)) for hit in page.hits)
        self._show_status(query)

    def action_move_hit(self, step: int) -> None:
        self.move_hit(step)

    def _prompt(self, hit) -> Text:
        article = self.kabar.head(hit.article_id) if hit.article_id else None
        head = Text()
        head.append(f"{hit.score:>3.0f} ", style="bold")
        head.append(hit_kind_label(hit.kind), style="dim")
        if article is not None:
            for part in known_source(article, self.kabar.locale):
                head.append(f" · {part}")
        if hit.label:
            head.append(f" · {hit.label}", style="italic")
        body = Text(hit.text[:300])
        for start, end in real_matches(hit.text, hit.spans, self.shown_query or ""):
            if start < 300:
                body.stylize("reverse bold", start, min(end, 300))
        return Text("\n").join([head, body])

    def action_focus_hits(self) -> None:
        self.query_one(HitList).focus()

    def action_dismiss_search(self) -> None:
        self._remember(self.query_one(HitList).highlighted or 0)
        self.dismiss(None)

    def _remember(self, selected: int) -> None:
        self.kabar.last_search = (self.query_one("#search-input", Input).value, selected)

    @on(OptionList.OptionSelected, "#hits")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        query = self.query_one("#search-input", Input).value
        self._remember(index)
        self.dismiss(None)
        if hit.article_id is not None:
            terms = query_terms(query)
            paragraph = hit.paragraph or 0
            opened = OpenArticle(hit.article_id, paragraph, terms, origin=("search",))
            self.kabar.post_message(opened)
        elif hit.kind == HitKind.ENTITY:  # an entity hit's text is its name, label its type
            self.kabar.post_message(ShowEntity(hit.text))
