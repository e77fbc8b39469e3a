"""The search index of a corpus, kept in the cache database: saved once, never rebuilt at start.

API (for the catalog, the CLI and the reader):

- `save_search(storage, key, index)` stores a `SearchIndex` built from the corpus stored
  under `key` (`Storage.save_corpus`); the pipeline calls it right after that. Saving the
  corpus again, deleting it (pruning, `kabar index --rebuild`, a changed article) deletes
  its search index too.
- `save_stored_search(storage, key, entities)` builds and stores the same index from the
  corpus's stored articles, a batch at a time (`kabar index`, which keeps no article).
- `open_search(storage, corpus)` returns a searcher for the corpus stored under `corpus`
  (its `corpora.id` number or its key): an object with `search_page(query, offset, limit)
  -> SearchPage` and `search(query, limit) -> list[Hit]`, the very pages `SearchIndex`
  gives, whose `Hit.article_id` are the corpus's article ids (`corpus_articles.article_id`).
  Opening reads one row; each query then reads only the postings it needs. When the
  stored index is missing or damaged, a warning goes to `storage.warnings` and the index
  is built again from the stored corpus (and saved); None when the corpus is not stored.
  A searcher uses the storage's connection, one query at a time (it holds a lock).

The algorithm is `SearchEngine`'s, unchanged; this module answers its data questions
from tables (docs/search.md): per-document columns and the vocabulary are BLOBs of
little-endian integers read on first use, postings and trigram lists are rows read per
query, the texts come from `paragraphs`, `quotes` and `articles`. Every BLOB carries a
BLAKE2b checksum checked as it is read. The SQL is portable.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import pickle
import sqlite3
import struct
import sys
import tempfile
import threading
import time
import zlib
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Protocol, cast

import numpy as np

from kabar_tui.core.model import Article, EntityRecord
from kabar_tui.core.search.query import KINDS, HitKind
from kabar_tui.core.search.search import (
    Bits,
    DocumentColumns,
    SearchEngine,
    SearchIndex,
    SearchPage,
    mention_names,
)
from kabar_tui.core.store import storage_sqlite as backend
from kabar_tui.core.store.storage import Skipped, Storage

SHORT = 16  # posting lists shorter than this share a row with their neighbours' keys
BLOCK_KEYS = 64  # keys whose short lists share a row
CACHED_POSTINGS = 8_000_000  # document numbers kept in memory across queries (32 MB)
_ROWS = 2000  # rows written per executemany batch
_ROW_BYTES = 4 << 20  # or fewer, when their posting lists are this many bytes
STORED_BATCH = 500  # stored articles read at a time to build a corpus's search index
# Document numbers of postings held while that index is built (16 MB), the rest in
# scratch files (SavedSearchIndex.spill).
KEPT_POSTINGS = 4_000_000
# The entities' segment: after every article segment (segments are read in order).
TAIL_SEGMENT = 1 << 30
# Documents per row of `documents N` (`_document_rows`): a query reads the rows of the
# documents it ranks and shows (17 kB each), not the five whole columns (32 MB at 100k).
DOCUMENTS_TOGETHER = 1024
_DOCUMENT_ROW = "documents "  # `search_arrays` name prefix of those rows
# Rows read (at least this many, and an eighth of them) before a searcher reads the whole
# columns instead: a session of queries soon needs most rows.
ROWS_BEFORE_COLUMNS = 32
_PART_HEAD = struct.Struct("<QI")  # a posting list in a scratch file: key, length
_KIND_CODE = {kind: code for code, kind in enumerate(KINDS)}
_BIG_ENDIAN = sys.byteorder == "big"


class SearchDamaged(Exception):
    """A stored search row is missing or does not match its checksum."""


# What a damaged row raises while read: a value of the wrong type, length or range.
_UNREADABLE = (SearchDamaged, ValueError, TypeError, IndexError, KeyError, OverflowError)


def _checksum(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def _to_bytes(values: array) -> bytes:
    """Integers as stored: little-endian whatever the machine."""
    if _BIG_ENDIAN:
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _from_bytes(typecode: str, data: bytes) -> array:
    values = array(typecode)
    if len(data) % values.itemsize:
        raise SearchDamaged("an array's length is not a whole number of items")
    values.frombytes(data)
    if _BIG_ENDIAN:
        values.byteswap()
    return values


def pack(numbers: array) -> bytes:
    """Ascending numbers as the zlib-compressed little-endian gaps between them."""
    values = np.frombuffer(numbers, dtype=np.uint32)
    gaps = np.diff(values, prepend=np.uint32(0)).astype("<u4")
    return zlib.compress(gaps.tobytes(), 1)


def unpack(data: bytes) -> array:
    return _from_bytes("I", unpack_numbers(data).astype("<u4").tobytes())


def unpack_numbers(data: bytes) -> np.ndarray:
    """`unpack` as a numpy array of uint32, not copied again (a common word's list is
    megabytes: three copies of it were a tenth of a slow keystroke)."""
    try:
        raw = zlib.decompress(data)
    except zlib.error as error:
        raise SearchDamaged(f"a list cannot be read ({error})") from None
    if len(raw) % 4:
        raise SearchDamaged("a list's length is not a whole number of items")
    return np.frombuffer(raw, dtype="<u4").cumsum(dtype=np.uint32)


def pack_block(lists: list[tuple[int, array]]) -> bytes:
    """Short posting lists of one block: per list its key's place in the block, its
    length, its documents; all little-endian uint32, compressed."""
    values = array("I")
    for place, docs in lists:
        values.append(place)
        values.append(len(docs))
        values.extend(docs)
    return zlib.compress(_to_bytes(values), 1)


def unpack_block(data: bytes, place: int) -> array | None:
    """The list of the key at `place` in a block, None when the block has none."""
    return next((docs for at, docs in _block_lists(data) if at == place), None)


@dataclass(slots=True)
class _Strings:
    """Strings stored as their UTF-8 joined and the offset of each: read one at a time,
    so a vocabulary of a million words is two BLOBs in memory, not a million objects."""

    data: bytes
    offsets: array

    @classmethod
    def of(cls, texts: Sequence[str]) -> _Strings:
        encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
        offsets = array("I", [0])
        total = 0
        for item in encoded:
            total += len(item)
            offsets.append(total)
        return cls(b"".join(encoded), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, number: int) -> str:
        return self.data[self.offsets[number] : self.offsets[number + 1]].decode(
            "utf-8", "surrogatepass"
        )


@dataclass(slots=True)
class _Outlets:
    """Each article's folded outlet, by article number, from the outlets' numbers."""

    texts: list[str]
    numbers: array

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, article: int) -> str:
        return self.texts[self.numbers[article]]


def _room(posting: Sequence[int] | None) -> int:
    """What a cached posting list takes, in document numbers (4 bytes each)."""
    if isinstance(posting, Bits):
        return len(posting.packed) // 4 + 1
    return 1 if posting is None or not len(posting) else len(posting)


# --- saving -------------------------------------------------------------------------------


class SavedSearchIndex(SearchIndex):
    """A `SearchIndex` made to be saved, not searched: of the texts it keeps the entities'
    alone (titles, passages and quotes are read from their tables when shown), so the
    index of a stored corpus is built from its articles read a batch at a time
    (`save_stored_search`), never the whole corpus in memory (docs/indexing.md).

    Its postings go to a scratch file whenever they hold more than `kept` document
    numbers (`spill`); `posting_lists` merges them back, key by key, as they are saved.
    """

    def __init__(self, kept: int = KEPT_POSTINGS) -> None:
        super().__init__()
        self.entity_texts: list[str] = []
        self._spilled_counts = array("I")  # per word id, its documents in scratch files
        self._kept = kept
        self._posted = 0  # document numbers in `postings`
        self._parts: list[Path] = []
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def _keep_text(self, kind: HitKind, text: str) -> None:
        if kind == HitKind.ENTITY:
            self.entity_texts.append(text)

    def _post(self, doc: int, keys: set[int]) -> None:
        super()._post(doc, keys)
        self._posted += len(keys)

    def add_article(self, article: Article, mentions: bool = True) -> None:
        super().add_article(article, mentions)
        if self._posted > self._kept:
            self.spill()

    def spill(self) -> None:
        """Write the postings held to a scratch file, in key order, and let them go."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="kabar-search-")
        path = Path(self._folder.name) / f"{len(self._parts)}.part"
        counts = self._spilled_counts
        counts.frombytes(bytes(4 * (len(self.words) - len(counts))))  # zeros for new words
        for word_id in range(len(self.words)):
            posting = self.postings.get(word_id)
            if posting is not None:
                counts[word_id] += len(posting)
        with open(path, "wb") as part:
            for key in sorted(self.postings):
                docs = self.postings[key]
                part.write(_PART_HEAD.pack(key, len(docs)))
                part.write(_to_bytes(docs))
        self._parts.append(path)
        self.postings = {}
        self._posted = 0

    def word_frequencies(self) -> array:
        """Documents per word id, spilled or held."""
        counts = array("I", self._spilled_counts)
        counts.frombytes(bytes(4 * (len(self.words) - len(counts))))
        for word_id in range(len(self.words)):
            posting = self.postings.get(word_id)
            if posting is not None:
                counts[word_id] += len(posting)
        return counts

    def posting_lists(self) -> Iterator[tuple[int, array]]:
        """Every (key, documents), in key order: the scratch files' parts of each list,
        joined in document order, and those still held."""
        if not self._parts:
            yield from sorted(self.postings.items())
            return
        held = ((key, len(self._parts), docs) for key, docs in sorted(self.postings.items()))
        parts = [_read_part(path, number) for number, path in enumerate(self._parts)]
        merged = heapq.merge(*parts, held, key=lambda item: (item[0], item[1]))
        for key, group in itertools.groupby(merged, key=lambda item: item[0]):
            docs = array("I")
            for _, _, part in group:
                docs.extend(part)
            yield key, docs

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
        self._parts = []


