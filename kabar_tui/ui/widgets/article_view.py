"""An article drawn with the Line API: wrapped once per width, each line a cached Strip.

Hundreds of paragraph widgets do not scale; one ScrollView that renders only the visible
lines keeps long articles smooth. A paragraph cursor marks the paragraph being read.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from kabar_tui.core.model import Article, Mention, Quote, RemovedLine
from kabar_tui.i18n import _
from kabar_tui.present.formatting import format_published

GUTTER = 2
READING_WIDTH = 100  # longer lines are hard to read on wide terminals
KEPT_LAYOUTS = 8  # recently shown articles stay wrapped, so back/forward is instant
CHUNK = 20  # paragraphs wrapped per step after the first screen, between other events
LABELS = ("per", "loc", "org")
# Title and caption entities are found with the body (as one article): up to this much
# body text that takes a few milliseconds, done when the article opens; a longer body
# (a 1 MB article takes about a second) is read in a thread and the header redrawn after.
INLINE_ENTITY_CHARACTERS = 50_000

# The title's mentions and each caption's, offsets into their own text.
HeaderMentions = tuple[list[Mention], list[list[Mention]]]
NO_HEADER_MENTIONS: HeaderMentions = ([], [])


@dataclass(slots=True)
class Layout:
    """The article for one width. Every paragraph has its lines from the start, but
    those not wrapped yet are placeholders (None) of an estimated count, replaced when
    the paragraph is wrapped: the visible window first, the rest a chunk at a time."""

    article: Article
    width: int
    pattern: re.Pattern[str] | None
    # The removed lines shown before each paragraph (the key len(paragraphs): after all).
    removed: dict[int, list[RemovedLine]]
    strips: list[Strip | None] = field(default_factory=list)
    paragraph_of_line: list[int | None] = field(default_factory=list)
    first_line: dict[int, int] = field(default_factory=dict)
    last_line: dict[int, int] = field(default_factory=dict)
    removed_height: dict[int, int] = field(default_factory=dict)
    unwrapped: set[int] = field(default_factory=set)
    next_paragraph: int = 0  # where the background wrapping goes on
    complete: bool = False
    # Quotes and mentions by paragraph, grouped once: scanning the article's lists for
    # every paragraph made wrapping a 1 MB article quadratic (seconds to reach its end).
    quotes: dict[int, list[Quote]] = field(default_factory=dict)
    mentions: dict[int, list[Mention]] = field(default_factory=dict)
    header_lines: int = 0  # the header's wrapped lines, redrawn when its entities arrive


def header_mentions_now(article: Article) -> HeaderMentions | None:
    """The title's and captions' mentions, found now (the reader asks the catalog's thread,
    with the article); None for a long body, whose are found in a thread once it is shown
    (see INLINE_ENTITY_CHARACTERS)."""
    if not article.title and not article.captions:
        return NO_HEADER_MENTIONS
    if not header_waits_for_recogniser(article):
        return None
    from kabar_tui.core.language.entities import title_and_caption_entities  # the recogniser

    return title_and_caption_entities(article)


def header_waits_for_recogniser(article: Article) -> bool:
    """Whether `header_mentions_now` runs the recogniser for `article`: it has a title or
    captions, and a body short enough to read with them at once."""
    return bool(article.title or article.captions) and (
        sum(len(p.text) for p in article.paragraphs) <= INLINE_ENTITY_CHARACTERS
    )


def _estimate(characters: int, width: int) -> int:
    """Lines a text of `characters` may wrap to, until it is wrapped."""
    return max(1, -(-characters // max(width - 4, 1)))


def match_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the words a reader searched for."""
    words = [re.escape(term) for term in terms if term.strip()]
    if not words:
        return None
    # From a word's start only: `sama` marks `sama` and `samanya`, not `bersama`.
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)


