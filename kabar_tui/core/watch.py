"""Watching the folders of a corpus: which article files appeared, changed or went away.

The operating system's notifications through watchfiles when it can (inotify, FSEvents,
ReadDirectoryChangesW); polling when they fail, as they do on some network and
container filesystems or past the inotify watch limit, said once in `notes`.

Every event under the folders is looked at, not only article files': a folder moved in or
out comes as one event for the folder.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kabar_tui.core.sources import is_article_name

if TYPE_CHECKING:
    from kabar_tui.core.catalog_open import FolderVouch

DEBOUNCE_MS = 800  # changes within this window come as one batch (a copy of many files)
POLL_DELAY_MS = 1000  # how often polling looks, when it has to
STEP_MS = 100  # how often `stop` is checked
TIMEOUT_MS = 1000  # how long the watch waits before saying it is still there


def snapshot(roots: Iterable[str | Path]) -> dict[Path, tuple[int, int]]:
    """(modification time, size) of every article file under `roots`."""
    from kabar_tui.core.sources import discover

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


def _reported(change: int, path: str) -> set[Path]:
    """What an event for `path` changed: the article file; a folder moved in, with its
    article files; a folder moved out or deleted, its own path standing for the files that
    went with it (the caller looks at every file); nothing for any other file, nor for a
    folder that stays (its times change as files come and go, each reported)."""
    from watchfiles import Change

    if is_article_file(path):
        return {Path(path)}
    if os.path.isdir(path):
        if change != Change.added or os.path.islink(path):  # the walk follows no folder link
            return set()
        from kabar_tui.core.sources import discover

        return {Path(path), *discover([path])[0]}
    if not os.path.lexists(path) and not Path(path).suffix:  # gone: it may have been a folder
        return {Path(path)}
    return set()


class FolderWatcher:
    """Batches of changed article files under `roots` until `stop` is set."""

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
        import watchfiles

        watched = [root for root in self.roots if root.exists()]
        if not watched:
            return
        polling = self.force_polling
        while not stop.is_set():
            if polling and vouch is not None:
                vouch.give_up()
            try:
                for batch in watchfiles.watch(
                    *watched,
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
                ):
                    if vouch is not None:
                        if batch:
                            vouch.withdraw()  # anything under the folders: look again
                        elif not polling:
                            vouch.renew()
                    changed = {found for change, path in batch for found in _reported(change, path)}
                    if begun is not None:
                        begun()
                        begun = None
                        continue
                    if since is not None:  # watching has begun: what changed meanwhile?
                        changed |= _differences(since, snapshot(self.roots))
                        since = None
                    if changed:
                        yield changed
                return
            except (OSError, RuntimeError) as error:
                if polling:
                    self.notes.append(f"folders not watched: {error}")
                    return
                polling = True
                seconds = self.poll_delay_ms / 1000
                self.notes.append(f"watching by polling every {seconds:g} s ({error})")


def _differences(
    before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]
) -> set[Path]:
    """Files added, removed or changed between two snapshots."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
