"""Turn a raw scraped article into a clean Article, recording every line it drops and why.

Three passes over the lines:
1. each line alone: page chrome (`boilerplate`), metadata (`metadata`), captions;
2. structure: where the body starts and ends decides the title, deck, captions' repeats,
   promos after a `Baca Juga` marker and the trailing menu (scores from `text`);
3. repairs on the kept body: repeated paragraphs dropped, split sentences rejoined,
   glued words split, trailing editor initials cut (`repair`).

Decisions: the dateline stays in the paragraph text as written and is also recorded in
`Article.dateline`; a deck (subtitle) line is dropped with reason "deck" (it is kept in
`removed`, not lost); captions go to `Article.captions` and, like all dropped lines, to
`removed` with reason "caption".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from kabar_tui.core.ingest import boilerplate as chrome
from kabar_tui.core.ingest.captions import credit_only, find_caption
from kabar_tui.core.ingest.inline import cut_inline_junk, inline_junk_hints, may_end_with_junk
from kabar_tui.core.ingest.metadata import (
    byline_name,
    credited_in_text,
    dateline_outlet,
    find_dateline,
    outlet_in,
    outlets_in,
    read_meta_line,
    site_suffix,
)
from kabar_tui.core.ingest.repair import (
    continues,
    count_words,
    is_address_part,
    is_name_fragment,
    join_text,
    looks_glued,
    open_ended,
    split_at_dot,
    split_one_line,
    unglue,
    word_splits,
)
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.ingest.stitch import stitch_groups
from kabar_tui.core.model import Article, Caption, Edit, Paragraph, RemovalReason, RemovedLine
from kabar_tui.core.text import (
    comparable,
    ends_sentence,
    normalise,
    stopword_density,
    stopwords,
    strip_tags,
    words,
)

KEEP, DROP, TITLE = "keep", "drop", "title"
JOINED = "joined"  # a piece of the line before it, cut where a link or a wrap was
BODY_MIN_WORDS = 6  # a punctuated line this long starts the body
BODY_LONG_WORDS = 15  # an unpunctuated line this long, with function words, does too
TITLE_MAX_WORDS = 30
DERIVED_TITLE_CHARS = 120
DEDUPE_MIN_WORDS = 6
FRAGMENT_MAX_WORDS = 10
CONTINUATION_MIN_WORDS = 4  # `libur nasional` after a promo is a tag, not a sentence's rest
MAX_CUE_CHARS = 300  # page chrome naming an outlet is one short line
TITLE_MIN_WORDS = 4  # section names and breadcrumbs above a headline are shorter
MAX_PROMOS_AFTER_MARKER = 5
MAX_PROMO_PIECES = 16
PROMO_PIECE_WORDS = 3
PAGE_MIN_LINES = 40  # a whole page's text has many lines ...
PAGE_LINK_SHARE = 0.4  # ... and many of them are link texts
LINK_MAX_WORDS = 6
PAGE_HEADER_LINES = 6  # a site's menus and header before the headline
_LIST_ITEM = re.compile(r"\d{1,3}[.)]\s+\S")
_TABLE_ROW = re.compile(r"\bRp\s?\d|:\s*(?:Rp\s?)?\d[\d.,]*(?:\s|$)|\d[\d.,]*\s*(?:%|persen)\b")
FURNITURE_RUN = 5  # this many furniture lines in a row end the article on a page
SHORT_PROSE_WORDS = 12
RESUME_LOOKAHEAD = 12
RESUME_PARAGRAPHS = 2
STORY_PARAGRAPH_WORDS = 20
MAX_SPLIT_PARTS = 4  # a sentence cut by links: its start and up to three more pieces
WRAP_MIN_CHARS = 40  # lines this long show a hard wrap's width ...
WRAP_MIN_LINES = 4
WRAP_MAX_CHARS = 100
WRAP_FILL = 0.8  # ... most of them fill at least this much of it
WRAP_SHARE = 0.7
MAX_DOT_PARTS = 6
CAPTION_PIECE_WORDS = 4
_CAPTION_REASONS = frozenset({RemovalReason.CAPTION, RemovalReason.CAPTION_CREDIT})
_PHOTO_CREDIT = re.compile(
    r"(?:^|[\s(/])(?:Foto|Photo|Credit|Images)\b"
)  # `www` / `kemenkeu` / `go` / `id`: pieces of one address
# Dropped lines that never name the publishing outlet (or name another one).
NO_OUTLET_CUE = frozenset(
    {
        RemovalReason.ADVERTISEMENT,
        RemovalReason.FONT_SIZE_BUTTONS,
        RemovalReason.PAGINATION,
        RemovalReason.SEPARATOR,
        RemovalReason.SIGNATURE,
        RemovalReason.CAPTION,
        RemovalReason.CAPTION_CREDIT,
        RemovalReason.REPEATED_CAPTION,
        RemovalReason.REPEATED_TITLE,
        RemovalReason.REPEATED_PARAGRAPH,
        RemovalReason.DECK,
        RemovalReason.TAGS,
        RemovalReason.SOURCE_CREDIT,
        RemovalReason.SYNDICATION_NOTE,
        RemovalReason.INVISIBLE_CHARACTERS,
    }
)


@dataclass(slots=True)
class _Line:
    number: int
    raw: str
    text: str
    state: str = KEEP
    reason: str = ""  # a RemovalReason once dropped
    words: int = 0
    judged: str = ""  # the text judged as prose: without trailing editor initials
    pieces: tuple[int, ...] = ()  # numbers of the lines joined onto it
    piece_words: int = 0  # words in its longest piece, when it was stitched


@dataclass(slots=True)
class _Meta:
    author: str | None = None
    editor: str | None = None
    credited_source: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    dates: list[tuple[int, datetime]] = field(default_factory=list)  # (line, moment)


def clean_source(source: Source) -> Article:
    # Split on newlines only, so line numbers match what an editor shows (`\r` is stripped).
    lines = [_Line(n, raw, normalise(raw)) for n, raw in enumerate(source.text.split("\n"), 1)]
    removed: list[RemovedLine] = []
    captions: list[Caption] = []
    edits: list[Edit] = []
    meta = _Meta()
    _strip_markup(lines, edits)
    _stitch(lines)
    content = _classify_lines(lines, captions, meta)
    _attach_credits(content, captions)
    _caption_pieces(content, captions)
    page = _is_whole_page(content)
    wrap = _wrap_width(content)
    start, end = _page_body_bounds(content) if page else _body_bounds(content)
    start = _extend_start(content, start, wrap)
    end = _extend_end(content, end)
    if not page:
        end = _drop_widgets(content, start, end)
    title = _structure(content, captions, start, end, meta, page)
    meta.published = _article_date(meta.dates, title)
    body = [line for line in content if line.state == KEEP]
    paragraphs = _repair(body, edits, removed, meta, wrap)
    for line in lines:
        if line.state == DROP:
            removed.append(RemovedLine(line.number, line.text or line.raw, line.reason))
    removed.sort(key=lambda r: r.line)
    if title:
        _strip_site_suffix(title, edits)
    article = Article(
        id=source.id,
        path=source.path,
        title=title.text if title else _derive_title(paragraphs, source.id),
        paragraphs=paragraphs,
        title_derived=title is None,
        author=meta.author,
        editor=meta.editor,
        published=meta.published or meta.updated,
        captions=captions,
        removed=removed,
        edits=edits,
        content_hash=source.content_hash,
    )
    _read_body_metadata(article, meta, lines)
    return article


def _strip_markup(lines: list[_Line], edits: list[Edit]) -> None:
    """HTML left in the scrape: tags go, entities become their characters (an edit each);
    a line that was only tags is dropped as markup."""
    for line in lines:
        text = line.text
        if "<" not in text and "&" not in text:
            continue
        cleaned = " ".join(html.unescape(strip_tags(text)).split())
        if cleaned == text:
            continue
        edits.append(Edit(line.number, "markup", f"{text[:60]!r} -> {cleaned[:60]!r}"))
        if cleaned:
            line.text = cleaned
        else:
            _drop(line, RemovalReason.MARKUP)  # recorded with its original text


def _stitch(lines: list[_Line]) -> None:
    """Join the pieces of a sentence (or headline) a scraper cut where links were, or a
    saved page wrapped, before lines are judged one by one (`stitch`). The pieces are
    recorded on the line they join and reported as rejoined if it stays in the body."""
    texts = [line.text if line.state == KEEP and line.text else None for line in lines]
    headline = next((text for text in texts if text), None)
    for group in stitch_groups(texts, headline):
        head = lines[group[0]]
        head.piece_words = max(lines[i].text.count(" ") + 1 for i in group)
        for index in group[1:]:
            piece = lines[index]
            head.text = join_text(head.text, piece.text)
            head.pieces += (piece.number,)
            piece.state = JOINED


def _drop(line: _Line, reason: RemovalReason) -> None:
    line.state, line.reason = DROP, reason


def _classify_lines(lines: list[_Line], captions: list[Caption], meta: _Meta) -> list[_Line]:
    """Pass 1: decide what each line is on its own; returns the non-blank lines."""
    content: list[_Line] = []
    for line in lines:
        text = line.text
        if line.state in (DROP, JOINED):
            continue
        if not text:
            if line.raw.strip(" \t\r\n\f\v"):
                _drop(line, RemovalReason.INVISIBLE_CHARACTERS)
            else:
                line.state = ""
            continue
        content.append(line)
        line.words = text.count(" ") + 1  # normalised: single spaces
        signature = chrome.trailing_signature(text)
        line.judged = text[: signature.start()] if signature else text
        reason = chrome.chrome_reason(text)
        if reason:
            _drop(line, reason)
            continue
        found_meta = read_meta_line(text) if line.words <= 20 else None
        if found_meta:
            _drop(line, found_meta.reason)
            meta.author = meta.author or found_meta.author
            meta.editor = meta.editor or found_meta.editor
            meta.credited_source = meta.credited_source or found_meta.credited_source
            if found_meta.published and found_meta.is_update:
                meta.updated = meta.updated or found_meta.published
            elif found_meta.published:
                meta.dates.append((line.number, found_meta.published))
            continue
        credit = credit_only(text)
        if credit:
            _drop(line, RemovalReason.CAPTION_CREDIT)
            line.raw = credit  # remembered for `_attach_credits`
            continue
        caption = find_caption(text)
        if caption:
            _drop(line, RemovalReason.CAPTION)
            captions.append(Caption(caption.text, caption.credit, line.number))
    return content


def _strip_site_suffix(title: _Line, edits: list[Edit]) -> None:
    """`Warga Bangun Taman - Tribun Solo`, `... | Republika Online`: the site's name
    after a page title is not the headline's; it goes, recorded as an edit."""
    cut = site_suffix(title.text)
    if cut is not None:
        edits.append(Edit(title.number, "title", f"site name cut: {title.text[cut:]!r}"))
        title.text = title.text[:cut].rstrip()


