"""The article list: every article with outlet, date and story siblings, sortable, filterable."""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList, ProgressBar
from textual.widgets.option_list import Option

from kabar_tui.core.model import Article, Corpus
from kabar_tui.i18n import _
from kabar_tui.ui.access import KabarNode
from kabar_tui.ui.data import story_siblings
from kabar_tui.ui.messages import OpenArticle

SORTS = ("date", "outlet")
OUTLET_WIDTH = 16
DATE_WIDTH = 12
# The title column is what is left after the outlet and date columns and a space after each.
TITLE_OFFSET = OUTLET_WIDTH + 1 + DATE_WIDTH + 1


def sort_articles(articles: list[Article], by: str) -> list[Article]:
    """Newest first by date (undated last), or alphabetical by outlet then newest."""
    dated = [a for a in articles if a.published is not None]
    undated = [a for a in articles if a.published is None]
    dated.sort(key=lambda a: a.published, reverse=True)
    ordered = dated + undated
    if by == "outlet":
        ordered.sort(key=lambda a: (a.outlet or "\uffff").casefold())
    return ordered


class ArticleList(OptionList):
    """The list itself, with vim keys on top of the arrows.

    OptionList measures every option by laying it out, about 0.7 ms a row: a 10,000-row
    rebuild on each filter keystroke would take seconds. Here the screen says each row's
    height (cached by article and width), so a rebuild only renders the rows on screen.
    """

    BINDINGS = [
        Binding("j", "cursor_down", _("Down"), show=False, id="list.down"),
        Binding("k", "cursor_up", _("Up"), show=False, id="list.up"),
        Binding("g", "first", _("First"), show=False, id="list.first"),
        Binding("G", "last", _("Last"), show=False, id="list.last"),
        Binding("ctrl+d,space", "page_down", _("Page down"), show=False, id="list.page_down"),
        Binding("ctrl+u,b", "page_up", _("Page up"), show=False, id="list.page_up"),
    ]

    def __init__(self, row_height: Callable[[str, int], int], id: str | None = None) -> None:
        super().__init__(id=id)
        self._row_height = row_height

    def _update_lines(self) -> None:
        """Index the lines of options added since the last call, heights from the screen."""
        if not self.scrollable_content_region:
            return
        line_cache = self._line_cache
        lines = line_cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        row_width = width - self.get_component_styles("option-list--option").padding.width
        for index, option in enumerate(self.options[next_index:], next_index):
            line_cache.index_to_line[index] = len(lines)
            height = self._row_height(option.id or "", row_width)
            line_cache.heights[index] = height
            lines.extend([(index, line) for line in range(height)])
        virtual_size = Size(width, len(lines))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)


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
        self.shown: list[Article] = []
        self._prompts: dict[str, tuple[Table, Text]] = {}  # the row and its title cell
        self._options: dict[str, Option] = {}
        self._heights: dict[tuple[str, int], int] = {}  # (article id, row width) -> lines
        self._haystacks: dict[str, str] = {}
        self._shown_by_id: dict[str, Article] = {}
        self._siblings: dict[str, list[Article]] | None = None  # built on first use
        self._linking_timer: Timer | None = None
        self._linking_started = 0.0

    def compose(self) -> ComposeResult:
        with Horizontal(id="list-top"):
            yield Input(placeholder=_("Filter by title, outlet or author (f)"), id="filter")
            yield Label("", id="sort-label")
        yield ProgressBar(id="progress", show_eta=False)
        yield Label(_("Reading articles…"), id="status")
        yield ArticleList(self._row_height, id="articles")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#articles").focus()
        self._show_sort()

    @property
    def corpus(self) -> Corpus:
        return self.kabar.corpus

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

    def refresh_articles(self) -> None:
        """Rebuild the options (articles arrived, sort or filter changed)."""
        words = self.query_one("#filter", Input).value.casefold().split()
        ordered = sort_articles(self.corpus.articles, self.sort_by)
        if words:
            haystack = self._haystack
            ordered = [a for a in ordered if all(word in haystack(a) for word in words)]
        self.shown = ordered
        self._shown_by_id = {a.id: a for a in ordered}
        options = self.query_one("#articles", ArticleList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        options.add_options(self._option(a) for a in self.shown)
        if highlighted is not None:
            try:
                options.highlighted = options.get_option_index(highlighted)
            except Exception:
                options.highlighted = 0 if self.shown else None
        elif self.shown:
            options.highlighted = 0

    def forget_prompts(self) -> None:
        """Stories changed: the "also in" lines must be drawn (and measured) again."""
        self._prompts.clear()
        self._options.clear()
        self._heights.clear()
        self._haystacks.clear()
        self._siblings = None

    def _haystack(self, article: Article) -> str:
        haystack = self._haystacks.get(article.id)
        if haystack is None:
            fields = (article.title, article.outlet or "", article.author or "")
            haystack = self._haystacks[article.id] = " ".join(fields).casefold()
        return haystack

    def _option(self, article: Article) -> Option:
        """One option per article, kept so its rendering is not redone on every rebuild."""
        option = self._options.get(article.id)
        if option is None:
            option = self._options[article.id] = Option(self._cached_prompt(article)[0], article.id)
        return option

    def _row_height(self, article_id: str, width: int) -> int:
        """Lines the article's row takes at this width: its wrapped title and "also in" line."""
        height = self._heights.get((article_id, width))
        if height is None:
            article = self._shown_by_id.get(article_id) or self.corpus.article(article_id)
            if article is None:
                return 1
            row, title = self._cached_prompt(article)
            console = self.app.console
            if width > TITLE_OFFSET:
                lines = title.wrap(console, width - TITLE_OFFSET, overflow="ellipsis")
            else:  # too narrow for the columns as planned: let rich lay the row out
                lines = console.render_lines(row, console.options.update_width(max(width, 1)))
            height = self._heights[article_id, width] = max(len(lines), 1)
        return height

    def _cached_prompt(self, article: Article) -> tuple[Table, Text]:
        prompt = self._prompts.get(article.id)
        if prompt is None:
            prompt = self._prompts[article.id] = self._prompt(article)
        return prompt

    def _prompt(self, article: Article) -> tuple[Table, Text]:
        from kabar_tui.core.formatting import format_date  # babel loads after the first frame

        locale = self.kabar.locale
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(width=OUTLET_WIDTH, no_wrap=True, overflow="ellipsis")
        grid.add_column(width=DATE_WIDTH, no_wrap=True)
        grid.add_column(ratio=1)
        title = Text(article.title)
        if self._siblings is None:
            self._siblings = story_siblings(self.corpus)
        others = self._siblings.get(article.id)
        if others:
            names = ", ".join(sorted({o.outlet or o.title[:30] for o in others}))
            title.append("\n" + _("also in: ") + names, style="italic dim")
        grid.add_row(
            Text(article.outlet or "-", style="bold"),
            Text(format_date(article.published, locale), style="dim"),
            title,
        )
        return grid, title

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
            self.post_message(OpenArticle(event.option.id))
