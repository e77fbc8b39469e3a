"""The processed-corpus cache: typed tables in one database file in the user's cache folder.

Two kinds of rows (the tables are listed in docs/storage.md):
- per article file, the `process_source` result: an `articles` row and its paragraphs,
  captions, removed lines, edits, mentions and quotes, valid while the file's content
  hash and the processing fingerprint match (a changed file is reprocessed alone);
- per whole corpus, the `finish_corpus` results (canonical names of mentions and
  speakers, entities, links, stories, quote groups), keyed by every (path, content hash)
  and the fingerprint, so a second open of an unchanged corpus reads no file at all.

Nothing stored is ever executed: values are plain columns (text, integers, reals) read
back into the model's dataclasses, and every article's rows and every corpus's rows carry
a checksum checked when they are read (a mismatch means "process again", with a warning).
The folder is created 0700 and the files 0600; one owned by someone else or writable by
others is refused, as a planted cache entry is another user's way in.

A file whose signature (size, modification time, inode, and the hash of its bytes when it
is small) matches its row is not even read again. The fingerprint hashes the processing
code and data (`kabar_tui/core`, `kabar_tui/data`, shipped models), so any change to them
invalidates old rows. The SQL here is portable; everything SQLite-specific is in
`storage_sqlite`, the planner hint of `quote_groups_of` included (`index_hint`: SQLite picks
the primary key there, with or without the `ORDER BY`, and reads every group).
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import functools
import gc
import hashlib
import itertools
import operator
import os
import sqlite3
import stat
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

from platformdirs import user_cache_dir

from kabar_tui import __version__
from kabar_tui.core.ingest.sources import Source, key_path
from kabar_tui.core.model import (
    Article,
    Caption,
    Corpus,
    Edit,
    EntityRecord,
    Link,
    Mention,
    Paragraph,
    Quote,
    QuoteOccurrence,
    QuoteRecord,
    RemovedLine,
    Story,
)
from kabar_tui.core.store import storage_sqlite as backend

CACHE_DIR_ENV = "KABAR_CACHE_DIR"
NO_CACHE_ENV = "KABAR_NO_CACHE"
DB_NAME = "kabar-cache.sqlite3"
KEPT_CORPORA = 4  # whole-corpus results kept, most recently used first
RETIRED = "retired "  # key prefix of a corpus kept to be written over (`Storage._retire`)
SMALL_FILE_BYTES = 256 * 1024  # up to this size a file's signature includes its hash
MODEL_SUFFIXES = (".npz", ".npy", ".onnx", ".pt", ".safetensors")
_CHUNK = 65536  # rows fetched at a time while reading a table
_ROW_BATCH = 65536  # per-corpus rows made and written at a time (`_corpus_rows`)
_STREAM_CHUNK = 512  # rows fetched at a time for a caller that may stop early
_BATCH = 500  # ids per IN (...) list: stays under every database's limit on parameters
_SETTLE_NS = 3_000_000_000
_FIX_IT = "set KABAR_CACHE_DIR to a folder of your own, or KABAR_NO_CACHE=1"


def in_batches(values: list[Any]) -> Iterator[list[Any]]:
    """`values` in slices short enough for one `IN (...)` list (`_BATCH`)."""
    for start in range(0, len(values), _BATCH):
        yield values[start : start + _BATCH]


Row = tuple[Any, ...]


class CacheUnavailable(Exception):
    """The cache cannot be used this time; the message says why and what to do."""


def cache_dir() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override).expanduser() if override else Path(user_cache_dir("kabar-tui"))


def cache_disabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "no", "false")


@functools.cache
def code_fingerprint() -> str:
    """Hash of what processing depends on, so rows made by other code or data are not used."""
    return fingerprint_of(Path(__file__).resolve().parents[2])


def fingerprint_of(package: Path) -> str:
    """The processing code (`core/`), its data files (`data/`) and any shipped model."""
    digest = hashlib.blake2b(digest_size=16)
    # The release too, for installs that ship compiled files only.
    digest.update(f"{backend.SCHEMA_VERSION}:{sys.version_info[:2]}:{__version__}".encode())
    files = {
        path
        for folder in ("core", "data")
        for path in _files_under(package / folder)
        if path.suffix != ".pyc"
    }
    files.update(
        path
        for path in _files_under(package)
        if os.path.normcase(path.name).endswith(MODEL_SUFFIXES)
    )
    for path in sorted(files):
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files_under(top: Path) -> Iterator[Path]:
    """What `top.rglob("*")` yields that may be a file (every name in every folder under
    `top`, links to folders not followed, unreadable folders skipped, as rglob does),
    found by `os.walk`: pathlib's globbing was most of the fingerprint's 12 ms, which
    every command pays (`fingerprint_of` sorts and checks what it keeps)."""
    for where, _, names in os.walk(top):
        folder = Path(where)
        for name in names:
            yield folder / name


def corpus_key(sources: Iterable[Source]) -> str:
    return _corpus_key((source.path, source.content_hash) for source in sources)


def _corpus_key(files: Iterable[tuple[str, str]]) -> str:
    """The key of a corpus: which files, with which content, whatever their order (the
    order is the cache's, `Storage.arrival_order`; a catalog opened without the cache's
    order finds the corpus by its files alone)."""
    digest = hashlib.blake2b(code_fingerprint().encode(), digest_size=16)
    lines = "".join(f"{path}\0{content_hash}\n" for path, content_hash in sorted(files))
    digest.update(lines.encode("utf-8", "surrogateescape"))  # one update: 3 times faster
    return digest.hexdigest()


def file_signature(path: Path) -> str:
    """What tells a file the cache has seen without reading it again, "" when nothing does.

    Size, modification and change times and inode; for a small file (SMALL_FILE_BYTES) also
    the hash of its bytes, so an edit that keeps the size and puts the time back is still
    seen. A larger file modified in the last few seconds gets none: a second change within
    the file system's timestamp resolution would keep its signature unchanged.
    """
    try:
        status = path.stat()
        signature = _stat_signature(status)
        if status.st_size <= SMALL_FILE_BYTES:
            data = path.read_bytes()
            return f"{signature}:{hashlib.blake2b(data, digest_size=16).hexdigest()}"
    except OSError:
        return ""
    if time.time_ns() - status.st_mtime_ns < _SETTLE_NS:
        return ""
    return signature


def _stat_signature(status: os.stat_result) -> str:
    return (
        f"{status.st_size}:{status.st_mtime_ns}:{status.st_ino}:{status.st_dev}:"
        f"{status.st_ctime_ns}"
    )


def unchanged_by_metadata(
    path: str | Path, signature: str, status: os.stat_result | None = None
) -> bool:
    """Whether the file is the one `signature` was taken of, by its metadata alone (its
    `status` when the caller has it).

    The fast open (`kabar_tui.core.open_catalog`) reads no file. It can trust metadata
    because a signature holds the change time: writing a file, or setting its modification
    time back, updates it, and no call a user makes sets it. Not on systems without one
    (Windows reports the creation time there).
    """
    if not signature or os.name != "posix":
        return False
    try:
        current = _stat_signature(status if status is not None else os.stat(path))
    except OSError:
        return False
    return signature == current or signature.startswith(current + ":")


def prepare_folder(folder: Path) -> None:
    """Create the cache folder 0700, or say why it cannot be used and what to do."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise CacheUnavailable(
            f"cache not used: cache folder {folder} is a file: remove it or {_FIX_IT}"
        ) from None
    except NotADirectoryError:
        blocker = next((p for p in folder.parents if p.exists() and not p.is_dir()), folder)
        raise CacheUnavailable(
            f"cache not used: cache folder {folder} cannot be made, {blocker} is a file: "
            f"remove it or {_FIX_IT}"
        ) from None
    except OSError as error:
        raise CacheUnavailable(
            f"cache not used: cache folder {folder} cannot be made "
            f"({error.strerror or error}): {_FIX_IT}"
        ) from None
    try:
        status = folder.stat()
    except OSError as error:
        raise CacheUnavailable(f"cache not used: {folder}: {error.strerror or error}") from None
    _refuse_unsafe(folder, status, "cache folder", "700")


def _refuse_unsafe(path: Path, status: os.stat_result, what: str, mode: str) -> None:
    """Another user's cache entry would be read as ours: refuse it, saying how to fix it."""
    if not hasattr(os, "getuid"):  # no owners nor modes to check (Windows)
        return
    if status.st_uid != os.getuid():
        raise CacheUnavailable(
            f"cache not used: {what} {path} belongs to another user (uid {status.st_uid}): "
            f"{_FIX_IT}"
        )
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and status.st_mode & stat.S_ISVTX:
        raise CacheUnavailable(
            f"cache not used: {what} {path} is shared by all users "
            f"(mode {stat.S_IMODE(status.st_mode):o}): {_FIX_IT}"
        )
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise CacheUnavailable(
            f"cache not used: {what} {path} can be written by other users "
            f"(mode {stat.S_IMODE(status.st_mode):o}): run `chmod {mode} {path}`, or {_FIX_IT}"
        )


def _check_files(path: Path) -> None:
    """The database file and its -wal and -shm: ours, regular, readable by us alone."""
    for candidate, status in backend.file_modes(path):
        if not backend.is_regular(status):
            raise CacheUnavailable(
                f"cache not used: cache file {candidate} is not a regular file: remove it or "
                f"{_FIX_IT}"
            )
        _refuse_unsafe(candidate, status, "cache file", "600")
        if stat.S_IMODE(status.st_mode) & 0o077:  # ours, from a version that made it 0644
            with contextlib.suppress(OSError):
                candidate.chmod(0o600)


# Per-article records: (table, Article attribute, dataclass, columns in the dataclass's
# field order, its fields, columns holding short repeated strings made one object on load).
@dataclass(frozen=True, slots=True)
class _Records:
    table: str
    attribute: str
    kind: type
    columns: tuple[str, ...]
    fields: tuple[str, ...]
    shared: tuple[int, ...]
    kinds: str  # per column: i integer, t text, b blob (none NULL), n anything else


RECORDS = (
    _Records("paragraphs", "paragraphs", Paragraph, ("number", "text", "line"),
             ("index", "text", "line"), (), "iti"),
    _Records("captions", "captions", Caption, ("text", "credit", "line"),
             ("text", "credit", "line"), (1,), "tni"),
    _Records("removed_lines", "removed", RemovedLine, ("line", "text", "reason"),
             ("line", "text", "reason"), (2,), "itt"),
    _Records("edits", "edits", Edit, ("line", "kind", "detail"),
             ("line", "kind", "detail"), (1, 2), "itt"),
    _Records("mentions", "entities", Mention,
             ("text", "label", "paragraph", "start_offset", "end_offset", "canonical"),
             ("text", "label", "paragraph", "start", "end", "canonical"), (0, 1, 5), "ttiiit"),
    _Records("quotes", "quotes", Quote,
             ("text", "kind", "speaker", "paragraph", "start_offset", "end_offset",
              "speaker_canonical", "via", "role"),
             ("text", "kind", "speaker", "paragraph", "start", "end", "speaker_canonical",
              "via", "role"), (1, 2, 6, 7, 8), "ttniiinnn"),
)  # fmt: skip
_CANONICAL_COLUMN = 5  # of mentions
_SPEAKER_COLUMN = 6  # speaker_canonical, of quotes
_ARTICLE_COLUMNS = (
    "article_id", "shown_path", "title", "title_derived", "outlet", "author", "editor", "published",
    "utc_offset", "zone", "dateline", "credited_source",
    "paragraphs", "captions", "removed", "edits", "mentions", "quotes",
)  # fmt: skip
_META = 12  # article columns before the record counts
# id, path, content_hash, fingerprint, checksum, then _ARTICLE_COLUMNS
_ARTICLE_SELECT = "a.id, a.path, a.content_hash, a.fingerprint, a.checksum, " + ", ".join(
    f"a.{column}" for column in _ARTICLE_COLUMNS
)
_HEAD = 5

