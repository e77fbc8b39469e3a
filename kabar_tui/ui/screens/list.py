"""The article list: every article with outlet, date and story siblings, sortable, filterable."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from kabar_tui.core.model import Article, Corpus
from kabar_tui.i18n import _
from kabar_tui.ui.data import other_story_articles

SORTS = ("date", "outlet")


def sort_articles(articles: list[Article], by: str) -> list[Article]:
    """Newest first by date (undated last), or alphabetical by outlet then newest."""
    dated = [a for a in articles if a.published is not None]
    undated = [a for a in articles if a.published is None]
    dated.sort(key=lambda a: a.published, reverse=True)
    ordered = dated + undated
    if by == "outlet":
        ordered.sort(key=lambda a: (a.outlet or "\uffff").casefold())
    return ordered


def matches_filter(article: Article, words: list[str]) -> bool:
    haystack = " ".join((article.title, article.outlet or "", article.author or "")).casefold()
    return all(word in haystack for word in words)


class ArticleList(OptionList):
    """The list itself, with vim keys on top of the arrows."""

    BINDINGS = [
        Binding("j", "cursor_down", _("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="list.up"),
        Binding("g", "first", _("First"), show=False, id="list.first"),
        Binding("G", "last", _("Last"), show=False, id="list.last"),
        Binding("ctrl+d,space", "page_down", _("Page down"), show=False, id="list.page_down"),
        Binding("ctrl+u,b", "page_up", _("Page up"), show=False, id="list.page_up"),
    ]


class ListScreen(Screen[None]):
    """The first screen: pick an article."""

    BINDINGS = [
        Binding("s", "toggle_sort", _("Sort"), id="list.sort"),
        Binding("f", "focus_filter", _("Filter"), id="list.filter"),
        Binding("escape", "clear_filter", _("Clear filter"), show=False, id="list.clear_filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort_by = "date"
        self.shown: list[Article] = []
        self._prompts: dict[str, Table] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="list-top"):
            yield Input(placeholder=_("Filter by title, outlet or author (f)"), id="filter")
            yield Label("", id="sort-label")
        yield ProgressBar(id="progress", show_eta=False)
        yield Label(_("Reading articles…"), id="status")
        yield ArticleList(id="articles")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#articles").focus()
        self._show_sort()

    @property
    def corpus(self) -> Corpus:
        return self.app.corpus  # type: ignore[attr-defined]

    def set_progress(self, done: int, total: int) -> None:
        bar = self.query_one(ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        if done < total:
            status = _("Reading articles… {done}/{total}").format(done=done, total=total)
        else:
            status = _("Linking stories and names across outlets…")
        self.query_one("#status", Label).update(status)

    def finish_loading(self, message: str | None) -> None:
        self.query_one(ProgressBar).display = False
        status = self.query_one("#status", Label)
        status.update(Text(message or ""))
        status.display = bool(message)

    def refresh_articles(self) -> None:
        """Rebuild the options (articles arrived, sort or filter changed)."""
        words = self.query_one("#filter", Input).value.casefold().split()
        ordered = sort_articles(self.corpus.articles, self.sort_by)
        self.shown = [a for a in ordered if matches_filter(a, words)]
        options = self.query_one("#articles", ArticleList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        options.add_options(Option(self._cached_prompt(a), id=a.id) for a in self.shown)
        if highlighted is not None:
            try:
                options.highlighted = options.get_option_index(highlighted)
            except Exception:
                options.highlighted = 0 if self.shown else None
        elif self.shown:
            options.highlighted = 0

    def forget_prompts(self) -> None:
        """Stories changed: the "also in" lines must be drawn again."""
        self._prompts.clear()

    def _cached_prompt(self, article: Article) -> Table:
        prompt = self._prompts.get(article.id)
        if prompt is None:
            prompt = self._prompts[article.id] = self._prompt(article)
        return prompt

    def _prompt(self, article: Article) -> Table:
        from kabar_tui.core.formatting import format_date  # babel loads after the first frame

        locale = self.app.locale  # type: ignore[attr-defined]
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(width=16, no_wrap=True, overflow="ellipsis")
        grid.add_column(width=12, no_wrap=True)
        grid.add_column(ratio=1)
        title = Text(article.title)
        others = other_story_articles(self.corpus, article)
        if others:
            names = ", ".join(sorted({o.outlet or o.title[:30] for o in others}))
            title.append("\n" + _("also in: ") + names, style="italic dim")
        grid.add_row(
            Text(article.outlet or "-", style="bold"),
            Text(format_date(article.published, locale), style="dim"),
            title,
        )
        return grid

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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.jump(event.option.id, 0)  # type: ignore[attr-defined]