def _article_date(dates: list[tuple[int, datetime]], title: _Line | None) -> datetime | None:
    """The article's own date: the first one after its headline. A date above the
    headline is the page's (today's date in the site header), used only if alone."""
    if not dates:
        return None
    after = [moment for number, moment in dates if title and number > title.number]
    return after[0] if after else dates[0][1]


def _attach_credits(content: list[_Line], captions: list[Caption]) -> None:
    """A `Foto: <credit>` line credits the line above it; copies of a caption around it go."""
    first_kept = next((c for c in content if c.state == KEEP), None)
    for i, line in enumerate(content):
        if line.reason != RemovalReason.CAPTION_CREDIT:
            continue
        text = ""
        above = content[i - 1] if i else None
        if (
            above
            and above.state == KEEP
            and above is not first_kept  # most likely the headline, credited for its photo
            and (not ends_sentence(above.text) or above.words <= 12)
        ):
            _drop(above, RemovalReason.CAPTION)
            text = above.text
            number = above.number
        else:
            number = line.number
        captions.append(Caption(text, line.raw, number))
    captions.sort(key=lambda c: c.line)
    caption_keys = {comparable(c.text) for c in captions if c.text}
    if not caption_keys:
        return
    for i, line in enumerate(content):
        if line.state != KEEP or comparable(line.text) not in caption_keys:
            continue
        neighbours = content[max(i - 2, 0) : i + 3]
        if any(n.reason in _CAPTION_REASONS for n in neighbours):
            _drop(line, RemovalReason.REPEATED_CAPTION)