# Per-corpus tables, their columns after `corpus`, in the order they are read back.
_CORPUS_TABLES: dict[str, tuple[str, ...]] = {
    "corpus_articles": ("position", "article", "article_id"),
    "names": ("number", "text"),
    "mention_names": ("article", "names"),
    "quote_speakers": ("article", "position", "name"),
    "entities": ("position", "name", "label", "mentions"),
    "entity_aliases": ("entity", "position", "alias"),
    "entity_articles": ("entity", "position", "article"),
    "links": (
        "position", "source_article", "source_paragraph", "target_article",
        "target_paragraph", "score", "kind",
    ),
    "stories": ("position", "story_id", "title"),
    "story_articles": ("story", "position", "article"),
    "quote_groups": ("position", "text", "speaker_name", "key"),
    "quote_occurrences": (
        "quote_group", "position", "article", "paragraph", "start_offset", "end_offset",
        "speaker",
    ),
}  # fmt: skip
# Key columns not read back (the position of each speaker's name in its article): their
# order (`_ORDER`) is all that matters. Their article is read, for the part each row is
# checked in (`_PART`).
_UNREAD = {"quote_speakers": 1}
_READ: dict[str, tuple[str, ...]] = {
    table: (columns[:1] + columns[2:]) if table in _UNREAD else columns
    for table, columns in _CORPUS_TABLES.items()
}
_KINDS = {
    "corpus_articles": "iit",
    "names": "it",
    "mention_names": "ib",
    "quote_speakers": "n",
    "entities": "iiti",
    "entity_aliases": "iit",
    "entity_articles": "iii",
    "links": "iiiiint",
    "stories": "itt",
    "story_articles": "iii",
    "quote_groups": "itnt",
    "quote_occurrences": "iiiiiin",
}
# Per-corpus rows are checksummed in parts (table `corpus_parts`), so that an update
# digests again only the parts it wrote: a part is the rows of one table whose first key
# column falls in one block of the first size (and, when the second size is not 0, whose
# second key column falls in one block of that size: an entity's list of articles grows
# at its end). The corpus checksum is the digest of every part's row count and checksum.
# `quote_speakers` (`_UNREAD`) is digested by its name column alone, in order.
_PART: dict[str, tuple[int, int]] = {
    "corpus_articles": (1024, 0),
    "names": (1024, 0),
    "mention_names": (32, 0),
    "quote_speakers": (32, 0),
    "entities": (256, 0),
    "entity_aliases": (256, 0),
    "entity_articles": (1, 128),
    "links": (1024, 0),
    "stories": (1024, 0),
    "story_articles": (1024, 0),
    "quote_groups": (1024, 0),
    "quote_occurrences": (256, 0),
}
_ORDER = {
    "corpus_articles": "position",
    "names": "number",
    "mention_names": "article",
    "quote_speakers": "article, position",
    "entities": "position",
    "entity_aliases": "entity, position",
    "entity_articles": "entity, position",
    "links": "position",
    "stories": "position",
    "story_articles": "story, position",
    "quote_groups": "position",
    "quote_occurrences": "quote_group, position",
}