def _read_part(path: Path, number: int) -> Iterator[tuple[int, int, array]]:
    with open(path, "rb") as part:
        while head := part.read(_PART_HEAD.size):
            key, length = _PART_HEAD.unpack(head)
            yield key, number, _from_bytes("I", part.read(4 * length))


def _entity_texts(index: SearchIndex, entity_docs: list[int]) -> list[str]:
    if isinstance(index, SavedSearchIndex):
        return index.entity_texts
    return [index.texts[doc] for doc in entity_docs]


def _posting_lists(index: SearchIndex) -> Iterable[tuple[int, array]]:
    if isinstance(index, SavedSearchIndex):
        return index.posting_lists()
    return index.postings.items()


def _arrays(index: SearchIndex, split: Split) -> dict[str, bytes]:
    """The per-document columns, the vocabulary and the string tables, as BLOBs; but for
    `articles` (`_article_numbers`), known once the corpus is stored."""
    words = index.words.data() if isinstance(index.words, _OldWords) else _Strings.of(index.words)
    entity = _KIND_CODE[HitKind.ENTITY]
    # found in C: a Python loop over every document (1.5M at 100k articles) was most of
    # what an appended article's arrays cost beyond writing them
    kinds = np.frombuffer(index.kinds, dtype=np.uint8) if index.kinds else np.zeros(0, np.uint8)
    entity_docs: list[int] = np.flatnonzero(kinds == entity).tolist()
    records = array("i", index.records)
    for number, doc in enumerate(entity_docs):
        records[doc] = number  # an entity's record: its name in `entity_texts`
    entities = _Strings.of(_entity_texts(index, entity_docs))
    outlets: dict[str, int] = {}
    article_outlets = array(
        "i", (outlets.setdefault(o, len(outlets)) for o in index.article_outlets)
    )
    outlet_texts = _Strings.of(list(outlets))
    labels = _Strings.of(index.labels)
    frequencies = index.word_frequencies()
    article_frequencies = index.article_frequencies
    if index.article_part is None or article_frequencies is None:  # no entity: all articles'
        article_frequencies = frequencies
    return {
        "words": words.data,
        "words_offsets": _to_bytes(words.offsets),
        "frequencies": _to_bytes(frequencies),
        "article_frequencies": _to_bytes(article_frequencies[: split.words]),
        "word_lengths": _to_bytes(index.word_lengths),
        "sorted_words": _to_bytes(index._sorted_word_ids()),
        "kinds": _to_bytes(index.kinds),
        "owners": _to_bytes(index.owners),
        "paragraphs": _to_bytes(index.paragraphs),
        "records": _to_bytes(records),
        "labels": _to_bytes(index.label_numbers),
        "label_texts": labels.data,
        "label_offsets": _to_bytes(labels.offsets),
        "entity_texts": entities.data,
        "entity_offsets": _to_bytes(entities.offsets),
        "outlet_texts": outlet_texts.data,
        "outlet_offsets": _to_bytes(outlet_texts.offsets),
        "article_outlets": _to_bytes(article_outlets),
    }


def _article_numbers(members: Sequence[tuple[int, str]]) -> bytes:
    """The `articles` array: the stored number of each of the index's articles, in order."""
    return _to_bytes(array("q", [article for article, _ in members]))


@dataclass(slots=True, frozen=True)
class Split:
    """Where an index's articles' part ends: its documents, words and labels. The
    entities' documents, the words and labels only they use, come after (the tail)."""

    documents: int
    words: int
    labels: int


def _split_of(index: SearchIndex) -> Split | None:
    found = index.article_split()
    return None if found is None else Split(*found)


def _parts(numbers: array, bounds: Sequence[tuple[int, int]]) -> Iterator[tuple[int, array]]:
    """(segment, the numbers from its first one on), for ascending `numbers` and
    `bounds` of (segment, first number) in ascending order; empty parts left out. By
    bisection: hundreds of thousands of lists are cut at each save."""
    start = bisect_left(numbers, bounds[0][1])
    for at, (segment, _) in enumerate(bounds):
        end = (
            bisect_left(numbers, bounds[at + 1][1], start) if at + 1 < len(bounds) else len(numbers)
        )
        if end > start:
            yield segment, numbers if end - start == len(numbers) else numbers[start:end]
        start = end


class Rows(Protocol):
    """Where rows are inserted: the database, or a file they are recorded in
    (`RecordedRows`)."""

    def executemany(self, sql: str, rows: Iterable[tuple], /) -> object: ...