def _short_pieces(line: _Line) -> bool:
    """Made of lines of a few words each: a narrow caption box's text, wrapped and cut
    at its links (`Austin` / `MacPhee kala` / `mendampingin` / ...)."""
    return line.state == KEEP and (line.piece_words or line.words) <= CAPTION_PIECE_WORDS


def _caption_pieces(content: list[_Line], captions: list[Caption]) -> None:
    """A photo credit (`Foto: AP/Jon`, `(Photo by`, `Images) Foto:`) with short pieces
    around it, up to a sentence's end or a line of prose on either side: a caption box
    whose lines were cut apart. All of it is the caption."""
    for i, line in enumerate(content):
        if line.reason in _CAPTION_REASONS:
            pass
        elif (
            line.words > CAPTION_PIECE_WORDS + 2
            or line.state != KEEP
            or _PHOTO_CREDIT.search(line.text) is None
        ):
            continue
        run = [line] if line.state == KEEP else []
        back = i - 1
        while back >= 0 and _short_pieces(content[back]) and open_ended(content[back].text):
            run.insert(0, content[back])
            back -= 1
        ahead = i + 1
        closed = line.text.endswith(")")  # `(Foto: Yonhap via Reuters)` is whole: a byline
        while not closed and ahead < len(content) and _short_pieces(content[ahead]):
            run.append(content[ahead])
            ahead += 1
        if not run:
            continue
        for piece in run:
            _drop(piece, RemovalReason.CAPTION)
        if run:
            captions.append(Caption(" ".join(p.text for p in run), "", run[0].number))
            captions.sort(key=lambda c: c.line)


