"""The one query API over a processed corpus: the reader, the CLI and `kabar serve` ask it.

A front end never walks a whole corpus itself; it asks for what it shows (the list's
rows, one article, the links of a paragraph, a page of an entity's mentions, a page of
search hits). Two backings answer: `MemoryCatalog` over a `Corpus` held in memory (one
just indexed, or one a test made), and the database-backed catalog of the cache, which
queries and pages so that opening a big corpus loads almost nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from kabar_tui.core.model import (
    Article,
    Corpus,
    EntityRecord,
    Link,
    Mention,
    Problem,
    Quote,
    link_order,
)
from kabar_tui.core.shortening import shortened

if TYPE_CHECKING:
    from kabar_tui.core.search.search import SearchPage


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What a row about an article shows, without its text."""

    id: str
    title: str
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    path: str = ""

    @classmethod
    def of(cls, article: Article) -> ArticleHead:
        return cls(
            article.id,
            article.title,
            article.outlet,
            article.author,
            article.published,
            article.path,
        )

    def outlet_or_title(self, width: int) -> str:
        """How an "also in" line names the article: its outlet, else its title, cut
        visibly within `width` characters, at a word where one ends past the middle."""
        return self.outlet or shortened(self.title, width, at_word=True)


@dataclass(slots=True)
class EntityOccurrence:
    """The mentions of one entity in one paragraph, with that paragraph's text."""

    article: ArticleHead
    paragraph: int
    text: str
    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CatalogChanges:
    """What differs between two catalogs of the same folders, by file: the paths added,
    changed (another content) and removed."""

    added: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()

    @classmethod
    def between(cls, before: dict[str, str], after: dict[str, str]) -> CatalogChanges:
        """From the `content_hashes` of the two, the old one's taken when it was opened: a
        changed file's row in the cache is replaced, so asked later it answers the new."""
        return cls(
            frozenset(after.keys() - before.keys()),
            frozenset(path for path in after.keys() & before.keys() if after[path] != before[path]),
            frozenset(before.keys() - after.keys()),
        )

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


LIST_SORTS = ("date", "outlet")


@dataclass(slots=True)
class ListOrder:
    """The list's rows in one order, filtered: the articles' ids, and each title's length
    (a row's height is guessed from it until the row is shown and its head read)."""

    ids: list[str] = field(default_factory=list)
    title_lengths: list[int] = field(default_factory=list)


def filter_words(text: str) -> list[str]:
    """The words a list filter asks for: each must be in the title, outlet or author."""
    return text.casefold().split()


def sort_heads(heads: Iterable[ArticleHead], by: str) -> list[ArticleHead]:
    """Newest first by date (undated last), or alphabetical by outlet then newest; equal
    ones in corpus order (the sort is stable)."""
    return sorted(heads, key=lambda head: list_sort_key(head, by))


def list_sort_key(head: ArticleHead, by: str) -> tuple[object, ...]:
    """Where one head goes in the list's order, corpus order aside: also places a row
    among rows already sorted without asking the catalog again. By the moment's
    timestamp: comparing 10k zoned datetimes asks each for its offset at every
    comparison (0.12 s, against a few milliseconds)."""
    by_date = (head.published is None, -_timestamp(head))
    if by == "outlet":
        return ((head.outlet or "\uffff").casefold(), *by_date)
    return by_date


def _timestamp(head: ArticleHead) -> float:
    return head.published.timestamp() if head.published is not None else 0.0


def head_matches(head: ArticleHead, words: list[str]) -> bool:
    """Whether every one of the filter's `words` is in the title, outlet or author."""
    haystack = " ".join((head.title, head.outlet or "", head.author or "")).casefold()
    return all(word in haystack for word in words)


class Searcher(Protocol):
    """What search asks of an index, in memory or stored."""

    def search_page(self, query: str, offset: int = 0, limit: int = 50) -> SearchPage: ...


def entity_key(mention: Mention) -> str:
    """The name an entity is grouped under: its resolved name, else its surface text."""
    return mention.canonical or mention.text


