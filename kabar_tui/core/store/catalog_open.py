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

Unless a process watches the folders (the reader, `kabar index --watch`): it vouches for
them (`FolderVouch`), and `open_catalog(..., vouched=True)` (the commands) takes its word
for which stored corpus they hold instead of looking at every file, only while that
process is alive, watching and renewing its word each second, and only where a watcher is
told of every change (docs/search.md: what the word can and cannot vouch for).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import sqlite3
import time
from array import array
from collections.abc import Iterable, Sequence
from operator import attrgetter
from pathlib import Path
from stat import S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_ISREG

from kabar_tui.core.ingest.sources import (
    Source,
    article_ids,
    discover_paths,
    is_article_name,
    key_path,
    path_key,
    read_source,
)
from kabar_tui.core.model import Problem
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.store.catalog_store import StoredCatalog
from kabar_tui.core.store.storage import (
    CacheUnavailable,
    Skipped,
    Storage,
    cache_dir,
    cache_disabled,
    code_fingerprint,
    corpus_key,
    unchanged_by_metadata,
)

_RECENT = "recent corpus "  # meta key prefix: the corpus last found for a set of roots
_SNAPSHOT = "snapshot "  # meta key prefix: the files' digest the corpus was found with
_VOUCHED = "vouched "  # meta key prefix: a watcher's word for the corpus the roots hold
_TOKEN_BYTES = 8  # a vouch's token: 16 hex characters, written to its lock file in place
_STAMP_AT = 2 * _TOKEN_BYTES  # then, in the lock file, when the word was last renewed
_STAMP_BYTES = 16
VOUCH_FRESH_S = 3.0  # a word not renewed for this long is not taken (its watcher ticks each second)
# Filesystems whose changes on another machine the system does not notify (inotify sees
# only this machine's writes); FUSE ones too (sshfs, rclone...), apart from a local
# disk's (`fuseblk`).
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "9p",
        "afs",
        "coda",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "beegfs",
        "ocfs2",
        "gfs2",
        "davfs",
        "virtiofs",
        "vboxsf",
        "vmhgfs",
    }
)
_clock = time.time  # the lock file's stamps: shared by every process of the machine


def open_catalog(
    paths: Iterable[str | Path] | None = None,
    cache: Storage | bool = True,
    vouched: bool = False,
) -> tuple[StoredCatalog | None, list[Problem]]:
    """The stored catalog of the articles under `paths` (the bundled seeds when None).

    With a catalog come the problems indexing would have said (paths that do not exist,
    files that are not articles). Without one come only the cache's own warnings: the
    indexing that follows says the rest again. `cache` is True for the user's cache, or
    an open Storage, which the catalog then uses (and closes with `close`). `vouched`:
    the word of a live process watching the folders (`FolderVouch`) is taken instead of
    looking at every file (never by a watcher checking the folders itself).
    """
    roots = list(paths) if paths else [seeds_dir()]
    if cache is False or (cache is True and cache_disabled()):
        return None, []
    try:
        storage = cache if isinstance(cache, Storage) else Storage.open_default()
    except CacheUnavailable as error:
        return None, [Problem("cache", str(error))]
    digest, remembered, recent, word = _remembered_snapshot(storage, roots)
    if vouched and word:
        number = _vouched_corpus(storage, roots, word)
        if number is not None:  # a live watcher's word: no file looked at
            warnings = [Problem(str(storage.path), warning) for warning in storage.warnings]
            storage.warnings.clear()
            return StoredCatalog(storage, number, word.partition(" ")[2], warnings), []
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


def _remembered_snapshot(
    storage: Storage, roots: Sequence[str | Path]
) -> tuple[str, str, str, str]:
    """The digest of the files of `roots` when a corpus was last found for them, and that
    corpus's key ("" and "" when none is remembered); the key of the corpus last opened
    for them; and a watcher's word for them (`FolderVouch`: "TOKEN KEY", or "")."""
    keys = (_snapshot_key(roots), _roots_key(roots), _vouch_key(roots))
    try:
        with storage.guard("read") as db:
            rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN (?, ?, ?)", keys))
    except Skipped:
        return "", "", "", ""
    digest, _, key = rows.get(keys[0], "").partition(" ")
    return digest, key, rows.get(keys[1], ""), rows.get(keys[2], "")