def _body_like(line: _Line) -> bool:
    """Reads as body prose: a dateline, or a punctuated or long line that is no headline."""
    if line.state != KEEP:
        return False
    if find_dateline(line.text):
        return True
    if chrome.title_case(line.text):
        return False
    if ends_sentence(line.judged) and line.words >= BODY_MIN_WORDS:
        return True
    return (
        line.words >= BODY_LONG_WORDS
        and stopword_density(words(line.text)) >= 0.1
        and not chrome.looks_like_headline(line.text)
    )


def _body_bounds(content: list[_Line]) -> tuple[int, int]:
    """Indexes (into content) of the first and last line that read as body prose."""
    first = next((i for i, line in enumerate(content) if _body_like(line)), len(content))
    last = next((i for i in range(len(content) - 1, -1, -1) if _body_like(content[i])), -1)
    # `... mencapai 12` / `450 orang ...`: a body line cut at a number's dot starts before.
    while (
        0 < first < len(content)
        and content[first - 1].state == KEEP
        and (split_at_dot(content[first - 1].text, content[first].text))
    ):
        first -= 1
    return first, max(last, first - 1)


def _wrap_width(content: list[_Line]) -> int | None:
    """The width hard-wrapped text (a press release, an e-paper) was broken at, or None:
    most longer lines then end within a few characters of one width."""
    widths = [  # a line stitched from pieces (`_stitch`) is no raw line's width
        len(line.text) for line in content if len(line.text) >= WRAP_MIN_CHARS and not line.pieces
    ]
    if len(widths) < WRAP_MIN_LINES:
        return None
    width = max(widths)
    near = sum(1 for w in widths if w >= width * WRAP_FILL)
    return width if width <= WRAP_MAX_CHARS and near >= WRAP_SHARE * len(widths) else None


def _wrapped(before: _Line, line: _Line, wrap: int) -> bool:
    """`line` goes on from `before` at a hard wrap: no blank line between, and `before`
    runs to the wrap width (a paragraph's last line is shorter)."""
    return (
        line.number == before.number + 1
        and not before.pieces
        and len(before.text) >= wrap * WRAP_FILL
    )


def _extend_start(content: list[_Line], first: int, wrap: int | None) -> int:
    """Body lines before the first that reads as prose: a sentence's start cut off by a
    link (`Ratna Sari` / `ternyata ...`) or by a hard wrap."""
    while 1 < first < len(content):
        before, line = content[first - 1], content[first]
        if before.state != KEEP or not open_ended(before.text):
            break
        if (wrap and _wrapped(before, line, wrap)) or (
            continues(line.text) and is_name_fragment(before.text)
        ):
            first -= 1
        else:
            break
    return first


def _extend_end(content: list[_Line], last: int) -> int:
    """A sentence after the last prose line, cut by links onto a few lines
    (`... kata pria itu kepada` / `Kompas.com` / `, Senin (2/6/2025).`), is body too."""
    while last + 1 < len(content):
        parts = content[last + 1 : last + 1 + MAX_SPLIT_PARTS]
        if not parts or parts[0].state != KEEP or continues(parts[0].text):
            break
        text, found = parts[0].text, None
        for offset, part in enumerate(parts[1:], start=1):
            if part.state != KEEP or not open_ended(text):
                break
            if not (continues(part.text) or is_name_fragment(part.text)):
                break
            text = join_text(text, part.text)
            if ends_sentence(text) and text.count(" ") + 1 >= BODY_MIN_WORDS:
                found = last + 1 + offset
                break
        if found is None:
            break
        last = found
    return last


def _is_whole_page(content: list[_Line]) -> bool:
    """A whole page's text (`get_text()`): many lines, most of them short link texts, and
    a site header (menus) before the article's first prose line. An article of lyrics or
    lists has the many short lines but not the header."""
    lines = len(content) + sum(len(line.pieces) for line in content)  # as written
    if lines < PAGE_MIN_LINES:
        return False
    short = sum(1 for line in content if line.words <= LINK_MAX_WORDS)
    if short < PAGE_LINK_SHARE * len(content):
        return False
    first = next((i for i, line in enumerate(content) if _body_like(line)), len(content))
    return first >= PAGE_HEADER_LINES


