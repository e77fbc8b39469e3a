"""Two versions of a story drawn with the Line API: aligned rows, side by side or stacked.

One scroll view holds both versions, so every key scrolls them together; a row cursor
marks the aligned pair being read, and h/l choose which version Enter opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kabar_tui.core.corpus.compare import Comparison, Span
from kabar_tui.core.model import Article
from kabar_tui.core.shortening import shortened
from kabar_tui.i18n import _
from kabar_tui.ui.labels import link_kind_label

GUTTER = 2
SIDE_BY_SIDE = 100  # columns; narrower terminals stack one version under the other
SEPARATOR = " │ "
CHANGED = Style(bold=True, reverse=True)
QUOTE = Style(italic=True)
SPEAKER = Style(bold=True)
LABEL = Style(dim=True)
HEADING = Style(bold=True, underline=True)


ID_SHOWN = 11  # characters of an article id standing in for an unknown outlet, `…` included


def outlet_name(article: Article) -> str:
    return article.outlet or shortened(article.id, ID_SHOWN)


def side_text(article: Article, index: int | None, changes: list[Span]) -> Text:
    """One version's paragraph: changed words reversed, quotes italic with their speaker."""
    if index is None:
        return Text("—", style=LABEL)
    text = Text(article.paragraphs[index].text)
    quotes = [q for q in article.quotes if q.paragraph == index]
    for quote in quotes:
        text.stylize(QUOTE, quote.start, quote.end)
    for start, end in changes:
        text.stylize(CHANGED, start, end)
    for quote in quotes:
        text.append("  \u25c2 " + (quote.speaker_canonical or quote.speaker or "?"), style=SPEAKER)
    return text


def row_label(comparison: Comparison, index: int) -> str:
    row = comparison.rows[index]
    if row.left is not None and row.right is not None:
        kind = link_kind_label(row.kind or "")
        return f"¶{row.left} ↔ ¶{row.right} · {kind} {row.score or 0:.0f}"
    side = comparison.left if row.left is not None else comparison.right
    number = row.left if row.left is not None else row.right
    label = f"¶{number} · " + _("only in {outlet}").format(outlet=outlet_name(side))
    if row.moved_to is not None:
        label += " · " + _("moved (paragraph {number} there)").format(number=row.moved_to)
    return label


@dataclass(slots=True)
class CompareLayout:
    width: int
    strips: list[Strip] = field(default_factory=list)
    row_of_line: list[int | None] = field(default_factory=list)
    first_line: dict[int, int] = field(default_factory=dict)
    last_line: dict[int, int] = field(default_factory=dict)


