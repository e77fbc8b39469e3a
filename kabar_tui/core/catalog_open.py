"""Open a corpus the cache already holds, reading no article file and loading no article.

The fast path of every command: find the files, check each against its stored signature
by its metadata alone (`storage.unchanged_by_metadata`), compute the corpus key, and when
the cache holds that corpus answer its `StoredCatalog`. Anything else (a new, changed or
gone file, a corpus never linked, no cache) answers None, and the caller indexes
(`pipeline.index_corpus`), which reads, processes and stores what changed. This module
does not import the processing stages, so a cached command starts without them.

The corpus found for a set of folders is remembered (a `meta` row), so the reader can show
it at once with `recent_catalog`, before checking a file, and check them in the
background (stale-while-revalidate: docs/ui.md).

With it is remembered a digest of every article file's path and metadata (`_snapshot`):
when the folders still give that digest, the corpus is the one remembered, without
reading each file's stored signature, naming the files or computing the corpus key. At
100k files those took 3 s of CPU; the walk and the digest take 0.4 s (docs/search.md).
The digest is of the files in the order the walk meets them (`discover_paths` gives their
statuses in that order), not sorted, and an open with a digest remembered walks the
folders alone first (`_walked_snapshot`: no list of files, no sort, no path objects):
half the CPU of `discover_paths` and the sorted digest at 100k files. Each file is still
looked at (one `stat`): a folder's own times do not change when a file in it is written
in place, so nothing cheaper tells every change (docs/ui.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from kabar_tui.core.catalog_store import StoredCatalog
from kabar_tui.core.model import Problem
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.sources import (
    ARTICLE_SUFFIX,
    Source,
    article_ids,
    discover_paths,
    path_key,
    read_source,
)
from kabar_tui.core.storage import (
    CacheUnavailable,
    Skipped,
    Storage,
    cache_disabled,
    code_fingerprint,
    corpus_key,
    unchanged_by_metadata,
)

_RECENT = "recent corpus "  # meta key prefix: the corpus last found for a set of roots
_SNAPSHOT = "snapshot "  # meta key prefix: the files' digest the corpus was found with


def open_catalog(
    paths: Iterable[str | Path] | None = None, cache: Storage | bool = True
) -> tuple[StoredCatalog | None, list[Problem]]:
    """The stored catalog of the articles under `paths` (the bundled seeds when None).

    With a catalog come the problems indexing would have said (paths that do not exist,
    files that are not articles). Without one come only the cache's own warnings: the
    indexing that follows says the rest again. `cache` is True for the user's cache, or
    an open Storage, which the catalog then uses (and closes with `close`).
    """
    roots = list(paths) if paths else [seeds_dir()]
    if cache is False or (cache is True and cache_disabled()):
        return None, []
    try:
        storage = cache if isinstance(cache, Storage) else Storage.open_default()
    except CacheUnavailable as error:
        return None, [Problem("cache", str(error))]
    digest, remembered, recent = _remembered_snapshot(storage, roots)
    number = storage.find_corpus(remembered) if digest and remembered else None
    same = number is not None and _walked_snapshot(roots) == digest
    if not same:
        statuses: dict[str, os.stat_result] = {}
        files, problems = discover_paths(roots, statuses)
        snapshot = _snapshot(files, statuses, problems)
        same = number is not None and snapshot == digest
    if same and number is not None:  # the folders are as they were
        if recent != remembered:  # remembered by indexing: opened now
            _remember(storage, roots, remembered, digest)
        warnings = [Problem(str(storage.path), warning) for warning in storage.warnings]
        storage.warnings.clear()
        return StoredCatalog(storage, number, remembered, warnings), []
    sources = _unchanged_sources(files, storage, problems, statuses)
    key = corpus_key(sources) if sources is not None else ""
    number = storage.find_corpus(key) if key else None
    warnings = [Problem(str(storage.path), warning) for warning in storage.warnings]
    storage.warnings.clear()
    if number is None:
        if cache is True:
            storage.close()
        return None, warnings
    _remember(storage, roots, key, snapshot if not problems else None)
    return StoredCatalog(storage, number, key, problems + warnings), []


def recent_catalog(paths: Iterable[str | Path] | None = None) -> StoredCatalog | None:
    """The corpus `open_catalog` last found for these paths, opened without looking at a
    file: it may be stale, and the caller checks with `open_catalog` afterwards."""
    roots = list(paths) if paths else [seeds_dir()]
    if cache_disabled():
        return None
    try:
        storage = Storage.open_default()
    except CacheUnavailable:
        return None
    try:
        with storage.guard("read") as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (_roots_key(roots),))
            found = row.fetchone()
    except Skipped:
        found = None
    return _opened(storage, found[0]) if found else None


def reopen_catalog(key: str) -> StoredCatalog | None:
    """The stored corpus `key` on a connection of its own (for another thread), unchecked."""
    try:
        storage = Storage.open_default()
    except CacheUnavailable:
        return None
    return _opened(storage, key)


def _opened(storage: Storage, key: str) -> StoredCatalog | None:
    number = storage.find_corpus(key)
    if number is None:
        storage.close()
        return None
    return StoredCatalog(storage, number, key)


def remember_indexed(
    storage: Storage,
    roots: Sequence[str | Path],
    files: Sequence[str],
    statuses: dict[str, os.stat_result],
    key: str,
) -> None:
    """Note the corpus `key`, just indexed from `files` (found with their `statuses`
    before they were read), as the corpus of `roots` with the files' snapshot: the next
    open of those folders takes the fast path. A file changed since has other metadata,
    so that open checks file by file."""
    snapshot = _snapshot(files, statuses, ())
    if snapshot and storage.find_corpus(key) is not None:
        _remember(storage, roots, key, snapshot, opened=False)


def _roots_key(roots: Sequence[str | Path]) -> str:
    """The meta key for a set of roots: where they really are, and the processing code."""
    where = sorted(os.path.realpath(Path(root).expanduser()) for root in roots)
    digest = hashlib.blake2b(code_fingerprint().encode(), digest_size=16)
    digest.update("\0".join(where).encode("utf-8", "surrogateescape"))
    return _RECENT + digest.hexdigest()


def _remember(
    storage: Storage,
    roots: Sequence[str | Path],
    key: str,
    snapshot: str | None,
    opened: bool = True,
) -> None:
    """Note `key` as the corpus of `roots`, and the files' `snapshot` it was found with
    (None: none to trust, as when a file is not an article and must be said again);
    the corpus last opened for them (`recent_catalog`) only when it was `opened`.
    Bookkeeping: a busy cache skips it, and the catalog's connection stays open."""
    rows = [(_roots_key(roots), key), (_snapshot_key(roots), f"{snapshot} {key}")]
    rows = rows if opened else rows[1:]
    try:
        with storage.guard("read") as db, contextlib.suppress(sqlite3.OperationalError):
            db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                rows if snapshot else rows[:-1],
            )
            if not snapshot:
                db.execute("DELETE FROM meta WHERE key = ?", (_snapshot_key(roots),))
    except Skipped:
        pass