def _write_lists(
    db: Rows,
    corpus: int,
    lists: Iterable[tuple[int, array]],
    bounds: Sequence[tuple[int, int]],
) -> None:
    """Store posting lists (key, ascending documents), each cut into the segments that
    `bounds` give by first document: a segment's part of a list is a row of its own from
    SHORT documents on, else it goes with the parts of its neighbours' keys in a block."""
    blocks: dict[tuple[int, int], list[tuple[int, array]]] = {}
    rows: list[tuple] = []
    size = 0  # bytes of the rows held: a common word's list is megabytes at 100k articles
    insert = (
        "INSERT INTO search_postings (corpus, key, segment, docs, checksum) VALUES (?, ?, ?, ?, ?)"
    )
    (first_segment, low), high = bounds[0], bounds[1][1] if len(bounds) > 1 else None
    for key, docs in lists:
        whole = docs[0] >= low and (high is None or docs[-1] < high)  # most lists: one part
        for segment, part in ((first_segment, docs),) if whole else _parts(docs, bounds):
            if len(part) >= SHORT:
                data = pack(part)
                rows.append((corpus, key, segment, data, _checksum(data)))
                size += len(data)
                if len(rows) >= _ROWS or size >= _ROW_BYTES:
                    db.executemany(insert, rows)
                    rows, size = [], 0
            else:
                block, place = divmod(key, BLOCK_KEYS)
                blocks.setdefault((segment, block), []).append((place, part))
    db.executemany(insert, rows)
    rows = []
    for (segment, block), parts in blocks.items():
        data = pack_block(sorted(parts, key=lambda item: item[0]))
        rows.append((corpus, block, segment, data, _checksum(data)))
        if len(rows) >= _ROWS:
            _insert_blocks(db, rows)
            rows = []
    _insert_blocks(db, rows)


def _insert_blocks(db: Rows, rows: list[tuple]) -> None:
    db.executemany(
        "INSERT INTO search_blocks (corpus, block, segment, data, checksum) VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def _write_grams(
    db: Rows,
    corpus: int,
    grams: Iterable[tuple[str, array]],
    bounds: Sequence[tuple[int, int]],
) -> None:
    """Store trigram lists (gram, ascending word ids), cut by first word id as lists are."""
    rows = []
    for gram, words in grams:
        for segment, part in _parts(words, bounds):
            data = pack(part)
            rows.append((corpus, gram, segment, data, _checksum(data)))
    for batch in _batches(iter(rows)):
        db.executemany(
            "INSERT INTO search_grams (corpus, gram, segment, words, checksum) "
            "VALUES (?, ?, ?, ?, ?)",
            batch,
        )


def _batches(rows: Iterator[tuple], size: int = _ROWS) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _header_checksum(
    documents: int, words: int, split: Split | None, arrays: dict[str, int]
) -> int:
    listed = ";".join(f"{name}={arrays[name]}" for name in sorted(arrays))
    return _checksum(f"{documents}:{words}:{split}:{listed}".encode())


@dataclass(slots=True, frozen=True)
class _Counts:
    """What an index's header row counts."""

    documents: int
    words: int
    mention_entities: int
    articles: int


def _counts(index: SearchIndex) -> _Counts:
    return _Counts(len(index), len(index.words), index.mention_entities, len(index.article_ids))


def _write_header(
    db: sqlite3.Connection,
    corpus: int,
    counts: _Counts,
    split: Split | None,
    arrays: dict[str, bytes],
    kept_rows: int = 0,
) -> None:
    """The header and arrays of an index, in place of the corpus's former ones; the first
    `kept_rows` document rows (`_document_rows`) are left as stored: an append's, whose
    stored articles' documents are those of the index before."""
    checksums = {name: _checksum(data) for name, data in arrays.items()}
    documents, words = counts.documents, counts.words
    db.execute("DELETE FROM search_indexes WHERE corpus = ?", (corpus,))
    db.execute(
        "DELETE FROM search_arrays WHERE corpus = ? AND (name NOT LIKE ? "
        "OR CAST(substr(name, ?) AS INTEGER) >= ?)",
        (corpus, f"{_DOCUMENT_ROW}%", len(_DOCUMENT_ROW) + 1, kept_rows),
    )
    db.execute(
        "INSERT INTO search_indexes (corpus, documents, words, checksum, article_documents, "
        "article_words, article_labels, mention_entities, articles) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            corpus,
            documents,
            words,
            _header_checksum(documents, words, split, checksums),
            None if split is None else split.documents,
            None if split is None else split.words,
            None if split is None else split.labels,
            counts.mention_entities,
            counts.articles,
        ),
    )
    db.executemany(
        "INSERT INTO search_arrays (corpus, name, data, checksum) VALUES (?, ?, ?, ?)",
        [(corpus, name, data, checksums[name]) for name, data in arrays.items()],
    )
    db.executemany(  # made as written: the columns again, 32 MB at 100k articles
        "INSERT INTO search_arrays (corpus, name, data, checksum) VALUES (?, ?, ?, ?)",
        ((corpus, name, data, _checksum(data)) for name, data in _document_rows(arrays, kept_rows)),
    )


def _document_rows(arrays: dict[str, bytes], first: int = 0) -> Iterator[tuple[str, bytes]]:
    """The five document columns again, DOCUMENTS_TOGETHER documents a row: their kinds,
    then their owners, paragraphs, records and labels (little-endian int32). A query
    reads the rows of the few hundred documents it ranks instead of the whole columns
    (reading and checking those was 0.08 s of CPU of `kabar search` at 100k articles);
    filters and phrases still read the columns. Each row has its own checksum and is not
    in the header's (`_array_checksums`): an open does not read them. From row `first`."""
    kinds = arrays["kinds"]
    ints = [arrays[name] for name in ("owners", "paragraphs", "records", "labels")]
    starts = range(first * DOCUMENTS_TOGETHER, len(kinds), DOCUMENTS_TOGETHER)
    for row, start in enumerate(starts, first):
        end = min(start + DOCUMENTS_TOGETHER, len(kinds))
        data = kinds[start:end] + b"".join(column[4 * start : 4 * end] for column in ints)
        yield f"{_DOCUMENT_ROW}{row}", data


def save_search(storage: Storage, key: str, index: SearchIndex) -> bool:
    """Store `index` as the search index of the corpus stored under `key`; False when
    there is no such corpus or the index was not built from it (nothing is stored then).
    Its articles' part is segment 0, its entities' the tail segment (docs/search.md)."""
    prepared = prepare_search(index)
    return _save(storage, key, prepared, partial(write_search_rows, index, prepared))


@dataclass(slots=True, frozen=True)
class PreparedSearch:
    """What `save_search` stores of an index but its posting and trigram lists' rows,
    made without the database: the articles' ids it was built from, its header's counts
    and split, and its arrays, but for `articles` (the articles' rows, known once the
    corpus is stored)."""

    article_ids: list[str]
    counts: _Counts
    split: Split | None
    cut: Split  # where its tail segment starts: `split`, or past everything
    arrays: dict[str, bytes]


def prepare_search(index: SearchIndex) -> PreparedSearch:
    split = _split_of(index)
    # An index that cannot be appended to is one segment, tail and all.
    cut = split or Split(len(index), len(index.words), len(index.labels))
    arrays = _arrays(index, cut)
    return PreparedSearch(list(index.article_ids), _counts(index), split, cut, arrays)


