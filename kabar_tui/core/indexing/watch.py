"""Watching the folders of a corpus: which article files appeared, changed or went away.

The operating system's notifications through watchfiles when it can (inotify, FSEvents,
ReadDirectoryChangesW); polling when they fail, as they do on some network and
container filesystems or past the inotify watch limit, said once in `notes`.

Every event under the folders is looked at, not only article files': a folder moved in or
out comes as one event for the folder.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kabar_tui.core.ingest.sources import is_article_name

if TYPE_CHECKING:
    from watchfiles import Change

    from kabar_tui.core.store.catalog_open import FolderVouch

DEBOUNCE_MS = 800  # changes within this window come as one batch (a copy of many files)
POLL_DELAY_MS = 1000  # how often polling looks, when it has to
STEP_MS = 100  # how often `stop` is checked
TIMEOUT_MS = 1000  # how long the watch waits before saying it is still there


def snapshot(roots: Iterable[str | Path]) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every article file under `roots`."""
    from kabar_tui.core.ingest.sources import discover

    files, _problems = discover(roots)
    found = {}
    for path in files:
        try:
            status = path.stat()
        except OSError:
            continue
        found[path] = (status.st_mtime_ns, status.st_size)
    return found


def is_article_file(path: str) -> bool:
    """Whether a reported path is an article file: what the folder walk takes."""
    return is_article_name(os.path.basename(path))


def _reported(change: int, path: str, tops: tuple[str, ...], files: set[str]) -> set[Path]:
    """What an event for `path` changed: a file given as a root (`files`, resolved); under
    the folders given (`tops`), the article file; a folder moved in, with its article
    files; a folder moved out or deleted, its own path standing for the files that went
    with it (the caller looks at every file); nothing for any other file, nor for a folder
    that stays (its times change as files come and go, each reported), nor for anything
    else in the folder of a file given."""
    from watchfiles import Change

    if files and (resolved := os.path.realpath(path)) in files:
        return {Path(resolved)}
    if not os.path.abspath(path).startswith(tops):  # `/work/../news/a.txt` as reported
        return set()
    if is_article_file(path):
        return {Path(path)}
    if os.path.isdir(path):
        if change != Change.added or os.path.islink(path):  # the walk follows no folder link
            return set()
        from kabar_tui.core.ingest.sources import discover

        return {Path(path), *discover([path])[0]}
    if not os.path.lexists(path) and not Path(path).suffix:  # gone: it may have been a folder
        return {Path(path)}
    return set()