class ArticleView(ScrollView, can_focus=True):
    """The reading pane: header, paragraphs with entities/quotes/matches, removed lines."""

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--caption",
        "article-view--entity-per",
        "article-view--entity-loc",
        "article-view--entity-org",
        "article-view--quote",
        "article-view--speaker",
        "article-view--match",
        "article-view--removed",
        "article-view--reason",
        "article-view--cursor",
    }

    BINDINGS = [
        Binding(
            "j,down", "next_paragraph", _("Next paragraph"), show=False, id="reader.next_paragraph"
        ),
        Binding(
            "k,up",
            "previous_paragraph",
            _("Previous paragraph"),
            show=False,
            id="reader.previous_paragraph",
        ),
        Binding("g,home", "first_paragraph", _("Top"), show=False, id="reader.top"),
        Binding("G,end", "last_paragraph", _("Bottom"), show=False, id="reader.bottom"),
        Binding("ctrl+d", "half_page(1)", _("Half page down"), show=False, id="reader.half_down"),
        Binding("ctrl+u", "half_page(-1)", _("Half page up"), show=False, id="reader.half_up"),
        Binding("space,pagedown", "page(1)", _("Page down"), show=False, id="reader.page_down"),
        Binding("b,pageup", "page(-1)", _("Page up"), show=False, id="reader.page_up"),
        Binding("n", "next_match(1)", _("Next match"), show=False, id="reader.next_match"),
        Binding("N", "next_match(-1)", _("Previous match"), show=False, id="reader.previous_match"),
        Binding("x", "toggle_removed", _("Removed lines"), show=False, id="reader.toggle_removed"),
    ]

    cursor: reactive[int] = reactive(0, init=False)
    show_removed: reactive[bool] = reactive(False, init=False)

    class CursorMoved(Message):
        """The paragraph under the cursor changed."""

        def __init__(self, article: Article, paragraph: int) -> None:
            self.article = article
            self.paragraph = paragraph
            super().__init__()

    class HeaderMentionsFound(Message):
        """The title and caption entities of a long article, read in a thread."""

        def __init__(self, key: tuple[str, str], mentions: HeaderMentions) -> None:
            self.key = key
            self.mentions = mentions
            super().__init__()

    def __init__(self, *, locale: str = "en", id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.locale = locale
        self.match_terms: list[str] = []
        self._layout: Layout | None = None
        self._layouts: dict[tuple, Layout] = {}
        # Title and caption mentions by (id, content hash): found once per article shown.
        self._header_mentions: dict[tuple[str, str], HeaderMentions] = {}

    # -- content -----------------------------------------------------------------------

    def show(
        self,
        article: Article,
        paragraph: int = 0,
        match_terms: list[str] | None = None,
        header: HeaderMentions | None = None,
    ) -> None:
        """Display `article` with the cursor on `paragraph`; `header`: its title's and
        captions' mentions when they were found already (`header_mentions_now`)."""
        if header is not None:
            self._keep_header_mentions((article.id, article.content_hash), header)
        changed = article is not self.article
        self.article = article
        if match_terms is not None:
            self.match_terms = match_terms
        if changed or match_terms is not None:
            self._invalidate()
        self.set_cursor(paragraph, force=True)

    def forget_layouts(self) -> None:
        """The analysis of the articles changed (the corpus finished loading): wrap again."""
        self._layouts.clear()
        self._header_mentions.clear()
        self._invalidate()

    def _invalidate(self) -> None:
        self._layout = None
        self._ensure_layout()
        self.refresh()

    def watch_show_removed(self) -> None:
        self._invalidate()
        self._scroll_to_cursor()

    def on_resize(self) -> None:
        self._ensure_layout()
        self._scroll_to_cursor()

    @property
    def text_width(self) -> int:
        return max(min(self.scrollable_content_region.width - GUTTER, READING_WIDTH), 10)

    def _ensure_layout(self) -> Layout | None:
        width = self.text_width
        if self.article is None:
            self.virtual_size = Size(0, 0)
            return None
        if self._layout is None or self._layout.width != width:
            article = self.article
            key = (article.id, article.content_hash, width, self.show_removed, *self.match_terms)
            layout = self._layouts.pop(key, None) or self._start(article, width)
            self._layouts[key] = layout
            while len(self._layouts) > KEPT_LAYOUTS:
                del self._layouts[next(iter(self._layouts))]
            self._layout = layout
            height = self.scrollable_content_region.height
            self._wrap_until(layout, 0, 2 * height)  # the first screens, top down
            top = layout.first_line.get(self.cursor, 0)
            self._wrap_lines(layout, top - height, top + 2 * height)
            if not layout.complete:
                self.call_later(self._continue_layout, layout)
        return self._layout

    def _continue_layout(self, layout: Layout) -> None:
        """Wrap the rest of a long article a chunk at a time, keeping keys responsive."""
        if layout is not self._layout or layout.complete:
            return
        self._wrap_until(layout, layout.next_paragraph + CHUNK - 1, 0, keep_view=True)
        if not layout.complete:
            self.call_later(self._continue_layout, layout)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"article-view--{name}", partial=True)

    def _start(self, article: Article, width: int) -> Layout:
        """The header wrapped, every paragraph (and removed line) as estimated lines."""
        paragraphs = article.paragraphs
        removed: dict[int, list[RemovedLine]] = {}
        if self.show_removed:
            at = 0  # a removed line goes before the first paragraph that follows it
            for line in sorted(article.removed, key=lambda r: r.line):
                while at < len(paragraphs) and paragraphs[at].line <= line.line:
                    at += 1
                removed.setdefault(at, []).append(line)
        layout = Layout(article, width, match_pattern(self.match_terms), removed)
        for quote in article.quotes:
            layout.quotes.setdefault(quote.paragraph, []).append(quote)
        for mention in article.entities:
            layout.mentions.setdefault(mention.paragraph, []).append(mention)
        for block in self._header(article, width, self._mentions_of_header(article)):
            self._add(layout, block, None)
        layout.header_lines = len(layout.strips)
        self._add_blank(layout)
        strips, owners = layout.strips, layout.paragraph_of_line
        for index in range(len(paragraphs) + 1):
            for line in removed.get(index, ()):
                guess = _estimate(len(line.text) + len(line.reason) + 6, width)
                strips += [None] * guess
                owners += [None] * guess
            if index == len(paragraphs):
                break
            guess = _estimate(len(paragraphs[index].text), width)
            layout.first_line[index] = len(strips)
            strips += [None] * guess
            owners += [index] * guess
            layout.last_line[index] = len(strips) - 1
            self._add_blank(layout)
        layout.removed_height = {
            index: sum(_estimate(len(r.text) + len(r.reason) + 6, width) for r in lines)
            for index, lines in removed.items()
        }
        layout.unwrapped = set(range(len(paragraphs) + 1))
        return layout

    def _wrapped(self, text: Text, owner: int | None, width: int) -> list[tuple[Strip, int | None]]:
        console = self.app.console
        lines = []
        for line in text.wrap(console, width, overflow="fold"):
            line.rstrip()
            lines.append((Strip(list(line.render(console)), line.cell_len), owner))
        return lines

    def _add(self, layout: Layout, text: Text, owner: int | None) -> None:
        for strip, line_owner in self._wrapped(text, owner, layout.width):
            layout.strips.append(strip)
            layout.paragraph_of_line.append(line_owner)

    def _add_blank(self, layout: Layout) -> None:
        layout.strips.append(Strip.blank(0))
        layout.paragraph_of_line.append(None)

    def _block_start(self, layout: Layout, index: int) -> int:
        """The first line of paragraph `index` with the removed lines shown before it."""
        paragraphs = len(layout.article.paragraphs)
        if index < paragraphs:
            line = layout.first_line[index]
        elif paragraphs:
            line = layout.last_line[paragraphs - 1] + 2
        else:
            line = len(layout.strips) - layout.removed_height.get(index, 0)
        return line - layout.removed_height.get(index, 0)

    def _wrap_block(self, layout: Layout, index: int) -> tuple[int, int]:
        """Wrap paragraph `index` and the removed lines before it in place of their
        estimated lines; returns where they start and how many lines they added."""
        if index not in layout.unwrapped:
            return 0, 0
        paragraphs = layout.article.paragraphs
        start = self._block_start(layout, index)
        lines = []
        for line in layout.removed.get(index, ()):
            lines += self._wrapped(self._removed_text(line), None, layout.width)
        removed_height = len(lines)
        if index < len(paragraphs):
            lines += self._wrapped(self._paragraph_text(layout, index), index, layout.width)
            end = layout.last_line[index] + 1
        else:
            end = len(layout.strips)
        layout.strips[start:end] = [strip for strip, _ in lines]
        layout.paragraph_of_line[start:end] = [owner for _, owner in lines]
        layout.removed_height[index] = removed_height
        added = len(lines) - (end - start)
        if index < len(paragraphs):
            layout.first_line[index] = start + removed_height
            layout.last_line[index] = start + len(lines) - 1
        if added:
            for later in range(index + 1, len(paragraphs)):
                layout.first_line[later] += added
                layout.last_line[later] += added
        layout.unwrapped.discard(index)
        layout.complete = not layout.unwrapped
        return start, added

    def _wrap_until(
        self, layout: Layout, paragraph: int, lines: int, *, keep_view: bool = False
    ) -> None:
        """Wrap paragraphs top down until `paragraph` is done and the first `lines` lines
        are; with `keep_view`, lines added above the screen do not move what it shows."""
        count = len(layout.article.paragraphs)
        shift = 0
        while layout.next_paragraph <= count and (
            layout.next_paragraph <= paragraph
            or self._block_start(layout, layout.next_paragraph) < lines
        ):
            start, added = self._wrap_block(layout, layout.next_paragraph)
            if start < self.scroll_y:
                shift += added
            layout.next_paragraph += 1
        self._sized(layout, shift if keep_view else 0)

    def _wrap_lines(self, layout: Layout, top: int, bottom: int) -> None:
        """Wrap the paragraphs that lines `top` to `bottom` (estimated so far) show."""
        owners = layout.paragraph_of_line
        y = max(top, 0)
        while y < min(bottom, len(owners)):
            index = len(layout.article.paragraphs)  # past every paragraph: the trailing lines
            for owner in itertools.islice(owners, y, None):
                if owner is not None:
                    index = owner
                    break
            self._wrap_block(layout, index)
            if index >= len(layout.article.paragraphs):
                break
            y = layout.last_line[index] + 2
        self._sized(layout, 0)

    def _sized(self, layout: Layout, shift: int) -> None:
        if layout is not self._layout:
            return
        self.virtual_size = Size(layout.width + GUTTER, len(layout.strips))
        if shift:
            self.scroll_to(y=self.scroll_y + shift, animate=False, immediate=True)

    def _mentions_of_header(self, article: Article) -> HeaderMentions:
        """The title's and captions' mentions, found once per article; for a long body
        none until a thread has found them (see INLINE_ENTITY_CHARACTERS)."""
        key = (article.id, article.content_hash)
        found = self._header_mentions.get(key)
        if found is not None:
            return found
        found = header_mentions_now(article)
        if found is None:
            self._header_mentions[key] = NO_HEADER_MENTIONS  # asked once, while it runs
            self.run_worker(
                lambda: self._find_header_mentions(key, article),
                thread=True,
                group="header-entities",
            )
            return NO_HEADER_MENTIONS
        self._keep_header_mentions(key, found)
        return found

    def _keep_header_mentions(self, key: tuple[str, str], found: HeaderMentions) -> None:
        self._header_mentions[key] = found
        while len(self._header_mentions) > KEPT_LAYOUTS:
            del self._header_mentions[next(iter(self._header_mentions))]

    def _find_header_mentions(self, key: tuple[str, str], article: Article) -> None:
        from kabar_tui.core.language.entities import title_and_caption_entities

        found = title_and_caption_entities(article)
        if not get_current_worker().is_cancelled:
            self.post_message(self.HeaderMentionsFound(key, found))

    def on_article_view_header_mentions_found(self, message: HeaderMentionsFound) -> None:
        """Restyle the header of every kept layout of that article: styles do not change
        wrapping, so its lines are replaced in place and nothing below moves."""
        self._header_mentions[message.key] = message.mentions
        for key, layout in self._layouts.items():
            if key[:2] != message.key:
                continue
            lines: list[Strip] = []
            for block in self._header(layout.article, layout.width, message.mentions):
                lines += [strip for strip, _ in self._wrapped(block, None, layout.width)]
            if len(lines) == layout.header_lines:
                layout.strips[: layout.header_lines] = lines
        self.refresh()

    def _styled_mentions(self, text: Text, mentions: list[Mention], offset: int = 0) -> None:
        """Entity styles over `text`, the mentions' offsets moved by `offset`."""
        for mention in mentions:
            label = mention.label.lower()
            style = self._style(f"entity-{label}") if label in LABELS else Style(bold=True)
            text.stylize(style, mention.start + offset, mention.end + offset)

    def _header(self, article: Article, width: int, mentions: HeaderMentions) -> list[Text]:
        meta = self._style("meta")
        title = Text(article.title, style=self._style("title"))
        self._styled_mentions(title, mentions[0])
        # A rule as long as the title's longest line sets it apart, with or without colour.
        lines = title.wrap(self.app.console, width, overflow="fold")
        rule = "─" * max((line.cell_len for line in lines), default=0)
        blocks = [title, Text(rule, style=self._style("title"))]
        facts = [
            part
            for part in (
                article.outlet,
                article.author,
                format_published(article.published, self.locale) if article.published else None,
            )
            if part
        ]
        if facts:
            blocks.append(Text(" · ".join(facts), style=meta))
        if article.editor:
            blocks.append(Text(_("Editor: ") + article.editor, style=meta))
        if article.dateline:
            blocks.append(Text(_("Dateline: ") + article.dateline, style=meta))
        if article.credited_source:
            blocks.append(Text(_("Source: ") + article.credited_source, style=meta))
        for number, caption in enumerate(article.captions):
            credit = f" ({caption.credit})" if caption.credit else ""
            label = _("Photo: ")
            text = Text(label + caption.text + credit, style=self._style("caption"))
            if number < len(mentions[1]):
                self._styled_mentions(text, mentions[1][number], len(label))
            blocks.append(text)
        if self.app.no_color:  # without colour, type carries the kinds: say which is which
            blocks.append(self._legend())
        return blocks

    def _legend(self) -> Text:
        legend = Text(_("Marks: "), style=self._style("meta"))
        parts = [
            (_("person"), "entity-per"),
            (_("place"), "entity-loc"),
            (_("organisation"), "entity-org"),
            (_("quote"), "quote"),
        ]
        for number, (word, style) in enumerate(parts):
            if number:
                legend.append(" · ", style=self._style("meta"))
            legend.append(word, style=self._style(style))
        return legend

    def _paragraph_text(self, layout: Layout, index: int) -> Text:
        source = layout.article.paragraphs[index].text
        text = Text(source)
        speakers: list[str] = []
        for quote in layout.quotes.get(index, ()):
            text.stylize(self._style("quote"), quote.start, quote.end)
            speaker = quote.speaker_canonical or quote.speaker
            if speaker and speaker not in speakers:
                speakers.append(speaker)
        self._styled_mentions(text, layout.mentions.get(index, []))
        if layout.pattern is not None:
            for found in layout.pattern.finditer(source):
                text.stylize(self._style("match"), found.start(), found.end())
        for speaker in speakers:
            text.append("  \u25c2 ", style=self._style("speaker"))
            text.append(speaker, style=self._style("speaker"))
        return text

    def _removed_text(self, line) -> Text:
        text = Text("\u2717 ", style=self._style("removed"))
        text.append(line.text.strip() or _("(blank)"), style=self._style("removed"))
        text.append(f"  [{line.reason}]", style=self._style("reason"))
        return text

    # -- Line API ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        layout = self._ensure_layout()
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if layout is None or index >= len(layout.strips):
            return Strip.blank(width, self.rich_style)
        strip = layout.strips[index]
        if strip is None:  # not wrapped yet: wrap what the screen shows, then draw again
            height = self.scrollable_content_region.height
            self._wrap_lines(layout, scroll_y, scroll_y + 2 * height)
            self.refresh()
            strip = layout.strips[index] if index < len(layout.strips) else None
            if strip is None:
                return Strip.blank(width, self.rich_style)
        owner = layout.paragraph_of_line[index]
        if owner is not None and owner == self.cursor:
            cursor = self._style("cursor")
            gutter = Strip([Segment("\u258c ", cursor)], GUTTER)
            body = strip.apply_style(cursor)
        else:
            gutter = Strip([Segment(" " * GUTTER)], GUTTER)
            body = strip
        line = Strip.join([gutter, body])
        return line.crop_extend(scroll_x, scroll_x + width, None).apply_style(self.rich_style)

    # -- cursor ------------------------------------------------------------------------

    @property
    def paragraph_count(self) -> int:
        return len(self.article.paragraphs) if self.article else 0

    def set_cursor(self, paragraph: int, *, force: bool = False, scroll: bool = True) -> None:
        if not self.paragraph_count:
            return
        paragraph = max(0, min(paragraph, self.paragraph_count - 1))
        previous = self.cursor
        changed = paragraph != previous
        self.set_reactive(ArticleView.cursor, paragraph)
        scroll_y = self.scroll_y
        if scroll:
            self._scroll_to_cursor()
        if force or self.scroll_y != scroll_y:
            self.refresh()
        elif changed:
            # Only the two paragraphs' lines change: over SSH a whole pane is ~6 kB a keypress.
            self._refresh_paragraph(previous)
            self._refresh_paragraph(paragraph)
        if (changed or force) and self.article is not None:
            self.post_message(self.CursorMoved(self.article, paragraph))

    def _refresh_paragraph(self, paragraph: int) -> None:
        """Repaint the lines of one paragraph (render_line marks the cursor)."""
        layout = self._ensure_layout()
        if layout is None or paragraph not in layout.first_line:
            self.refresh()
            return
        first, last = layout.first_line[paragraph], layout.last_line[paragraph]
        self.refresh_lines(first, last - first + 1)

    def _scroll_to_cursor(self) -> None:
        layout = self._ensure_layout()
        if layout is None:
            return
        height = self.scrollable_content_region.height
        if self.cursor not in layout.first_line:
            return
        self._wrap_block(layout, self.cursor)
        top, bottom = layout.first_line[self.cursor], layout.last_line[self.cursor]
        self._wrap_lines(layout, top - height, bottom + height)
        top, bottom = layout.first_line[self.cursor], layout.last_line[self.cursor]
        if self.cursor == 0:
            self.scroll_to(y=0, animate=False, immediate=True)
        elif top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom >= self.scroll_y + height:
            self.scroll_to(y=min(top, bottom - height + 1), animate=False, immediate=True)

    def _first_visible_paragraph(self, y: int) -> int | None:
        layout = self._ensure_layout()
        if layout is None:
            return None
        for index in range(max(0, y), len(layout.paragraph_of_line)):
            if layout.paragraph_of_line[index] is not None:
                return layout.paragraph_of_line[index]
        return None

    def action_next_paragraph(self) -> None:
        """Down a paragraph; inside one taller than the screen, down a screen of it first."""
        layout = self._ensure_layout()
        height = self.scrollable_content_region.height
        if layout is not None and self.cursor in layout.last_line:
            bottom = layout.last_line[self.cursor]
            if bottom >= self.scroll_y + height:
                step = min(max(1, height - 2), bottom - int(self.scroll_y) - height + 1)
                self.scroll_to(y=self.scroll_y + step, animate=False, immediate=True)
                return
        self.set_cursor(self.cursor + 1)

    def action_previous_paragraph(self) -> None:
        """Up a paragraph; inside one whose top is off screen, up a screen of it first."""
        layout = self._ensure_layout()
        height = self.scrollable_content_region.height
        if layout is not None and self.cursor in layout.first_line and self.cursor > 0:
            top = layout.first_line[self.cursor]
            if top < self.scroll_y:
                step = min(max(1, height - 2), int(self.scroll_y) - top)
                self.scroll_to(y=self.scroll_y - step, animate=False, immediate=True)
                return
        previous = self.cursor - 1
        if layout is not None and previous in layout.first_line:
            top, bottom = layout.first_line[previous], layout.last_line[previous]
            if bottom - top + 1 > height and top < self.scroll_y:
                # A tall paragraph is entered from its end, as reading backwards would.
                if not self.scroll_y <= bottom < self.scroll_y + height:
                    self.scroll_to(y=bottom - height + 1, animate=False, immediate=True)
                self.set_cursor(previous, scroll=False, force=True)
                return
        self.set_cursor(previous)

    def action_first_paragraph(self) -> None:
        self.set_cursor(0)

    def action_last_paragraph(self) -> None:
        layout = self._ensure_layout()
        if layout is not None:  # only the end is wrapped now: the rest follows in chunks
            height = self.scrollable_content_region.height
            self._wrap_lines(layout, len(layout.strips) - 2 * height, len(layout.strips))
        self.set_cursor(self.paragraph_count - 1)
        self.scroll_end(animate=False, immediate=True)

    def _move_by_lines(self, lines: int) -> None:
        layout = self._ensure_layout()
        if layout is not None:
            height = self.scrollable_content_region.height
            target = int(self.scroll_y) + lines
            self._wrap_lines(layout, target - height, target + 2 * height)
        target = max(0, min(int(self.scroll_y) + lines, int(self.max_scroll_y)))
        self.scroll_to(y=target, animate=False, immediate=True)
        if lines > 0 and target >= self.max_scroll_y:
            self.set_cursor(self.paragraph_count - 1, scroll=False)
            return
        paragraph = self._first_visible_paragraph(target)
        if paragraph is not None:
            self.set_cursor(paragraph, scroll=False)

    def action_half_page(self, direction: int) -> None:
        self._move_by_lines(direction * max(1, self.scrollable_content_region.height // 2))

    def action_page(self, direction: int) -> None:
        self._move_by_lines(direction * max(1, self.scrollable_content_region.height - 1))

    def match_paragraphs(self) -> list[int]:
        pattern = match_pattern(self.match_terms)
        if pattern is None or self.article is None:
            return []
        return [p.index for p in self.article.paragraphs if pattern.search(p.text)]

    def action_next_match(self, direction: int) -> None:
        found = self.match_paragraphs()
        if not found:
            if match_pattern(self.match_terms) is not None:
                self.notify(_("No search matches in this article"), severity="warning")
            else:
                self.notify(_("No search to follow: / searches"), severity="information")
            return
        if direction > 0:
            after = [p for p in found if p > self.cursor]
            self.set_cursor(after[0] if after else found[0])
        else:
            before = [p for p in found if p < self.cursor]
            self.set_cursor(before[-1] if before else found[-1])

    def action_toggle_removed(self) -> None:
        self.show_removed = not self.show_removed

    def on_click(self, event: Click) -> None:
        layout = self._ensure_layout()
        index = int(self.scroll_y) + event.y
        if layout is not None and 0 <= index < len(layout.paragraph_of_line):
            owner = layout.paragraph_of_line[index]
            if owner is not None:
                self.set_cursor(owner, scroll=False)

    def notify_style_update(self) -> None:
        """Theme changed: component styles may differ, so wrap again."""
        super().notify_style_update()
        self._layout = None
        self._layouts.clear()
        self.refresh()
