"""The processed-corpus cache: one SQLite file in the user's cache folder.

Two kinds of rows, both pickled because unpickling is the fastest way back to dataclasses:
- one per article file, the `process_source` result, valid while the file's content hash
  and the code fingerprint match (a changed file is reprocessed alone);
- one per whole corpus, the `finish_corpus` result (links, stories, resolved entities and
  everything else on Corpus), keyed by every (path, content hash) and the fingerprint, so a
  second open of an unchanged corpus is a single read.

A file settled on disk whose size, modification time and inode match its row is not even
read again (`file_signature`). The fingerprint hashes the source of `kabar_tui/core`, so
any change to the processing code invalidates old rows without anyone remembering to bump
a version. A damaged or old-schema file is deleted and rebuilt with a warning; a locked or
unwritable cache is skipped with a warning. The cache is as trusted as the user's own
files (pickle): it lives in their own cache folder.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import io
import os
import pickle
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from platformdirs import user_cache_dir

from kabar_tui import __version__
from kabar_tui.core.model import Article, Corpus
from kabar_tui.core.sources import Source

SCHEMA_VERSION = 2  # layout of the tables below; bump when it changes
CACHE_DIR_ENV = "KABAR_CACHE_DIR"
NO_CACHE_ENV = "KABAR_NO_CACHE"
DB_NAME = "kabar-cache.sqlite3"
KEPT_CORPORA = 4  # whole-corpus rows kept, most recently used first
_LOOKUP_BATCH = 500  # stays under SQLite's limit on bound parameters
_BUSY_TIMEOUT_MS = 10_000
_STREAM_BUFFER = 1 << 20
_SETTLE_NS = 3_000_000_000
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    path TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    signature TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS corpora (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS corpus_use (key TEXT PRIMARY KEY, last_used REAL NOT NULL);
"""


class CacheUnavailable(Exception):
    """The cache cannot be used this time; the message says why in one line."""


def cache_dir() -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override).expanduser() if override else Path(user_cache_dir("kabar-tui"))


def cache_disabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "").strip().lower() not in ("", "0", "no", "false")


@functools.cache
def code_fingerprint() -> str:
    """Hash of the processing code, so rows made by other code are never trusted."""
    digest = hashlib.blake2b(digest_size=16)
    # The release too, for installs that ship compiled files only.
    digest.update(f"{SCHEMA_VERSION}:{sys.version_info[:2]}:{__version__}".encode())
    core = Path(__file__).resolve().parent
    for path in sorted(core.rglob("*.py")):
        digest.update(path.relative_to(core).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def corpus_key(sources: Sequence[Source]) -> str:
    digest = hashlib.blake2b(code_fingerprint().encode(), digest_size=16)
    for source in sources:
        digest.update(f"{source.path}\0{source.content_hash}\n".encode())
    return digest.hexdigest()


def file_signature(path: Path) -> str:
    """Size, modification time and inode, to skip reading a file the cache has seen.

    Empty (never trusted) for a file modified in the last few seconds: a second change
    within the file system's timestamp resolution would keep the signature unchanged.
    """
    try:
        stat = path.stat()
    except OSError:
        return ""
    if time.time_ns() - stat.st_mtime_ns < _SETTLE_NS:
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{stat.st_dev}"


def dump_article(article: Article) -> bytes:
    """Pickle an article, its equal short strings made one object first.

    A mention's text, a label, a speaker or a removal reason recurs dozens of times in an
    article; shared, each is stored and loaded once (a quarter less memory for a corpus
    with entities and quotes, and faster loading).
    """
    _share_strings(article, {})
    return pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)


_SHARED_MAX_LENGTH = 100  # longer strings (paragraphs) hardly ever repeat


def _share_strings(item: object, seen: dict[str, str]) -> None:
    """Replace equal short strings in a dataclass tree (fields, lists) by one object."""
    for name in _field_names(type(item)):
        value = getattr(item, name)
        if type(value) is str:
            if len(value) <= _SHARED_MAX_LENGTH:
                setattr(item, name, seen.setdefault(value, value))
        elif type(value) is list:
            for index, element in enumerate(value):
                if type(element) is str:
                    if len(element) <= _SHARED_MAX_LENGTH:
                        value[index] = seen.setdefault(element, element)
                elif _field_names(type(element)):
                    _share_strings(element, seen)
        elif _field_names(type(value)):
            _share_strings(value, seen)


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    """A dataclass's field names, empty for any other type (asked a million times a save)."""
    if not dataclasses.is_dataclass(kind):
        return ()
    return tuple(field.name for field in dataclasses.fields(kind))


# Per-article records no screen needs before the reader opens that article; a corpus
# opens without unpickling them (a million mentions for 10k articles).
DEFERRED_FIELDS = ("entities", "quotes", "removed", "edits")
_LOAD_LOCK = threading.Lock()


