"""Watching the folders of a corpus: which article files appeared, changed or went away.

The operating system's notifications through watchfiles when it can (inotify, FSEvents,
ReadDirectoryChangesW); polling when they fail, as they do on some network and
container filesystems or past the inotify watch limit, said once in `notes`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kabar_tui.core.sources import ARTICLE_SUFFIX

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
    name = Path(path).name
    return name.endswith(ARTICLE_SUFFIX) and not name.startswith(".")


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
    ) -> Iterator[set[Path]]:
        """Each batch of article files created, modified or deleted, as it settles.

        `since` is a `snapshot` taken before the caller last looked (an index run): files
        that changed between it and the moment watching starts come as the first batch.
        `begun` is called once watching has begun (within a second), so that a caller can
        look at the files then instead of taking a snapshot before; what changed until
        then is taken as seen by that look, not yielded.
        """
        import watchfiles

        watched = [root for root in self.roots if root.exists()]
        if not watched:
            return
        polling = self.force_polling
        while not stop.is_set():
            try:
                for batch in watchfiles.watch(
                    *watched,
                    watch_filter=lambda _change, path: is_article_file(path),
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
                    changed = {Path(path) for _change, path in batch}
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