class Catalog(ABC):
    """A processed corpus, asked for what a screen or a command shows.

    `linked` is False while only per-article results exist (links, stories and resolved
    names come with the cross-article stage); `problems` are the inputs that could not be
    read, said in one line each.
    """

    linked: bool = True
    problems: list[Problem]
    _heads_index: dict[str, ArticleHead] | None = None  # heads by id, made on first use

    # -- primitives every backing answers ------------------------------------------------

    @abstractmethod
    def __len__(self) -> int:
        """How many articles."""

    @abstractmethod
    def heads(self) -> list[ArticleHead]:
        """Every article's head, in corpus order."""

    @abstractmethod
    def article(self, article_id: str) -> Article | None:
        """One whole article (paragraphs, mentions with resolved names, quotes), or None."""

    @abstractmethod
    def articles(self) -> Iterator[Article]:
        """Every whole article in corpus order, one at a time (export)."""

    @abstractmethod
    def links_of(self, article_id: str) -> list[Link]:
        """Every link touching the article, read from its side (it is the source)."""

    @abstractmethod
    def stories(self) -> list[list[str]]:
        """The article ids of every story of two or more articles."""

    @abstractmethod
    def entities(self) -> list[EntityRecord]:
        """Every resolved entity, most mentioned first."""

    @abstractmethod
    def entity_names(self) -> list[tuple[str, str]]:
        """(name, label) of every entity, resolved records first."""

    @abstractmethod
    def mention_count(self, name: str) -> tuple[int, int]:
        """(mentions, articles) of the entity grouped under `name`."""

    @abstractmethod
    def mentions(self, name: str, offset: int = 0, limit: int = 100) -> list[EntityOccurrence]:
        """A page of the paragraphs that mention `name`, in corpus order."""

    @abstractmethod
    def quotes(self) -> Iterator[tuple[ArticleHead, Quote]]:
        """Every quotation with its article, in corpus order."""

    @abstractmethod
    def searcher(self) -> Searcher:
        """The search index (built or opened on first use: call it in a worker)."""

    def newest_heads(self, limit: int) -> list[ArticleHead] | None:
        """The `limit` newest heads (undated last, then in corpus order: the list's first
        screen by date) when the backing answers that faster than every head; else None."""
        return None

    def content_hashes(self) -> dict[str, str]:
        """The content hash of every article by its file's path (what changed on disk)."""
        return {article.path: article.content_hash for article in self.articles()}

    def close(self) -> None:
        """Let go of what it holds open (a stored catalog's connection; in memory, none)."""
        return None

    def opened_again(self) -> Catalog:
        """This catalog for another thread to ask: the same one when it is held in memory,
        another connection to the same stored corpus when it queries."""
        return self

    def whole_corpus(self) -> Corpus | None:
        """Everything at once, in memory (`kabar export` as one JSON document); None when
        it cannot be read back (and from a backing that cannot give it: the caller then
        indexes). Slow on a big corpus: views ask the methods above."""
        return None

    # -- what follows from them ------------------------------------------------------------

    def head(self, article_id: str) -> ArticleHead | None:
        return self._heads_by_id().get(article_id)

    def _heads_by_id(self) -> dict[str, ArticleHead]:
        if self._heads_index is None:
            self._heads_index = {head.id: head for head in self.heads()}
        return self._heads_index

    def matching(self, wanted: str) -> list[ArticleHead]:
        """The article whose id is `wanted`, else every one whose id starts with it."""
        exact = self.head(wanted)
        if exact is not None:
            return [exact]
        return [head for head in self.heads() if head.id.startswith(wanted)]

    def related(self, article_id: str, paragraph: int | None = None) -> list[Link]:
        """Links of the article (or one of its paragraphs) to others, best first."""
        found = [
            link
            for link in self.links_of(article_id)
            if paragraph is None or link.source_paragraph == paragraph
        ]
        return sorted(found, key=link_order)

    def passages(
        self, places: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[ArticleHead, str]]:
        """The head and text of each (article id, paragraph) there is: what the related
        pane shows of the passages a paragraph links to, without reading their articles."""
        found: dict[tuple[str, int], tuple[ArticleHead, str]] = {}
        articles: dict[str, Article | None] = {}
        for article_id, paragraph in places:
            if article_id not in articles:
                articles[article_id] = self.article(article_id)
            article = articles[article_id]
            if article is not None and 0 <= paragraph < len(article.paragraphs):
                found[article_id, paragraph] = (
                    ArticleHead.of(article),
                    article.paragraphs[paragraph].text,
                )
        return found

    def links_between(self, left_id: str, right_id: str) -> list[Link]:
        """The links joining two articles, oriented left to right."""
        return [link for link in self.links_of(left_id) if link.target_article == right_id]

    def story_members(self, article_id: str) -> list[str]:
        """The other articles of the article's stories, in story order."""
        members: list[str] = []
        for story in self.stories():
            if article_id in story:
                members.extend(a for a in story if a != article_id and a not in members)
        return members

    def list_order(self, by: str = "date", words: list[str] | None = None) -> ListOrder:
        """The list's rows sorted `by` one of `LIST_SORTS`, only those whose title, outlet
        or author hold every one of `words` (casefolded: `filter_words`)."""
        wanted = words or []
        ordered = [head for head in sort_heads(self.heads(), by) if head_matches(head, wanted)]
        return ListOrder([head.id for head in ordered], [len(head.title) for head in ordered])

    def heads_of(self, ids: Iterable[str]) -> list[ArticleHead]:
        """The heads of these articles (those there are): the rows the list shows."""
        return [head for head in map(self.head, ids) if head is not None]

    def siblings_of(self, ids: Iterable[str]) -> dict[str, list[ArticleHead]]:
        """For these articles, those in a story, its other articles ("also in" lines)."""
        siblings = self.story_siblings()
        return {article_id: siblings[article_id] for article_id in ids if article_id in siblings}

    def ids_by_path(self) -> dict[str, str]:
        """Every article's id by its file's path (as shown)."""
        return {head.path: head.id for head in self.heads()}

    def story_siblings(self) -> dict[str, list[ArticleHead]]:
        """For each article in a story, the story's other articles ("also in ..." lines)."""
        heads = self._heads_by_id()
        siblings: dict[str, list[ArticleHead]] = {}
        for story in self.stories():
            members = [heads[a] for a in story if a in heads]
            for head in members:
                siblings.setdefault(head.id, [o for o in members if o.id != head.id])
        return siblings

    def compare_candidates(self, article_id: str) -> list[tuple[ArticleHead, int]]:
        """The other articles of the article's stories, most linked paragraphs first."""
        counts = dict.fromkeys(self.story_members(article_id), 0)
        for link in self.links_of(article_id):
            if link.target_article in counts:
                counts[link.target_article] += 1
        found = [(self.head(other), count) for other, count in counts.items()]
        ranked = [(head, count) for head, count in found if head is not None]
        ranked.sort(key=lambda item: -item[1])
        return ranked