def write_search_rows(index: SearchIndex, prepared: PreparedSearch, db: Rows, corpus: int) -> None:
    """The posting and trigram lists' rows of `index` (`prepare_search` gave `prepared`)."""
    cut = prepared.cut
    _write_lists(db, corpus, _posting_lists(index), [(0, 0), (TAIL_SEGMENT, cut.documents)])
    grams = index.word_grams.items()
    _write_grams(db, corpus, grams, [(0, 0), (TAIL_SEGMENT, cut.words)])


def _save(
    storage: Storage,
    key: str,
    prepared: PreparedSearch,
    write_rows: Callable[[sqlite3.Connection, int], None],
) -> bool:
    """`save_search` of a prepared index, whose lists' rows `write_rows` inserts."""
    try:
        with storage.guard("written") as db:
            row = db.execute("SELECT id FROM corpora WHERE key = ?", (key,)).fetchone()
            if row is None:
                return False
            corpus = row[0]
            members = db.execute(
                "SELECT article, article_id FROM corpus_articles WHERE corpus = ? "
                "ORDER BY position",
                (corpus,),
            ).fetchall()
            if [article_id for _, article_id in members] != prepared.article_ids:
                return False
            arrays = {**prepared.arrays, "articles": _article_numbers(members)}
            split, cut, documents = prepared.split, prepared.cut, prepared.counts.documents
            with backend.transaction(db):
                _delete(db, corpus)
                _write_header(db, corpus, prepared.counts, split, arrays)
                segments = [(0, cut.documents), (TAIL_SEGMENT, documents - cut.documents)]
                db.executemany(
                    "INSERT INTO search_segments (corpus, segment, documents) VALUES (?, ?, ?)",
                    [(corpus, *segment) for segment in segments],
                )
                write_rows(db, corpus)
            return True
    except Skipped:
        return False


class RecordedRows:
    """Rows to insert (`Rows`), recorded in a file, pickled a batch at a time, by a
    process without the database; `save_recorded` inserts them. Each row's first value,
    the corpus, is the one the rows are inserted for. Pickle is safe here, unlike in the
    cache: the file is anonymous (`tempfile.TemporaryFile`, private, never named), written
    by this kabar's own child and read once by its parent."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def executemany(self, sql: str, rows: Iterable[tuple], /) -> None:
        rows = list(rows)
        if rows:
            pickle.dump((sql, rows), self._file, protocol=pickle.HIGHEST_PROTOCOL)


def save_recorded(storage: Storage, key: str, prepared: PreparedSearch, rows: IO[bytes]) -> bool:
    """`save_search` of an index prepared elsewhere (`prepare_search`), its lists' rows
    recorded in `rows` (`RecordedRows`, `write_search_rows`): inserted as recorded, for
    the corpus stored under `key`."""
    return _save(storage, key, prepared, partial(_insert_recorded, rows))


def _insert_recorded(rows: IO[bytes], db: sqlite3.Connection, corpus: int) -> None:
    rows.seek(0)
    while True:
        try:
            sql, batch = pickle.load(rows)
        except EOFError:
            return
        db.executemany(sql, ((corpus, *row[1:]) for row in batch))


def save_stored_search(
    storage: Storage,
    key: str,
    entities: Iterable[EntityRecord],
    batch: int = STORED_BATCH,
    kept: int = KEPT_POSTINGS,
) -> bool:
    """Build and store the search index of the corpus stored under `key` from its stored
    articles, `batch` at a time, and its `entities` (added after them, as
    `SearchIndex.build` does), holding at most about `kept` document numbers of postings
    in memory: the same index as `save_search(storage, key, SearchIndex.build(corpus))`
    without the corpus or its whole index in memory. False when the corpus is not stored
    or an article cannot be read."""
    number = storage.find_corpus(key)
    if number is None:
        return False
    found = storage.select("SELECT COUNT(*) FROM corpus_articles WHERE corpus = ?", (number,))
    count = found[0][0] if found else 0
    index = SavedSearchIndex(kept)
    # distinct mentions in the order first met: a repeated one adds nothing to an index
    mentions: dict[tuple[str, str, str], None] = {}
    try:
        for first in range(0, count, max(1, batch)):
            articles = storage.corpus_articles(number, first, min(first + batch, count))
            for article in articles:
                if article is None:
                    return False
                index.add_article(article, mentions=False)
                mentions.update(dict.fromkeys(mention_names([article])))
            del articles
        index.add_entities(entities, mentions)
        return save_search(storage, key, index)
    finally:
        index.close()


def _delete(db: sqlite3.Connection, corpus: int) -> None:
    for table in backend.SEARCH_TABLES:
        db.execute(f"DELETE FROM {table} WHERE corpus = ?", (corpus,))


# --- appending ----------------------------------------------------------------------------

MERGE_RATIO = 4  # a segment goes into the one before once it holds a quarter of its documents
MAX_SEGMENTS = 12  # article segments at most (then the newest two are merged whatever their sizes)


class _OldWords:
    """The words of a stored index's articles' part, looked up by bisection in their
    sorted order (read one at a time from the stored BLOB), and the words added since:
    what `SearchIndex._intern` asks of `words` and `_word_ids`, without a dict of every
    stored word."""

    def __init__(self, stored: _Strings, sorted_ids: array, count: int) -> None:
        self.stored = stored
        self.count = count  # the articles' words: ids below it
        ids = np.frombuffer(sorted_ids, dtype=np.uint32)
        self.sorted_ids = ids[ids < count]
        self.added: list[str] = []
        self.ids: dict[str, int] = {}

    # `words`: a list of str for `_intern`
    def __len__(self) -> int:
        return self.count + len(self.added)

    def __getitem__(self, word_id: int) -> str:
        if word_id < self.count:
            return self.stored[word_id]
        return self.added[word_id - self.count]

    def append(self, word: str) -> None:
        self.added.append(word)

    # `_word_ids`: a dict for `_intern`
    def get(self, word: str) -> int | None:
        found = self.ids.get(word)
        if found is None:
            at = self._place(word)
            if at < len(self.sorted_ids) and self[int(self.sorted_ids[at])] == word:
                found = self.ids[word] = int(self.sorted_ids[at])
        return found

    def __setitem__(self, word: str, word_id: int) -> None:
        self.ids[word] = word_id

    def _place(self, word: str) -> int:
        return bisect_left(self.sorted_ids, word, key=lambda w: self.stored[int(w)])

    def data(self) -> _Strings:
        """Every word, as stored: the stored part's bytes and the added words after."""
        added = _Strings.of(self.added)
        end = self.stored.offsets[self.count]
        offsets = array("I", self.stored.offsets[: self.count + 1])
        offsets.extend(end + offset for offset in added.offsets[1:])
        return _Strings(self.stored.data[:end] + added.data, offsets)

    def sorted_ids_with_added(self) -> array:
        """Every word id in the order of the words: the added words put in place."""
        added = sorted(range(self.count, len(self)), key=self.__getitem__)
        places = [self._place(self[word_id]) for word_id in added]
        merged = np.insert(self.sorted_ids, places, np.array(added, dtype=np.uint32))
        return _from_bytes("I", merged.astype("<u4").tobytes())