def _deferred(article: Article) -> Article:
    """A copy of `article` whose DEFERRED_FIELDS pickle as separate, lazily loaded blobs."""
    changes = {name: DeferredList(getattr(article, name)) for name in DEFERRED_FIELDS}
    return dataclasses.replace(article, **changes)


class DeferredList(list):  # type: ignore[type-arg]
    """A list whose items stay pickled until it is first used, then an ordinary list.

    Every list operation first unpickles the items; pickling it again stores them as one
    blob, which loads as another DeferredList.
    """

    __slots__ = ("_payload",)

    def __init__(self, items: Iterable[object] = (), payload: bytes | None = None) -> None:
        super().__init__(items)
        self._payload = payload

    def _load(self) -> None:
        if self._payload is None:
            return
        with _LOAD_LOCK:  # the reader's worker thread and the UI may both touch it
            payload = self._payload
            if payload is not None:
                list.extend(self, pickle.loads(payload))
                self._payload = None

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        payload = self._payload
        if payload is None:
            payload = pickle.dumps(list(self), protocol=pickle.HIGHEST_PROTOCOL)
        return _undeferred_later, (payload,)


def _undeferred_later(payload: bytes) -> DeferredList:
    return DeferredList(payload=payload)


def _loading_first(name: str) -> Callable[..., object]:
    method = getattr(list, name)

    def loaded(self: DeferredList, *args: object, **kwargs: object) -> object:
        self._load()
        return method(self, *args, **kwargs)

    loaded.__name__ = name
    return loaded


_LIST_METHODS = """
    __len__ __iter__ __reversed__ __getitem__ __setitem__ __delitem__ __contains__ __eq__ __ne__
    __lt__ __le__ __gt__ __ge__ __add__ __iadd__ __mul__ __rmul__ __imul__ __repr__ append extend
    insert pop remove clear index count sort reverse copy
"""
for _name in _LIST_METHODS.split():
    setattr(DeferredList, _name, _loading_first(_name))


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name in _DAMAGED or not isinstance(error, sqlite3.OperationalError)


