"""`kabar index`: process a corpus into the cache, so later opens are instant."""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kabar_tui.cli.common import NOTHING_READ, add_paths_argument, error_console
from kabar_tui.core.indexing.pipeline import IndexOptions, IndexReport, index_corpus
from kabar_tui.core.store.storage import CacheUnavailable, Storage, cache_disabled
from kabar_tui.i18n import _, ngettext

if TYPE_CHECKING:
    from kabar_tui.core.store.catalog_open import FolderVouch

REDRAW_SECONDS = 0.1

HELP = "process articles into the cache (a second open is then instant)"
NAMES_SHOWN = 3  # file names said per kind of change, then `…`
CACHE_NOT_WRITTEN = 1  # indexing is for the cache: not writing it is a failure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="empty the cache first (keeping the order files arrived in) and process "
        "everything, links, stories and names over the whole corpus (otherwise new files "
        "update them)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="process everything without reading or writing the cache (for timing)",
    )
    parser.add_argument(
        "--workers", type=_positive, default=None, help="processes to use (default: every core)"
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="then keep watching the folders and index new or changed files (ctrl+c ends)",
    )


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return number


def run(args: argparse.Namespace) -> int:
    console = error_console()
    if not args.watch:
        return _run_once(args, console, rebuild=args.rebuild)
    from kabar_tui.core.indexing.pipeline import default_paths
    from kabar_tui.core.indexing.watch import snapshot

    roots = args.paths or default_paths()
    before = snapshot(roots)
    _run_once(args, console, rebuild=args.rebuild)
    return _watch(roots, before, args, console)


def _watch(
    roots: Sequence[str | Path],
    before: dict[Path, tuple[int, int]],
    args: argparse.Namespace,
    console: Console,
) -> int:
    """Index again whenever article files under the paths appear, change or go away;
    while watching, vouch for the folders (`FolderVouch`: the other commands then take
    its word instead of looking at every file)."""
    from kabar_tui.core.indexing.watch import FolderWatcher
    from kabar_tui.core.store.catalog_open import FolderVouch

    # watchfiles stops on Ctrl-C itself and logs it as a warning: the user pressed it, so
    # nothing needs saying.
    logging.getLogger("watchfiles").setLevel(logging.ERROR)
    watcher = FolderWatcher(roots)
    stop = threading.Event()
    known = set(before)
    vouch = FolderVouch(roots)
    vouch.hold()
    print(_("watching for changes (ctrl+c ends)"), flush=True)
    try:
        # Looked at once watching has begun: what changed after `before` comes as a batch.
        for changed in watcher.changes(
            stop, since=before, begun=lambda: _vouch(roots, vouch), vouch=vouch
        ):
            vouch.withdraw()  # before anything: the folders are not as said
            for note in watcher.notes:
                console.print(f"kabar: {note}", markup=False)
            watcher.notes.clear()
            print(describe_changes(changed, known), flush=True)
            _run_once(args, console, rebuild=False)
            _vouch(roots, vouch)
    except KeyboardInterrupt:
        stop.set()
    finally:
        vouch.release()
    for note in watcher.notes:
        console.print(f"kabar: {note}", markup=False)
    return 0


def _vouch(roots: Sequence[str | Path], vouch: FolderVouch) -> None:
    """Vouch for the folders when every file is what the cache holds (looked at now)."""
    from kabar_tui.core.store.catalog_open import open_catalog

    catalog, _problems = open_catalog(roots)
    if catalog is not None:
        vouch.say(catalog)
        catalog.close()


def describe_changes(changed: set[Path], known: set[Path]) -> str:
    """`1 article added (a.txt), 2 changed (b.txt, c.txt)`: which files a batch added,
    changed or removed, told apart by `known` (the files there before; updated)."""
    gone = [Path(os.path.realpath(p)) for p in changed if p not in known and not p.exists()]
    if gone:  # a folder moved away (`FolderWatcher`): its files went with it
        changed = changed | {path for path in known if any(map(path.is_relative_to, gone))}
    added = sorted(path for path in changed if path not in known and path.is_file())
    removed = sorted(path for path in changed if path in known and not path.is_file())
    edited = sorted(path for path in changed if path in known and path.is_file())
    known.difference_update(removed)
    known.update(added)
    parts = []
    for paths, words in (
        (added, ngettext("{n} article added", "{n} articles added", len(added))),
        (edited, ngettext("{n} changed", "{n} changed", len(edited))),
        (removed, ngettext("{n} removed", "{n} removed", len(removed))),
    ):
        if paths:
            names = ", ".join(path.name for path in paths[:NAMES_SHOWN])
            more = ", …" if len(paths) > NAMES_SHOWN else ""
            parts.append(f"{words.format(n=len(paths))} ({names}{more})")
    return ", ".join(parts)


def _run_once(args: argparse.Namespace, console: Console, rebuild: bool) -> int:
    cache_off = args.no_cache or cache_disabled()
    cache: Storage | bool = not cache_off
    if rebuild and not cache_off:
        try:
            storage = Storage.open_default()
        except CacheUnavailable as error:
            console.print(f"kabar: error: {error}", markup=False)
            return CACHE_NOT_WRITTEN
        else:
            storage.clear()
            cache = storage
    try:
        report = _index_with_progress(args, cache, console)
    finally:
        if isinstance(cache, Storage):
            cache.close()
    for problem in report.corpus.problems:
        if problem.message == report.cache_error and not cache_off:
            continue  # said last, as the error it is for `kabar index`
        kind = _("error") if problem.fatal else _("warning")
        console.print(f"kabar: {kind}: {problem}", markup=False)
    print(_summary(report, cache_off), flush=True)
    if not report.articles:
        return NOTHING_READ
    if report.cache_error and not cache_off:
        console.print(f"kabar: error: {report.cache_error}", markup=False)
        return CACHE_NOT_WRITTEN
    return 0


def _index_with_progress(
    args: argparse.Namespace, cache: Storage | bool, console: Console
) -> IndexReport:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # No refresh thread: the per-file stage forks its workers only while this process runs
    # one thread (pipeline._process_context), so the bar is drawn from the progress
    # callback instead.
    with Progress(
        *columns, console=console, disable=not console.is_terminal, auto_refresh=False
    ) as bar:
        task = bar.add_task(_("processing"), total=None)
        drawn = [0.0]

        def advance(done: int, total: int) -> None:
            description = _("linking") if done == total else _("processing")
            bar.update(task, completed=done, total=total, description=description)
            now = time.monotonic()
            if done == total or now - drawn[0] >= REDRAW_SECONDS:
                drawn[0] = now
                bar.refresh()

        # The articles go to the cache as they are processed; none is kept here.
        return index_corpus(
            args.paths or None,
            advance,
            cache,
            options=IndexOptions(workers=args.workers, keep_articles=False, read_stored=False),
        )


def _summary(report: IndexReport, cache_off: bool) -> str:
    articles = report.articles
    problems = len(report.corpus.problems)
    parts = [
        ngettext("{n} article", "{n} articles", articles).format(n=articles),
        _("{n} processed").format(n=report.processed),
        _("{n} from cache").format(n=report.from_cache),
        ngettext("{n} problem", "{n} problems", problems).format(n=problems),
    ]
    if report.processed and report.workers > 1:
        parts.append(_("{n} processes").format(n=report.workers))
    if cache_off:
        parts.append(_("cache off"))
    return ", ".join(parts)