class _AppendedIndex(SavedSearchIndex):
    """The articles' part of a stored index, as far as indexing more articles needs it
    (document columns, word ids, labels, outlets, article ids), without its postings:
    those of the added documents are all it holds, and it is saved as a new segment."""

    def __init__(
        self,
        stored: StoredSearchIndex,
        split: Split,
        article_ids: list[str],
    ) -> None:
        super().__init__(kept=sys.maxsize)
        documents = stored._documents()
        for column, values in (
            (self.kinds, documents.kinds),
            (self.owners, documents.owners),
            (self.paragraphs, documents.paragraphs),
            (self.records, documents.records),
            (self.label_numbers, documents.labels),
        ):
            column.frombytes(memoryview(values[: split.documents]).cast("B"))  # type: ignore[arg-type]
        count = stored._word_count
        words = _OldWords(stored._strings("words", count), stored._sorted_word_ids(), split.words)
        self.words = words  # type: ignore[assignment]
        self._word_ids = words  # type: ignore[assignment]
        self.word_lengths.extend(stored._array("word_lengths", "H", count)[: split.words])
        self._stored_frequencies = stored._array("article_frequencies", "I", split.words)
        labels = stored._label_texts()
        for number in range(split.labels):
            self._label_number(labels[number])
        outlets = stored._article_outlets()
        self.article_outlets = [outlets[n] for n in range(len(outlets))]
        self.article_ids = article_ids
        self._article_numbers = dict(zip(article_ids, range(len(article_ids)), strict=True))

    def word_frequencies(self) -> array:
        counts = array("I", self._stored_frequencies)
        counts.frombytes(bytes(4 * (len(self.words) - len(counts))))
        for key, docs in self.postings.items():
            if key < len(counts):
                counts[key] += len(docs)
        return counts

    def _sorted_word_ids(self) -> array:
        assert isinstance(self.words, _OldWords)
        return self.words.sorted_ids_with_added()


def append_search(storage: Storage, key: str, entities: Sequence[EntityRecord]) -> bool:
    """Add to the stored search index of the corpus stored under `key` the articles stored
    after those it holds, and index its `entities` again (the tail): the index
    `save_stored_search` would build, written as a new segment of the added articles'
    postings and trigram lists, a new tail, and the arrays. Segments are merged into the
    one before them once they hold a quarter of its documents. False (nothing written)
    when the stored index cannot take it: missing, damaged, made without the split, with
    entities of mentions, or changed meanwhile; the caller builds it whole then."""
    number = storage.find_corpus(key)
    if number is None:
        return False
    try:
        with storage.guard("read") as db:
            header = _header(db, number)
            checksums = _array_checksums(db, number)
            segments = _segments(db, number)
            if header is None or header.split is None or header.mention_entities:
                return False
            if not header.matches(checksums):
                return False
            stored = StoredSearchIndex(
                storage, number, key, header, checksums, [n for n, _ in segments]
            )
            stored._connection = db
            members = db.execute(
                "SELECT article, article_id FROM corpus_articles WHERE corpus = ? "
                "ORDER BY position",
                (number,),
            ).fetchall()
            indexed = header.articles
            if indexed > len(members):
                return False
            if indexed == len(members):
                return True  # nothing added: no empty segment, no tail written again
            index = _AppendedIndex(stored, header.split, [a for _, a in members[:indexed]])
            stored._connection = None
    except (Skipped, *_UNREADABLE):
        return False
    added = storage.corpus_articles(number, indexed, len(members))
    if any(article is None for article in added):
        return False
    for article in added:
        assert article is not None
        index.add_article(article, mentions=False)
    index.add_entities(entities, mention_names(a for a in added if a is not None))
    if [a for _, a in members] != index.article_ids:
        return False  # an article id twice: the whole build finds it too
    split = _split_of(index)
    if split is None:
        return False
    arrays = _arrays(index, split) | {"articles": _article_numbers(members)}
    old = header.split
    try:
        with storage.guard("written") as db, backend.transaction(db):
            now = db.execute(
                "SELECT checksum FROM search_indexes WHERE corpus = ?", (number,)
            ).fetchone()
            if now is None or now[0] != header.checksum:
                return False  # another kabar changed it meanwhile
            for table in ("search_postings", "search_blocks", "search_grams", "search_segments"):
                db.execute(
                    f"DELETE FROM {table} WHERE corpus = ? AND segment = ?", (number, TAIL_SEGMENT)
                )
            last = max((n for n, _ in segments if n != TAIL_SEGMENT), default=-1)
            segment = last + 1
            # The document rows of the stored articles alone are what they were: kept,
            # not written again (they are most of the bytes an append wrote).
            kept = old.documents // DOCUMENTS_TOGETHER
            (rows,) = db.execute(
                "SELECT COUNT(*) FROM search_arrays WHERE corpus = ? AND name LIKE ?",
                (number, f"{_DOCUMENT_ROW}%"),
            ).fetchone()
            _write_header(db, number, _counts(index), split, arrays, kept if rows >= kept else 0)
            db.executemany(
                "INSERT INTO search_segments (corpus, segment, documents) VALUES (?, ?, ?)",
                [
                    (number, segment, split.documents - old.documents),
                    (number, TAIL_SEGMENT, len(index) - split.documents),
                ],
            )
            bounds = [(segment, old.documents), (TAIL_SEGMENT, split.documents)]
            _write_lists(db, number, index.postings.items(), bounds)
            grams = index.word_grams.items()
            _write_grams(db, number, grams, [(segment, old.words), (TAIL_SEGMENT, split.words)])
            _merge_segments(db, number)
        return True
    except (Skipped, *_UNREADABLE):  # a merge read a damaged row: the caller builds it whole
        return False


def _merge_segments(db: sqlite3.Connection, corpus: int) -> None:
    """Merge the newest article segment into the one before while it holds at least a
    quarter of that one's documents (or there are too many): the segments' sizes then
    grow fourfold from the newest to the oldest, so there are few to read per key, and a
    document is merged again only each time its segment's size has grown fourfold."""
    while True:
        sizes = [row for row in _segments(db, corpus) if row[0] != TAIL_SEGMENT]
        if len(sizes) < 2:
            return
        (target, kept), (source, documents) = sizes[-2:]
        if documents * MERGE_RATIO < kept and len(sizes) <= MAX_SEGMENTS:
            return
        _merge_into(db, corpus, target, source)
        db.execute(
            "UPDATE search_segments SET documents = ? WHERE corpus = ? AND segment = ?",
            (kept + documents, corpus, target),
        )
        db.execute("DELETE FROM search_segments WHERE corpus = ? AND segment = ?", (corpus, source))