def _vouch_key(roots: Sequence[str | Path]) -> str:
    return _VOUCHED + _roots_key(roots)[len(_RECENT) :]


class FolderVouch:
    """The word of a process that watches `roots` (the reader's folders' thread, `kabar
    index --watch`): "they hold the stored corpus KEY", said after it looked at every file
    while watching, and taken back the moment anything under them is reported, before
    indexing it.

    `open_catalog(..., vouched=True)` takes the word instead of looking at every file
    (0.3-0.4 s of CPU at 100k files) only while it holds: the watcher keeps an exclusive
    lock (`flock`) on a file in the cache folder for as long as it watches, which the
    system releases when the process ends however it ends, and the word carries a token
    that the lock file holds too. Taking the word back writes a new token to the file (no
    database write that a busy cache could refuse); a watcher started after one died
    writes its own. The watcher renews the word at each of its ticks (`renew`, about every
    second, beside the token): a word not renewed for VOUCH_FRESH_S is not taken, so a
    watcher stopped (Ctrl-Z) or stuck vouches for nothing. So a word is trusted only from a
    live watcher that has not seen a change since it said it. What it cannot vouch for is
    a change it has not been told of yet: the system's notification and the watcher's
    batching (`core/indexing/watch.py`, within a second) are the window in which a command can
    answer from the corpus before it. Nor does it vouch where notifications miss changes
    (`_watchable`): roots that are files (not vouched for: a few files cost nothing to
    look at, and the word is checked against folders), folders on network filesystems
    (another machine's writes are not notified), an article that is a link to a file
    outside the roots (`say`), or a watcher that polls (`give_up`). Only one process
    vouches for a set of folders; others watch without (`hold` False), and take the lock
    over when it goes.
    """

    def __init__(self, roots: Iterable[str | Path] | None, cache: Path | None = None) -> None:
        """`cache`: the folder of the cache database (the user's by default)."""
        self._roots = list(roots) if roots else [seeds_dir()]
        self._cache = cache
        self._key = _vouch_key(self._roots)
        self._token = ""
        self._file: int | None = None
        self._said: tuple[Path, str] | None = None  # (database, corpus key) still holding
        self._given_up = False

    def hold(self) -> bool:
        """Take the lock; False when another process holds it (or a command checks it at
        that moment: `say` and `renew` try again), on systems without `flock`, without a
        cache (the commands then look at every file), or where the roots cannot be
        vouched for (`_watchable`)."""
        if self._file is not None:
            return True
        try:
            import fcntl
        except ImportError:
            return False
        if self._given_up or (self._cache is None and cache_disabled()):
            return False
        if not _watchable(self._roots):
            self._given_up = True  # not asked again at each tick
            return False
        path = _vouch_lock(self._cache or cache_dir(), self._roots)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return False
        self._file = descriptor
        self.withdraw()
        return True

    def say(self, catalog: StoredCatalog) -> None:
        """The folders hold `catalog`'s corpus (the caller has just looked at every file,
        watching): said on its connection. Not said when the catalog has problems (a
        problem is said at every open, so the commands must open it themselves), nor when
        an article is a link to a file outside the roots (its edits are not notified).
        Bookkeeping: a busy cache skips it, and then the commands look for themselves."""
        if self._given_up or catalog.problems:
            return
        if not _inside(catalog.ids_by_path(), self._roots):
            self.withdraw()
            return
        self._said = (catalog.storage.path, catalog.key)
        if self._held():
            self._write(catalog.storage, catalog.key)

    def renew(self) -> None:
        """The watcher is still watching (its tick): the word said holds for VOUCH_FRESH_S
        more. A watcher that lost the lock to a command's check takes it now, and says
        the word it was kept from saying, when nothing was reported since."""
        if self._file is None:
            said = self._said
            if said is None or not self._held():
                return
            try:
                with Storage(said[0]) as storage:
                    self._write(storage, said[1])  # stamped as it is said
            except CacheUnavailable:
                pass
            return
        with contextlib.suppress(OSError):
            os.pwrite(self._file, _stamp(_clock()), _STAMP_AT)

    def withdraw(self) -> None:
        """A change was reported (or the watcher is starting): the word said so far no
        longer holds. A new token in the lock file: no word said before matches it."""
        self._said = None
        self._token = secrets.token_hex(_TOKEN_BYTES)
        if self._file is not None:
            os.pwrite(self._file, self._token.encode() + _stamp(0), 0)

    def give_up(self) -> None:
        """The watcher can no longer tell every change at once (it polls): the word is
        taken back and not said again; the lock goes to a watcher that can."""
        self.release()
        self._given_up = True

    def release(self) -> None:
        """Watching ends: the lock goes, and with it every word said."""
        if self._file is not None:
            self.withdraw()
            os.close(self._file)
            self._file = None

    def _held(self) -> bool:
        """`hold`, keeping the word still to be said (taking the lock withdraws the rest)."""
        said = self._said
        if self._file is None and not self.hold():
            return False
        self._said = said
        return True

    def _write(self, storage: Storage, key: str) -> None:
        try:
            with storage.guard("read") as db, contextlib.suppress(sqlite3.OperationalError):
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (self._key, f"{self._token} {key}"),
                )
        except Skipped:
            return
        if self._file is not None:
            os.pwrite(self._file, _stamp(_clock()), _STAMP_AT)