class FolderWatcher:
    """Batches of changed article files under `roots` until `stop` is set.

    A folder is watched with everything under it. A file given as a root is watched
    through its folder (only that folder, not what is under it), and only its own events
    count: watched itself, the watch follows its inode, which an editor's save (a new file
    renamed over it) replaces, so every save after the first went unseen."""

    def __init__(
        self,
        roots: Iterable[str | Path],
        *,
        force_polling: bool = False,
        poll_delay_ms: int = POLL_DELAY_MS,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        """`poll_delay_ms` and `debounce_ms`: shorter in tests, which poll to be sure."""
        self.roots = [Path(root).expanduser() for root in roots]
        self.force_polling = force_polling
        self.poll_delay_ms = poll_delay_ms
        self.debounce_ms = debounce_ms
        self.notes: list[str] = []  # said to the user once: how the folders are watched

    def changes(
        self,
        stop: threading.Event,
        since: dict[Path, tuple[int, int]] | None = None,
        begun: Callable[[], None] | None = None,
        vouch: FolderVouch | None = None,
    ) -> Iterator[set[Path]]:
        """Each batch of article files created, modified or deleted, as it settles (and
        folders moved in or out, `_reported`).

        `since` is a `snapshot` taken before the caller last looked (an index run): files
        that changed between it and the moment watching starts come as the first batch.
        `begun` is called once watching has begun (within a second), so that a caller can
        look at the files then instead of taking a snapshot before; what changed until
        then is taken as seen by that look, not yielded.

        `vouch`, the caller's word for the folders, is taken back at any event under them
        (before the batch settles into one of article files, or none), and renewed at each
        tick of the watch (about every second) while nothing is reported; polling, it is
        given up (a change comes only at the next poll).
        """
        folders = [root for root in self.roots if root.is_dir()]
        files = {
            os.path.realpath(root) for root in self.roots if root.exists() and not root.is_dir()
        }
        # events come under a folder as given (a link to a folder too), made absolute
        tops = tuple(
            {
                os.path.join(where(folder), "")
                for folder in folders
                for where in (os.path.abspath, os.path.realpath)
            }
        )
        # a file's folder, unless a watched folder holds it: as given, and where it is
        parents = {
            os.path.dirname(path)
            for root in self.roots
            if os.path.realpath(root) in files
            for path in {os.path.abspath(root), os.path.realpath(root)}
            if not path.startswith(tops)
        }
        groups = [(list(folders), True)] if folders else []
        groups += [([Path(parent) for parent in sorted(parents)], False)] if parents else []
        if not groups:
            return
        for batch, polling in self._batches(stop, groups, vouch):
            if vouch is not None:
                if batch:
                    vouch.withdraw()  # anything under the folders: look again
                elif not polling:
                    vouch.renew()
            changed = {
                found for change, path in batch for found in _reported(change, path, tops, files)
            }
            if begun is not None:
                begun()
                begun = None
                continue
            if since is not None:  # watching has begun: what changed meanwhile?
                changed |= _differences(since, snapshot(self.roots))
                since = None
            if changed:
                yield changed

    def _batches(
        self,
        stop: threading.Event,
        groups: list[tuple[list[Path], bool]],
        vouch: FolderVouch | None,
    ) -> Iterator[tuple[set[tuple[Change, str]], bool]]:
        """The watch's batches (empty at each tick), and whether it polls. Folders and the
        folders of files given as roots are watched apart (the first with what is under
        them, the others alone), each in a thread: their batches come here, the first once
        both have begun."""
        if len(groups) == 1:
            yield from self._watched(stop, *groups[0], vouch)
            return
        items: queue.Queue[tuple[int, set[tuple[Change, str]] | None, bool, BaseException | None]]
        items = queue.Queue()
        ended = threading.Event()
        either = _Either(stop, ended)

        def run(number: int, paths: list[Path], recursive: bool) -> None:
            try:
                for batch, polling in self._watched(either, paths, recursive, vouch):
                    items.put((number, batch, polling, None))
            except BaseException as error:  # raised where the batches are read
                items.put((number, None, False, error))
            items.put((number, None, False, None))

        for number, (paths, recursive) in enumerate(groups):
            threading.Thread(
                target=run, args=(number, paths, recursive), name="kabar-watch", daemon=True
            ).start()
        begun: set[int] = set()
        held: set[tuple[Change, str]] = set()
        watching = len(groups)
        try:
            while watching and not stop.is_set():
                try:
                    number, batch, polling, error = items.get(timeout=STEP_MS / 1000)
                except queue.Empty:
                    continue
                if error is not None:
                    raise error
                if batch is None:
                    watching -= 1
                    continue
                begun.add(number)
                held |= batch
                if len(begun) == len(groups):  # both watch: nothing is missed from now
                    yield held, polling
                    held = set()
        finally:
            ended.set()

    def _watched(
        self,
        stop: threading.Event | _Either,
        paths: list[Path],
        recursive: bool,
        vouch: FolderVouch | None,
    ) -> Iterator[tuple[set[tuple[Change, str]], bool]]:
        """watchfiles' batches for `paths`, by the system's notifications, else polling."""
        import watchfiles

        polling = self.force_polling
        while not stop.is_set():
            if polling and vouch is not None:
                vouch.give_up()
            try:
                for batch in watchfiles.watch(
                    *paths,
                    watch_filter=None,
                    debounce=self.debounce_ms,
                    step=STEP_MS,
                    stop_event=stop,
                    force_polling=polling,
                    poll_delay_ms=self.poll_delay_ms,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                    rust_timeout=TIMEOUT_MS,
                    yield_on_timeout=True,
                    recursive=recursive,
                ):
                    yield batch, polling
                return
            except (OSError, RuntimeError) as error:
                if polling:
                    self.notes.append(f"folders not watched: {error}")
                    return
                polling = True
                seconds = self.poll_delay_ms / 1000
                self.notes.append(f"watching by polling every {seconds:g} s ({error})")


class _Either:
    """Set when either event is: the caller's stop, or the end of reading the batches."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self._events = (first, second)

    def is_set(self) -> bool:
        return any(event.is_set() for event in self._events)


def _differences(
    before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]
) -> set[Path]:
    """Files added, removed or changed between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