class CompareView(ScrollView, can_focus=True):
    """Both versions in one scrollable pane; Enter opens the chosen side's paragraph."""

    BINDINGS = [
        Binding("j,down", "move(1)", _("Next paragraph"), show=False, id="compare.down"),
        Binding("k,up", "move(-1)", _("Previous paragraph"), show=False, id="compare.up"),
        Binding("g,home", "edge(-1)", _("Top"), show=False, id="compare.top"),
        Binding("G,end", "edge(1)", _("Bottom"), show=False, id="compare.bottom"),
        Binding("space,pagedown", "page(1)", _("Page down"), show=False, id="compare.page_down"),
        Binding("b,pageup", "page(-1)", _("Page up"), show=False, id="compare.page_up"),
        Binding("h,left", "side(0)", _("Left version"), show=False, id="compare.left"),
        Binding("l,right", "side(1)", _("Right version"), show=False, id="compare.right"),
        Binding("enter", "open", _("Open in reader"), id="compare.open"),
    ]

    class Open(Message):
        """Open this article at this paragraph in the reader."""

        def __init__(self, article_id: str, paragraph: int) -> None:
            self.article_id = article_id
            self.paragraph = paragraph
            super().__init__()

    def __init__(self, comparison: Comparison, id: str | None = None) -> None:
        super().__init__(id=id)
        self.comparison = comparison
        self.cursor = 0
        self.side = 0
        self._layout: CompareLayout | None = None

    @property
    def stacked(self) -> bool:
        return self.app.size.width < SIDE_BY_SIDE

    def _ensure_layout(self) -> CompareLayout:
        width = max(self.scrollable_content_region.width - GUTTER, 20)
        if self._layout is None or self._layout.width != width:
            self._layout = self._build(width)
            self.virtual_size = Size(width + GUTTER, len(self._layout.strips))
        return self._layout

    def _lines(self, text: Text, width: int) -> list[Strip]:
        console: Console = self.app.console
        strips = []
        for line in text.wrap(console, width, overflow="fold"):
            line.rstrip()
            strips.append(Strip(list(line.render(console)), line.cell_len))
        return strips or [Strip.blank(0)]

    def _build(self, width: int) -> CompareLayout:
        layout = CompareLayout(width)
        comparison = self.comparison
        left, right = comparison.left, comparison.right

        def add(strip: Strip, row: int | None) -> None:
            layout.strips.append(strip)
            layout.row_of_line.append(row)

        column = (width - len(SEPARATOR)) // 2
        for index, row in enumerate(comparison.rows):
            layout.first_line[index] = len(layout.strips)
            add(self._lines(Text(row_label(comparison, index), style=LABEL), width)[0], index)
            left_text = side_text(left, row.left, row.left_changes)
            right_text = side_text(right, row.right, row.right_changes)
            if self.stacked:
                for article, body, present in (
                    (left, left_text, row.left is not None),
                    (right, right_text, row.right is not None),
                ):
                    if not present:
                        continue
                    head = Text(outlet_name(article) + ": ", style=SPEAKER)
                    for strip in self._lines(head + body, width):
                        add(strip, index)
            else:
                left_lines = self._lines(left_text, column)
                right_lines = self._lines(right_text, column)
                blank = Strip.blank(column)
                separator = Strip([Segment(SEPARATOR, LABEL)], len(SEPARATOR))
                for n in range(max(len(left_lines), len(right_lines))):
                    one = left_lines[n] if n < len(left_lines) else blank
                    two = right_lines[n] if n < len(right_lines) else blank
                    add(Strip.join([one.extend_cell_length(column), separator, two]), index)
            layout.last_line[index] = len(layout.strips) - 1
            add(Strip.blank(0), None)
        for article, quotes in (
            (left, comparison.only_left_quotes),
            (right, comparison.only_right_quotes),
        ):
            if not quotes:
                continue
            heading = _("Quotes only in {outlet}").format(outlet=outlet_name(article))
            add(self._lines(Text(heading, style=HEADING), width)[0], None)
            for quote in quotes:
                line = Text(quote.speaker_canonical or quote.speaker or "?", style=SPEAKER)
                line.append(": ")
                line.append(quote.text, style=QUOTE)
                line.append(f"  ¶{quote.paragraph}", style=LABEL)
                for strip in self._lines(line, width):
                    add(strip, None)
            add(Strip.blank(0), None)
        return layout

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        layout = self._ensure_layout()
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if index >= len(layout.strips):
            return Strip.blank(width, self.rich_style)
        if layout.row_of_line[index] == self.cursor:
            gutter = Strip([Segment("\u258c ", Style(bold=True))], GUTTER)
        else:
            gutter = Strip([Segment(" " * GUTTER)], GUTTER)
        line = Strip.join([gutter, layout.strips[index]])
        return line.crop_extend(scroll_x, scroll_x + width, None).apply_style(self.rich_style)

    def on_resize(self) -> None:
        self._layout = None
        self._ensure_layout()
        self.refresh()

    # -- moving ------------------------------------------------------------------------

    def set_cursor(self, row: int) -> None:
        rows = len(self.comparison.rows)
        if not rows:
            return
        self.cursor = max(0, min(row, rows - 1))
        layout = self._ensure_layout()
        top, bottom = layout.first_line[self.cursor], layout.last_line[self.cursor]
        height = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=min(top, bottom - height + 1), animate=False, immediate=True)
        self.refresh()

    def action_move(self, step: int) -> None:
        """Row by row, scrolling inside a row taller than the screen before leaving it."""
        layout = self._ensure_layout()
        height = self.scrollable_content_region.height
        top, bottom = layout.first_line[self.cursor], layout.last_line[self.cursor]
        if step > 0 and bottom >= self.scroll_y + height:
            self.scroll_to(y=self.scroll_y + max(1, height - 2), animate=False, immediate=True)
        elif step < 0 and top < self.scroll_y:
            self.scroll_to(y=max(top, self.scroll_y - height + 2), animate=False, immediate=True)
        else:
            self.set_cursor(self.cursor + step)

    def action_edge(self, direction: int) -> None:
        self.set_cursor(0 if direction < 0 else len(self.comparison.rows) - 1)
        if direction > 0:
            self.scroll_end(animate=False, immediate=True)

    def action_page(self, direction: int) -> None:
        layout = self._ensure_layout()
        height = self.scrollable_content_region.height
        target = max(0, min(int(self.scroll_y) + direction * (height - 1), int(self.max_scroll_y)))
        self.scroll_to(y=target, animate=False, immediate=True)
        for line in range(target, len(layout.row_of_line)):
            row = layout.row_of_line[line]
            if row is not None:
                self.cursor = row
                break
        self.refresh()

    def action_side(self, side: int) -> None:
        self.side = side
        self.post_message(self.SideChanged(side))

    class SideChanged(Message):
        def __init__(self, side: int) -> None:
            self.side = side
            super().__init__()

    def action_open(self) -> None:
        row = self.comparison.rows[self.cursor]
        choices = [
            (self.comparison.left, row.left),
            (self.comparison.right, row.right),
        ]
        article, paragraph = choices[self.side]
        if paragraph is None:  # this version lacks the paragraph: open the other one
            article, paragraph = choices[1 - self.side]
        if paragraph is not None:
            self.post_message(self.Open(article.id, paragraph))