def _stamp(seconds: float) -> bytes:
    """When a word was last renewed, as the lock file holds it (milliseconds, fixed width)."""
    return f"{round(seconds * 1000):0{_STAMP_BYTES}d}".encode()


def _watchable(roots: Sequence[str | Path]) -> bool:
    """Whether a watcher is told of every change under `roots`: each is a folder (files
    given as roots are not vouched for: a few files cost nothing to look at, and `say`
    checks the articles against folders), on a filesystem whose changes the system
    notifies (not one shared over the network)."""
    where = [os.path.realpath(Path(root).expanduser()) for root in roots]
    if not all(os.path.isdir(path) for path in where):
        return False
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return True  # not Linux: no table to read, the system's own notifications
    return not any(_network_filesystem(path, mounts) for path in where)


def _network_filesystem(path: str, mounts: str) -> bool:
    """Whether `path` is on a network filesystem by the mount table `mounts` (the text of
    /proc/mounts): the mount point that holds it, the last mounted there."""
    point, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mounted = re.sub(r"\\([0-7]{3})", lambda code: chr(int(code[1], 8)), fields[1])
        inside = path == mounted or path.startswith(mounted.rstrip("/") + "/")
        if inside and len(mounted) >= len(point):
            point, kind = mounted, fields[2]
    return kind in NETWORK_FILESYSTEMS or kind == "fuse" or kind.startswith("fuse.")


def _inside(paths: Iterable[str], roots: Sequence[str | Path]) -> bool:
    """Whether every article path (resolved, as `discover_paths` gives them) is under one
    of `roots`: a link to a file elsewhere is followed by the walk but not watched."""
    tops = tuple(os.path.join(os.path.realpath(Path(root).expanduser()), "") for root in roots)
    return all(os.fspath(key_path(path)).startswith(tops) for path in paths)


def _vouch_lock(cache: Path, roots: Sequence[str | Path]) -> Path:
    """The lock file of a vouch, beside the cache database."""
    return cache / f"watching-{_vouch_key(roots)[len(_VOUCHED) :]}.lock"


