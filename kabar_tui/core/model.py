"""The data the core produces and every front end (CLI, export, UI) presents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kabar_tui.core.safe import visible


def _reduce_to_fields(item: object) -> tuple[type, tuple[object, ...]]:
    """Pickle a small record as its class and field values, rebuilt by one class call.

    A corpus holds a million mentions; the default pickling of a slots dataclass rebuilds
    each through a Python `__setstate__` and a throwaway state (a dict of its fields, held
    by the pickle's memo on both sides until the end), which doubles the load time and
    leaves memory fragmented.
    """
    names: tuple[str, ...] = item.__slots__  # type: ignore[attr-defined]
    return type(item), tuple(getattr(item, name) for name in names)


class RemovalReason(StrEnum):
    """Why cleaning dropped a source line (`RemovedLine.reason`). The values are the
    strings stored and exported; `labels.txt` and `patterns.txt` name them."""

    ADVERTISEMENT = "advertisement"
    NAVIGATION = "navigation"
    PAGINATION = "pagination"
    FONT_SIZE_BUTTONS = "font-size buttons"
    SHARE_WIDGET = "share widget"
    WIDGET = "widget"
    RELATED_LINK_PROMO = "related-link promo"
    VIDEO_PROMO = "video promo"
    VIDEO_PLAYER = "video player"
    FACT_CHECK_PROMO = "fact-check promo"
    EMBED = "embed"
    URL = "url"
    TAGS = "tags"
    BYLINE = "byline"
    DATE = "date"
    EDITOR_CREDIT = "editor credit"
    SOURCE_CREDIT = "source credit"
    CAPTION = "caption"
    CAPTION_CREDIT = "caption credit"
    REPEATED_CAPTION = "repeated caption"
    REPEATED_TITLE = "repeated title"
    REPEATED_PARAGRAPH = "repeated paragraph"
    DECK = "deck"
    SIGNATURE = "signature"
    COPYRIGHT = "copyright"
    SYNDICATION_NOTE = "syndication note"
    SEPARATOR = "separator"
    PAGE_FURNITURE = "page furniture"
    MARKUP = "markup"
    INVISIBLE_CHARACTERS = "invisible characters"


class QuoteKind(StrEnum):
    """How a quotation is written (`Quote.kind`); the values are stored and exported."""

    DIRECT = "direct"  # a sentence of its own in quote marks
    PARTIAL = "partial"  # a quoted phrase inside a sentence
    INDIRECT = "indirect"  # reported speech without marks


class LinkKind(StrEnum):
    """Why two paragraphs are linked (`Link.kind`); the values are stored and exported."""

    SAME_TEXT = "same text"
    SAME_QUOTE = "same quote"
    SIMILAR = "similar"


@dataclass(slots=True)
class Paragraph:
    """One kept paragraph of article body text."""

    index: int
    text: str
    line: int  # 1-based line in the source file where the paragraph starts

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class RemovedLine:
    """A source line the cleaner dropped, kept so nothing is silently lost."""

    line: int  # 1-based line in the source file
    text: str
    reason: str  # a RemovalReason (read back from the cache: the equal plain string)

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Edit:
    """A repair the cleaner made to kept text (lines rejoined, words unglued, ...)."""

    line: int
    kind: str
    detail: str

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Caption:
    """A photo caption, with its credit when the text gives one."""

    text: str
    credit: str | None
    line: int

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Mention:
    """An entity mention inside one paragraph (character offsets into its text)."""

    text: str
    label: str  # PER, LOC or ORG
    paragraph: int
    start: int
    end: int
    canonical: str = ""

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Quote:
    """A quotation inside one paragraph, with its speaker when the text names one."""

    text: str
    kind: str  # a QuoteKind
    speaker: str | None
    paragraph: int
    start: int
    end: int
    speaker_canonical: str | None = None
    via: str | None = None
    role: str | None = None  # the speaker's titles as written (`Kepala Polres Bogor`)

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Article:
    """A cleaned article with its metadata, analysis and cleaning record."""

    id: str
    path: str
    title: str
    paragraphs: list[Paragraph]
    title_derived: bool = False
    outlet: str | None = None
    author: str | None = None
    editor: str | None = None
    published: datetime | None = None
    dateline: str | None = None
    credited_source: str | None = None
    captions: list[Caption] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    content_hash: str = ""
    entities: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass(slots=True)
class EntityRecord:
    """One canonical entity across the corpus."""

    canonical: str
    label: str
    aliases: list[str]
    mentions: int
    articles: list[str]

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class QuoteOccurrence:
    """Where one outlet printed a quotation."""

    article: str
    paragraph: int
    start: int
    end: int
    speaker: str | None

    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class QuoteRecord:
    """One quotation across the corpus: the same words reported by several outlets."""

    text: str
    speaker_canonical: str | None
    occurrences: list[QuoteOccurrence]

    # pickled by the names process at 100k: 700k of them (docs/indexing.md, "namesmem")
    __reduce__ = _reduce_to_fields


@dataclass(slots=True)
class Link:
    """Two paragraphs in different articles that say the same thing."""

    source_article: str
    source_paragraph: int
    target_article: str
    target_paragraph: int
    score: float
    kind: str  # a LinkKind

    __reduce__ = _reduce_to_fields

    def seen_from(self, article_id: str) -> Link:
        """This link read from `article_id`'s side: that article as its source."""
        if self.source_article == article_id:
            return self
        return Link(
            self.target_article,
            self.target_paragraph,
            self.source_article,
            self.source_paragraph,
            self.score,
            self.kind,
        )


LINK_KIND_ORDER: dict[str, int] = {
    kind: order for order, kind in enumerate(LinkKind)
}  # the same words first


def link_order(link: Link) -> tuple[int, float, int]:
    """How links are listed: by kind, then best score, then paragraph."""
    return (LINK_KIND_ORDER.get(link.kind, 9), -link.score, link.source_paragraph)


@dataclass(slots=True)
class Story:
    """Articles about one event, near-duplicates included."""

    id: str
    articles: list[str]
    title: str


@dataclass(slots=True)
class Problem:
    """Something wrong with an input, said in one line for the user."""

    path: str
    message: str
    fatal: bool = False  # True when the input could not be read at all

    def __post_init__(self) -> None:
        # Paths (and error texts quoting a file) come from files: shown, never obeyed.
        self.path, self.message = visible(self.path), visible(self.message)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class Corpus:
    """Everything the core knows about a set of articles."""

    articles: list[Article] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # a list, or held in numbers (`quote_table`) when resolved in the names' process
    quote_groups: Sequence[QuoteRecord] = field(default_factory=list)

    def article(self, article_id: str) -> Article | None:
        for article in self.articles:
            if article.id == article_id:
                return article
        return None

    def links_between(self, left_id: str, right_id: str) -> list[Link]:
        """The links joining two articles, oriented left to right."""
        found = []
        for link in self.links:
            if {link.source_article, link.target_article} == {left_id, right_id}:
                found.append(link.seen_from(left_id))
        return found

    def articles_matching(self, wanted: str) -> list[Article]:
        """The article whose id is `wanted`, else every one whose id starts with it."""
        exact = self.article(wanted)
        if exact is not None:
            return [exact]
        return [article for article in self.articles if article.id.startswith(wanted)]