class Storage:
    """An open cache file. Every problem is a warning in `self.warnings`, never a crash."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CacheUnavailable(f"cache not used: {error.strerror or error}") from error
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                raise CacheUnavailable(f"cache not used: {error}") from error
            self._rebuild(f"cache file was damaged ({error}); rebuilt it")
        except OSError as error:
            raise CacheUnavailable(f"cache not used: {error.strerror or error}") from error

    @classmethod
    def open_default(cls) -> Storage:
        return cls(cache_dir() / DB_NAME)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif row[0] != str(SCHEMA_VERSION):
                db.close()
                self._delete_files()
                self.warnings.append(
                    f"cache file had another layout (version {row[0]}, not {SCHEMA_VERSION}); "
                    "rebuilt it"
                )
                return self._connect()
        except BaseException:
            db.close()
            raise
        return db

    def _delete_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()

    def _rebuild(self, warning: str) -> None:
        """Throw the damaged file away and start empty; without a cache when even that fails."""
        if self._db is not None:
            self._db.close()
            self._db = None
        self.warnings.append(warning)
        try:
            self._delete_files()
            self._db = self._connect()
        except (OSError, sqlite3.Error) as error:
            self.warnings.append(f"cache not used: {error}")

    @contextlib.contextmanager
    def _guard(self, doing: str) -> Iterator[sqlite3.Connection]:
        """Run one cache operation; damage means rebuild, other errors mean go without."""
        if self._db is None:
            raise _Skipped
        try:
            yield self._db
        except sqlite3.DatabaseError as error:
            if _is_damage(error):
                self._rebuild(f"cache file was damaged ({error}); rebuilt it")
            else:
                self.warnings.append(f"cache not {doing}: {error}")
                self.close()
            raise _Skipped from error

    def load_corpus(self, key: str) -> Corpus | None:
        """The finished corpus stored under `key`, or None.

        Unpickled straight from the blob, so the tens of MB of pickle for a big corpus are
        never all in memory next to the objects made from them.
        """
        try:
            with self._guard("read") as db:
                row = db.execute("SELECT rowid FROM corpora WHERE key=?", (key,)).fetchone()
                if row is None:
                    return None
                with db.blobopen("corpora", "data", row[0], readonly=True) as blob:
                    stream = io.BufferedReader(_BlobReader(blob), _STREAM_BUFFER)
                    corpus = self._unpickle(lambda: pickle.load(stream), Corpus)
                if corpus is None:
                    db.execute("DELETE FROM corpora WHERE key=?", (key,))
                    db.execute("DELETE FROM corpus_use WHERE key=?", (key,))
                    return None
                # Apart from the blob, as updating a row rewrites all of it; a busy
                # cache only loses this bit of bookkeeping.
                with contextlib.suppress(sqlite3.OperationalError):
                    db.execute(
                        "INSERT OR REPLACE INTO corpus_use VALUES (?, ?)", (key, time.time())
                    )
                return corpus
        except _Skipped:
            return None

    def save_corpus(self, key: str, corpus: Corpus) -> None:
        """Store a finished corpus (its problems are about this run, so they stay out).

        Equal short strings are made one object across the whole corpus first: the same
        outlets, entity names and labels recur in every article.
        """
        stored = dataclasses.replace(corpus, problems=[])
        stored.articles = [_deferred(article) for article in stored.articles]
        _share_strings(stored, {})  # not inside deferred lists: each pickles on its own
        blob = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with self._guard("written") as db, _transaction(db):
                db.execute("INSERT OR REPLACE INTO corpora VALUES (?, ?)", (key, blob))
                db.execute("INSERT OR REPLACE INTO corpus_use VALUES (?, ?)", (key, time.time()))
                db.execute(
                    "DELETE FROM corpus_use WHERE key NOT IN "
                    "(SELECT key FROM corpus_use ORDER BY last_used DESC LIMIT ?)",
                    (KEPT_CORPORA,),
                )
                db.execute("DELETE FROM corpora WHERE key NOT IN (SELECT key FROM corpus_use)")
        except _Skipped:
            pass

    def known_articles(self) -> dict[str, tuple[str, str]]:
        """(content hash, file signature) by path of every article stored for this code."""
        try:
            with self._guard("read") as db:
                rows = db.execute(
                    "SELECT path, content_hash, signature FROM articles WHERE fingerprint=?",
                    (code_fingerprint(),),
                )
                return {path: (content_hash, sign) for path, content_hash, sign in rows}
        except _Skipped:
            return {}

    def update_signatures(self, signatures: Iterable[tuple[str, str]]) -> None:
        """New (path, signature) for files touched without a change of content."""
        try:
            with self._guard("written") as db, _transaction(db):
                db.executemany(
                    "UPDATE articles SET signature=? WHERE path=?",
                    [(sign, path) for path, sign in signatures],
                )
        except _Skipped:
            pass

    def load_articles(self, sources: Iterable[Source]) -> dict[str, Article]:
        """Cached articles by path, for the sources whose content and code are unchanged."""
        wanted = {source.path: source.content_hash for source in sources}
        found: dict[str, Article] = {}
        paths = list(wanted)
        fingerprint = code_fingerprint()
        try:
            with self._guard("read") as db, collector_paused():
                for start in range(0, len(paths), _LOOKUP_BATCH):
                    batch = paths[start : start + _LOOKUP_BATCH]
                    marks = ",".join("?" * len(batch))
                    rows = db.execute(
                        "SELECT path, content_hash, data FROM articles "
                        f"WHERE fingerprint=? AND path IN ({marks})",
                        (fingerprint, *batch),
                    )
                    for path, content_hash, data in rows:
                        if wanted[path] == content_hash:
                            article = self._unpickle(functools.partial(pickle.loads, data), Article)
                            if article is not None:
                                found[path] = article
        except _Skipped:
            return {}
        return found

    def save_articles(self, rows: Iterable[tuple[Source, str, bytes]]) -> None:
        """Store (source, its file signature, `dump_article` of its article) rows."""
        fingerprint = code_fingerprint()
        values = [(s.path, s.content_hash, fingerprint, sign, data) for s, sign, data in rows]
        try:
            with self._guard("written") as db, _transaction(db):
                db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)", values)
        except _Skipped:
            pass

    def clear(self) -> None:
        """Forget everything (`kabar index --rebuild`)."""
        try:
            with self._guard("cleared") as db:
                with _transaction(db):
                    db.execute("DELETE FROM articles")
                    db.execute("DELETE FROM corpora")
                    db.execute("DELETE FROM corpus_use")
                db.execute("VACUUM")
        except _Skipped:
            pass

    def _unpickle(self, load: Callable[[], object], expected: type) -> object | None:
        try:
            with collector_paused():
                value = load()
        except sqlite3.Error:
            raise
        except Exception as error:  # any garbage may raise anything; it is only a cache miss
            self.warnings.append(f"a cache entry was unreadable ({type(error).__name__})")
            return None
        return value if isinstance(value, expected) else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _BlobReader(io.RawIOBase):
    """A SQLite blob as a file, for `pickle.load`."""

    def __init__(self, blob: sqlite3.Blob) -> None:
        self._blob = blob

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._blob.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Skipped(Exception):
    """A cache operation was given up; the caller carries on without it."""


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Unpickling makes objects by the hundred thousand, none of them garbage: without this
    the cyclic collector runs over and over and more than doubles the load time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