def _vouched_corpus(storage: Storage, roots: Sequence[str | Path], word: str) -> int | None:
    """The stored corpus a watcher's `word` names, while the watcher that said it holds
    its lock, has not taken it back (its lock file holds the word's token) and renewed
    it within VOUCH_FRESH_S; else None."""
    try:
        import fcntl
    except ImportError:
        return None
    token, _, key = word.partition(" ")
    try:
        descriptor = os.open(_vouch_lock(storage.path.parent, roots), os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            pass  # held: the watcher is alive
        else:
            return None  # nobody holds it: the watcher has gone
        held = os.pread(descriptor, _STAMP_AT + _STAMP_BYTES, 0).decode("ascii", "replace")
    except OSError:
        return None
    finally:
        os.close(descriptor)
    stamp = held[_STAMP_AT:]
    if held[:_STAMP_AT] != token or not stamp.isdigit():
        return None
    age = _clock() - int(stamp) / 1000
    if not -VOUCH_FRESH_S < age < VOUCH_FRESH_S:  # a stopped watcher; a clock set back
        return None
    return storage.find_corpus(key) if key else None


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
    digest = _Digest()
    for path, status in statuses.items():
        if path in listed:
            digest.add(path, status)
    return digest.hexdigest() if len(digest.paths) == len(listed) else ""


# What the digest keeps of each file's status: what `unchanged_by_metadata` checks.
_STATUS_FIELDS = ("st_size", "st_mtime_ns", "st_ino", "st_dev", "st_ctime_ns")
_STATUS = attrgetter(*_STATUS_FIELDS)


class _Digest:
    """The snapshot's digest: the paths, one a line, then each file's size, times, inode
    and device as 64-bit integers (formatting them as text was a tenth of the walk)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.numbers = array("q")

    def add(self, path: str, status: os.stat_result) -> None:
        self.paths.append(path)
        self.numbers.extend(_STATUS(status))

    def drop_repeats(self) -> None:
        """Keep each path once, where it came first (with the status it came with)."""
        if len(set(self.paths)) == len(self.paths):
            return
        width = len(_STATUS_FIELDS)
        kept: set[str] = set()
        paths, numbers = [], array("q")
        for at, path in enumerate(self.paths):
            if path not in kept:
                kept.add(path)
                paths.append(path)
                numbers.extend(self.numbers[at * width : (at + 1) * width])
        self.paths, self.numbers = paths, numbers

    def hexdigest(self) -> str:
        joined = "\n".join(self.paths).encode("utf-8", "surrogateescape")
        digest = hashlib.blake2b(joined, digest_size=16)
        digest.update(self.numbers.tobytes())
        return digest.hexdigest()


def _walked_snapshot(roots: Sequence[str | Path]) -> str | None:
    """`_snapshot` of what `discover_paths` would find under `roots`, walking as it walks
    (the same order) and keeping nothing but the digest's numbers; None for what only
    `discover_paths` says right (a root that is not a folder, a folder without articles
    or unreadable, an entry gone while read): the caller then asks it. A digest that is
    not the remembered one costs a second walk, and the file-by-file check follows.

    Each folder's names are listed and each looked at once, by its name in the folder
    (`lstat` relative to the folder: no path walked from the root, and the type comes
    with the status), not made `DirEntry` objects: 100k files are 100k `lstat`s, most of
    the time of this walk, and the least an open without a watcher can do. A path can
    come twice only through a link or from a second root: only then are repeats looked
    for (after the walk, not at each file)."""
    if os.name != "posix":
        return None
    digest = _Digest()
    paths, numbers = digest.paths, digest.numbers
    repeats = len(roots) > 1
    try:
        for root in roots:
            top = Path(root).expanduser()
            if not top.is_dir():
                return None
            found = False
            pending = [os.path.realpath(top)]
            while pending:
                folder = pending.pop()
                within = folder if folder.endswith(os.sep) else folder + os.sep
                descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    for name in os.listdir(folder):
                        status = os.stat(name, dir_fd=descriptor, follow_symlinks=False)
                        kind = S_IFMT(status.st_mode)
                        if kind == S_IFREG:
                            if is_article_name(name):
                                found = True
                                paths.append(within + name)
                                numbers.extend(_STATUS(status))
                        elif kind == S_IFDIR:
                            pending.append(within + name)
                        elif kind == S_IFLNK and is_article_name(name):
                            path = os.path.realpath(within + name)  # the file it names
                            try:
                                status = os.stat(path)
                            except OSError:  # a broken link: no article, as for the walk
                                continue
                            if S_ISREG(status.st_mode):
                                found = repeats = True
                                digest.add(path, status)
                finally:
                    os.close(descriptor)
            if not found:
                return None
    except OSError:
        return None
    if repeats:
        digest.drop_repeats()
    return digest.hexdigest()


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