def _is_furniture(line: _Line) -> bool:
    """A menu entry, a teaser's link, a widget's button, or a line already dropped."""
    if line.state == DROP:
        return line.reason not in (
            RemovalReason.DATE,
            RemovalReason.BYLINE,
            RemovalReason.CAPTION,
            RemovalReason.CAPTION_CREDIT,
        )
    return line.words <= LINK_MAX_WORDS and not ends_sentence(line.text)


def _page_body_bounds(content: list[_Line]) -> tuple[int, int]:
    """On a whole page the article is the block of prose between long runs of furniture
    (menus, teaser lists, footers, comment widgets) that holds the most words of prose:
    a widget's sentence above the headline or a teaser's summary below the story is a
    block too, but a small one. A short link line inside the story (`Baca juga`, a
    subheading) is smoothed over by its neighbours."""
    first, last = _body_bounds(content)
    if last < first:
        return first, last
    furniture = [_is_furniture(line) for line in content]
    for i in range(1, len(content) - 1):  # a teaser's one-line summary between its links
        if furniture[i - 1] and furniture[i + 1] and content[i].words <= SHORT_PROSE_WORDS:
            furniture[i] = True
    # (opens with a dateline, words of prose, first and last body-like line): a story
    # opens with its dateline (`Badung - ...`), a widget's or a glossary's prose does not.
    best = (False, 0, first, first)
    start, end, prose, run = -1, -1, 0, 0
    for index in range(first, last + 1):
        line = content[index]
        if furniture[index]:
            run += 1
            if run >= FURNITURE_RUN and not _prose_resumes(content, furniture, index + 1):
                best = _better_block(content, best, start, end, prose)
                start, end, prose = -1, -1, 0
        else:
            run = 0
            if _body_like(line):
                start = index if start < 0 else start
                end = index
                prose += line.words
    best = _better_block(content, best, start, end, prose)
    return best[2], best[3]


def _better_block(
    content: list[_Line], best: tuple[bool, int, int, int], start: int, end: int, prose: int
) -> tuple[bool, int, int, int]:
    if start < 0:
        return best
    block = (find_dateline(content[start].text) is not None, prose, start, end)
    return block if block[:2] > best[:2] else best


def _widget_piece(line: _Line) -> bool:
    return _is_furniture(line) or (line.state == KEEP and line.text.count(" | ") >= 2)


def _drop_widgets(content: list[_Line], start: int, end: int) -> int:
    """Inside a body-only dump: a run of furniture lines (a voucher box, a video player's
    buttons, a tag list and a related-links box) is a widget, dropped; when what follows
    the last such run is no more story (no long paragraph, no two prose lines in a row:
    sponsored teasers), the story ends before it. A list in the story (numbered items,
    figures) is no widget. Returns the body's new last index."""
    pieces = [_widget_piece(line) for line in content[start : end + 1]]
    if sum(pieces) < FURNITURE_RUN:
        return end
    index = start
    while index <= end:
        if not pieces[index - start]:
            index += 1
            continue
        stop = index
        while stop <= end and pieces[stop - start]:
            stop += 1
        run = content[index:stop]
        items = sum(1 for line in run if _story_list_item(line.text))
        if len(run) >= FURNITURE_RUN and 2 * items < len(run):
            for line in run:
                if line.state == KEEP:
                    _drop(line, RemovalReason.WIDGET)
            if not _story_goes_on(content[stop : end + 1]):
                for line in content[stop : end + 1]:
                    if line.state == KEEP:
                        _drop(line, RemovalReason.WIDGET)  # sponsored teasers after the last widget
                return max(start, index - 1)
        index = stop
    return end


def _story_goes_on(tail: list[_Line]) -> bool:
    """A long paragraph, a sentence closed by a full stop (teasers end in `!`, `?` or
    nothing), or two prose lines in a row."""
    streak = 0
    for line in tail:
        if line.state != KEEP:
            continue
        if _body_like(line) and (
            line.words >= STORY_PARAGRAPH_WORDS or line.text.rstrip('"”’)').endswith(".")
        ):
            return True
        streak = streak + 1 if _body_like(line) else 0
        if streak >= RESUME_PARAGRAPHS:
            return True
    return False


