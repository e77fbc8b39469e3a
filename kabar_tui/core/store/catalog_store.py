"""The catalog of a corpus stored in the cache: every question is a query, nothing is loaded whole.

`StoredCatalog` answers the `Catalog` API over one `corpora` row of the cache
(docs/storage.md): the list's heads, one article, the links of an article, a page of an
entity's mentions, each read when asked. Opening it reads nothing but the corpus number.
A whole article is checked against its checksum when it is read; heads, link lists,
mention pages and quotes are read as stored (docs/storage.md says what is checked when).
The SQL is portable: SQLite-only things stay in `storage_sqlite` (which gives each
connection the `casefold` function the list's filter and outlet order use).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
from array import array
from collections.abc import Generator, Iterable, Iterator
from typing import Any

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
from kabar_tui.core.store.catalog import ArticleHead, Catalog, EntityOccurrence, ListOrder, Searcher
from kabar_tui.core.store.storage import Storage, stored_moment, unpack_names

ARTICLES_READ_TOGETHER = 256  # whole articles read in one set of queries while streaming

_HEAD = "w.article_id, a.title, a.outlet, a.author, a.published, a.utc_offset, a.zone, a.shown_path"
_HEADS = f"SELECT w.position, {_HEAD} FROM corpus_articles w JOIN articles a ON a.id = w.article"
IDS_ASKED_TOGETHER = 500  # ids in one `IN (...)` (SQLite allows 32,766 parameters)
# The list's orders (`Catalog.list_order`, `sort_heads`): newest first, undated last (the
# text of `published`, stored in UTC, sorts as time); by outlet, none last; then corpus order.
# `casefold` is Python's, given to every connection (`storage_sqlite.connect`).
_LIST_ORDERS = {
    "date": "a.published IS NULL, a.published DESC, w.position",
    "outlet": "COALESCE(a.outlet, '') = '', casefold(COALESCE(a.outlet, '')), "
    "a.published IS NULL, a.published DESC, w.position",
}
# What a list filter's words are looked for in (`head_matches`), casefolded as they are.
_LIST_HAYSTACK = (
    "casefold(a.title || ' ' || COALESCE(a.outlet, '') || ' ' || COALESCE(a.author, ''))"
)
# A link from either side, read from the asking article's: (link position, its paragraph,
# the other article's id, the other's paragraph, score, kind).
_LINKS = (
    "SELECT l.position, l.source_paragraph, w.article_id, l.target_paragraph, l.score, l.kind "
    "FROM links l JOIN corpus_articles w ON w.corpus = l.corpus AND w.position = l.target_article "
    "WHERE l.corpus = ? AND l.source_article = ? "
    "UNION ALL "
    "SELECT l.position, l.target_paragraph, w.article_id, l.source_paragraph, l.score, l.kind "
    "FROM links l JOIN corpus_articles w ON w.corpus = l.corpus AND w.position = l.source_article "
    "WHERE l.corpus = ? AND l.target_article = ? "
    "ORDER BY 1"
)
# The same, of one paragraph of the asking article.
_PARAGRAPH_LINKS = (
    "SELECT l.position, l.source_paragraph, w.article_id, l.target_paragraph, l.score, l.kind "
    "FROM links l JOIN corpus_articles w ON w.corpus = l.corpus AND w.position = l.target_article "
    "WHERE l.corpus = ? AND l.source_article = ? AND l.source_paragraph = ? "
    "UNION ALL "
    "SELECT l.position, l.target_paragraph, w.article_id, l.source_paragraph, l.score, l.kind "
    "FROM links l JOIN corpus_articles w ON w.corpus = l.corpus AND w.position = l.source_article "
    "WHERE l.corpus = ? AND l.target_article = ? AND l.target_paragraph = ? "
    "ORDER BY 1"
)
_ARTICLES_LOOKED_AT = 32  # articles whose packed names one query reads (`_found`)

Row = tuple[Any, ...]


def _head(row: Row) -> ArticleHead:
    """An ArticleHead of the `_HEAD` columns."""
    article_id, title, outlet, author, published, offset, zone, path = row
    return ArticleHead(
        article_id, title, outlet, author, stored_moment(published, offset, zone), path
    )


def _codes(packed: bytes | None) -> array[int]:
    """An article's stored name numbers (`mention_names`); none for a missing or
    damaged row, which mention pages read as stored, unchecked (docs/storage.md)."""
    try:
        return unpack_names(packed) if packed is not None else array("I")
    except (ValueError, TypeError):
        return array("I")


def _places(codes: array[int], number: int | None) -> list[int]:
    """Where `number` is in `codes`, found by the array's own search: a Python test of
    each of an article's hundred mentions cost seven times as much (2,000 articles of
    'Beijing' at 10k: 113 against 16.5 ms)."""
    found: list[int] = []
    if number is None:
        return found
    place = -1
    with contextlib.suppress(ValueError):
        while True:
            place = codes.index(number, place + 1)
            found.append(place)
    return found


def _escaped_like(word: str) -> str:
    """`word` matched literally by LIKE ... ESCAPE '\\'."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class StoredCatalog(Catalog):
    """The database-backed catalog of one stored corpus (`number` in `corpora`).

    It keeps `storage` open; `close` closes it. What goes wrong while it is read (a damaged
    row, a busy or failing file) is added to `problems`, one line each.
    """

    def __init__(
        self, storage: Storage, number: int, key: str, problems: list[Problem] | None = None
    ) -> None:
        self.storage = storage
        self.number = number
        self.key = key
        self.problems = problems if problems is not None else []
        self.linked = True
        self._count: int | None = None
        self._heads: list[ArticleHead] | None = None
        self._searcher: Searcher | None = None
        self._files_read: tuple[dict[str, str], dict[str, str]] | None = None

    def close(self) -> None:
        self.storage.close()

    def opened_again(self) -> StoredCatalog:
        """The same stored corpus on a connection of its own: a connection is used by one
        thread at a time, and a second one costs a few milliseconds, not a check of every
        file. Unchecked: when the corpus has gone meanwhile its questions answer nothing."""
        return StoredCatalog(Storage(self.storage.path), self.number, self.key)

    # -- reading, with what goes wrong said in `problems` -----------------------------------

    def _rows(self, sql: str, *parameters: object) -> list[Row]:
        rows = self.storage.select(sql, parameters)
        self._take_warnings()
        return rows

    def _stream(self, sql: str, *parameters: object) -> Generator[Row, None, None]:
        yield from self.storage.stream(sql, parameters)
        self._take_warnings()

    def _take_warnings(self) -> None:
        where = str(self.storage.path)
        self.problems.extend(Problem(where, warning) for warning in self.storage.warnings)
        self.storage.warnings.clear()

    def _position(self, article_id: str) -> int | None:
        rows = self._rows(
            "SELECT position FROM corpus_articles WHERE corpus = ? AND article_id = ?",
            self.number,
            article_id,
        )
        return rows[0][0] if rows else None

    def _articles_at(self, first: int, end: int) -> list[Article | None]:
        articles = self.storage.corpus_articles(self.number, first, end)
        self._take_warnings()
        return articles

    # -- the Catalog API ----------------------------------------------------------------

    def __len__(self) -> int:
        if self._count is None:
            rows = self._rows("SELECT COUNT(*) FROM corpus_articles WHERE corpus = ?", self.number)
            self._count = rows[0][0] if rows else 0
        return self._count

    def heads(self) -> list[ArticleHead]:
        if self._heads is None:
            rows = self._rows(f"{_HEADS} WHERE w.corpus = ? ORDER BY w.position", self.number)
            self._heads = [_head(row[1:]) for row in rows]
        return self._heads

    def newest_heads(self, limit: int) -> list[ArticleHead]:
        """Sorted by the database: `published` is stored in UTC, so its text sorts as time."""
        rows = self._rows(
            f"{_HEADS} WHERE w.corpus = ? "
            "ORDER BY a.published IS NULL, a.published DESC, w.position LIMIT ?",
            self.number,
            limit,
        )
        return [_head(row[1:]) for row in rows]

    def list_order(self, by: str = "date", words: list[str] | None = None) -> ListOrder:
        """Sorted and filtered by the database: only the ids and title lengths come out,
        not 100k heads (making those was 0.7 s of CPU at 100k articles). Case is folded
        by Python's `casefold` called by the database, as `head_matches` folds it (SQLite's
        LOWER folds ASCII letters only: a title's "É" would not be found by "é")."""
        conditions = "".join(f" AND {_LIST_HAYSTACK} LIKE ? ESCAPE '\\'" for _ in words or [])
        patterns = ["%" + _escaped_like(word) + "%" for word in words or []]
        rows = self._rows(
            "SELECT w.article_id, LENGTH(a.title) FROM corpus_articles w "
            f"JOIN articles a ON a.id = w.article WHERE w.corpus = ?{conditions} "
            f"ORDER BY {_LIST_ORDERS[by]}",
            self.number,
            *patterns,
        )
        return ListOrder([row[0] for row in rows], [row[1] for row in rows])

    def heads_of(self, ids: Iterable[str]) -> list[ArticleHead]:
        """By the ids' index, a few hundred in one query."""
        if self._heads is not None:
            return super().heads_of(ids)
        wanted = list(dict.fromkeys(ids))
        found: dict[str, ArticleHead] = {}
        for first in range(0, len(wanted), IDS_ASKED_TOGETHER):
            batch = wanted[first : first + IDS_ASKED_TOGETHER]
            rows = self._rows(
                f"{_HEADS} WHERE w.corpus = ? AND w.article_id IN ({', '.join('?' * len(batch))})",
                self.number,
                *batch,
            )
            found.update((row[1], _head(row[1:])) for row in rows)
        return [found[article_id] for article_id in wanted if article_id in found]

    def siblings_of(self, ids: Iterable[str]) -> dict[str, list[ArticleHead]]:
        """The stories of these articles only, and their other articles' heads (of an
        article's first story, as `story_siblings`)."""
        wanted = list(dict.fromkeys(ids))
        siblings: dict[str, list[ArticleHead]] = {}
        for first in range(0, len(wanted), IDS_ASKED_TOGETHER):
            batch = wanted[first : first + IDS_ASKED_TOGETHER]
            rows = self._rows(
                "SELECT m.article_id, s.story, w.article_id FROM corpus_articles m "
                "JOIN story_articles s ON s.corpus = m.corpus AND s.article = m.position "
                "JOIN story_articles o ON o.corpus = s.corpus AND o.story = s.story "
                "JOIN corpus_articles w ON w.corpus = o.corpus AND w.position = o.article "
                f"WHERE m.corpus = ? AND m.article_id IN ({', '.join('?' * len(batch))}) "
                "AND o.article != m.position ORDER BY s.story, o.position",
                self.number,
                *batch,
            )
            if not rows:
                continue
            heads = {head.id: head for head in self.heads_of(row[2] for row in rows)}
            first_story: dict[str, int] = {}
            for article_id, story, other in rows:
                if first_story.setdefault(article_id, story) == story and other in heads:
                    siblings.setdefault(article_id, []).append(heads[other])
        return siblings

    def ids_by_path(self) -> dict[str, str]:
        return dict(self._files()[1])

    def _files(self) -> tuple[dict[str, str], dict[str, str]]:
        """Every file's content hash and article id by its path, in one query (100k rows
        cost a tenth of a second each time), read once: the corpus as first asked."""
        if self._files_read is None:
            rows = self._rows(
                "SELECT a.shown_path, a.content_hash, w.article_id FROM corpus_articles w "
                "JOIN articles a ON a.id = w.article WHERE w.corpus = ?",
                self.number,
            )
            hashes = {path: content_hash for path, content_hash, _ in rows}
            self._files_read = hashes, {path: article_id for path, _, article_id in rows}
        return self._files_read

    def head(self, article_id: str) -> ArticleHead | None:
        if self._heads is not None:
            return super().head(article_id)
        # The position first, by the id's index: joined, SQLite walked the whole corpus by
        # its primary key instead (16 ms a head at 100k articles, each hit `kabar search`
        # prints).
        rows = self._rows(
            f"{_HEADS} WHERE w.corpus = ? AND w.position = (SELECT position FROM "
            "corpus_articles WHERE corpus = ? AND article_id = ?)",
            self.number,
            self.number,
            article_id,
        )
        return _head(rows[0][1:]) if rows else None

    def matching(self, wanted: str) -> list[ArticleHead]:
        exact = self.head(wanted)
        if exact is not None:
            return [exact]
        rows = self._rows(
            f"{_HEADS} WHERE w.corpus = ? AND substr(w.article_id, 1, ?) = ? ORDER BY w.position",
            self.number,
            len(wanted),
            wanted,
        )
        return [_head(row[1:]) for row in rows]

    def article(self, article_id: str) -> Article | None:
        position = self._position(article_id)
        if position is None:
            return None
        return self._articles_at(position, position + 1)[0]

    def articles(self) -> Iterator[Article]:
        """Every article that reads back intact (a damaged one is said in `problems`)."""
        for first in range(0, len(self), ARTICLES_READ_TOGETHER):
            batch = self._articles_at(first, first + ARTICLES_READ_TOGETHER)
            yield from (article for article in batch if article is not None)

    def links_of(self, article_id: str) -> list[Link]:
        position = self._position(article_id)
        if position is None:
            return []
        rows = self._rows(_LINKS, self.number, position, self.number, position)
        return [
            Link(article_id, paragraph, other, other_paragraph, score, kind)
            for _, paragraph, other, other_paragraph, score, kind in rows
        ]

    def related(self, article_id: str, paragraph: int | None = None) -> list[Link]:
        """Of one paragraph: only its links are read (the indexes by paragraph)."""
        if paragraph is None:
            return super().related(article_id)
        position = self._position(article_id)
        if position is None:
            return []
        rows = self._rows(
            _PARAGRAPH_LINKS, self.number, position, paragraph, self.number, position, paragraph
        )
        found = [
            Link(article_id, own, other, other_paragraph, score, kind)
            for _, own, other, other_paragraph, score, kind in rows
        ]
        return sorted(found, key=link_order)

    def passages(
        self, places: Iterable[tuple[str, int]]
    ) -> dict[tuple[str, int], tuple[ArticleHead, str]]:
        """One query per passage and per article's head: no article is read whole."""
        found: dict[tuple[str, int], tuple[ArticleHead, str]] = {}
        heads: dict[str, ArticleHead | None] = {}
        for article_id, paragraph in places:
            if article_id not in heads:
                heads[article_id] = self.head(article_id)
            head = heads[article_id]
            rows = self._rows(
                "SELECT p.text FROM corpus_articles w JOIN paragraphs p ON p.article = w.article "
                "WHERE w.corpus = ? AND w.article_id = ? AND p.position = ?",
                self.number,
                article_id,
                paragraph,
            )
            if head is not None and rows:
                found[article_id, paragraph] = (head, rows[0][0])
        return found

    def stories(self) -> list[list[str]]:
        rows = self._rows(
            "SELECT s.story, w.article_id FROM story_articles s JOIN corpus_articles w "
            "ON w.corpus = s.corpus AND w.position = s.article "
            "WHERE s.corpus = ? ORDER BY s.story, s.position",
            self.number,
        )
        grouped = itertools.groupby(rows, key=lambda row: row[0])
        stories = [[article_id for _, article_id in members] for _, members in grouped]
        return [story for story in stories if len(story) > 1]

    def story_members(self, article_id: str) -> list[str]:
        position = self._position(article_id)
        if position is None:
            return []
        rows = self._rows(
            "SELECT w.article_id FROM story_articles m JOIN story_articles o "
            "ON o.corpus = m.corpus AND o.story = m.story "
            "JOIN corpus_articles w ON w.corpus = o.corpus AND w.position = o.article "
            "WHERE m.corpus = ? AND m.article = ? ORDER BY m.story, o.position",
            self.number,
            position,
        )
        members = dict.fromkeys(other for (other,) in rows if other != article_id)
        return list(members)

    def entities(self) -> list[EntityRecord]:
        records = self._rows(
            "SELECT e.position, n.text, e.label, e.mentions FROM entities e JOIN names n "
            "ON n.corpus = e.corpus AND n.number = e.name WHERE e.corpus = ? "
            "ORDER BY e.mentions DESC, n.text, e.position",
            self.number,
        )
        aliases = self._grouped(
            "SELECT entity, alias FROM entity_aliases WHERE corpus = ? ORDER BY entity, position"
        )
        articles = self._grouped(
            "SELECT e.entity, w.article_id FROM entity_articles e JOIN corpus_articles w "
            "ON w.corpus = e.corpus AND w.position = e.article "
            "WHERE e.corpus = ? ORDER BY e.entity, e.position"
        )
        return [
            EntityRecord(name, label, aliases.get(n, []), mentions, articles.get(n, []))
            for n, name, label, mentions in records
        ]

    def _grouped(self, sql: str) -> dict[int, list[str]]:
        """(parent, value) rows, ordered by parent, as each parent's list of values."""
        grouped = itertools.groupby(self._stream(sql, self.number), key=lambda row: row[0])
        return {parent: [value for _, value in rows] for parent, rows in grouped}

    def entity_names(self) -> list[tuple[str, str]]:
        names = self._rows(
            "SELECT n.text, e.label FROM entities e JOIN names n "
            "ON n.corpus = e.corpus AND n.number = e.name WHERE e.corpus = ? "
            "ORDER BY e.mentions DESC, n.text, e.position",
            self.number,
        )
        if names:
            return [(name, label) for name, label in names]
        # No resolved entities: every name a mention is grouped under, as MemoryCatalog does.
        texts: dict[int, str] = dict(
            self._rows("SELECT number, text FROM names WHERE corpus = ?", self.number)
        )
        packed: dict[int, bytes] = dict(
            self._rows("SELECT article, names FROM mention_names WHERE corpus = ?", self.number)
        )
        seen: dict[str, str] = {}
        rows = self._stream(
            "SELECT w.position, t.text, t.label FROM corpus_articles w "
            "JOIN mentions t ON t.article = w.article WHERE w.corpus = ? "
            "ORDER BY w.position, t.position",
            self.number,
        )
        for article, group in itertools.groupby(rows, key=lambda row: row[0]):
            codes = _codes(packed.get(article))
            for (_, text, label), code in zip(group, codes, strict=False):
                seen.setdefault(texts.get(code) or text, label)
        return sorted(seen.items(), key=lambda item: item[0].casefold())

    def _numbers(self, name: str) -> tuple[int | None, int | None]:
        """The number of `name` among the corpus's names when a mention may be resolved to
        it, and that of the empty name when a mention is unresolved: such a mention is
        grouped under its own text, as `entity_key` says."""
        rows = self._rows(
            "SELECT number, text FROM names WHERE corpus = ? AND text IN (?, '')",
            self.number,
            name,
        )
        numbers = {text: number for number, text in rows}
        return (numbers.get(name) if name else None), numbers.get("")

    def _named(self, name: str, resolved: int | None, unresolved: int | None) -> Iterator[int]:
        """The corpus positions, in order, of the articles that may mention `name`: those
        of the entities it names (`entity_articles`, found by `entities_by_name`), and
        when some mention is unresolved those with a mention of that text. Streamed: a
        first page takes a few hundred of a name's 92k articles at 100k."""
        found: list[Iterator[int]] = []
        entities = self._entities_named(resolved) if resolved is not None else []
        if entities:  # no empty `IN ()`: not every database takes one
            rows = self._stream(
                "SELECT DISTINCT article FROM entity_articles WHERE corpus = ? "
                f"AND entity IN ({', '.join('?' * len(entities))}) ORDER BY article",
                self.number,
                *entities,
            )
            found.append(article for (article,) in rows)
        if unresolved is not None:
            rows = self._stream(
                "SELECT DISTINCT w.position FROM corpus_articles w "
                "JOIN mentions t ON t.article = w.article "
                "WHERE w.corpus = ? AND t.text = ? ORDER BY w.position",
                self.number,
                name,
            )
            found.append(article for (article,) in rows)
        return (article for article, _ in itertools.groupby(heapq.merge(*found)))

    def _entities_named(self, name: int) -> list[int]:
        """The numbers of the entities of name number `name` (usually one). Asked apart
        from their articles: joined, SQLite read every `entity_articles` row of the
        corpus (409k at 10k) and looked each one's entity up."""
        return [
            number
            for (number,) in self._rows(
                "SELECT position FROM entities WHERE corpus = ? AND name = ?", self.number, name
            )
        ]

    def _found(self, name: str) -> Generator[tuple[int, list[Mention]], None, None]:
        """Each article's mentions grouped under `name` (a resolved mention of that name,
        an unresolved one of that text), in corpus order, read a few articles at a time:
        each article's packed names say which of its mentions to read."""
        resolved, unresolved = self._numbers(name)
        if resolved is None and unresolved is None:
            return
        articles = self._named(name, resolved, unresolved)
        while batch := list(itertools.islice(articles, _ARTICLES_LOOKED_AT)):
            packed: dict[int, bytes] = dict(
                self._rows(
                    "SELECT article, names FROM mention_names WHERE corpus = ? "
                    f"AND article IN ({', '.join('?' * len(batch))})",
                    self.number,
                    *batch,
                )
            )
            for article in batch:
                codes = _codes(packed.get(article))
                wanted = _places(codes, resolved) + _places(codes, unresolved)
                wanted.sort()
                mentions = []
                # a query per article, by its key: one for the batch read the rows at
                # every position any of them wanted, and cost four times as much
                for part in range(0, len(wanted), IDS_ASKED_TOGETHER):
                    positions = wanted[part : part + IDS_ASKED_TOGETHER]
                    for position, text, label, paragraph, start, end in self._rows(
                        "SELECT t.position, t.text, t.label, t.paragraph, t.start_offset, "
                        "t.end_offset FROM corpus_articles w "
                        "JOIN mentions t ON t.article = w.article "
                        "WHERE w.corpus = ? AND w.position = ? "
                        f"AND t.position IN ({', '.join('?' * len(positions))}) "
                        "ORDER BY t.position",
                        self.number,
                        article,
                        *positions,
                    ):
                        if codes[position] == resolved:
                            mentions.append(Mention(text, label, paragraph, start, end, name))
                        elif text == name:
                            mentions.append(Mention(text, label, paragraph, start, end, ""))
                if mentions:
                    yield article, mentions

    def mention_count(self, name: str) -> tuple[int, int]:
        """From the entities' counts and lists of articles when every mention is
        resolved (at once, whatever the count); else by reading the mentions."""
        resolved, unresolved = self._numbers(name)
        if unresolved is None:
            entities = self._entities_named(resolved) if resolved is not None else []
            if not entities:
                return 0, 0
            marks = ", ".join("?" * len(entities))
            rows = self._rows(
                "SELECT (SELECT COALESCE(SUM(mentions), 0) FROM entities "
                f"WHERE corpus = ? AND position IN ({marks})), "
                "(SELECT COUNT(DISTINCT article) FROM entity_articles "
                f"WHERE corpus = ? AND entity IN ({marks}))",
                self.number,
                *entities,
                self.number,
                *entities,
            )
            return (rows[0][0], rows[0][1]) if rows else (0, 0)
        mentions = articles = 0
        for _, found in self._found(name):
            mentions += len(found)
            articles += 1
        return mentions, articles

    def mentions(self, name: str, offset: int = 0, limit: int = 100) -> list[EntityOccurrence]:
        """A page of occurrences, read in corpus order until the page is full: the first
        page of a name mentioned 25,000 times reads a few dozen articles' names."""
        if limit <= 0:
            return []
        page: list[tuple[int, int, list[Mention]]] = []
        seen = 0  # occurrences of the articles before the current one
        found = self._found(name)
        with contextlib.closing(found):
            for article, mentions in found:
                if seen >= offset + limit:
                    break
                by_paragraph: dict[int, list[Mention]] = {}
                for mention in mentions:
                    by_paragraph.setdefault(mention.paragraph, []).append(mention)
                for paragraph, grouped in by_paragraph.items():
                    if offset <= seen < offset + limit:
                        page.append((article, paragraph, grouped))
                    seen += 1
        return self._occurrences(page)

    def _occurrences(self, page: list[tuple[int, int, list[Mention]]]) -> list[EntityOccurrence]:
        """The page's (article position, paragraph, mentions) with their heads and texts."""
        positions = sorted({article for article, _, _ in page})
        heads: dict[int, ArticleHead] = {}
        texts: dict[tuple[int, int], str] = {}
        for first in range(0, len(positions), ARTICLES_READ_TOGETHER):
            batch = positions[first : first + ARTICLES_READ_TOGETHER]
            marks = ", ".join("?" * len(batch))
            for row in self._rows(
                f"{_HEADS} WHERE w.corpus = ? AND w.position IN ({marks})", self.number, *batch
            ):
                heads[row[0]] = _head(row[1:])
        for article, paragraph, _ in page:
            rows = self._rows(
                "SELECT p.text FROM corpus_articles w JOIN paragraphs p ON p.article = w.article "
                "WHERE w.corpus = ? AND w.position = ? AND p.position = ?",
                self.number,
                article,
                paragraph,
            )
            texts[(article, paragraph)] = rows[0][0] if rows else ""
        return [
            EntityOccurrence(heads[article], paragraph, texts[(article, paragraph)], mentions)
            for article, paragraph, mentions in page
            if article in heads
        ]

    def quotes(self) -> Iterator[tuple[ArticleHead, Quote]]:
        heads = self.heads()
        rows = self._stream(
            "SELECT w.position, q.text, q.kind, q.speaker, q.paragraph, q.start_offset, "
            "q.end_offset, n.text, q.via, q.role FROM corpus_articles w "
            "JOIN quotes q ON q.article = w.article "
            "LEFT JOIN quote_speakers s ON s.corpus = w.corpus AND s.article = w.position "
            "AND s.position = q.position "
            "LEFT JOIN names n ON n.corpus = s.corpus AND n.number = s.name "
            "WHERE w.corpus = ? ORDER BY w.position, q.position",
            self.number,
        )
        for position, *columns in rows:
            yield heads[position], Quote(*columns)

    def content_hashes(self) -> dict[str, str]:
        return dict(self._files()[0])

    def searcher(self) -> Searcher:
        """The search index saved with the corpus (`search_store`): opening it reads one
        row; when it is missing or damaged it is built again from the stored corpus."""
        if self._searcher is None:
            from kabar_tui.core.search.search_store import open_search

            self._searcher = open_search(self.storage, self.number)
            self._take_warnings()
            if self._searcher is None:  # the corpus went (pruned by another kabar)
                from kabar_tui.core.search.search import SearchIndex

                index = SearchIndex.build(Corpus(entities=self.entities()))
                for article in self.articles():
                    index.add_article(article)
                self._searcher = index
        return self._searcher

    def whole_corpus(self) -> Corpus | None:
        corpus = self.storage.load_corpus(self.key)
        self._take_warnings()
        return corpus