def _plain(value: object) -> object:
    """A value as the database gives it back (an enum's or a bool's plain value)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or value is None:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise TypeError(f"cannot store a {kind.__name__}")


_PLAIN_TYPES = {str, int, float, type(None)}


def _conversion(kind: type) -> Callable[[Any], object]:
    """What `_plain` does to a value of this type, as one call: C functions that give a
    plain value back as it is (`str.__str__`, `int`, `float`), `_plain` for None."""
    for plain in (str, int, float):
        if issubclass(kind, plain):
            return plain.__str__ if plain is str else plain
    if kind is type(None):
        return _plain
    raise TypeError(f"cannot store a {kind.__name__}")


class _Plans(dict[tuple[type, ...], tuple[Callable[[Any], object], ...] | None]):
    """A row's value types -> None when all are plain, else each value's
    conversion: made once a row shape, not a `_plain` call per value (a mention's label)."""

    def __missing__(self, kinds: tuple[type, ...]) -> tuple[Callable[[Any], object], ...] | None:
        plan = None if _PLAIN_TYPES.issuperset(kinds) else tuple(map(_conversion, kinds))
        self[kinds] = plan
        return plan


_PLANS = _Plans()


def _plain_row(row: Row) -> Row:
    plan = _PLANS[tuple(map(type, row))]
    return row if plan is None else tuple(map(operator.call, plan, row))


_BIG_ENDIAN = sys.byteorder == "big"


def pack_names(codes: array[int]) -> bytes:
    """An article's name numbers (into the corpus's `names`), in mention order, as
    `mention_names` stores them: a type byte (`H`, or `I` when a number needs it) and the
    numbers little-endian."""
    kind = "H" if not codes or max(codes) < 65536 else "I"
    packed = codes if codes.typecode == kind else array(kind, codes)
    if _BIG_ENDIAN:
        packed = array(kind, packed)
        packed.byteswap()
    return kind.encode() + packed.tobytes()


def unpack_names(data: bytes) -> array[int]:
    """`pack_names` undone; ValueError (or TypeError) for data it did not make."""
    if data[:1] not in (b"H", b"I"):
        raise ValueError("stored names of an unknown type")
    codes = array(data[:1].decode())
    codes.frombytes(data[1:])
    if _BIG_ENDIAN:
        codes.byteswap()
    return codes


def _link_row(number: int, link: Link, positions: dict[str, int]) -> Row:
    """A link's stored row, its articles by their positions in the corpus."""
    return _plain_row(
        (
            number,
            positions[link.source_article],
            link.source_paragraph,
            positions[link.target_article],
            link.target_paragraph,
            float(link.score),
            link.kind,
        )
    )


def _columns(rows: Sequence[Row], width: int) -> list[Sequence[Any]]:
    """Rows as columns (`width` empty ones when there are no rows)."""
    return list(zip(*rows, strict=True)) or [()] * width


def _read_columns(cursor: sqlite3.Cursor, width: int) -> list[list[Any]]:
    """A query's result as columns, read in chunks: all its rows never exist at once."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    while chunk := cursor.fetchmany(_CHUNK):
        for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(values)
    return columns


def _digest_columns(digest: Any, columns: Iterable[Sequence[Any]], kinds: str) -> None:
    """Add columns to a checksum: packed integers, joined text, far cheaper than repr.

    `kinds` says what each column holds (see `_Records.kinds`); a value of another kind,
    from a damaged or planted row, raises one of _UNREADABLE.
    """
    parts = []
    for kind, column in zip(kinds, columns, strict=True):
        if kind == "i":
            parts.append(array("q", column).tobytes())
        elif kind == "t":
            parts.append("\x1f".join(column).encode())
        elif kind == "b":  # each blob's length, then the blobs
            parts.append(array("q", map(len, column)).tobytes() + b"".join(column))
        else:
            parts.append("\x1f".join(map(repr, column)).encode())
    digest.update(b"\x1e".join(parts))


_ZONES: dict[tuple[int, str | None], timezone] = {}


def _moment_columns(moment: datetime | None) -> tuple[str | None, int | None, str | None]:
    """(UTC time, offset in seconds, zone name): sortable, and the zone comes back by name."""
    if moment is None:
        return None, None, None
    offset = moment.utcoffset()
    if offset is None:
        return moment.isoformat(), None, None
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(), int(offset.total_seconds()), moment.tzname()


def stored_moment(published: str | None, offset: int | None, zone: str | None) -> datetime | None:
    if published is None:
        return None
    moment = datetime.fromisoformat(published)
    if offset is None:
        return moment
    tz = _ZONES.get((offset, zone))
    if tz is None:
        delta = timedelta(seconds=offset)
        tz = _ZONES[(offset, zone)] = timezone(delta, zone) if zone else timezone(delta)
    return moment.replace(tzinfo=UTC).astimezone(tz)


def _article_rows(article: Article) -> tuple[Row, list[list[Row]]]:
    """The `articles` columns after the head, and each record table's rows."""
    records = [
        list(
            map(
                _plain_row, map(operator.attrgetter(*spec.fields), getattr(article, spec.attribute))
            )
        )
        for spec in RECORDS
    ]
    meta = _plain_row(
        (
            article.id,
            article.path,
            article.title,
            int(article.title_derived),
            article.outlet,
            article.author,
            article.editor,
            *_moment_columns(article.published),
            article.dateline,
            article.credited_source,
        )
    )
    return meta + tuple(len(rows) for rows in records), records


# An article as stored: its `articles` columns after the head, each record table's rows,
# and its checksum.
ArticleRecord = tuple[Row, list[list[Row]], str]


def article_record(source: Source, article: Article) -> ArticleRecord:
    """What `Storage.save_records` writes of one processed article: its rows and their
    checksum, which depend on the article alone (made where it was processed)."""
    columns, records = _article_rows(article)
    tables = (
        _columns(rows, len(spec.columns)) for rows, spec in zip(records, RECORDS, strict=True)
    )
    return columns, records, _article_checksum(source.path, source.content_hash, columns, tables)


# An article's stored digest (`digest.pack_digest`) and its checksum: what the
# cross-article stage reads of a stored article instead of its rows (`load_digests`).
DigestRow = tuple[bytes, str]


class StoredDigest(NamedTuple):
    """A stored digest as `load_digests` finds it, with its article's title and date."""

    title: str
    published: datetime | None
    data: bytes


def digest_row(source: Source, title: str, published: datetime | None, data: bytes) -> DigestRow:
    """What `Storage.save_records` writes of an article's packed digest `data`: it and its
    checksum, which covers the article's title and date the digest is read back with."""
    return data, _digest_checksum(source.path, source.content_hash, title, published, data)


def _digest_checksum(
    path: str, content_hash: str, title: str, published: datetime | None, data: bytes
) -> str:
    head = (path, content_hash, title, _moment_columns(published))
    digest = hashlib.blake2b(repr(head).encode(), digest_size=16)
    digest.update(data)
    return digest.hexdigest()


def _article_checksum(
    path: str, content_hash: str, columns: Row, records: Iterable[Iterable[Sequence[object]]]
) -> str:
    """Of an article's row and its records, each record table (RECORDS) given as columns."""
    digest = hashlib.blake2b(repr((path, content_hash, columns)).encode(), digest_size=16)
    for table, spec in zip(records, RECORDS, strict=True):
        _digest_columns(digest, table, spec.kinds)
        digest.update(b"\x1d")
    return digest.hexdigest()


def _share(values: Sequence[Any], shared: dict[Any, Any]) -> list[Any]:
    """The values, equal ones made one object (a million mentions, a few thousand names)."""
    return list(map(shared.setdefault, values, values))


def _build(
    spec: _Records,
    columns: Sequence[Sequence[Any]],
    shared: dict[Any, Any],
    replace: dict[int, list[Any]],
) -> list[Any]:
    """The dataclasses of a table's columns (short strings made one object)."""
    if not columns[0]:
        return []
    made: list[Sequence[Any]] = list(columns)
    for index in spec.shared:
        if index not in replace:
            made[index] = _share(columns[index], shared)
    for index, values in replace.items():
        made[index] = values
    return list(map(spec.kind, *made))


# What values of the wrong type or range in a damaged or planted row raise while read.
_UNREADABLE = (ValueError, TypeError, OverflowError, IndexError, KeyError)


def _unreadable(error: Exception, then: str) -> str:
    return f"cache rows held values of the wrong kind ({type(error).__name__}); {then}"


class _Skipped(Exception):
    """A cache operation was given up; the caller carries on without it."""


Skipped = _Skipped  # for modules keeping their own tables in the cache (search_store)


class Storage:
    """An open cache file. Every problem is a warning in `self.warnings`, never a crash.

    `write_error` says why something could not be written, when that happened: `kabar
    index` must not claim a cache it did not make.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self.write_error: str | None = None
        self._db: sqlite3.Connection | None = None
        prepare_folder(path.parent)
        _check_files(path)
        try:
            self._db = backend.connect(path)
        except backend.LayoutChanged as change:
            self._rebuild(str(change))
        except sqlite3.DatabaseError as error:
            if not backend.is_damage(error):
                raise CacheUnavailable(f"cache not used: {backend.explain(error, path)}") from error
            self._rebuild(f"cache file was damaged ({error}); rebuilt it")
        except OSError as error:
            if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                raise CacheUnavailable(
                    f"cache not used: the disk holding {path} is full: free some space, or "
                    "set KABAR_CACHE_DIR to a folder on another disk, or KABAR_NO_CACHE=1"
                ) from error
            raise CacheUnavailable(
                f"cache not used: cache file {path} cannot be opened ({error.strerror or error}): "
                f"{_FIX_IT}"
            ) from error
        if self._db is None:
            raise CacheUnavailable(self.warnings.pop())
        _check_files(path)  # the -wal and -shm SQLite made

    @classmethod
    def open_default(cls) -> Storage:
        return cls(cache_dir() / DB_NAME)

    def _rebuild(self, warning: str) -> None:
        """Throw the file away and start empty; without a cache when even that fails."""
        self.close()
        self.warnings.append(warning)
        try:
            backend.delete_files(self.path)
            self._db = backend.connect(self.path)
        except (OSError, sqlite3.Error, backend.LayoutChanged) as error:
            reason = (
                backend.explain(error, self.path) if isinstance(error, sqlite3.Error) else error
            )
            self.warnings.append(f"cache not used: {reason}")
            self.write_error = self.warnings[-1]

    @contextlib.contextmanager
    def _guard(self, doing: str) -> Iterator[sqlite3.Connection]:
        """Run one cache operation; damage means rebuild, other errors mean go without."""
        if self._db is None:
            if doing == "written" and self.write_error is None:
                self.write_error = "cache not written: the cache was closed after an error"
            raise _Skipped
        try:
            yield self._db
        except UnicodeEncodeError as error:  # an article's own text, not valid UTF-8
            self.warnings.append(f"cache not {doing}: a text cannot be stored ({error.reason})")
            if doing == "written":
                self.write_error = self.warnings[-1]
            raise _Skipped from error
        except sqlite3.DatabaseError as error:
            if backend.is_damage(error):
                self._rebuild(f"cache file was damaged ({error}); rebuilt it")
            else:
                self.warnings.append(f"cache not {doing}: {backend.explain(error, self.path)}")
                self.close()
            if doing == "written":
                self.write_error = self.warnings[-1]
            raise _Skipped from error

    def guard(self, doing: str) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """`_guard` for a module keeping its own tables here (search_store): problems are
        warnings as for Storage's own, and `Skipped` is raised when it was given up."""
        return self._guard(doing)

    # Per-article rows

    def known_articles(self) -> dict[str, tuple[str, str]]:
        """(content hash, file signature) by path of every article stored for this code."""
        try:
            with self._guard("read") as db:
                rows = db.execute(
                    "SELECT path, content_hash, signature FROM articles WHERE fingerprint = ?",
                    (code_fingerprint(),),
                )
                return {path: (content_hash, sign) for path, content_hash, sign in rows}
        except _Skipped:
            return {}

    def update_signatures(self, signatures: Iterable[tuple[str, str]]) -> None:
        """New (path, signature) for files touched without a change of content."""
        try:
            with self._guard("written") as db, backend.transaction(db):
                db.executemany(
                    "UPDATE articles SET signature = ? WHERE path = ?",
                    [(sign, path) for path, sign in signatures],
                )
        except _Skipped:
            pass

    def load_articles(self, sources: Iterable[Source]) -> dict[str, Article]:
        """Cached articles by path, for the sources whose content and code are unchanged.

        Only the rows of their paths are read (by the `path` index), not every stored
        article's: a new file added to a big corpus is looked for here, and found in none."""
        wanted = {source.path: source.content_hash for source in sources}
        try:
            with self._guard("read") as db, collector_paused():
                rows: list[Row] = []
                for batch in in_batches(list(wanted)):
                    rows.extend(
                        db.execute(
                            f"SELECT {_ARTICLE_SELECT} FROM articles a WHERE a.fingerprint = ? "
                            f"AND a.path IN ({', '.join('?' * len(batch))})",
                            (code_fingerprint(), *batch),
                        )
                    )
                # in stored order, as reading the whole table gave them
                rows = sorted(
                    (row for row in rows if wanted.get(row[1], "") == row[2]),
                    key=operator.itemgetter(0),
                )
                if not rows:
                    return {}
                source = backend.create_wanted(db, [row[0] for row in rows])
                try:
                    articles = self._read_articles(db, rows, source, "", ())
                except _UNREADABLE as error:
                    self.warnings.append(_unreadable(error, "processed the articles again"))
                    return {}
        except _Skipped:
            return {}
        return {
            head[1]: article
            for head, article in zip(rows, articles, strict=True)
            if article is not None
        }

    def _read_articles(
        self,
        db: sqlite3.Connection,
        heads: list[Row],
        source: str,
        where: str,
        parameters: Row,
        replace: dict[str, dict[int, list[Any]]] | None = None,
        then: str = "processed them again",
    ) -> list[Article | None]:
        """Articles from their rows (None for one whose rows fail their checksum).

        `source` is a table of (position, article) listing them in the order of `heads`;
        each record table is read in one ordered query and cut by the counts in the heads.
        """
        counts = [head[_HEAD + _META :] for head in heads]
        digests = [
            hashlib.blake2b(repr((head[1], head[2], head[_HEAD:])).encode(), digest_size=16)
            for head in heads
        ]
        unreadable = [False] * len(heads)
        shared: dict[Any, Any] = {}
        replace = replace or {}
        built: list[list[Any]] = []
        for n, spec in enumerate(RECORDS):  # one table at a time: its rows, then dataclasses
            names = ", ".join(f"t.{column}" for column in spec.columns)
            cursor = db.execute(
                f"SELECT {names} FROM {source} w JOIN {spec.table} t "
                f"ON t.article = w.article {where} ORDER BY w.position, t.position",
                parameters,
            )
            columns = _read_columns(cursor, len(spec.columns))
            if len(columns[0]) != sum(count[n] for count in counts):
                self.warnings.append(
                    f"cache rows of the articles did not match their counts; {then}"
                )
                return [None] * len(heads)
            start = 0
            for index, (digest, count) in enumerate(zip(digests, counts, strict=True)):
                end = start + count[n]
                try:
                    _digest_columns(digest, [column[start:end] for column in columns], spec.kinds)
                except _UNREADABLE:
                    unreadable[index] = True
                digest.update(b"\x1d")
                start = end
            built.append(_build(spec, columns, shared, replace.get(spec.table, {})))
            del columns
        valid = [
            not bad and digest.hexdigest() == head[4]
            for head, digest, bad in zip(heads, digests, unreadable, strict=True)
        ]
        if not all(valid):
            self.warnings.append(
                f"cache rows of {valid.count(False)} article(s) did not match their checksum; "
                f"{then}"
            )
        articles: list[Article | None] = []
        starts = [0] * len(RECORDS)
        for head, ok, sizes in zip(heads, valid, counts, strict=True):
            lists = [
                items[start : start + size]
                for items, start, size in zip(built, starts, sizes, strict=True)
            ]
            starts = [start + size for start, size in zip(starts, sizes, strict=True)]
            if not ok:
                articles.append(None)
                continue
            meta = _share(head[_HEAD : _HEAD + _META], shared)
            paragraphs, captions, removed, edits, mentions, quotes = lists
            articles.append(
                Article(
                    id=meta[0],
                    path=meta[1],
                    title=meta[2],
                    paragraphs=paragraphs,
                    title_derived=bool(meta[3]),
                    outlet=meta[4],
                    author=meta[5],
                    editor=meta[6],
                    published=stored_moment(meta[7], meta[8], meta[9]),
                    dateline=meta[10],
                    credited_source=meta[11],
                    captions=captions,
                    removed=removed,
                    edits=edits,
                    content_hash=head[2],
                    entities=mentions,
                    quotes=quotes,
                )
            )
        return articles

    def save_articles(self, rows: Iterable[tuple[Source, str, Article]]) -> None:
        """Store (source, its file signature, its processed article) rows."""
        self.save_records(
            (source, signature, article_record(source, article), None)
            for source, signature, article in rows
        )

    def save_records(
        self, rows: Iterable[tuple[Source, str, ArticleRecord, DigestRow | None]]
    ) -> None:
        """`save_articles` for articles already made into rows (`article_record`), each
        with its digest when made (`digest_row`): the indexing workers make them, so the
        process that writes only writes."""
        fingerprint = code_fingerprint()
        given = list(rows)
        prepared = [
            ((source.path, source.content_hash, fingerprint, signature, checksum), columns, records)
            for source, signature, (columns, records, checksum), _ in given
        ]
        if not prepared:
            return
        names = ("path", "content_hash", "fingerprint", "signature", "checksum")
        insert = (
            f"INSERT INTO articles (id, {', '.join(names + _ARTICLE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * (1 + len(names) + len(_ARTICLE_COLUMNS)))})"
        )
        try:
            with self._guard("written") as db, backend.transaction(db):
                paths = [head[0] for head, _, _ in prepared]
                self._delete_articles(db, self._ids_of(db, paths))
                first = _first_free_id(db)
                db.executemany(
                    insert,
                    ((first + n, *head, *columns) for n, (head, columns, _) in enumerate(prepared)),
                )
                for index, spec in enumerate(RECORDS):
                    marks = ", ".join("?" * (2 + len(spec.columns)))
                    db.executemany(
                        f"INSERT INTO {spec.table} (article, position, {', '.join(spec.columns)}) "
                        f"VALUES ({marks})",
                        (
                            (first + n, position, *row)
                            for n, (_, _, records) in enumerate(prepared)
                            for position, row in enumerate(records[index])
                        ),
                    )
                db.executemany(
                    "INSERT INTO article_digests (article, checksum, data) VALUES (?, ?, ?)",
                    (
                        (first + n, checksum, data)
                        for n, (*_, stored) in enumerate(given)
                        if stored is not None
                        for data, checksum in (stored,)
                    ),
                )
        except _Skipped:
            pass

    def save_digests(self, rows: Iterable[tuple[Source, DigestRow]]) -> None:
        """Store the digests of articles stored without one (`digest_row`), each for the
        article row of its file as it is now (none if that changed meanwhile)."""
        rows = list(rows)
        if not rows:
            return
        fingerprint = code_fingerprint()
        try:
            with self._guard("written") as db, backend.transaction(db):
                for source, (data, checksum) in rows:
                    found = db.execute(
                        "SELECT id FROM articles "
                        "WHERE path = ? AND content_hash = ? AND fingerprint = ?",
                        (source.path, source.content_hash, fingerprint),
                    ).fetchone()
                    if found is None:
                        continue
                    db.execute("DELETE FROM article_digests WHERE article = ?", found)
                    db.execute(
                        "INSERT INTO article_digests (article, checksum, data) VALUES (?, ?, ?)",
                        (found[0], checksum, data),
                    )
        except _Skipped:
            pass

    def load_digests(self, sources: Sequence[Source]) -> dict[str, StoredDigest]:
        """The stored digests of `sources` by path, for those whose content and code are
        unchanged and which have one (an article stored by the reader has none until a
        whole stage digests it: `save_digests`). One whose checksum fails is left out,
        with a warning: its article is read and digested instead."""
        wanted = {source.path: source.content_hash for source in sources}
        found: dict[str, StoredDigest] = {}
        damaged = 0
        try:
            with self._guard("read") as db, collector_paused():
                for batch in in_batches(list(wanted)):
                    marks = ", ".join("?" * len(batch))
                    rows = db.execute(
                        "SELECT a.path, a.content_hash, a.title, a.published, a.utc_offset, "
                        "a.zone, d.checksum, d.data FROM articles a "
                        "JOIN article_digests d ON d.article = a.id "
                        f"WHERE a.fingerprint = ? AND a.path IN ({marks})",
                        (code_fingerprint(), *batch),
                    ).fetchall()
                    for path, content_hash, title, published, offset, zone, checksum, data in rows:
                        if wanted.get(path) != content_hash:
                            continue
                        try:
                            moment = stored_moment(published, offset, zone)
                            valid = checksum == _digest_checksum(
                                path, content_hash, title, moment, data
                            )
                        except _UNREADABLE:
                            valid = False
                        if valid:
                            found[path] = StoredDigest(title, moment, data)
                        else:
                            damaged += 1
        except _Skipped:
            return {}
        if damaged:
            self.warnings.append(
                f"cache rows of {damaged} article digest(s) did not match their checksum; "
                "digested the articles again"
            )
        return found

    @staticmethod
    def _ids_of(db: sqlite3.Connection, paths: Sequence[str]) -> list[int]:
        ids: list[int] = []
        for batch in in_batches(list(paths)):
            marks = ", ".join("?" * len(batch))
            ids.extend(
                row[0]
                for row in db.execute(f"SELECT id FROM articles WHERE path IN ({marks})", batch)
            )
        return ids

    def _delete_articles(self, db: sqlite3.Connection, ids: Sequence[int]) -> None:
        """Delete article rows, their records, and every corpus that was made with them
        (but the one `_retire` keeps)."""
        corpora: set[int] = set()
        for batch in in_batches(list(ids)):
            marks = ", ".join("?" * len(batch))
            corpora.update(
                corpus
                for (corpus,) in db.execute(
                    f"SELECT DISTINCT corpus FROM corpus_articles WHERE article IN ({marks})",
                    batch,
                )
            )
        self._retire(db, corpora)
        for batch in in_batches(list(ids)):
            marks = ", ".join("?" * len(batch))
            for spec in RECORDS:
                db.execute(f"DELETE FROM {spec.table} WHERE article IN ({marks})", batch)
            db.execute(f"DELETE FROM article_digests WHERE article IN ({marks})", batch)
            db.execute(f"DELETE FROM articles WHERE id IN ({marks})", batch)

    def _retire(self, db: sqlite3.Connection, corpora: Iterable[int]) -> None:
        """Delete these corpora (made with articles that go) but the most recently used,
        which is retired instead: renamed (`RETIRED`: no key finds it) and its search
        index deleted, its rows kept for the next whole stage to write its results over,
        only the parts that differ (`save_results`). One corpus at most is retired."""
        found = sorted(corpora)
        if not found:
            return
        marks = ", ".join("?" * len(found))
        kept = db.execute(
            f"SELECT id FROM corpora WHERE id IN ({marks}) AND key NOT LIKE 'set aside %' "
            "ORDER BY last_used DESC LIMIT 1",
            found,
        ).fetchone()
        retired = db.execute("SELECT id FROM corpora WHERE key LIKE ?", (RETIRED + "%",)).fetchall()
        keep = None if kept is None else kept[0]
        for corpus in {*found, *(row[0] for row in retired)} - {keep}:
            self._delete_corpus(db, corpus)
        if keep is not None:
            for table in backend.SEARCH_TABLES:
                db.execute(f"DELETE FROM {table} WHERE corpus = ?", (keep,))
            db.execute(
                "UPDATE corpora SET key = ? || key WHERE id = ? AND key NOT LIKE ?",
                (RETIRED, keep, RETIRED + "%"),
            )

    @staticmethod
    def _delete_corpus(db: sqlite3.Connection, corpus: int) -> None:
        for table in (*_CORPUS_TABLES, "corpus_parts", *backend.SEARCH_TABLES):
            db.execute(f"DELETE FROM {table} WHERE corpus = ?", (corpus,))
        db.execute("DELETE FROM corpora WHERE id = ?", (corpus,))

    def prune(self, roots: Sequence[str], present: Iterable[str]) -> int:
        """Forget the articles of files under `roots` (folders or files) that are gone.

        `present` are the keys (`sources.path_key`) of the files found there now; a stored
        file neither among them nor on disk is deleted with everything made from it.
        Returns how many went.
        """
        folders = tuple(root.rstrip(os.sep) + os.sep for root in roots)
        files = set(roots)
        try:
            with self._guard("written") as db:
                stored = dict(db.execute("SELECT path, id FROM articles").fetchall())
                # The paths not found, by a set difference (no Python step per file).
                gone = sorted(
                    stored[key]
                    for key in stored.keys() - set(present)
                    if ((path := os.fspath(key_path(key))) in files or path.startswith(folders))
                    and not os.path.lexists(path)
                )
                if gone:
                    with backend.transaction(db):
                        # a file that comes back is a new arrival (`arrival_order`)
                        db.executemany(
                            "DELETE FROM arrivals WHERE path = "
                            "(SELECT path FROM articles WHERE id = ?)",
                            ((article,) for article in gone),
                        )
                        self._delete_articles(db, gone)
                return len(gone)
        except _Skipped:
            return 0

    def arrival_order(self, sources: Sequence[Source]) -> list[Source]:
        """`sources` in the order their files were first seen (`arrivals`), files never
        seen before numbered after every other, in the order given.

        Linking depends on order (a paragraph sees what was indexed before it, in postings
        that stop growing), so a file that sorts before the others would change what
        every later one saw: in arrival order it comes last, and the stored corpus's
        results are updated instead of recomputed (docs/incremental.md, "Order"). In the
        order given when the cache cannot say.
        """
        arrivals = "SELECT path, sequence FROM arrivals"
        paths = list(map(operator.attrgetter("path"), sources))
        try:
            with self._guard("read") as db:
                version = backend.data_version(db)
                known = dict(db.execute(arrivals).fetchall())
            if not known.keys() >= set(paths):
                with self._guard("written") as db, backend.transaction(db):
                    # again under the write lock if another kabar wrote since (it may
                    # have numbered some); else what was read holds (100k rows at 100k)
                    if backend.data_version(db) != version:
                        known = dict(db.execute(arrivals).fetchall())
                    first = max(known.values(), default=-1) + 1
                    new = [source.path for source in sources if source.path not in known]
                    numbered = list(zip(new, range(first, first + len(new)), strict=True))
                    db.executemany("INSERT INTO arrivals (path, sequence) VALUES (?, ?)", numbered)
                    known.update(numbered)
        except _Skipped:
            return list(sources)
        # Sorted by C calls alone (no Python step per file): 100k files are every add's.
        order = list(map(known.__getitem__, paths))
        return list(map(sources.__getitem__, sorted(range(len(order)), key=order.__getitem__)))

    # Per-corpus rows

    def load_corpus(self, key: str) -> Corpus | None:
        """The finished corpus stored under `key`, or None."""
        try:
            with self._guard("read") as db, collector_paused():
                row = db.execute(
                    "SELECT id, checksum FROM corpora WHERE key = ?", (key,)
                ).fetchone()
                if row is None:
                    return None
                try:
                    corpus = self._read_corpus(db, row[0], key, row[1])
                except _UNREADABLE as error:
                    self.warnings.append(_unreadable(error, "linked the articles again"))
                    corpus = None
                if corpus is None:
                    with backend.transaction(db):
                        self._delete_corpus(db, row[0])
                    return None
                # A busy cache only loses this bit of bookkeeping.
                with contextlib.suppress(sqlite3.OperationalError):
                    db.execute(
                        "UPDATE corpora SET last_used = ? WHERE id = ?", (time.time(), row[0])
                    )
                return corpus
        except _Skipped:
            return None

    def _read_corpus(
        self, db: sqlite3.Connection, corpus: int, key: str, checksum: str
    ) -> Corpus | None:
        heads = db.execute(
            f"SELECT {_ARTICLE_SELECT} FROM corpus_articles w JOIN articles a "
            "ON a.id = w.article WHERE w.corpus = ? ORDER BY w.position",
            (corpus,),
        ).fetchall()
        tables = _corpus_tables(db, corpus)
        fingerprint = code_fingerprint()
        if (
            _corpus_checksum(_parts_of(tables)) != checksum
            or len(tables["corpus_articles"]) != len(heads)
            or any(head[3] != fingerprint for head in heads)
            or _corpus_key((head[1], head[2]) for head in heads) != key
        ):
            self.warnings.append(
                "cache rows of the corpus did not match their checksum; linked the articles again"
            )
            return None
        shared: dict[Any, Any] = {}
        names = _share([text for _, text in tables["names"]], shared)
        mention_names = list(
            map(
                names.__getitem__,
                itertools.chain.from_iterable(
                    unpack_names(packed) for _, packed in tables["mention_names"]
                ),
            )
        )
        if len(mention_names) != sum(head[_HEAD + _META + 4] for head in heads) or len(
            tables["quote_speakers"]
        ) != sum(head[_HEAD + _META + 5] for head in heads):
            return None
        speakers = [None if name is None else names[name] for _, name in tables["quote_speakers"]]
        articles = self._read_articles(
            db,
            heads,
            "corpus_articles",
            "WHERE w.corpus = ?",
            (corpus,),
            {"mentions": {_CANONICAL_COLUMN: mention_names}, "quotes": {_SPEAKER_COLUMN: speakers}},
        )
        if any(article is None for article in articles):
            return None
        found = [article for article in articles if article is not None]
        ids = _share([article_id for _, _, article_id in tables["corpus_articles"]], shared)
        for article, article_id in zip(found, ids, strict=True):
            article.id = article_id  # ids depend on the corpus: a name shared by two files
        return Corpus(
            articles=found,
            entities=_entities(tables, names, ids, shared),
            links=_links(tables, ids),
            stories=_stories(tables, ids),
            quote_groups=_quote_groups(tables, names, ids, shared),
        )

    def stored_results(self, corpus: int) -> StoredResults | None:
        """What an update of a stored corpus starts from (core.corpus.incremental): its articles'
        heads, its entities with their aliases (not their articles) and its links by
        position, each table checked part by part (`_PART`) as it is read. None when a
        check fails (said in `warnings`): the caller runs the whole stage."""
        try:
            with self._guard("read") as db, collector_paused():
                row = db.execute("SELECT checksum FROM corpora WHERE id = ?", (corpus,)).fetchone()
                if row is None:
                    return None
                parts = _stored_parts(db, corpus, _UPDATE_READS)
                tables = {
                    table: db.execute(
                        f"SELECT {', '.join(_READ[table])} FROM {table} WHERE corpus = ? "
                        f"ORDER BY {_ORDER[table]}",
                        (corpus,),
                    ).fetchall()
                    for table in _UPDATE_READS
                }
                found = _parts_of(tables)
                heads = db.execute(
                    "SELECT a.id, w.article_id, a.title, a.published, a.utc_offset, a.zone "
                    "FROM corpus_articles w JOIN articles a ON a.id = w.article "
                    "WHERE w.corpus = ? ORDER BY w.position",
                    (corpus,),
                ).fetchall()
                names = dict(
                    db.execute("SELECT number, text FROM names WHERE corpus = ?", (corpus,))
                )
        except _Skipped:
            return None
        if found != parts or len(heads) != len(tables["corpus_articles"]):
            self.warnings.append(
                "cache rows of the corpus did not match their checksum; linked the articles again"
            )
            return None
        shared: dict[Any, Any] = {}
        aliases: dict[int, list[str]] = {}
        for entity, group in itertools.groupby(
            tables["entity_aliases"], key=operator.itemgetter(0)
        ):
            aliases[entity] = _share([alias for _, _, alias in group], shared)
        ids = [head[1] for head in heads]
        try:
            entities = [
                EntityRecord(names[name], label, aliases.get(number, []), mentions, [])
                for number, name, label, mentions in tables["entities"]
            ]
            links = {
                row[0]: Link(ids[row[1]], row[2], ids[row[3]], row[4], row[5], row[6])
                for row in tables["links"]
            }
        except (KeyError, IndexError):
            return None
        return StoredResults(heads, entities, links)

    def quote_groups_of(
        self, corpus: int, keys: Iterable[str]
    ) -> dict[str, tuple[int, QuoteRecord]]:
        """The stored quotation groups of these words (`quote_key`), the last of each, by
        key: (position, the group without its occurrences)."""
        found: dict[str, tuple[int, QuoteRecord]] = {}
        for part in in_batches(sorted(set(keys))):
            marks = ", ".join("?" * len(part))
            for position, key, text, speaker in self.select(
                # by the key index: SQLite's own choice, the primary key, read every
                # group of the corpus (712k at 100k articles, 0.14 s) to find a few
                "SELECT g.position, g.key, g.text, n.text FROM quote_groups g "
                f"{backend.index_hint('quote_groups_by_key')} LEFT JOIN names n "
                "ON n.corpus = g.corpus AND n.number = g.speaker_name "
                f"WHERE g.corpus = ? AND g.key IN ({marks}) ORDER BY g.position",
                (corpus, *part),
            ):
                found[key] = (position, QuoteRecord(text, speaker, []))
        return found

    def quote_group_count(self, corpus: int) -> int:
        """The position after the stored corpus's last quotation group."""
        rows = self.select(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM quote_groups WHERE corpus = ?", (corpus,)
        )
        return rows[0][0] if rows else 0

    def update_results(
        self, corpus: int, key: str, kept: int, ids: Sequence[str], changes: ResultsUpdate
    ) -> bool:
        """Store under `key` the stored corpus `corpus` (of `kept` articles) with
        `changes` made to it, in place: only the rows that change are written, and only
        the parts (`_PART`) they fall in are read, checked against their checksum before
        and digested again after; the corpus checksum is made again from the parts.
        `ids` are the article ids of the corpus as it is after (the stored ones, then the
        new ones). Its stored search index stays, for `search_store.append_search`.

        False when `corpus` no longer holds the `kept` articles the update was made
        from, the new articles' stored rows are not those of `changes` (another kabar
        changed them meanwhile: the reader and `kabar index --watch` may both see one new
        file), or a part it writes in does not match its checksum (said in `warnings`)."""
        try:
            with self._guard("written") as db:
                stored: dict[str, tuple[int, str, int, int]] = {}
                for batch in in_batches(list(changes.paths)):
                    for found in db.execute(
                        "SELECT path, id, content_hash, mentions, quotes FROM articles "
                        f"WHERE fingerprint = ? AND path IN ({', '.join('?' * len(batch))})",
                        (code_fingerprint(), *batch),
                    ):
                        stored[found[0]] = found[1:]
                rows = _update_rows(db, corpus, kept, ids, changes, stored)
                if rows is None:
                    return False
                inserted, deleted = rows
                with backend.transaction(db):
                    # Looked at again under the write lock: what the update was made from.
                    now = db.execute(
                        "SELECT COUNT(*) FROM corpus_articles WHERE corpus = ?", (corpus,)
                    ).fetchone()[0]
                    if now != kept:
                        return False
                    change = _write_parts(db, corpus, inserted, deleted)
                    (checksum,) = db.execute(
                        "SELECT checksum FROM corpora WHERE id = ?", (corpus,)
                    ).fetchone()
                    checksum = _corpus_checksum({}, int(checksum, 16) + change)
                    other = db.execute("SELECT id FROM corpora WHERE key = ?", (key,)).fetchone()
                    if other is not None and other[0] != corpus:
                        self._delete_corpus(db, other[0])
                    # The search index stays: the articles are appended to it next
                    # (search_store.append_search); until then it answers for the others.
                    db.execute(
                        "UPDATE corpora SET key = ?, last_used = ?, checksum = ? WHERE id = ?",
                        (key, time.time(), checksum, corpus),
                    )
        except (PartDamaged, ValueError):  # ValueError: a corpus checksum that is no number
            self.warnings.append(
                "cache rows of the corpus did not match their checksum; linked the articles again"
            )
            return False
        except _Skipped:
            pass  # said in `write_error`, as for every write
        return True

    # What the stored catalog asks (kabar_tui.core.store.catalog_store)

    def find_corpus(self, key: str) -> int | None:
        """The number of the corpus stored under `key`, marked as used; None if there is none."""
        try:
            with self._guard("read") as db:
                row = db.execute("SELECT id FROM corpora WHERE key = ?", (key,)).fetchone()
                if row is None:
                    return None
                with contextlib.suppress(sqlite3.OperationalError):  # busy: bookkeeping only
                    db.execute(
                        "UPDATE corpora SET last_used = ? WHERE id = ?", (time.time(), row[0])
                    )
                return int(row[0])
        except _Skipped:
            return None

    def select(self, sql: str, parameters: Sequence[object] = ()) -> list[Row]:
        """The rows of a read-only query; none, with a warning, when the cache fails."""
        try:
            with self._guard("read") as db:
                return db.execute(sql, parameters).fetchall()
        except _Skipped:
            return []

    def stream(self, sql: str, parameters: Sequence[object] = ()) -> Iterator[Row]:
        """The rows of a read-only query, fetched a few at a time as they are taken."""
        try:
            with self._guard("read") as db:
                cursor = db.execute(sql, parameters)
                while chunk := cursor.fetchmany(_STREAM_CHUNK):
                    yield from chunk
        except _Skipped:
            return

    def corpus_articles(self, corpus: int, first: int, end: int) -> list[Article | None]:
        """The whole articles at positions `first` to `end` - 1 of a stored corpus, with its
        ids and canonical names, each checked against its checksum.

        One that fails it is None, with a warning, and the corpus is set aside (kept for
        this session, never opened again), so the next run processes the article again.
        """
        parameters = (corpus, first, end)
        where = "WHERE w.corpus = ? AND w.position >= ? AND w.position < ?"
        ranged = "WHERE m.corpus = ? AND m.article >= ? AND m.article < ?"
        then = "not shown; the next run processes them again"
        try:
            with self._guard("read") as db, collector_paused():
                rows = db.execute(
                    f"SELECT {_ARTICLE_SELECT}, w.article_id FROM corpus_articles w "
                    f"JOIN articles a ON a.id = w.article {where} ORDER BY w.position",
                    parameters,
                ).fetchall()
                names = _names_of(
                    db,
                    corpus,
                    [
                        unpack_names(packed)
                        for (packed,) in db.execute(
                            f"SELECT m.names FROM mention_names m {ranged} ORDER BY m.article",
                            parameters,
                        )
                    ],
                )
                speakers = [
                    text
                    for (text,) in db.execute(
                        "SELECT n.text FROM quote_speakers m LEFT JOIN names n "
                        f"ON n.corpus = m.corpus AND n.number = m.name {ranged} "
                        "ORDER BY m.article, m.position",
                        parameters,
                    )
                ]
                heads = [row[:-1] for row in rows]
                if len(names) != sum(head[_HEAD + _META + 4] for head in heads) or len(
                    speakers
                ) != sum(head[_HEAD + _META + 5] for head in heads):
                    self.warnings.append(f"cache rows of the corpus did not match; {then}")
                    articles: list[Article | None] = [None] * len(heads)
                else:
                    articles = self._read_articles(
                        db,
                        heads,
                        "corpus_articles",
                        where,
                        parameters,
                        {
                            "mentions": {_CANONICAL_COLUMN: names},
                            "quotes": {_SPEAKER_COLUMN: speakers},
                        },
                        then,
                    )
                if any(article is None for article in articles):
                    with contextlib.suppress(sqlite3.OperationalError):
                        db.execute(
                            "UPDATE corpora SET key = 'set aside ' || key WHERE id = ?", (corpus,)
                        )
        except _UNREADABLE as error:
            self.warnings.append(_unreadable(error, then))
            return [None] * (end - first)
        except _Skipped:
            return [None] * (end - first)
        for article, row in zip(articles, rows, strict=True):
            if article is not None:
                article.id = row[-1]  # ids depend on the corpus: a name shared by two files
        return articles

    def save_corpus(self, key: str, corpus: Corpus, paths: Sequence[str] | None = None) -> None:
        """Store a finished corpus (its problems are about this run, so they stay out).

        `paths` are the articles' files as stored (`Source.path`), their `path` when None.
        Only when every article is stored as it was processed (same content, same number of
        mentions and quotes): the corpus rows add canonical names to those rows.
        """
        self.save_results(
            key,
            CorpusResults(
                [_ArticleNames(article) for article in corpus.articles],
                corpus.entities,
                corpus.links,
                corpus.stories,
                corpus.quote_groups,
            ),
            paths if paths is not None else [a.path for a in corpus.articles],
        )

    def save_results(self, key: str, results: CorpusResults, paths: Sequence[str]) -> None:
        """Store the cross-article results of the articles stored at `paths` (in order).

        What `save_corpus` stores, from each article's names alone, so a corpus indexed
        without keeping its articles (pipeline.py) is stored as one that kept them. Every
        table's rows (the canonical names: a hundred per article; the quotation groups'
        occurrences, the entities' articles) are made and written a batch at a time and
        checksummed as they go, never all held at once. Over a retired corpus (one
        made with a file that changed or went, `_retire`) only the parts whose rows differ
        are written (`_PartsOver`); what is read back is the same either way.
        """
        try:
            with self._guard("written") as db:
                stored = {
                    path: (article, content_hash, mentions, quotes)
                    for article, path, content_hash, mentions, quotes in db.execute(
                        "SELECT id, path, content_hash, mentions, quotes FROM articles "
                        "WHERE fingerprint = ?",
                        (code_fingerprint(),),
                    )
                }
                base = _retired(db)
                made = _corpus_rows(results, paths, stored, base[1] if base else None)
                del stored
                if made is None:
                    return
                with backend.transaction(db):
                    old = db.execute("SELECT id FROM corpora WHERE key = ?", (key,)).fetchone()
                    if old is not None:
                        self._delete_corpus(db, old[0])
                    if base is not None and not _still_retired(db, base[0]):
                        base = None  # another kabar wrote over it meanwhile
                    over = None
                    if base is None:
                        number = db.execute(
                            "SELECT COALESCE(MAX(id), 0) + 1 FROM corpora"
                        ).fetchone()[0]
                    else:
                        number = base[0]
                        over = _PartsOver(db, number, made.articles)
                    parts = over or _Parts()
                    for table, columns in _CORPUS_TABLES.items():
                        marks = ", ".join("?" * (1 + len(columns)))
                        insert = (
                            f"INSERT INTO {table} (corpus, {', '.join(columns)}) VALUES ({marks})"
                        )
                        for batch in made.tables[table]():  # each digested as it is written
                            parts.add(table, batch)
                            if over is None:
                                db.executemany(insert, ((number, *row) for row in batch))
                        parts.done()
                    if over is None:
                        db.executemany(
                            "INSERT INTO corpus_parts (corpus, tab, block, sub, rows, checksum) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            ((number, *part, *value) for part, value in parts.found.items()),
                        )
                        db.execute(
                            "INSERT INTO corpora (id, key, last_used, checksum) "
                            "VALUES (?, ?, ?, ?)",
                            (number, key, time.time(), _corpus_checksum(parts.found)),
                        )
                    else:
                        over.finish()
                        db.execute(
                            "UPDATE corpora SET key = ?, last_used = ?, checksum = ? WHERE id = ?",
                            (key, time.time(), _corpus_checksum(parts.found), number),
                        )
                    kept = db.execute("SELECT id FROM corpora ORDER BY last_used DESC").fetchall()
                    for (corpus_number,) in kept[KEPT_CORPORA:]:
                        self._delete_corpus(db, corpus_number)
        except _Skipped:
            pass

    def clear(self) -> None:
        """Forget everything (`kabar index --rebuild`) but the order files arrived in,
        which a rebuild orders its corpus by, as the updates it replaces did."""
        try:
            with self._guard("cleared") as db:
                with backend.transaction(db):
                    tables = (
                        *_CORPUS_TABLES,
                        "corpus_parts",
                        *backend.SEARCH_TABLES,
                        *backend.LINK_TABLES,
                        "corpora",
                        "article_digests",
                    )
                    for table in (*tables, *(s.table for s in RECORDS)):
                        db.execute(f"DELETE FROM {table}")
                    db.execute("DELETE FROM articles")
                backend.vacuum(db)
        except _Skipped:
            pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ArticleNames(Protocol):
    """One article's part of the cross-article results: its canonical names."""

    @property
    def id(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    def mention_names(self) -> Sequence[str]: ...  # canonical name of each mention
    def speakers(self) -> Sequence[str | None]: ...  # of each quotation's speaker


@dataclass(slots=True)
class CorpusResults:
    """What `finish_corpus` found, for `Storage.save_results`: per article (in corpus
    order) and for the corpus."""

    articles: Sequence[ArticleNames]
    entities: list[EntityRecord]
    links: list[Link]
    stories: list[Story]
    quote_groups: Sequence[QuoteRecord]


@dataclass(slots=True)
class StoredNames:
    """One article's canonical names as a stored corpus holds them (ArticleNames)."""

    id: str
    content_hash: str
    names: list[str]
    quote_speakers: list[str | None]

    def mention_names(self) -> list[str]:
        return self.names

    def speakers(self) -> list[str | None]:
        return self.quote_speakers


# Tables an update reads whole (`Storage.stored_results`), checked part by part.
_UPDATE_READS = ("corpus_articles", "entities", "entity_aliases", "links")


@dataclass(slots=True)
class StoredResults:
    """A stored corpus as an update starts from it (`Storage.stored_results`)."""

    heads: list[Row]  # (articles.id, article id, title, published, utc_offset, zone)
    entities: list[EntityRecord]  # by their stored number, without their articles
    links: dict[int, Link]  # by their stored position


@dataclass(slots=True)
class ResultsUpdate:
    """What an update changes in a stored corpus (`Storage.update_results`): the new
    articles (their names; `paths` their files), added after the stored ones; the
    entities it touched, by stored number (new ones numbered after the stored), as they
    are now, each with the ids of the articles to add to its list; the stored links that
    go (by position) and the links added; every story; the quotation groups it touched,
    by position (new ones after the stored), as they are now, each with the occurrences
    to add."""

    articles: Sequence[ArticleNames]
    paths: Sequence[str]
    entities: list[tuple[int, EntityRecord, list[str]]]
    links_gone: list[int]
    links_added: list[Link]
    stories: list[Story]
    quote_groups: list[tuple[int, QuoteRecord, list[QuoteOccurrence]]]


def _quote_key(text: str) -> str:
    """`quote_grouping.quote_key`, imported when a corpus is stored: a cached open imports no
    processing code."""
    from kabar_tui.core.corpus.quote_grouping import quote_key

    return quote_key(text)


def _next_position(db: sqlite3.Connection, table: str, corpus: int, parent: int | None) -> int:
    """The position after the last stored row of `table` (of `parent`)."""
    keys = _CORPUS_TABLES[table]
    sql, values, column = "WHERE corpus = ?", [corpus], keys[0]
    if parent is not None:
        sql, column = f"{sql} AND {keys[0]} = ?", keys[1]
        values.append(parent)
    found = db.execute(f"SELECT COALESCE(MAX({column}), -1) + 1 FROM {table} {sql}", values)
    return int(found.fetchone()[0])


def _update_rows(
    db: sqlite3.Connection,
    corpus: int,
    kept: int,
    ids: Sequence[str],
    changes: ResultsUpdate,
    stored: dict[str, tuple[int, str, int, int]],
) -> tuple[dict[str, list[Row]], list[tuple[str, tuple[int, ...]]]] | None:
    """The rows `changes` insert, and the rows they delete (by table and leading key
    columns; none: all of the corpus's); None when they cannot be made."""
    if len(changes.paths) != len(changes.articles) or len(ids) != kept + len(changes.articles):
        return None
    # the first position of each id, made by C calls (the ids of every article)
    positions = dict(zip(reversed(ids), range(len(ids) - 1, -1, -1), strict=True))
    inserted: dict[str, list[Row]] = {table: [] for table in _CORPUS_TABLES}
    deleted: list[tuple[str, tuple[int, ...]]] = []
    wanted: set[str] = set()
    for position, (article, path) in enumerate(
        zip(changes.articles, changes.paths, strict=True), kept
    ):
        row = stored.get(path)
        mention_names, speakers = article.mention_names(), article.speakers()
        if row is None or row[1:] != (article.content_hash, len(mention_names), len(speakers)):
            return None
        inserted["corpus_articles"].append((position, row[0], _plain(article.id)))
        wanted.update(map(_plain, mention_names))  # type: ignore[arg-type]
        wanted.update(_plain(s) for s in speakers if s is not None)  # type: ignore[misc]
    wanted.update(_plain(entity.canonical) for _, entity, _ in changes.entities)  # type: ignore[misc]
    wanted.update(
        _plain(group.speaker_canonical)  # type: ignore[misc]
        for _, group, _ in changes.quote_groups
        if group.speaker_canonical is not None
    )
    names: dict[str, int] = {}
    for part in in_batches(sorted(wanted)):
        marks = ", ".join("?" * len(part))
        names.update(
            (text, number)
            for number, text in db.execute(
                f"SELECT number, text FROM names WHERE corpus = ? AND text IN ({marks})",
                (corpus, *part),
            )
        )
    number = _next_position(db, "names", corpus, None)
    for text in sorted(wanted - names.keys()):
        names[text] = number
        inserted["names"].append((number, text))
        number += 1
    for batch in _mention_name_rows(changes.articles, names, kept):
        inserted["mention_names"].extend(batch)
    for batch in _speaker_rows(changes.articles, names, kept):
        inserted["quote_speakers"].extend(batch)
    try:
        for number, entity, added in changes.entities:
            deleted += [("entities", (number,)), ("entity_aliases", (number,))]
            inserted["entities"].append(
                (number, names[_plain(entity.canonical)], _plain(entity.label), entity.mentions)  # type: ignore[index]
            )
            inserted["entity_aliases"].extend(
                (number, n, _plain(alias)) for n, alias in enumerate(entity.aliases)
            )
            start = _next_position(db, "entity_articles", corpus, number) if added else 0
            inserted["entity_articles"].extend(
                (number, n, positions[a]) for n, a in enumerate(added, start)
            )
        deleted.extend(("links", (position,)) for position in changes.links_gone)
        start = _next_position(db, "links", corpus, None)
        inserted["links"] += [
            _link_row(number, link, positions)
            for number, link in enumerate(changes.links_added, start)
        ]
        deleted += [("stories", ()), ("story_articles", ())]
        for number, story in enumerate(changes.stories):
            inserted["stories"].append(_plain_row((number, story.id, story.title)))
            inserted["story_articles"].extend(
                (number, n, positions[a]) for n, a in enumerate(story.articles)
            )
        for number, group, occurrences in changes.quote_groups:
            deleted.append(("quote_groups", (number,)))
            speaker = group.speaker_canonical
            inserted["quote_groups"].append(
                (
                    number,
                    _plain(group.text),
                    None if speaker is None else names[_plain(speaker)],  # type: ignore[index]
                    _quote_key(group.text),
                )
            )
            start = _next_position(db, "quote_occurrences", corpus, number) if occurrences else 0
            inserted["quote_occurrences"].extend(
                _plain_row(
                    (number, n, positions[o.article], o.paragraph, o.start, o.end, o.speaker)
                )
                for n, o in enumerate(occurrences, start)
            )
    except KeyError:  # a result names an article the corpus does not hold
        return None
    return inserted, deleted


def _write_parts(
    db: sqlite3.Connection,
    corpus: int,
    inserted: dict[str, list[Row]],
    deleted: list[tuple[str, tuple[int, ...]]],
) -> int:
    """Delete and insert rows of a stored corpus, in a transaction: the parts (`_PART`)
    they fall in are checked first (PartDamaged) and digested again after. Returns what
    the parts' hashes add to the corpus checksum's sum (`_corpus_checksum`)."""
    affected: set[Part] = set()
    whole = [table for table, prefix in deleted if not prefix or _PART[table][1]]
    stored = _stored_parts(db, corpus, whole) if whole else {}
    for table, prefix in deleted:
        first, second = _PART[table]
        if not prefix or second:
            affected.update(
                part
                for part in stored
                if part[0] == table and (not prefix or part[1] == prefix[0] // first)
            )
        else:
            affected.add((table, prefix[0] // first, 0))
    for table, rows in inserted.items():
        affected.update(_part_of(table, row) for row in rows)
    change = 0
    for part in affected:
        found = db.execute(
            "SELECT rows, checksum FROM corpus_parts "
            "WHERE corpus = ? AND tab = ? AND block = ? AND sub = ?",
            (corpus, *part),
        ).fetchone()
        rows = _part_rows(db, corpus, part)
        if (found or rows) and tuple(found or ()) != (len(rows), _part_checksum(part[0], rows)):
            raise PartDamaged(part)
        if found:
            change -= _part_hash(part, tuple(found))  # type: ignore[arg-type]
    for table, prefix in deleted:
        keys = _CORPUS_TABLES[table][: len(prefix)]
        where = "".join(f" AND {key} = ?" for key in keys)
        db.execute(f"DELETE FROM {table} WHERE corpus = ?{where}", (corpus, *prefix))
    for table, rows in inserted.items():
        columns = _CORPUS_TABLES[table]
        marks = ", ".join("?" * (1 + len(columns)))
        db.executemany(
            f"INSERT INTO {table} (corpus, {', '.join(columns)}) VALUES ({marks})",
            ((corpus, *row) for row in rows),
        )
    for part in affected:
        db.execute(
            "DELETE FROM corpus_parts WHERE corpus = ? AND tab = ? AND block = ? AND sub = ?",
            (corpus, *part),
        )
        rows = _part_rows(db, corpus, part)
        if rows:
            value = (len(rows), _part_checksum(part[0], rows))
            change += _part_hash(part, value)
            db.execute(
                "INSERT INTO corpus_parts (corpus, tab, block, sub, rows, checksum) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (corpus, *part, *value),
            )
    return change


@dataclass(slots=True)
class _ArticleNames:
    """An `Article` of a finished corpus as ArticleNames."""

    article: Article

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def content_hash(self) -> str:
        return self.article.content_hash

    def mention_names(self) -> list[str]:
        return [mention.canonical for mention in self.article.entities]

    def speakers(self) -> list[str | None]:
        return [quote.speaker_canonical for quote in self.article.quotes]


def _mention_name_rows(
    articles: Sequence[ArticleNames], names: dict[str, int], first: int = 0
) -> Iterator[list[Row]]:
    """`mention_names` rows (one per article with mentions: its names packed), a batch of
    articles at a time; the first article is at corpus position `first`. Canonical names
    are plain text (no enum), looked up as they are: no `_plain` call per mention."""
    batch: list[Row] = []
    for position, article in enumerate(articles, first):
        mentioned = article.mention_names()
        if mentioned:
            batch.append((position, pack_names(array("I", map(names.__getitem__, mentioned)))))
        if len(batch) >= _ROW_BATCH // 64:
            yield batch
            batch = []
    yield batch


def _speaker_rows(
    articles: Sequence[ArticleNames], names: dict[str, int], first: int = 0
) -> Iterator[list[Row]]:
    """`quote_speakers` rows, a batch of articles at a time; the first article is at
    corpus position `first`."""
    batch: list[Row] = []
    for position, article in enumerate(articles, first):
        batch.extend(
            (position, number, None if name is None else names[_plain(name)])  # type: ignore[index]
            for number, name in enumerate(article.speakers())
        )
        if len(batch) >= _ROW_BATCH:
            yield batch
            batch = []
    yield batch


def _names_of(db: sqlite3.Connection, corpus: int, packed: Iterable[array[int]]) -> list[str]:
    """The texts of these articles' name numbers, in order, looked up in the corpus's
    `names` a batch of numbers at a time (an article of a 100k corpus needs a few of
    its names, not all)."""
    codes = list(itertools.chain.from_iterable(packed))
    texts: dict[int, str] = {}
    for part in in_batches(sorted(set(codes))):
        texts.update(
            db.execute(
                f"SELECT number, text FROM names WHERE corpus = ? AND number IN "
                f"({', '.join('?' * len(part))})",
                (corpus, *part),
            ).fetchall()
        )
    return list(map(texts.__getitem__, codes))


Part = tuple[str, int, int]  # table, block of its first key, block of its second (or 0)


def _part_of(table: str, row: Row) -> Part:
    first, second = _PART[table]
    return table, row[0] // first, row[1] // second if second else 0


def _part_checksum(table: str, rows: Sequence[Row]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    kinds = _KINDS[table]
    if table in _UNREAD:
        _digest_columns(digest, [[row[-1] for row in rows]], kinds)
    else:
        _digest_columns(digest, _columns(rows, len(kinds)), kinds)
    return digest.hexdigest()


class _Parts:
    """The parts (`_PART`) of per-corpus rows given in key order, a batch at a time (a
    part may span batches): each part's row count and checksum."""

    def __init__(self) -> None:
        self.found: dict[Part, tuple[int, str]] = {}
        self._part: Part | None = None
        self._rows: list[Row] = []

    def add(self, table: str, rows: Sequence[Row]) -> None:
        first, second = _PART[table]
        start = 0
        while start < len(rows):
            part = _part_of(table, rows[start])
            if second:  # the end of this block of the second key, or of the first key
                bound: tuple[int, ...] = (rows[start][0], (part[2] + 1) * second)
            else:
                bound = ((part[1] + 1) * first,)
            end = bisect.bisect_left(rows, bound, start)  # type: ignore[arg-type]
            if part != self._part:
                self._flush()
                self._part = part
            self._rows.extend(rows[start:end])
            start = end

    def _flush(self) -> None:
        if self._part is not None and self._rows:
            value = (len(self._rows), _part_checksum(self._part[0], self._rows))
            self.found[self._part] = value
            self._made(self._part, value, self._rows)
        self._rows = []

    def _made(self, part: Part, value: tuple[int, str], rows: list[Row]) -> None:
        """A part is complete: `value` is its row count and checksum."""

    def done(self) -> dict[Part, tuple[int, str]]:
        self._flush()
        self._part = None
        return self.found


def _first_free_id(db: sqlite3.Connection) -> int:
    """The id for a new article row: above every stored article and every article a
    stored corpus still names. `articles.id` has no AUTOINCREMENT, so after a delete
    the highest ids would come back, and a retired corpus (`Storage._retire`) whose rows
    name a deleted article would take the new one, of other content, for it: its rows
    written over or its link state kept as if that article were unchanged."""
    (first,) = db.execute(
        "SELECT MAX(COALESCE((SELECT MAX(id) FROM articles), 0), "
        "COALESCE((SELECT MAX(article) FROM corpus_articles), 0)) + 1"
    ).fetchone()
    return int(first)


class _PartsOver(_Parts):
    """`_Parts` of rows written over a stored corpus's: each part whose row count and
    checksum are the stored part's is left as stored, the others' rows are deleted and
    written again, and `finish` deletes the stored parts no longer made. The speakers'
    table's checksum covers its names alone (`_UNREAD`), so its part is left only when
    the corpus positions it covers hold the same stored articles (and so the same number
    of names each) as before: `articles` are the stored article of each position (a
    changed article is stored anew under an id no stored corpus names: `_first_free_id`)."""

    def __init__(self, db: sqlite3.Connection, corpus: int, articles: Sequence[int]) -> None:
        super().__init__()
        self._db = db
        self._corpus = corpus
        self._articles = articles
        self._stored = _stored_parts(db, corpus, tuple(_CORPUS_TABLES))
        self._before = [
            article
            for (article,) in db.execute(
                "SELECT article FROM corpus_articles WHERE corpus = ? ORDER BY position",
                (corpus,),
            )
        ]

    def _made(self, part: Part, value: tuple[int, str], rows: list[Row]) -> None:
        table, block, _ = part
        first = _PART[table][0]
        if self._stored.pop(part, None) == value and (
            table not in _UNREAD
            or self._before[block * first : (block + 1) * first]
            == self._articles[block * first : (block + 1) * first]
        ):
            return
        self._replace(part, rows)

    def _replace(self, part: Part, rows: Sequence[Row]) -> None:
        table = part[0]
        keys = _CORPUS_TABLES[table]
        where, bounds = _part_where(part)
        self._db.execute(
            f"DELETE FROM {table} WHERE corpus = ? AND {where}", (self._corpus, *bounds)
        )
        self._db.execute(
            "DELETE FROM corpus_parts WHERE corpus = ? AND tab = ? AND block = ? AND sub = ?",
            (self._corpus, *part),
        )
        if rows:
            marks = ", ".join("?" * (1 + len(keys)))
            self._db.executemany(
                f"INSERT INTO {table} (corpus, {', '.join(keys)}) VALUES ({marks})",
                ((self._corpus, *row) for row in rows),
            )
            self._db.execute(
                "INSERT INTO corpus_parts (corpus, tab, block, sub, rows, checksum) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self._corpus, *part, *self.found[part]),
            )

    def finish(self) -> None:
        """Delete the stored parts that no rows were made for."""
        for part in list(self._stored):
            self._replace(part, ())
        self._stored.clear()


def _parts_of(tables: dict[str, list[Row]]) -> dict[Part, tuple[int, str]]:
    """The parts of these tables' rows (each in key order, as read)."""
    parts = _Parts()
    for table in _READ:
        if table in tables:
            parts.add(table, tables[table])
            parts.done()
    return parts.found


_SUM = 1 << 128


def _part_hash(part: Part, value: tuple[int, str]) -> int:
    line = "\0".join(map(str, (*part, *value))).encode()
    return int.from_bytes(hashlib.blake2b(line, digest_size=16).digest())


def _corpus_checksum(parts: dict[Part, tuple[int, str]], start: int = 0) -> str:
    """The corpus checksum: the sum of a hash of every part (its place, row count and
    checksum: `_PART`), so that an update changes it by the parts it wrote alone, with
    no need to read the others' (`_write_parts`); `start` a sum to add to."""
    total = sum((_part_hash(part, value) for part, value in parts.items()), start)
    return f"{total % _SUM:032x}"


def _stored_parts(
    db: sqlite3.Connection, corpus: int, tables: Sequence[str]
) -> dict[Part, tuple[int, str]]:
    """The stored parts of these tables of a corpus."""
    rows = db.execute(
        "SELECT tab, block, sub, rows, checksum FROM corpus_parts WHERE corpus = ? "
        f"AND tab IN ({', '.join('?' * len(tables))})",
        (corpus, *tables),
    )
    return {(t, block, sub): (count, checksum) for t, block, sub, count, checksum in rows}


def _part_rows(db: sqlite3.Connection, corpus: int, part: Part) -> list[Row]:
    """The stored rows of one part, in key order, as `_corpus_tables` reads them."""
    table = part[0]
    where, bounds = _part_where(part)
    return db.execute(
        f"SELECT {', '.join(_READ[table])} FROM {table} WHERE corpus = ? AND {where} "
        f"ORDER BY {_ORDER[table]}",
        (corpus, *bounds),
    ).fetchall()


def _part_where(part: Part) -> tuple[str, tuple[int, ...]]:
    """The condition on a table's key columns that selects one part's rows, and its values."""
    table, block, sub = part
    first, second = _PART[table]
    keys = _CORPUS_TABLES[table]
    where = f"{keys[0]} BETWEEN ? AND ?"
    bounds: tuple[int, ...] = (block * first, block * first + first - 1)
    if second:
        where += f" AND {keys[1]} BETWEEN ? AND ?"
        bounds += (sub * second, sub * second + second - 1)
    return where, bounds


class PartDamaged(Exception):
    """Stored per-corpus rows do not match their part's checksum."""


def _corpus_tables(
    db: sqlite3.Connection, corpus: int, skipped: Iterable[str] = ()
) -> dict[str, list[Row]]:
    """The rows of a stored corpus's per-corpus tables, in their stored order (but the
    `skipped` tables)."""
    return {
        table: db.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE corpus = ? ORDER BY {_ORDER[table]}",
            (corpus,),
        ).fetchall()
        for table, columns in _READ.items()
        if table not in skipped
    }


class _CorpusRows(NamedTuple):
    """What `_corpus_rows` makes: the stored article of each corpus position, and each
    per-corpus table's rows (without the corpus number) as a function giving them a
    batch at a time, made as they are asked for."""

    articles: list[int]
    tables: dict[str, Callable[[], Iterator[list[Row]]]]


def _corpus_rows(
    results: CorpusResults,
    paths: Sequence[str],
    stored: dict[str, tuple[int, str, int, int]],
    before: _Numbers | None = None,
) -> _CorpusRows | None:
    """Every per-corpus table's rows, made a batch at a time as they are written (at 100k
    articles the quotation and entity rows held at once were 0.6 GB); None if the rows
    cannot be made. Names and entities are numbered in order, or as in `before` where
    they can be (`_numbered`)."""
    positions: dict[str, int] = {}
    texts: dict[str, None] = {}
    articles: list[Row] = []
    if len(paths) != len(results.articles):
        return None
    for position, (article, path) in enumerate(zip(results.articles, paths, strict=True)):
        row = stored.get(path)
        mention_names, speakers = article.mention_names(), article.speakers()
        if row is None or row[1:] != (article.content_hash, len(mention_names), len(speakers)):
            return None
        positions.setdefault(article.id, position)
        articles.append((position, row[0], _plain(article.id)))
        texts.update(dict.fromkeys(map(_plain, mention_names)))  # type: ignore[arg-type]
        texts.update(dict.fromkeys(_plain(s) for s in speakers if s is not None))  # type: ignore[misc]
    if not _all_held(results, positions):  # a result names an article the corpus lacks
        return None
    for entity in results.entities:
        texts[_plain(entity.canonical)] = None  # type: ignore[index]
    for group in results.quote_groups:
        if group.speaker_canonical is not None:
            texts[_plain(group.speaker_canonical)] = None  # type: ignore[index]
    names = _numbered(list(texts), before.names if before else None)
    del texts
    identities = [(_plain(e.canonical), _plain(e.label)) for e in results.entities]
    ranks = {(e.mentions, e.canonical) for e in results.entities}
    # Stored entities are ranked when read, ties in stored order: numbered as before only
    # when no two tie (and none share a name and label), so the order read is the same.
    renumbered = before is not None and len(ranks) == len(set(identities)) == len(identities)
    numbers: Sequence[int] = range(len(identities))
    if renumbered:
        numbering = _numbered(identities, before.entities)  # type: ignore[union-attr]
        numbers = [numbering[identity] for identity in identities]
    # written in the order of their numbers (each entity's rows in key order)
    entities = sorted(
        zip(numbers, identities, results.entities, strict=True), key=operator.itemgetter(0)
    )
    made: dict[str, Callable[[], Iterable[Row]]] = {
        "corpus_articles": lambda: articles,
        "names": lambda: enumerate(_by_number(names)),
        "entities": lambda: (
            (number, names[identity[0]], identity[1], entity.mentions)  # type: ignore[index]
            for number, identity, entity in entities
        ),
        "entity_aliases": lambda: (
            (number, n, _plain(alias))
            for number, _, entity in entities
            for n, alias in enumerate(entity.aliases)
        ),
        "entity_articles": lambda: (
            (number, n, positions[a])
            for number, _, entity in entities
            for n, a in enumerate(entity.articles)
        ),
        "links": lambda: (
            _link_row(number, link, positions) for number, link in enumerate(results.links)
        ),
        "stories": lambda: (
            _plain_row((number, story.id, story.title))
            for number, story in enumerate(results.stories)
        ),
        "story_articles": lambda: (
            (number, n, positions[a])
            for number, story in enumerate(results.stories)
            for n, a in enumerate(story.articles)
        ),
        "quote_groups": lambda: (
            (
                number,
                _plain(group.text),
                None if group.speaker_canonical is None else names[_plain(group.speaker_canonical)],  # type: ignore[index]
                _quote_key(group.text),
            )
            for number, group in enumerate(results.quote_groups)
        ),
        "quote_occurrences": lambda: (
            _plain_row((number, n, positions[o.article], o.paragraph, o.start, o.end, o.speaker))
            for number, group in enumerate(results.quote_groups)
            for n, o in enumerate(group.occurrences)
        ),
    }
    tables: dict[str, Callable[[], Iterator[list[Row]]]] = {
        table: functools.partial(_batches, rows) for table, rows in made.items()
    }
    tables["mention_names"] = functools.partial(_mention_name_rows, results.articles, names)
    tables["quote_speakers"] = functools.partial(_speaker_rows, results.articles, names)
    return _CorpusRows([row[1] for row in articles], tables)


def _all_held(results: CorpusResults, positions: dict[str, int]) -> bool:
    """Whether every article the results name is one of the corpus's."""
    named = itertools.chain(
        (a for entity in results.entities for a in entity.articles),
        (a for link in results.links for a in (link.source_article, link.target_article)),
        (a for story in results.stories for a in story.articles),
        (o.article for group in results.quote_groups for o in group.occurrences),
    )
    return all(map(positions.__contains__, named))


def _by_number(numbers: dict[str, int]) -> list[str]:
    """The texts numbered 0 to len(numbers) - 1 (`_numbered`), in the order of their numbers."""
    texts = [""] * len(numbers)
    for text, number in numbers.items():
        texts[number] = text
    return texts


def _batches(rows: Callable[[], Iterable[Row]]) -> Iterator[list[Row]]:
    """The rows `rows` makes, `_ROW_BATCH` at a time."""
    made = iter(rows())
    while batch := list(itertools.islice(made, _ROW_BATCH)):
        yield batch


K = TypeVar("K")


def _numbered(items: Sequence[K], before: dict[K, int] | None) -> dict[K, int]:
    """Numbers 0 to len(items) - 1 for distinct `items`: in order, or, given the numbers
    of a stored corpus (`before`), each item its number there when it is in range and
    the others the numbers left free, in order. Rows written over that corpus's then
    differ from its stored ones only where the results do (`save_results`)."""
    if before is None:
        return {item: number for number, item in enumerate(items)}
    count = len(items)
    found = {item: before[item] for item in items if before.get(item, count) < count}
    free = iter(sorted(set(range(count)) - set(found.values())))
    for item in items:
        if item not in found:
            found[item] = next(free)
    return found


@dataclass(slots=True)
class _Numbers:
    """How a stored corpus numbered its names and entities (by name and label)."""

    names: dict[str, int]
    entities: dict[tuple[str, str], int]


def _still_retired(db: sqlite3.Connection, corpus: int) -> bool:
    row = db.execute("SELECT key FROM corpora WHERE id = ?", (corpus,)).fetchone()
    return row is not None and row[0].startswith(RETIRED)


def _retired(db: sqlite3.Connection) -> tuple[int, _Numbers] | None:
    """The retired corpus (`Storage._retire`), if any, and how it numbered its names
    and entities."""
    row = db.execute(
        "SELECT id FROM corpora WHERE key LIKE ? ORDER BY last_used DESC", (RETIRED + "%",)
    ).fetchone()
    if row is None:
        return None
    names = dict(db.execute("SELECT text, number FROM names WHERE corpus = ?", row))
    entities = {
        (text, label): position
        for position, text, label in db.execute(
            "SELECT e.position, n.text, e.label FROM entities e JOIN names n "
            "ON n.corpus = e.corpus AND n.number = e.name WHERE e.corpus = ?",
            row,
        )
    }
    return row[0], _Numbers(names, entities)


def _children(rows: list[Row], parents: int, ids: list[str]) -> list[list[str]]:
    """(parent, position, article position) rows as each parent's list of article ids."""
    found: list[list[str]] = [[] for _ in range(parents)]
    for parent, group in itertools.groupby(rows, key=operator.itemgetter(0)):
        found[parent] = [ids[article] for _, _, article in group]
    return found


def _entities(
    tables: dict[str, list[Row]], names: list[str], ids: list[str], shared: dict[Any, Any]
) -> list[EntityRecord]:
    count = len(tables["entities"])
    aliases: list[list[str]] = [[] for _ in range(count)]
    for entity, group in itertools.groupby(tables["entity_aliases"], key=operator.itemgetter(0)):
        aliases[entity] = _share([alias for _, _, alias in group], shared)
    articles = _children(tables["entity_articles"], count, ids)
    entities = [
        EntityRecord(
            names[name], str(shared.setdefault(label, label)), aliases[n], mentions, articles[n]
        )
        for n, (_, name, label, mentions) in enumerate(tables["entities"])
    ]
    return ranked(entities)


def ranked(entities: list[EntityRecord]) -> list[EntityRecord]:
    """Entities in the order a corpus lists them, most mentioned first: they are stored
    under numbers that stay (an update adds to the counts of a few)."""
    return sorted(entities, key=lambda e: (-e.mentions, e.canonical))


def _links(tables: dict[str, list[Row]], ids: list[str]) -> list[Link]:
    """A stored corpus's links, its article numbers read as their ids."""
    return [
        Link(ids[source], source_paragraph, ids[target], target_paragraph, score, kind)
        for _, source, source_paragraph, target, target_paragraph, score, kind in tables["links"]
    ]


def _stories(tables: dict[str, list[Row]], ids: list[str]) -> list[Story]:
    """A stored corpus's stories, its article numbers read as their ids."""
    return [
        Story(story_id, members, title)
        for (_, story_id, title), members in zip(
            tables["stories"],
            _children(tables["story_articles"], len(tables["stories"]), ids),
            strict=True,
        )
    ]


def _quote_groups(
    tables: dict[str, list[Row]], names: list[str], ids: list[str], shared: dict[Any, Any]
) -> list[QuoteRecord]:
    occurrences: list[list[QuoteOccurrence]] = [[] for _ in tables["quote_groups"]]
    for group, rows in itertools.groupby(tables["quote_occurrences"], key=operator.itemgetter(0)):
        occurrences[group] = [
            QuoteOccurrence(
                ids[article], paragraph, start, end, shared.setdefault(speaker, speaker)
            )
            for _, _, article, paragraph, start, end, speaker in rows
        ]
    return [
        QuoteRecord(text, None if speaker is None else names[speaker], occurrences[n])
        for n, (_, text, speaker, _) in enumerate(tables["quote_groups"])
    ]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes objects by the hundred thousand, none of them garbage: without this
    the cyclic collector runs over and over and more than doubles the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