def _prose_resumes(content: list[_Line], furniture: list[bool], start: int) -> bool:
    """After a run of short lines (a list in the story: names, scores), the article goes
    on when two prose paragraphs follow in a row before the furniture does."""
    streak = 0
    for index in range(start, min(start + RESUME_LOOKAHEAD, len(content))):
        if furniture[index]:
            if streak:
                return False
            continue
        streak = streak + 1 if _body_like(content[index]) else 0
        if streak >= RESUME_PARAGRAPHS:
            return True
    return False


def _title_like(line: _Line, min_words: int) -> bool:
    if not min_words <= line.words <= TITLE_MAX_WORDS:
        return False
    return not line.text.endswith(".") or chrome.title_case(line.text)


def _structure(
    content: list[_Line],
    captions: list[Caption],
    start: int,
    end: int,
    meta: _Meta,
    page: bool = False,
) -> _Line | None:
    """Pass 2: title and deck before the body, promos inside it, menus after it."""
    for before, line in pairwise(content[:start]):
        # A crawler writes the author field as a bare name, after the date field.
        if line.state == KEEP and before.reason == RemovalReason.DATE and byline_name(line.text):
            _drop(line, RemovalReason.BYLINE)
            meta.author = meta.author or line.text
    header = [line for line in content[:start] if line.state == KEEP]
    # A page's menus come first: its headline is the title-like line nearest the body.
    ordered = header[::-1] if page else header
    title = next((line for line in ordered if _title_like(line, TITLE_MIN_WORDS)), None)
    title = title or next((line for line in ordered if _title_like(line, 2)), None)
    if title and page:  # the first copy of a headline repeated (an HTML <title>) is it
        key = comparable(title.text)
        title = next(line for line in header if comparable(line.text) == key)
    if title:
        title.state = TITLE
    for line in header:
        if line is title:
            continue
        if title is None or line.number < title.number or line.words <= 3:
            _drop(line, RemovalReason.NAVIGATION)
        elif comparable(line.text) == comparable(title.text):
            _drop(line, RemovalReason.REPEATED_TITLE)
        else:
            _drop(line, RemovalReason.DECK)
    title_key = comparable(title.text) if title else None
    promos_left = 0
    in_tags = False
    attached = True  # lines right after the body, with no page chrome between, are its own
    for index, line in enumerate(content[start:], start=start):
        if line.state == DROP:
            key = chrome.label_key(line.text)
            if key in chrome.RELATED_MARKERS:
                promos_left = MAX_PROMOS_AFTER_MARKER
            in_tags = in_tags or key in chrome.TAG_MARKERS
            attached = attached and index <= end
            continue
        if title_key and comparable(line.text) == title_key:
            _drop(line, RemovalReason.REPEATED_TITLE)
        elif promos_left and _split_promo(content, index):
            promos_left = 0  # a promo cut into pieces has a marker of its own
            continue
        elif promos_left and _promo_title(line, content[index + 1 : index + 3]):
            _drop(line, RemovalReason.RELATED_LINK_PROMO)
            promos_left -= 1
            continue
        elif index > end and not _dot_continuation(content, index):
            if attached and not in_tags and _closes_story(content, index):
                continue  # a list, price table or schedule closing the story
            attached = False
            if in_tags or chrome.looks_like_tag_list(line.text) or line.text.islower():
                _drop(line, RemovalReason.TAGS)
            elif _menu_item(line):
                _drop(line, RemovalReason.NAVIGATION)
            elif page:
                _drop(line, RemovalReason.PAGE_FURNITURE)  # after the article on a whole page
        promos_left = 0
    return title


def _closes_story(content: list[_Line], index: int) -> bool:
    """A list item, or the lead-in (`Berikut harga tiket:`) of the list that follows."""
    text = content[index].text
    if _story_list_item(text):
        return True
    after = content[index + 1] if index + 1 < len(content) else None
    return text.endswith(":") and after is not None and _story_list_item(after.text)


def _story_list_item(text: str) -> bool:
    """`4. Norwegia`, `24 - 25 Mei : Rp 480.000`, `Pecahan 100 gram Rp 62.200.000`,
    `Skor biaya hidup: 73.2`: an item of a list or table, numbered or holding figures."""
    return _LIST_ITEM.match(text) is not None or _TABLE_ROW.search(text) is not None


def _promo_title(line: _Line, following: list[_Line]) -> bool:
    """A linked headline after `Baca Juga`, not the start of a sentence split at a link."""
    if not chrome.looks_like_headline(line.text):
        return False
    if not following or not open_ended(line.text):
        return True
    after = following[0]
    if continues(after.text) and after.words >= CONTINUATION_MIN_WORDS:
        return False
    split_name = is_name_fragment(after.text) and len(following) > 1
    return not (split_name and continues(following[1].text))