def _merge_into(db: sqlite3.Connection, corpus: int, target: int, source: int) -> None:
    """Append segment `source`'s lists to segment `target`'s (whose documents all come
    before): read and written again are the source's rows and the target's rows of the
    same keys, blocks and grams, not the whole target."""
    lists: dict[int, array] = {}
    for key, data, checksum in db.execute(
        "SELECT key, docs, checksum FROM search_postings WHERE corpus = ? AND segment = ?",
        (corpus, source),
    ):
        lists[key] = unpack(_checked(data, checksum))
    for block, data, checksum in db.execute(
        "SELECT block, data, checksum FROM search_blocks WHERE corpus = ? AND segment = ?",
        (corpus, source),
    ):
        for place, docs in _block_lists(_checked(data, checksum)):
            lists[block * BLOCK_KEYS + place] = docs
    blocks: dict[int, dict[int, array]] = {}
    for block in sorted({key // BLOCK_KEYS for key in lists}):
        row = db.execute(
            "SELECT data, checksum FROM search_blocks WHERE corpus = ? AND segment = ? "
            "AND block = ?",
            (corpus, target, block),
        ).fetchone()
        blocks[block] = dict(_block_lists(_checked(*row))) if row else {}
    long_rows = []
    for key in sorted(lists):
        block, place = divmod(key, BLOCK_KEYS)
        row = db.execute(
            "SELECT docs, checksum FROM search_postings WHERE corpus = ? AND segment = ? "
            "AND key = ?",
            (corpus, target, key),
        ).fetchone()
        docs = unpack(_checked(*row)) if row else blocks[block].pop(place, array("I"))
        docs.extend(lists[key])
        if len(docs) >= SHORT:
            data = pack(docs)
            long_rows.append((corpus, key, target, data, _checksum(data)))
        else:
            blocks[block][place] = docs
    for table in ("search_postings", "search_blocks"):
        db.execute(f"DELETE FROM {table} WHERE corpus = ? AND segment = ?", (corpus, source))
    db.executemany(
        "INSERT INTO search_postings (corpus, key, segment, docs, checksum) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (corpus, segment, key) "
        "DO UPDATE SET docs = excluded.docs, checksum = excluded.checksum",
        long_rows,
    )
    block_rows = []
    for block, places in blocks.items():
        db.execute(
            "DELETE FROM search_blocks WHERE corpus = ? AND segment = ? AND block = ?",
            (corpus, target, block),
        )
        if places:
            data = pack_block(sorted(places.items()))
            block_rows.append((corpus, block, target, data, _checksum(data)))
    _insert_blocks(db, block_rows)
    gram_rows = []
    for gram, data, checksum in db.execute(
        "SELECT gram, words, checksum FROM search_grams WHERE corpus = ? AND segment = ?",
        (corpus, source),
    ).fetchall():
        row = db.execute(
            "SELECT words, checksum FROM search_grams WHERE corpus = ? AND segment = ? "
            "AND gram = ?",
            (corpus, target, gram),
        ).fetchone()
        words = unpack(_checked(*row)) if row else array("I")
        words.extend(unpack(_checked(data, checksum)))
        packed = pack(words)
        gram_rows.append((corpus, gram, target, packed, _checksum(packed)))
    db.execute("DELETE FROM search_grams WHERE corpus = ? AND segment = ?", (corpus, source))
    db.executemany(
        "INSERT INTO search_grams (corpus, gram, segment, words, checksum) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (corpus, segment, gram) "
        "DO UPDATE SET words = excluded.words, checksum = excluded.checksum",
        gram_rows,
    )


def _checked(data: bytes, checksum: int) -> bytes:
    if _checksum(data) != checksum:
        raise SearchDamaged("a row of the search index did not match its checksum")
    return bytes(data)


def _block_lists(data: bytes) -> Iterator[tuple[int, array]]:
    """Every (place, documents) of a block."""
    try:
        values = _from_bytes("I", zlib.decompress(data))
    except zlib.error as error:
        raise SearchDamaged(f"a block of posting lists cannot be read ({error})") from None
    at = 0
    while at + 1 < len(values):
        length = values[at + 1]
        if at + 2 + length > len(values):
            raise SearchDamaged("a block of posting lists is cut short")
        yield values[at], values[at + 2 : at + 2 + length]
        at += 2 + length


# --- opening ------------------------------------------------------------------------------


# How long an open waits for another kabar to append the articles it has just stored
# (storing and appending are two transactions) before taking the index as cut off.
APPEND_WAIT = 5.0


@dataclass(slots=True, frozen=True)
class _Stored:
    """What opening a corpus's stored index reads of it, in one read transaction."""

    number: int
    key: str
    header: _Header | None
    checksums: dict[str, int]
    segments: list[int]
    articles: int

    @property
    def lacking(self) -> bool:
        return self.header is not None and self.header.articles < self.articles


def _stored(storage: Storage, corpus: int | str) -> _Stored | None:
    with storage.guard("read") as db:
        if isinstance(corpus, str):
            row = db.execute("SELECT id, key FROM corpora WHERE key = ?", (corpus,)).fetchone()
        else:
            row = db.execute("SELECT id, key FROM corpora WHERE id = ?", (corpus,)).fetchone()
        if row is None:
            return None
        number, key = row
        articles = db.execute(
            "SELECT COUNT(*) FROM corpus_articles WHERE corpus = ?", (number,)
        ).fetchone()[0]
        return _Stored(
            number,
            key,
            _header(db, number),
            _array_checksums(db, number),
            [n for n, _ in _segments(db, number)],
            articles,
        )


def open_search(storage: Storage, corpus: int | str) -> SearchEngine | None:
    """A searcher over the corpus stored as `corpus` (its number or key); see the module's
    docstring. None when no such corpus is stored."""
    try:
        stored = _stored(storage, corpus)
        waited = 0.0
        while stored is not None and stored.lacking and waited < APPEND_WAIT:
            # Another kabar (`kabar index --watch`) stored new articles and is appending
            # them now: building the whole index here would cost far more than waiting.
            time.sleep(0.1)
            waited += 0.1
            stored = _stored(storage, corpus)
    except Skipped:
        return None
    if stored is None:
        return None
    header, key = stored.header, stored.key
    if header is None:
        return rebuild_search(storage, key, "the corpus had no stored search index")
    if header.articles != stored.articles:  # an update cut off before its append
        return rebuild_search(storage, key, "the stored search index lacked articles")
    if not header.matches(stored.checksums):
        return rebuild_search(storage, key, "the stored search index did not match its checksum")
    return StoredSearchIndex(storage, stored.number, key, header, stored.checksums, stored.segments)


@dataclass(slots=True, frozen=True)
class _Header:
    """A stored index's `search_indexes` row."""

    documents: int
    words: int
    checksum: int
    split: Split | None
    mention_entities: int
    articles: int  # the corpus's first articles it holds (all, but after a cut-off update)

    def matches(self, checksums: dict[str, int]) -> bool:
        found = _header_checksum(self.documents, self.words, self.split, checksums)
        return found == self.checksum


def _header(db: sqlite3.Connection, corpus: int) -> _Header | None:
    row = db.execute(
        "SELECT documents, words, checksum, article_documents, article_words, article_labels, "
        "mention_entities, articles FROM search_indexes WHERE corpus = ?",
        (corpus,),
    ).fetchone()
    if row is None:
        return None
    documents, words, checksum, *split, mention_entities, articles = row
    return _Header(
        documents,
        words,
        checksum,
        None if None in split else Split(*split),
        mention_entities,
        articles,
    )


def _segments(db: sqlite3.Connection, corpus: int) -> list[tuple[int, int]]:
    """(segment, documents) of a stored index, in order."""
    return db.execute(
        "SELECT segment, documents FROM search_segments WHERE corpus = ? ORDER BY segment",
        (corpus,),
    ).fetchall()


def _array_checksums(db: sqlite3.Connection, corpus: int) -> dict[str, int]:
    """The arrays' checksums, which the header's covers (not the document rows')."""
    return dict(
        db.execute(
            "SELECT name, checksum FROM search_arrays WHERE corpus = ? AND name NOT LIKE ?",
            (corpus, f"{_DOCUMENT_ROW}%"),
        )
    )


def rebuild_search(storage: Storage, key: str, reason: str) -> SearchIndex | None:
    """Build the search index again from the stored corpus, and store it: the way back
    from a missing or damaged stored index. None when the corpus is gone."""
    storage.warnings.append(f"{reason}; built it again from the stored articles")
    corpus = storage.load_corpus(key)
    if corpus is None:
        return None
    index = SearchIndex.build(corpus)
    save_search(storage, key, index)
    return index


class StoredSearchIndex(SearchEngine):
    """`SearchEngine` answered from the cache database; see the module's docstring."""

    def __init__(
        self,
        storage: Storage,
        corpus: int,
        key: str,
        header: _Header,
        checksums: dict[str, int],
        segments: list[int],
    ) -> None:
        super().__init__()
        self._segments = segments
        marks = ", ".join("?" * len(segments))
        self._postings_sql = (
            "SELECT segment, docs, checksum, 0 FROM search_postings "
            f"WHERE corpus = ? AND segment IN ({marks}) AND key = ? "
            "UNION ALL SELECT segment, data, checksum, 1 FROM search_blocks "
            f"WHERE corpus = ? AND segment IN ({marks}) AND block = ? ORDER BY 1"
        )
        self._grams_sql = (
            "SELECT words, checksum FROM search_grams "
            f"WHERE corpus = ? AND segment IN ({marks}) AND gram = ? ORDER BY segment"
        )
        self._storage = storage
        self._corpus = corpus
        self._key = key
        self._header = header
        self._count = header.documents
        self._word_count = header.words
        self._checksums = checksums
        self._lock = threading.RLock()
        self._loaded: dict[str, object] = {}
        self._rows_read = 0  # rows of documents read (`_document`)
        self._cache: OrderedDict[int, Sequence[int] | None] = OrderedDict()
        self._cached = 0
        self._fallback: SearchEngine | None = None
        self._connection: sqlite3.Connection | None = None
        self.broken = False  # the stored index failed and no rebuilt one could replace it
        # its corpus is stored under another key now (updated in place, core.corpus.incremental)
        # or gone, or articles were appended to its index: its rows are another index's,
        # so it answers nothing; a successor does
        self.replaced = False

    # --- queries, with the way back when the stored index fails -----------------------

    def search_page(self, query: str, offset: int = 0, limit: int = 50) -> SearchPage:
        with self._lock:
            if self._fallback is not None:
                return self._fallback.search_page(query, offset, limit)
            if self.broken or self.replaced:
                return SearchPage([], 0)
            try:
                with self._storage.guard("read") as db:
                    self._connection = db
                    stored = db.execute(
                        "SELECT c.key, s.checksum FROM corpora c LEFT JOIN search_indexes s "
                        "ON s.corpus = c.id WHERE c.id = ?",
                        (self._corpus,),
                    ).fetchone()
                    if stored is None or stored != (self._key, self._header.checksum):
                        self.replaced = True
                        return SearchPage([], 0)
                    return super().search_page(query, offset, limit)
            except (Skipped, *_UNREADABLE) as error:
                reason = (
                    "the stored search index could not be read"
                    if isinstance(error, Skipped)
                    else f"the stored search index is damaged ({error or type(error).__name__})"
                )
                self._fallback = rebuild_search(self._storage, self._key, reason)
                if self._fallback is None:
                    self.broken = True
                    return SearchPage([], 0)
                return self._fallback.search_page(query, offset, limit)

    def prepare(self) -> None:
        """Read now what every query reads first (the vocabulary and the document columns:
        about 0.2 s at 100k articles), so the first keystroke does not wait for it: the
        reader calls this in its search thread once the index is open. What cannot be read
        is left for the query, which says so and builds the index again."""
        with self._lock:
            if self._fallback is not None or self.broken or self.replaced:
                return
            with contextlib.suppress(Skipped, *_UNREADABLE), self._storage.guard("read") as db:
                self._connection = db
                self._find_word("")
                self._frequencies()
                self._word_lengths()
                self._documents()
                self._articles()

    # --- reading ----------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        if self._connection is None:
            raise Skipped
        return self._connection

    def _stored_array(self, name: str) -> tuple[bytes, int] | None:
        """The stored row `name` of this index and the checksum stored with it."""
        row = (
            self._db()
            .execute(
                "SELECT data, checksum FROM search_arrays WHERE corpus = ? AND name = ?",
                (self._corpus, name),
            )
            .fetchone()
        )
        return None if row is None else (bytes(row[0]), row[1])

    def _blob(self, name: str) -> bytes:
        row = self._stored_array(name)
        if row is None or row[1] != self._checksums.get(name) or _checksum(row[0]) != row[1]:
            raise SearchDamaged(f"its {name} did not match their checksum")
        return row[0]

    def _array(self, name: str, typecode: str, length: int) -> array:
        values = self._loaded.get(name)
        if values is None:
            values = _from_bytes(typecode, self._blob(name))
            if len(values) != length:
                raise SearchDamaged(f"its {name} have the wrong length")
            self._loaded[name] = values
        assert isinstance(values, array)
        return values

    def _column(self, name: str, typecode: str, length: int) -> Sequence[int]:
        """A document column, read in place from its BLOB (a view, not a copy: the five
        columns are 17 bytes a document, 32 MB at 100k articles)."""
        values = self._loaded.get(name)
        if values is None:
            if _BIG_ENDIAN:
                return self._array(name, typecode, length)
            data = self._blob(name)
            if len(data) % array(typecode).itemsize:
                raise SearchDamaged("an array's length is not a whole number of items")
            values = memoryview(data).cast(typecode)  # type: ignore[call-overload]
            if len(values) != length:
                raise SearchDamaged(f"its {name} have the wrong length")
            self._loaded[name] = values
        assert isinstance(values, memoryview | array)
        return values

    def _strings(self, name: str, length: int | None = None) -> _Strings:
        values = self._loaded.get(name)
        if values is None:
            offsets = _from_bytes("I", self._blob(f"{name}_offsets"))
            data = self._blob(f"{name}_texts" if name != "words" else "words")
            ends = np.frombuffer(offsets, dtype=np.uint32)
            if (
                len(offsets) < 1
                or (length is not None and len(offsets) != length + 1)
                or offsets[-1] != len(data)
                or bool(np.any(ends[1:] < ends[:-1]))
            ):
                raise SearchDamaged(f"its {name} are out of shape")
            values = self._loaded[name] = _Strings(data, offsets)
        assert isinstance(values, _Strings)
        return values

    def _document_count(self) -> int:
        return self._count

    def _posting(self, key: int) -> Sequence[int] | None:
        """A posting list, kept for the next queries: as `Bits` when they take less room
        than its numbers (it names more than one document in 32), so the cache holds 8M
        numbers' worth of lists, and a common word's list is read and decompressed once,
        not at each keystroke whose word might be it."""
        cache = self._cache
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        numbers = self._read_posting(key)
        posting = cast("Sequence[int] | None", numbers)  # numpy's arrays are sequences
        if numbers is not None and len(numbers) and numbers[-1] >= self._count:
            raise SearchDamaged("a posting list names documents the index does not have")
        if numbers is not None and len(numbers) * 32 > self._count:
            posting = Bits(numbers, self._count)
        cache[key] = posting
        self._cached += _room(posting)
        while self._cached > CACHED_POSTINGS and len(cache) > 1:
            _, dropped = cache.popitem(last=False)
            self._cached -= _room(dropped)
        return posting

    def _read_posting(self, key: int) -> np.ndarray | None:
        """A list's parts in each segment, in segment order: a short part from its
        block, a long one from its own row. A word's parts add up to its frequency."""
        block, place = divmod(key, BLOCK_KEYS)
        rows = self._db().execute(
            self._postings_sql,
            (self._corpus, *self._segments, key, self._corpus, *self._segments, block),
        )
        parts: list[np.ndarray] = []
        for _, data, checksum, in_block in rows:
            if _checksum(data) != checksum:
                raise SearchDamaged("a row of the search index did not match its checksum")
            if not in_block:
                parts.append(unpack_numbers(bytes(data)))
            elif (short := unpack_block(bytes(data), place)) is not None:
                parts.append(np.frombuffer(short, dtype=np.uint32))
        found = None if not parts else parts[0] if len(parts) == 1 else np.concatenate(parts)
        if key < self._word_count and (0 if found is None else len(found)) != self._frequency(key):
            raise SearchDamaged("a word's posting list is missing")
        return found

    def _frequency(self, word_id: int) -> int:
        return self._array("frequencies", "I", self._word_count)[word_id]

    def _word(self, word_id: int) -> str:
        return self._strings("words", self._word_count)[word_id]

    def _find_word(self, word: str) -> int | None:
        order = self._sorted_word_ids()
        lo, hi = 0, len(order)
        words = self._strings("words", self._word_count)
        while lo < hi:
            middle = (lo + hi) // 2
            if words[order[middle]] < word:
                lo = middle + 1
            else:
                hi = middle
        if lo < len(order) and words[order[lo]] == word:
            return order[lo]
        return None

    def _sorted_word_ids(self) -> array:
        return self._array("sorted_words", "I", self._word_count)

    def _word_lengths(self) -> np.ndarray:
        return np.frombuffer(self._array("word_lengths", "H", self._word_count), dtype=np.uint16)

    def _frequencies(self) -> np.ndarray:
        return np.frombuffer(self._array("frequencies", "I", self._word_count), dtype=np.uint32)

    def _gram_words(self, gram: str) -> array:
        """The gram's parts in each segment, in segment order."""
        words = array("I")
        rows = self._db().execute(self._grams_sql, (self._corpus, *self._segments, gram))
        for data, checksum in rows:
            if _checksum(data) != checksum:
                raise SearchDamaged("a row of the search index did not match its checksum")
            words.extend(unpack(bytes(data)))
        return words

    def _document(self, doc: int) -> tuple[int, int, int, int, int]:
        """From the columns once read; else from the row of its documents alone (an
        index stored without them: the columns)."""
        if "labels" in self._loaded or not 0 <= doc < self._count:
            return super()._document(doc)
        row, at = divmod(doc, DOCUMENTS_TOGETHER)
        name = f"{_DOCUMENT_ROW}{row}"
        values = self._loaded.get(name)
        rows = -(-self._count // DOCUMENTS_TOGETHER)
        if values is None and self._rows_read >= max(ROWS_BEFORE_COLUMNS, rows // 8):
            return super()._document(doc)  # a session of queries: the columns, once
        if values is None:
            self._rows_read += 1
            found = self._stored_array(name)
            if found is None:
                return super()._document(doc)
            data, checksum = found
            size = min(DOCUMENTS_TOGETHER, self._count - row * DOCUMENTS_TOGETHER)
            if _checksum(data) != checksum or len(data) != 17 * size:
                raise SearchDamaged(f"its {name} did not match their checksum")
            values = self._loaded[name] = (data[:size], _from_bytes("i", data[size:]))
        assert isinstance(values, tuple)
        kinds, ints = values
        size = len(kinds)
        return (
            kinds[at],
            ints[at],
            ints[size + at],
            ints[2 * size + at],
            ints[3 * size + at],
        )

    def _documents(self) -> DocumentColumns:
        columns = self._loaded.get("columns")
        if columns is None:
            count = self._count
            columns = self._loaded["columns"] = DocumentColumns(
                self._column("kinds", "B", count),
                self._column("owners", "i", count),
                self._column("paragraphs", "i", count),
                self._column("records", "i", count),
                self._column("labels", "i", count),
            )
        assert isinstance(columns, DocumentColumns)
        return columns

    def _label_texts(self) -> _Strings:
        return self._strings("label")

    def _article_outlets(self) -> _Outlets:
        outlets = self._strings("outlet")
        numbers = self._array("article_outlets", "i", len(self._articles()))
        return _Outlets([outlets[n] for n in range(len(outlets))], numbers)

    def _texts(self, docs: Sequence[int]) -> list[str]:
        """Titles, passages and quotes read from their tables, a batch per kind."""
        articles = self._articles()
        wanted: dict[HitKind, list[tuple[int, int]]] = {
            HitKind.TITLE: [],
            HitKind.PASSAGE: [],
            HitKind.QUOTE: [],
        }
        places: list[tuple[HitKind, int, int]] = []
        for doc in docs:
            code, owner, _paragraph, record, _label = self._document(doc)
            kind = KINDS[code]
            if kind == HitKind.ENTITY:
                places.append((kind, record, 0))
            else:
                place = (articles[owner], record if kind != HitKind.TITLE else 0)
                wanted[kind].append(place)
                places.append((kind, *place))
        found: dict[tuple[str, int, int], str] = {}
        for kind, rows in wanted.items():
            if rows:
                found.update(((kind, *place), text) for place, text in self._read_texts(kind, rows))
        entities = self._strings("entity") if len(places) > sum(map(len, wanted.values())) else None
        texts = []
        for kind, first, second in places:
            if entities is not None and kind == HitKind.ENTITY:
                texts.append(entities[first])
            elif (text := found.get((kind, first, second))) is not None:
                texts.append(text)
            else:
                raise SearchDamaged(f"the text of a {kind} is missing")
        return texts

    def _read_texts(
        self, kind: HitKind, places: list[tuple[int, int]]
    ) -> Iterator[tuple[tuple[int, int], str]]:
        """((article, position), text) of titles (position 0), passages or quotes, one
        primary-key lookup each (SQLite scans a whole table for a row-value IN list)."""
        db = self._db()
        if kind == HitKind.TITLE:
            sql = "SELECT title FROM articles WHERE id = ? AND 0 = ?"
        else:
            table = "paragraphs" if kind == HitKind.PASSAGE else "quotes"
            sql = f"SELECT text FROM {table} WHERE article = ? AND position = ?"
        for place in set(places):
            row = db.execute(sql, place).fetchone()
            if row is not None:
                yield place, row[0]

    def _articles(self) -> array:
        values = self._loaded.get("articles")
        if values is None:
            values = self._loaded["articles"] = _from_bytes("q", self._blob("articles"))
        assert isinstance(values, array)
        return values

    def _article_id(self, number: int) -> str:
        row = (
            self._db()
            .execute(
                "SELECT article_id FROM corpus_articles WHERE corpus = ? AND position = ?",
                (self._corpus, number),
            )
            .fetchone()
        )
        if row is None:
            raise SearchDamaged("an article of the corpus is missing")
        return str(row[0])