def _snapshot_key(roots: Sequence[str | Path]) -> str:
    return _SNAPSHOT + _roots_key(roots)[len(_RECENT) :]


def _remembered_snapshot(storage: Storage, roots: Sequence[str | Path]) -> tuple[str, str, str]:
    """The digest of the files of `roots` when a corpus was last found for them, and that
    corpus's key ("" and "" when none is remembered); and the key of the corpus last
    opened for them."""
    try:
        with storage.guard("read") as db:
            rows = dict(
                db.execute(
                    "SELECT key, value FROM meta WHERE key IN (?, ?)",
                    (_snapshot_key(roots), _roots_key(roots)),
                )
            )
    except Skipped:
        return "", "", ""
    digest, _, key = rows.get(_snapshot_key(roots), "").partition(" ")
    return digest, key, rows.get(_roots_key(roots), "")


def _snapshot(
    files: Sequence[str], statuses: dict[str, os.stat_result], problems: Sequence[Problem]
) -> str:
    """A digest of the article files `discover_paths` found with their size, times,
    inode and device (`statuses`, taken in its walk, in the order it met them): what
    `unchanged_by_metadata` checks, for all at once. "" when the walk met a problem (a
    root missing, a folder unreadable) or a file has no status, or on systems without a
    change time (as `unchanged_by_metadata`)."""
    if os.name != "posix" or problems or any(file not in statuses for file in files):
        return ""
    listed = set(files)
    lines = [_status_line(path, status) for path, status in statuses.items() if path in listed]
    return _digest(lines) if len(lines) == len(listed) else ""


def _digest(lines: list[str]) -> str:
    joined = "\n".join(lines).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


def _walked_snapshot(roots: Sequence[str | Path]) -> str | None:
    """`_snapshot` of what `discover_paths` would find under `roots`, walking as it walks
    (the same order) and keeping nothing but the digest's lines; None for what only
    `discover_paths` says right (a root that is not a folder, a folder without articles
    or unreadable, an entry gone while read): the caller then asks it. A digest that is
    not the remembered one costs a second walk, and the file-by-file check follows."""
    if os.name != "posix":
        return None
    lines: list[str] = []
    seen: set[str] = set()
    try:
        for root in roots:
            top = Path(root).expanduser()
            if not top.is_dir():
                return None
            found = False
            pending = [os.path.realpath(top)]
            while pending:
                for entry in os.scandir(pending.pop()):
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith(ARTICLE_SUFFIX) and entry.is_file():
                        found = True
                        path = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
                        if path not in seen:
                            seen.add(path)
                            lines.append(_status_line(path, entry.stat()))
            if not found:
                return None
    except OSError:
        return None
    return _digest(lines)


def _status_line(path: str, status: os.stat_result) -> str:
    return (
        f"{path}\0{status.st_size}:{status.st_mtime_ns}:{status.st_ino}:{status.st_dev}:"
        f"{status.st_ctime_ns}"
    )


def _unchanged_sources(
    files: list[str],
    storage: Storage,
    problems: list[Problem],
    statuses: dict[str, os.stat_result],
) -> list[Source] | None:
    """The files as sources without text, when every one is stored and unchanged since
    (by their `statuses`, taken as they were found).

    A file the cache has no row for is read only to tell a file that is not an article (a
    problem, as indexing says it) from a new article (None: indexing is needed).
    """
    known = storage.known_articles()
    sources = []
    for file, article_id in zip(files, article_ids(files), strict=True):
        path = path_key(file)
        content_hash, signature = known.get(path, ("", ""))
        if unchanged_by_metadata(file, signature, statuses.get(file)):
            sources.append(Source(article_id, path, "", content_hash))
            continue
        if content_hash:
            return None  # changed, or only touched: indexing looks
        unread = read_source(Path(file))
        if not isinstance(unread, Problem):
            return None
        problems.append(unread)
    return sources