def _split_promo(content: list[_Line], index: int) -> bool:
    """A promo's headline cut at its links into lines of a word or two (`Hotman` /
    `Gerah` / `dengan` / `Pasal` ...): the short lines after a `Baca juga` marker that
    read together as a headline go, all of them."""
    run: list[_Line] = []
    for line in content[index : index + MAX_PROMO_PIECES]:
        if line.state != KEEP or line.words > PROMO_PIECE_WORDS:
            break
        run.append(line)
    if len(run) < 2:
        return False
    text = " ".join(line.text for line in run)
    if not chrome.looks_like_headline(text) and not chrome.title_case(text):
        return False
    for line in run:
        _drop(line, RemovalReason.RELATED_LINK_PROMO)
    return True


def _menu_item(line: _Line) -> bool:
    """After the body: a menu entry, section name or lead-in to something removed."""
    text = line.judged
    if line.words <= 3 or text.endswith(":"):
        return True
    return chrome.title_case(text) or (not ends_sentence(text) and chrome.looks_like_headline(text))


def _repair(
    body: list[_Line],
    edits: list[Edit],
    removed: list[RemovedLine],
    meta: _Meta,
    wrap: int | None = None,
) -> list[Paragraph]:
    """Pass 3: drop repeated paragraphs, rejoin split sentences, cut inline furniture,
    unglue words, cut initials."""
    seen: dict[str, int] = {}
    kept: list[_Line] = []
    for index, line in enumerate(body):
        # Only an article's opening carries a dateline (`JAKARTA - ...`).
        keys = _repeat_keys(line.text) if index == 0 else (comparable(line.text),)
        repeated = next((seen[k] for k in keys if k in seen), None)
        if line.words >= DEDUPE_MIN_WORDS and repeated is not None:
            _drop(line, RemovalReason.REPEATED_PARAGRAPH)
            edits.append(Edit(line.number, "deduplicated", f"repeats line {repeated}"))
            continue
        for key in keys:
            seen.setdefault(key, line.number)
        kept.append(line)
    groups: list[list[_Line]] = []
    for i, line in enumerate(kept):
        if groups and _continues_group(groups[-1], line, kept[i + 1 : i + 2], wrap):
            groups[-1].append(line)
        else:
            groups.append([line])
    body_text = " ".join(line.text for line in kept)
    inline = inline_junk_hints(body_text)
    texts: list[tuple[list[_Line], str, list[Edit]]] = []  # edits kept in group order
    for group in groups:
        text = group[0].text
        done: list[Edit] = []
        for number in group[0].pieces:
            note = f"line {number} continues line {group[0].number}"
            done.append(Edit(number, "rejoined", note))
        for part in group[1:]:
            text = join_text(text, part.text)
            for number in (part.number, *part.pieces):
                note = f"line {number} continues line {group[0].number}"
                done.append(Edit(number, "rejoined", note))
        text, cuts = cut_inline_junk(text) if inline or may_end_with_junk(text) else (text, [])
        for cut in cuts:
            if cut.reason == RemovalReason.BYLINE:
                _read_credits(cut.text, meta)
            removed.append(RemovedLine(group[0].number, cut.text, cut.reason))
            done.append(Edit(group[0].number, "cut", f"{cut.reason}: {cut.text!r}"))
        if text:
            texts.append((group, text, done))
        else:
            edits.extend(done)
    # Glue comes from one scraper bug (links dropped with their spaces): an article that
    # shows none of its visible signs is not searched word by word for it.
    hinted = [looks_glued(text) for _, text, _ in texts]
    own_words = count_words(body_text)
    splits = word_splits(body_text, own_words) if any(hinted) else {}
    paragraphs: list[Paragraph] = []
    for (group, text, done), hint in zip(texts, hinted, strict=True):
        edits.extend(done)
        if hint or splits:
            text, notes = unglue(text, own_words, splits)
            edits.extend(Edit(group[0].number, "unglued", note) for note in notes)
        signature = chrome.trailing_signature(text)
        if signature:
            removed.append(
                RemovedLine(group[-1].number, signature[0].strip(), RemovalReason.SIGNATURE)
            )
            text = text[: signature.start()]
        parts, how = split_one_line(text)
        if len(parts) > 1:
            note = f"one line split into {len(parts)} paragraphs {how}"
            edits.append(Edit(group[0].number, "split", note))
        for piece in parts:
            paragraphs.append(Paragraph(len(paragraphs), piece, group[0].number))
    return paragraphs