class MemoryCatalog(Catalog):
    """A catalog over a corpus held in memory; articles may still be arriving."""

    def __init__(self, corpus: Corpus | None = None, *, linked: bool = True) -> None:
        self.corpus = corpus if corpus is not None else Corpus()
        self.problems = self.corpus.problems
        self.linked = linked
        self._articles: dict[str, Article] = {a.id: a for a in self.corpus.articles}
        self._head_list: list[ArticleHead] = [ArticleHead.of(a) for a in self.corpus.articles]
        self._links: dict[str, list[Link]] | None = None
        self._siblings: dict[str, list[ArticleHead]] | None = None
        self._searcher: Searcher | None = None

    def add_articles(self, articles: list[Article]) -> None:
        """Articles processed while loading; their cross-article results come later."""
        self.corpus.articles.extend(articles)
        for article in articles:
            self._articles[article.id] = article
            head = ArticleHead.of(article)
            self._head_list.append(head)
            if self._heads_index is not None:
                self._heads_index[head.id] = head
        self._searcher = None
        self._siblings = None

    def story_siblings(self) -> dict[str, list[ArticleHead]]:
        """Worked out once (the list asks for a screenful's at a time)."""
        if self._siblings is None:
            self._siblings = super().story_siblings()
        return self._siblings

    def __len__(self) -> int:
        return len(self._head_list)

    def heads(self) -> list[ArticleHead]:
        return self._head_list

    def article(self, article_id: str) -> Article | None:
        return self._articles.get(article_id)

    def articles(self) -> Iterator[Article]:
        return iter(self.corpus.articles)

    def links_of(self, article_id: str) -> list[Link]:
        if self._links is None:
            by_article: dict[str, list[Link]] = {}
            for link in self.corpus.links:
                by_article.setdefault(link.source_article, []).append(link)
                by_article.setdefault(link.target_article, []).append(
                    link.seen_from(link.target_article)
                )
            self._links = by_article
        return self._links.get(article_id, [])

    def stories(self) -> list[list[str]]:
        return [story.articles for story in self.corpus.stories if len(story.articles) > 1]

    def entities(self) -> list[EntityRecord]:
        return self.corpus.entities

    def entity_names(self) -> list[tuple[str, str]]:
        if self.corpus.entities:
            return [(record.canonical, record.label) for record in self.corpus.entities]
        seen: dict[str, str] = {}
        for article in self.corpus.articles:
            for mention in article.entities:
                seen.setdefault(entity_key(mention), mention.label)
        return sorted(seen.items(), key=lambda item: item[0].casefold())

    def _occurrences(self, name: str) -> Iterator[EntityOccurrence]:
        for article in self.corpus.articles:
            by_paragraph: dict[int, list[Mention]] = {}
            for mention in article.entities:
                if entity_key(mention) == name:
                    by_paragraph.setdefault(mention.paragraph, []).append(mention)
            if not by_paragraph:
                continue
            head = ArticleHead.of(article)
            for paragraph, found in by_paragraph.items():
                text = (
                    article.paragraphs[paragraph].text
                    if paragraph < len(article.paragraphs)
                    else ""
                )
                yield EntityOccurrence(head, paragraph, text, found)

    def mention_count(self, name: str) -> tuple[int, int]:
        mentions = 0
        articles: set[str] = set()
        for occurrence in self._occurrences(name):
            mentions += len(occurrence.mentions)
            articles.add(occurrence.article.id)
        return mentions, len(articles)

    def mentions(self, name: str, offset: int = 0, limit: int = 100) -> list[EntityOccurrence]:
        page = []
        for number, occurrence in enumerate(self._occurrences(name)):
            if number >= offset + limit:
                break
            if number >= offset:
                page.append(occurrence)
        return page

    def quotes(self) -> Iterator[tuple[ArticleHead, Quote]]:
        for article in self.corpus.articles:
            if article.quotes:
                head = ArticleHead.of(article)
                for quote in article.quotes:
                    yield head, quote

    def searcher(self) -> Searcher:
        if self._searcher is None:
            from kabar_tui.core.search.search import SearchIndex

            self._searcher = SearchIndex.build(self.corpus)
        return self._searcher

    def content_hashes(self) -> dict[str, str]:
        return {article.path: article.content_hash for article in self.corpus.articles}

    def whole_corpus(self) -> Corpus:
        return self.corpus
