"""The article list drawn with the Line API, like the article view: only visible lines render.

Each row is an outlet column, a date column and the title wrapped in what is left (with
its "also in" line). Only the rows on screen are wrapped (once per article and width, then
kept); the others count the lines their title's length suggests until they are shown, so
showing or filtering 10,000 articles wraps a screenful, not 10,000 titles. The rows are an
order's ids (`ListedRows`): a row whose head is not read yet is drawn empty and its head
asked for (`want`), with the rest of the screen and a margin.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kabar_tui.core.store.catalog import ArticleHead
from kabar_tui.i18n import _
from kabar_tui.ui.listing import NO_ROWS, ROWS_READ_TOGETHER, ListedRows

OUTLET_WIDTH = 16
DATE_WIDTH = 12
# The title column is what is left after the outlet and date columns and a space after each.
TITLE_OFFSET = OUTLET_WIDTH + 1 + DATE_WIDTH + 1
PADDING = 1  # a column of space on either side of every row


class ArticleList(ScrollView, can_focus=True):
    """Rows of articles with a highlighted one; Enter (or a click) chooses it."""

    COMPONENT_CLASSES = {"article-list--cursor", "article-list--outlet", "article-list--date"}

    BINDINGS = [
        Binding("enter", "select", _("Open"), show=False, id="list.open"),
        Binding("j,down", "move(1)", _("Down"), show=False, id="list.down"),
        Binding("k,up", "move(-1)", _("Up"), show=False, id="list.up"),
        Binding("g,home", "first", _("First"), show=False, id="list.first"),
        Binding("G,end", "last", _("Last"), show=False, id="list.last"),
        Binding(
            "ctrl+d,space,pagedown", "page(1)", _("Page down"), show=False, id="list.page_down"
        ),
        Binding("ctrl+u,b,pageup", "page(-1)", _("Page up"), show=False, id="list.page_up"),
    ]

    class Selected(Message):
        def __init__(self, article_id: str) -> None:
            self.article_id = article_id
            super().__init__()

    def __init__(
        self,
        title: Callable[[ArticleHead], Text],
        date: Callable[[ArticleHead], str],
        want: Callable[[list[str]], object],
        id: str | None = None,
    ) -> None:
        """`title`: an article's title cell (with its "also in" line); `date`: its date;
        `want`: ask for the heads of these ids (`heads_arrived` when they are read)."""
        super().__init__(id=id)
        self._title = title
        self._date = date
        self._want = want
        self.articles: ListedRows = NO_ROWS
        self._asked: tuple[ListedRows, int, int] | None = None  # the rows whose heads were asked
        self.highlighted: int | None = None
        self._rows: dict[tuple[str, int], list[Strip]] = {}
        self._heights: list[int] = []  # lines of each row: wrapped, or guessed until shown
        self._starts: list[int] = []  # first line of each row
        self._indexed_width = -1
        self._settled: tuple[int, int, int] | None = None  # the window whose rows are exact

    # -- content -----------------------------------------------------------------------

    def set_articles(self, articles: ListedRows, keep_place: bool = False) -> None:
        """Show these articles, keeping the highlighted one when it is still there.

        `keep_place`: it stays on the same screen line, and when it has gone the row that
        took its place is highlighted (files changed on disk while the user reads); a list
        scrolled to its top stays there, so the newest rows show."""
        current = self.highlighted_id
        before = self.highlighted
        line = None  # the highlighted row's line on screen
        if keep_place and before is not None and self._visible(before):
            line = self._starts[before] - int(self.scroll_y)
        at_top = keep_place and int(self.scroll_y) == 0
        self.articles = articles
        self._asked = None
        self._indexed_width = -1
        index = None
        if current is not None and current in articles.ids:
            index = articles.ids.index(current)
        if index is None and keep_place and before is not None and articles:
            index = min(before, len(articles) - 1)
        if index is None and articles:
            index = 0
        self.highlighted = index
        self._index()
        if line is not None and index is not None:
            top = 0 if at_top else max(0, self._starts[index] - line)
            self.scroll_to(y=top, animate=False, immediate=True, force=True)
        else:
            self._scroll_to_highlighted()
        self.refresh()

    def forget_rows(self) -> None:
        """Titles or stories changed: draw every row again."""
        self._rows.clear()
        self._indexed_width = -1
        self.refresh()

    def heads_arrived(self) -> None:
        """Heads asked for were read: their rows are wrapped and drawn."""
        self._settled = None
        self.refresh()

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= len(self.articles):
            return None
        return self.articles.ids[self.highlighted]

    @property
    def highlighted_article(self) -> ArticleHead | None:
        if self.highlighted is None or self.highlighted >= len(self.articles):
            return None
        return self.articles.head(self.highlighted)

    @property
    def row_width(self) -> int:
        return max(self.scrollable_content_region.width - 2 * PADDING, 1)

    def row_lines(self, article: ArticleHead) -> list[Strip]:
        """The row's lines at the current width, wrapped once and kept."""
        width = self.row_width
        key = (article.id, width)
        lines = self._rows.get(key)
        if lines is None:
            lines = self._rows[key] = self._render_row(article, width)
        return lines

    def _render_row(self, article: ArticleHead, width: int) -> list[Strip]:
        console = self.app.console
        outlet = Text(article.outlet or "-", style=self._style("outlet"), no_wrap=True)
        outlet.truncate(OUTLET_WIDTH, overflow="ellipsis", pad=True)
        date = Text(self._date(article), style=self._style("date"), no_wrap=True)
        date.truncate(DATE_WIDTH, pad=True)
        title = self._title(article)
        if width > TITLE_OFFSET:
            heads = [outlet + Text(" ") + date + Text(" ")]
            title_width = width - TITLE_OFFSET
        else:  # too narrow for columns: outlet and date above the title
            heads = [outlet + Text(" ") + date]
            title_width = width
        strips = [Strip(list(head.render(console)), head.cell_len) for head in heads]
        indent = Strip.blank(TITLE_OFFSET) if width > TITLE_OFFSET else None
        for number, line in enumerate(title.wrap(console, title_width, overflow="ellipsis")):
            line.rstrip()
            body = Strip(list(line.render(console)), line.cell_len)
            if indent is None:
                strips.append(body)
            elif number == 0:
                strips[0] = Strip.join([strips[0], body])
            else:
                strips.append(Strip.join([indent, body]))
        return [strip.crop_extend(0, width, None) for strip in strips]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"article-list--{name}", partial=True)

    def _index(self) -> None:
        """Where each row starts, for the current width: the lines of rows already wrapped,
        a guess for the others (corrected when they are shown, see `_settle`): the title's
        length over the title column, plus the outlet's line when too narrow for columns.
        One pass without a call per row: at 100k rows this runs on the event loop."""
        width = self.row_width
        if width == self._indexed_width:
            return
        wrapped = {key: len(lines) for (key, at), lines in self._rows.items() if at == width}
        lines_of = wrapped.get
        rows = zip(self.articles.ids, self.articles.title_lengths, strict=True)
        if width > TITLE_OFFSET:
            column = width - TITLE_OFFSET
            self._heights = [lines_of(i) or (n + column - 1) // column or 1 for i, n in rows]
        else:
            self._heights = [lines_of(i) or 1 + ((n + width - 1) // width or 1) for i, n in rows]
        self._indexed_width = width
        self._place_rows()

    def _place_rows(self) -> None:
        self._settled = None
        self._starts = list(accumulate(self._heights, initial=0))
        total = self._starts.pop()
        self.virtual_size = Size(self.scrollable_content_region.width, total)

    def _wrap_row(self, row: int) -> bool:
        """Wrap one row (kept); whether its height was a wrong guess. A row whose head is
        not read yet keeps its guess."""
        head = self.articles.head(row)
        if head is None:
            return False
        lines = len(self.row_lines(head))
        if lines == self._heights[row]:
            return False
        self._heights[row] = lines
        return True

    def _settle(self) -> None:
        """Wrap the rows on screen, so what is drawn is exact; if a guess was wrong, the
        rows below move and the highlighted row, if it was on screen, stays there."""
        self._index()
        height = self.scrollable_content_region.height
        while self.articles:  # each pass makes more rows exact: it ends
            top = int(self.scroll_y)
            window = (top, height, self.row_width)
            if window == self._settled:
                return
            visible = self._visible(self.highlighted)
            changed = False
            row = self.row_at(top)
            self._ask_heads(row, height)
            while row is not None and row < len(self.articles):
                changed |= self._wrap_row(row)
                if self._starts[row] + self._heights[row] >= top + height:
                    break
                row += 1
            if not changed:
                self._settled = window
                return
            self._place_rows()
            if visible:
                self._scroll_to_highlighted()
            self.refresh()

    def _ask_heads(self, row: int | None, height: int) -> None:
        """Ask for the heads not read yet of the rows from a screenful above `row` to two
        below it (at least `ROWS_READ_TOGETHER`), once per such window."""
        if row is None:
            return
        first = max(0, row - height)
        end = min(len(self.articles), row + max(2 * height, ROWS_READ_TOGETHER))
        asked = self._asked
        if asked is not None and asked[0] is self.articles and asked[1] <= row < asked[2] - height:
            return
        missing = [
            self.articles.ids[number]
            for number in range(first, end)
            if self.articles.head(number) is None
        ]
        self._asked = (self.articles, first, end)
        if missing:
            self._want(missing)

    def _visible(self, row: int | None) -> bool:
        if row is None or row >= len(self._starts):
            return False
        top = int(self.scroll_y)
        start = self._starts[row]
        return (
            start < top + self.scrollable_content_region.height and start + self._heights[row] > top
        )

    def row_at(self, line: int) -> int | None:
        if not self.articles or line < 0:
            return None
        row = bisect_right(self._starts, line) - 1
        return row if 0 <= row < len(self.articles) else None

    # -- Line API ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        self._settle()
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        row = self.row_at(line)
        if row is None or line >= self.virtual_size.height:
            return Strip.blank(width, self.rich_style)
        head = self.articles.head(row)
        if head is None:  # asked for: drawn when read
            lines = [Strip.blank(self.row_width)] * self._heights[row]
        else:
            lines = self.row_lines(head)
        if line - self._starts[row] >= len(lines):  # moved while drawn: the next frame has it
            return Strip.blank(width, self.rich_style)
        strip = lines[line - self._starts[row]]
        pad = Strip.blank(PADDING)
        strip = Strip.join([pad, strip, pad])
        if row == self.highlighted:
            strip = strip.apply_style(self._style("cursor"))
        return strip.crop_extend(0, width, None).apply_style(self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        self._index()
        self._scroll_to_highlighted()

    def notify_style_update(self) -> None:
        """Theme changed: component styles may differ, so draw the rows again."""
        super().notify_style_update()
        self._rows.clear()
        self._indexed_width = -1
        self.refresh()

    # -- moving ------------------------------------------------------------------------

    def _scroll_to_highlighted(self) -> None:
        if self.highlighted is None or not self.articles:
            return
        self._index()
        if self._wrap_row(self.highlighted):
            self._place_rows()
        top = self._starts[self.highlighted]
        height = self._heights[self.highlighted]
        region = Region(0, top, self.scrollable_content_region.width, height)
        self.scroll_to_region(region, animate=False, immediate=True, force=True)

    def highlight(self, row: int) -> None:
        if not self.articles:
            return
        self.highlighted = max(0, min(row, len(self.articles) - 1))
        self._scroll_to_highlighted()
        self.refresh()

    def action_move(self, step: int) -> None:
        self.highlight((self.highlighted or 0) + step)

    def action_first(self) -> None:
        self.highlight(0)

    def action_last(self) -> None:
        self.highlight(len(self.articles) - 1)

    def action_page(self, direction: int) -> None:
        """A screenful of lines: the row there is highlighted and shown."""
        if self.highlighted is None:
            return
        self._index()
        height = max(1, self.scrollable_content_region.height - 1)
        target = self.row_at(self._starts[self.highlighted] + direction * height)
        if target is None:
            target = 0 if direction < 0 else len(self.articles) - 1
        if target == self.highlighted:
            target += direction
        self.highlight(target)

    def action_select(self) -> None:
        article_id = self.highlighted_id
        if article_id is not None:
            self.post_message(self.Selected(article_id))

    def on_click(self, event: events.Click) -> None:
        row = self.row_at(int(self.scroll_y) + event.y)
        if row is not None:
            self.highlight(row)
            self.action_select()