def _repeat_keys(text: str) -> tuple[str, ...]:
    """`JAKARTA - Sebanyak ...` repeats `Sebanyak ...`: both the line and its text after a
    dateline identify it."""
    key = comparable(text)
    dateline = find_dateline(text)
    if dateline is None or dateline.alone:
        return (key,)
    return key, comparable(text[dateline.end :])


def _read_credits(text: str, meta: _Meta) -> None:
    """`Reporter: Pipit Ika, Sumber: Liputan6.com` cut from a paragraph's end."""
    for part in text.split(","):
        found = read_meta_line(part.strip())
        if found:
            meta.author = meta.author or found.author
            meta.editor = meta.editor or found.editor
            meta.credited_source = meta.credited_source or found.credited_source


def _dot_continuation(content: list[_Line], index: int) -> bool:
    """The kept lines before go on in this one, cut at a dot (`896` / `540 ...`,
    `www` / `pln` / `co` / `id`)."""
    left = ""
    for back in range(index - 1, max(index - MAX_DOT_PARTS, 0) - 1, -1):
        before = content[back]
        if before.state != KEEP:
            return False
        left = f"{before.text}.{left}" if left else before.text
        if split_at_dot(left, content[index].text):
            return True
        if not is_address_part(before.text):
            return False
    return False


def _continues_group(
    group: list[_Line], line: _Line, after: list[_Line], wrap: int | None = None
) -> bool:
    """Does `line` carry on the paragraph in `group` (split where a link or dateline was,
    or where hard-wrapped text broke at its width)?"""
    last = group[-1].text
    if wrap and _wrapped(group[-1], line, wrap):
        return True
    if split_at_dot(last, line.text):
        return True
    if len(group) == 1 and last.endswith(("-", "–", "—")):
        dateline = find_dateline(last)
        if dateline and dateline.alone:
            return True
    if not open_ended(last):
        return False
    if continues(line.text):
        return True
    if is_name_fragment(line.text) and after and continues(after[0].text):
        return True
    # `Menurut Kepala Ekonom` / `Bank Central Asia` / `David Sumual, ...`: a short opening
    # that starts with a function word cannot be a paragraph of its own.
    opening_word = group[0].text.split(" ", 1)[0].lower()
    return opening_word in stopwords() and sum(g.words for g in group) <= FRAGMENT_MAX_WORDS


def _derive_title(paragraphs: list[Paragraph], fallback: str) -> str:
    """The first sentence of the body, shortened at a word boundary."""
    if not paragraphs:
        return fallback
    text = paragraphs[0].text
    dateline = find_dateline(text)
    if dateline and not dateline.alone:
        text = text[dateline.end :]
    for stop in (". ", "? ", "! "):
        cut = text.find(stop)
        if 0 < cut < len(text):
            text = text[: cut + 1]
    if len(text) > DERIVED_TITLE_CHARS:
        text = text[:DERIVED_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def _read_body_metadata(article: Article, meta: _Meta, lines: list[_Line]) -> None:
    """Dateline, outlet and credited source, from the body's first line and the page chrome."""
    dateline = find_dateline(article.paragraphs[0].text) if article.paragraphs else None
    cues: list[str] = []
    if dateline:
        article.dateline = dateline.place
        if dateline.cue_text:
            cues.append(dateline.cue_text)
    stated = [outlet for cue in cues if (outlet := outlet_in(cue))]
    if not stated and article.paragraphs:
        stated = [outlet for outlet in [dateline_outlet(article.paragraphs[0].text)] if outlet]
    if stated:
        article.outlet = stated[0]
    else:  # the page's own words, read only when the story's opening names no outlet
        article.outlet = _chrome_outlet(lines)
    if meta.credited_source:
        article.credited_source = meta.credited_source
    else:
        article.credited_source = next(
            (src for p in article.paragraphs if (src := credited_in_text(p.text))), None
        )


def _chrome_outlet(lines: list[_Line]) -> str | None:
    """The one outlet the dropped lines name: a byline naming its desk (`Mulia Budi -
    detikNews`) first, even on a page whose menus name the network's other sites; else
    the page chrome, when it names only one."""
    bylines = [
        line.text for line in lines if line.reason == RemovalReason.BYLINE and line.state == DROP
    ]
    byline_outlets = outlets_in(bylines) if bylines else set()
    if len(byline_outlets) == 1:
        return byline_outlets.pop()
    chrome_outlets = outlets_in(
        list(
            dict.fromkeys(
                line.text
                for line in lines
                if line.state == DROP
                and line.reason not in NO_OUTLET_CUE
                and len(line.text) <= MAX_CUE_CHARS
            )
        )
    )
    return chrome_outlets.pop() if len(chrome_outlets) == 1 else None
