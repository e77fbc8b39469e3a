"""The reader application: screens, the catalog being opened or loaded, and navigation history.

Screens ask `app.catalog` (kabar_tui.core.store.catalog) for what they show. Opening a cached
corpus is `recent_catalog` (the corpus last opened for these folders, checked afterwards)
or `open_catalog`, which load no article; otherwise the articles are indexed in a thread
and shown as they arrive (a MemoryCatalog, `linked` False) until the final catalog
replaces it. Cleaning and analysis code is imported only when something must be indexed.
The folders are then checked, and watched, in a thread of their own; a change on disk is
indexed there and the reader moves to the new catalog keeping its place (docs/ui.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

from rich.console import RenderableType
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.filter import LineFilter
from textual.message import Message
from textual.screen import Screen

from kabar_tui.core.model import Article, Corpus, Problem
from kabar_tui.core.store.catalog import (
    ArticleHead,
    Catalog,
    CatalogChanges,
    MemoryCatalog,
    Searcher,
)
from kabar_tui.core.threaded_imports import import_rapidfuzz
from kabar_tui.i18n import _, ngettext
from kabar_tui.ui.asking import Asker
from kabar_tui.ui.history import History, Location
from kabar_tui.ui.listing import Listing
from kabar_tui.ui.messages import (
    Answer,
    ArticlesArrived,
    ArticlesPreviewed,
    CatalogReady,
    Compare,
    FirstRows,
    FoldersChecked,
    LoadProgress,
    OpenArticle,
    SearcherReady,
    ShowEntity,
    ShowList,
    WatchNote,
)
from kabar_tui.ui.screens.list import ListScreen
from kabar_tui.ui.textual_strings import part_name, textual_text
from kabar_tui.ui.theming import no_color_filters, setup_themes

if TYPE_CHECKING:
    from kabar_tui.core.corpus.compare import Comparison
    from kabar_tui.core.indexing.watch import FolderWatcher
    from kabar_tui.core.search.search import SearchPage
    from kabar_tui.core.store.catalog_open import FolderVouch
    from kabar_tui.ui.screens.reader import ReaderScreen
    from kabar_tui.ui.widgets.article_view import ArticleView, HeaderMentions

T = TypeVar("T")

PROGRESS_SECONDS = 0.1  # how often the progress bar is updated while indexing
# How often arrived articles are added to the list. Each addition sorts the list again, so
# the wait grows with that cost.
ARRIVAL_SECONDS = 0.3
ARRIVAL_COST_FACTOR = 5  # wait at least this many times the last rebuild
SHOWN_PROBLEMS = 3  # toasts for unreadable files; the rest go to stderr on exit
FIRST_ROWS = 200  # rows listed before the list's order is asked (more than a screen holds)
# Files of a change on disk processed alone and listed before the corpus is indexed again
# with them; a bigger change (a copy of many files) waits for the indexing.
PREVIEWED_FILES = 20
FIRST_DRAWN_WAIT = 1.0  # at most this long the threads wait for those rows to be drawn
# The folders are checked (every file's metadata) and watched this long after the first
# rows are drawn at the earliest: the check and watchfiles' import cost about 0.4 s of CPU
# that the reader's first search or article would otherwise share.
FOLDERS_AFTER = 2.0
# And only once the reader's threads have had no question for this long (at most the
# second figure): at 100k files the check is 0.4 s of CPU, which the article and pane
# asked at once would share.
FOLDERS_QUIET = 0.5
FOLDERS_QUIET_LONGEST = 10.0
# The list's order and the files' hashes wait until the search thread has not been busy
# (opening its index, answering) for GIVE_WAY_QUIET seconds, at most GIVE_WAY: at 100k
# articles each is a few tenths of a second of the interpreter that a search typed at
# once would share (a query pasted as the index opens comes within that pause).
GIVE_WAY = 1.5
GIVE_WAY_QUIET = 0.25
# Then the files' hashes (0.1-0.2 s of the catalog's thread at 100k articles, one query)
# wait until the reader has asked it nothing for SETTLE_QUIET seconds (at most SETTLE):
# an article opened at once, and its pane, come first.
SETTLE = 3.0
SETTLE_QUIET = 0.5
KEPT_ARTICLES = 8  # whole articles kept after opening, so back and forward ask nothing
# Signals that end the reader the way `q` does: the terminal is restored first.
QUITTING_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


class _Stopped(Exception):
    """The app is quitting or gone: the loading thread ends here."""


def open_catalog(paths: list[str | Path] | None) -> tuple[Catalog | None, list[Problem]]:
    """The catalog of the cached corpus under `paths`, or None when it must be indexed
    (one name here, so tests can stand in for the cache)."""
    from kabar_tui.core.store.catalog_open import open_catalog as open_stored

    return open_stored(paths)


def recent_catalog(paths: list[str | Path] | None) -> Catalog | None:
    """The corpus last opened for `paths`, shown before any file is checked (then checked
    in the folders' thread); None when there is none or the cache is off."""
    from kabar_tui.core.store.catalog_open import recent_catalog as recent_stored

    return recent_stored(paths)


def stored_key(catalog: Catalog) -> str | None:
    """The cache's key of a stored catalog (what the folders are checked against); None
    for a catalog in memory, which has nothing on disk to compare."""
    from kabar_tui.core.store.catalog_store import StoredCatalog

    return catalog.key if isinstance(catalog, StoredCatalog) else None


THEME_VARIABLES = {
    "entity-per": "#e5a550",
    "entity-loc": "#5fb3d9",
    "entity-org": "#b48ead",
    "quote": "#8fbc6a",
    "speaker": "#8fbc6a",
    "match": "#f0d35a",
    "match-text": "#000000",
    "removed": "#808080",
}


def changes_notice(changes: CatalogChanges) -> str:
    """`Folders changed: 2 articles added, 1 changed, 1 removed` (the parts there are)."""
    parts = []
    if changes.added:
        n = len(changes.added)
        parts.append(ngettext("{n} article added", "{n} articles added", n).format(n=n))
    if changes.changed:
        n = len(changes.changed)
        parts.append(ngettext("{n} changed", "{n} changed", n).format(n=n))
    if changes.removed:
        n = len(changes.removed)
        parts.append(ngettext("{n} removed", "{n} removed", n).format(n=n))
    return _("Folders changed: {what}").format(what=", ".join(parts))


def read_article(
    article_id: str, catalog: Catalog, header: bool = True
) -> tuple[Article, HeaderMentions | None] | None:
    """The article, and its title's and captions' mentions unless not `header` (in the
    catalog's thread: the recogniser is slow to load, and that must not stall the event
    loop)."""
    from kabar_tui.ui.widgets.article_view import header_mentions_now

    article = catalog.article(article_id)
    if article is None:
        return None
    return article, header_mentions_now(article) if header else None


def _nothing(found: object) -> None:
    """A question asked for what it does, not for an answer."""


def kabar_commands() -> type:
    """The palette provider, imported when the palette first opens (textual.command is big)."""
    from kabar_tui.ui.commands import KabarCommands

    return KabarCommands


class KabarApp(App[None]):
    """Lists the corpus, reads articles, searches and follows stories across outlets."""

    TITLE = "kabar"
    CSS_PATH = Path(__file__).parent / "kabar.tcss"
    COMMANDS = App.COMMANDS | {kabar_commands}
    BINDINGS = [
        Binding("question_mark", "help", _("Help"), id="app.help"),
        Binding("slash", "search", _("Search"), id="app.search"),
        Binding("q", "quit", _("Quit"), id="app.quit"),
        Binding("Q", "quit", _("Quit"), show=False, id="app.quit_anywhere"),
        # Ctrl-C ends a terminal program; Textual's own binding only says to press ctrl+q.
        # Not a priority: a text selection or the copy-by-hand dialog still copies with it.
        Binding("ctrl+c", "quit", _("Quit"), show=False, id="app.quit_ctrl_c"),
        Binding("backspace,alt+left", "go_back", _("Back"), show=False, id="app.back"),
        Binding("alt+right", "forward", _("Forward"), show=False, id="app.forward"),
        # Textual adds this binding itself, in English, unless the app has its own.
        Binding(
            "ctrl+p",
            "command_palette",
            _("Palette"),
            show=False,
            priority=True,
            tooltip=_("Open the command palette"),
            id="app.palette",
        ),
    ]

    def __init__(
        self,
        paths: list[str | Path] | None = None,
        *,
        locale: str = "en",
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
        corpus: Corpus | None = None,
        catalog: Catalog | None = None,
        warnings: list[str] | None = None,
        watch: bool | FolderWatcher = True,
    ) -> None:
        """`corpus` or `catalog`: show this instead of reading `paths` (tests, embedding).
        `watch`: whether the folders of `paths` are watched for new, changed and removed
        files (or the watcher to use; never the bundled seeds)."""
        super().__init__()
        self.paths = paths
        self.watching = watch if paths else False
        self.locale = locale
        given = MemoryCatalog(corpus) if corpus is not None else catalog
        self.preloaded = given is not None
        # While articles arrive: a MemoryCatalog without links, stories or resolved names.
        self.catalog: Catalog = given or MemoryCatalog(linked=False)
        self.listing = Listing()
        self.problems: list[Problem] = []
        self._arrival_seconds = 0.0  # how long the last addition of arrived articles took
        self.searcher: Searcher | None = None
        # Recently opened, with their title's and captions' mentions when found with them.
        self._articles: OrderedDict[str, tuple[Article, HeaderMentions | None]] = OrderedDict()
        # Whether an article's title entities were found yet: the first time loads the
        # recogniser, so the first article is answered without them, and they are found
        # in the header's thread (`fetch_article`).
        self._recogniser_loaded = False
        # Articles of files changed on disk, listed before the catalog has them.
        self._previewed: dict[str, Article] = {}
        self._stop_loading = threading.Event()
        self._first_drawn = threading.Event()
        self._shown_at: float | None = None  # when the first rows (or the list) were drawn
        self._asker = Asker(self.post_message, self._stop_loading)
        # Search has a thread of its own: building an index in memory (a catalog without a
        # stored one) takes long, and articles and panes must not wait behind it.
        self._search_asker = Asker(self.post_message, self._stop_loading, "kabar-search")
        self._own_searcher: Searcher | None = None  # the search thread's, once prepared
        # The first article's title entities are found in a thread of their own: loading
        # the recogniser takes about 0.1 s (up to 1 s on a loaded machine) that the pane
        # asked next must not wait behind.
        self._header_asker = Asker(self.post_message, self._stop_loading, "kabar-header")
        self._search_catalog: Catalog | None = None  # the catalog the search thread asks
        # The folders are checked (and watched) in a thread of their own: checking 10k files
        # takes a while, indexing what changed much longer, and neither holds up a question.
        self._folders: threading.Thread | None = None
        self.folder_checks = 0  # how often the folders were checked (tests wait for one)
        # The catalog thread's last catalog handed over, and its files' content hashes then.
        self._handed: Catalog | None = None
        self._handed_hashes: dict[str, str] = {}
        self._handed_ids: dict[str, str] = {}  # its articles' ids by their files' paths
        self._first_rows_only = False  # the first rows are listed, the catalog not handed over
        # Heads the threads read for the reader besides the list's: those of hits, of
        # articles opened (a catalog with a thread is not asked on the event loop).
        self._heads_read: dict[str, ArticleHead] = {}
        self.history = History()
        self.last_search: tuple[str, int] = ("", 0)  # query and highlighted hit, for `/` again
        self.last_copied: str | None = None
        self._reader: ReaderScreen | None = None
        setup_themes(self, theme)
        self.startup_warnings = warnings or []
        if keymap:
            self.set_keymap(keymap)

    def get_line_filters(self) -> Sequence[LineFilter]:
        return no_color_filters(self, super().get_line_filters())

    @property
    def linked(self) -> bool:
        """Whether links, stories and resolved names are there (False while loading)."""
        return self.catalog.linked

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 through tmux/screen when needed, or a dialog to copy by hand."""
        from kabar_tui.ui.clipboard import copy_text

        copy_text(self, text)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen:
        return ListScreen()

    def get_driver_class(self) -> type[Driver]:
        """Textual's, but a terminal on Linux or macOS gets TerminalDriver, so that a hang-up
        (an SSH drop) ends the reader (kabar_tui/ui/terminal_driver.py)."""
        driver = super().get_driver_class()
        if sys.platform != "win32":
            from textual.drivers.linux_driver import LinuxDriver

            from kabar_tui.ui.terminal_driver import TerminalDriver

            if driver is LinuxDriver:
                return TerminalDriver
        return driver

    @property
    def reader(self) -> ReaderScreen:
        """The one reader screen, built on first use so startup does not pay for it."""
        if self._reader is None:
            from kabar_tui.ui.screens.reader import ReaderScreen

            self._reader = ReaderScreen()
            # Installed, so going back to the list pops it without taking it apart.
            self.install_screen(self._reader, name="reader")
        return self._reader

    @property
    def list_screen(self) -> ListScreen:
        return cast(ListScreen, self.screen_stack[0])

    def on_load(self) -> None:
        """Before the terminal is taken: from now on a quitting signal restores it."""
        try:
            loop = asyncio.get_running_loop()
            for name in QUITTING_SIGNALS:
                if hasattr(signal, name):
                    signum = getattr(signal, name)
                    loop.add_signal_handler(signum, self.quit_on_signal, signum)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread, or no signals here (Windows): nothing to restore

    def quit_on_signal(self, signum: int) -> None:
        """SIGTERM, SIGHUP (an SSH connection dropped) or SIGINT: leave as `q` does, with the
        shell's exit status for a signal (128 + its number)."""
        self.exit(return_code=128 + signum)

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: RenderableType | None = None,
    ) -> None:
        """Quit (`q`, a signal, an error): loading stops now, while the terminal is restored."""
        self._asker.stop()
        self._search_asker.stop()
        self._header_asker.stop()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """The terminal is restored by now; stop loading and give the signals back."""
        self._asker.stop()
        self._search_asker.stop()
        self._header_asker.stop()
        try:
            loop = asyncio.get_running_loop()
            for name in QUITTING_SIGNALS:
                if hasattr(signal, name):
                    loop.remove_signal_handler(getattr(signal, name))
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def on_mount(self) -> None:
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", markup=False)
        if isinstance(self.catalog, MemoryCatalog) and self.preloaded:
            # A corpus handed over in memory (tests, embedding): everything is at hand.
            self.searcher = self.catalog.searcher()
            self.call_after_refresh(self._catalog_ready, self.catalog, Listing.of(self.catalog))
        else:
            self.call_after_refresh(self.load_corpus)  # first paint before any query

    # -- loading -----------------------------------------------------------------------

    def load_corpus(self) -> None:
        """Open or index the articles in the catalog's thread (kabar_tui.ui.asking), which
        then answers the screens' questions. A cached corpus is opened, not loaded."""
        self._asker.start(self._load)

    def stop_loading(self, grace: float) -> bool:
        """Ask the loading to stop and wait up to `grace` seconds; whether it has stopped.

        It stops at the next file or batch, ending the worker processes and closing the
        cache; a long cross-article stage cannot stop midway, and is abandoned with the
        process (nothing is being written then; see docs/processes.md).
        """
        self._asker.stop()
        self._search_asker.stop()
        self._header_asker.stop()
        stopped = self._asker.join(grace) and self._search_asker.join(0)
        if self._folders is not None:  # indexing what changed: it stops at its next file
            self._folders.join(grace)
            stopped = stopped and not self._folders.is_alive()
        return stopped

    def _post(self, message: Message) -> None:
        """Hand a message to the app without waiting for it (`call_from_thread` would wait,
        for ever once the app has gone); _Stopped once the app is quitting or gone."""
        if self._stop_loading.is_set() or not self.post_message(message):
            raise _Stopped

    def _load(self) -> None:
        with contextlib.suppress(_Stopped):  # quitting: the cache keeps the work done
            self._load_corpus()

    def _load_corpus(self) -> None:
        """The corpus last opened for these paths, shown before a file is checked (the
        folders' thread checks them next); else the cached catalog when there is one; else
        index, showing articles as they come, then the catalog of what was indexed. Then
        the search index is opened in its thread, and the folders checked and watched."""
        catalog = self.catalog if self.preloaded else recent_catalog(self.paths)
        problems: list[Problem] = []
        if catalog is None:
            catalog, problems = open_catalog(self.paths)
        opened = catalog is not None
        if catalog is not None:  # its first screen, then its search, then its list
            first = catalog.newest_heads(FIRST_ROWS)
            if first is not None:
                self._post(FirstRows(catalog, first))
                # Drawn before the threads take the interpreter for anything else.
                self._first_drawn.wait(FIRST_DRAWN_WAIT)
        # Before the search thread starts or `/` is pressed: see threaded_imports.
        import_rapidfuzz()
        if catalog is not None:
            self._search_asker.start(partial(self._open_search, catalog))
            # What the reader asked of the first rows (an article, its pane), and search
            # being opened or answered, come before the list's order.
            self._asker.give_way(self._search_asker, GIVE_WAY, GIVE_WAY_QUIET)
        else:
            corpus = self._index_corpus()
            catalog, problems = open_catalog(self.paths)  # the cache holds it all now
            if catalog is None:
                catalog, problems = MemoryCatalog(corpus), []
        # Said once: what opening said, and the catalog's own (unreadable files and such).
        problems = problems + [p for p in catalog.problems if p not in problems]
        self._handed = catalog
        listing = Listing.of(catalog, between=self._asker.answer_waiting)
        self._post(CatalogReady(catalog, listing, problems))
        if not opened:
            self._search_asker.start(partial(self._open_search, catalog))
        if stored_key(catalog) is not None and not self.preloaded:
            self._asker.give_way(self._search_asker, GIVE_WAY, GIVE_WAY_QUIET)
            self._asker.settle(SETTLE_QUIET, SETTLE)
            # What later changes are counted against: the catalog handed over, read here
            # (another kabar may update the stored corpus in place before the folders'
            # thread starts).
            self._handed_hashes = catalog.content_hashes()
            self._handed_ids = catalog.ids_by_path()
            # Once search is open: the check must not slow the reader's first second.
            self._search_asker.ask("prepare", self._prepare_search, _nothing)
            self._search_asker.ask("folders", self._start_folders, _nothing)

    def _open_search(self, catalog: Catalog) -> None:
        """In the search thread: the catalog on a connection of its own (a stored one),
        and its search index opened or built there; the one it replaces is closed."""
        from kabar_tui.core.store.storage import CacheUnavailable

        try:
            own = catalog.opened_again()
        except CacheUnavailable:
            return  # the cache went meanwhile: search waits for the next catalog
        searcher = own.searcher()
        replaced, self._search_catalog = self._search_catalog, own
        self._own_searcher = searcher
        if replaced is not None and replaced is not own:
            replaced.close()
        with contextlib.suppress(_Stopped):
            self._post(SearcherReady(catalog, searcher))

    def _prepare_search(self) -> None:
        """In the search thread, once the list is handed over: a stored index reads the
        arrays every query reads (0.2 s of CPU at 100k articles), so that a query typed
        later does not wait for them; one typed sooner reads them itself."""
        prepare = getattr(self._own_searcher, "prepare", None)
        if prepare is not None:
            prepare()

    # -- the folders: checked, watched, indexed again --------------------------------------

    def _start_folders(self) -> None:
        """Start the folders' thread for the stored corpus shown."""
        if self._folders is None and not self._stop_loading.is_set():
            self._folders = threading.Thread(
                target=self._check_folders, name="kabar-folders", daemon=True
            )
            self._folders.start()

    def _check_folders(self) -> None:
        """In the folders' thread: is the corpus shown still what the folders hold?
        Looked at (FOLDERS_AFTER the first rows at the earliest) once watching has begun
        (nothing is missed between the two), or at once when not watching; then again
        each time files change."""
        shown = self._shown_at if self._shown_at is not None else time.monotonic()
        if self._stop_loading.wait(max(0.0, shown + FOLDERS_AFTER - time.monotonic())):
            return
        if not self._quiet(FOLDERS_QUIET, FOLDERS_QUIET_LONGEST):
            return
        from kabar_tui.core.indexing.watch import FolderWatcher
        from kabar_tui.core.store.catalog_open import FolderVouch

        watcher = self.watching if not isinstance(self.watching, bool) else None
        if watcher is None and self.watching and self.paths:
            watcher = FolderWatcher(self.paths)
        # While watching, the reader vouches for the folders: `kabar search` and the other
        # commands then take its word instead of looking at every file.
        vouch = FolderVouch(self.paths) if watcher is not None else None
        with contextlib.suppress(_Stopped):
            try:
                looked = False

                def look() -> None:
                    nonlocal looked
                    looked = True
                    self._index_if_changed(vouch)

                if watcher is not None and vouch is not None:
                    vouch.hold()
                    for changed in watcher.changes(self._stop_loading, begun=look, vouch=vouch):
                        vouch.withdraw()  # before anything: the folders are not as said
                        for note in watcher.notes:
                            self._post(WatchNote(note))
                        watcher.notes.clear()
                        if len(changed) <= PREVIEWED_FILES:
                            self._preview(changed)
                        self._index_if_changed(vouch)
                    for note in watcher.notes:  # watching ended: why
                        self._post(WatchNote(note))
                if not looked and not self._stop_loading.is_set():  # not watching, or gone
                    self._index_if_changed()
            except _Stopped:
                raise
            except Exception as error:  # said in one line, not a traceback; watching ends
                self._post(WatchNote(_("Folders no longer checked: {error}").format(error=error)))
            finally:
                if vouch is not None:
                    vouch.release()

    def _quiet(self, seconds: float, longest: float) -> bool:
        """In a thread: wait until neither the catalog's thread nor the search thread has
        had a question to answer for `seconds` (at most `longest`); False when stopped."""
        deadline = time.monotonic() + longest
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            askers = (self._asker, self._search_asker, self._header_asker)
            if any(asker.busy or asker.unanswered for asker in askers):
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= seconds:
                return True
            if self._stop_loading.wait(0.02):
                return False
        return not self._stop_loading.is_set()

    def _preview(self, changed: set[Path]) -> None:
        """In the folders' thread: the changed files processed one by one and listed at
        once; their links and stories come with the catalog indexed next."""
        from kabar_tui.core.indexing.pipeline import process_source
        from kabar_tui.core.ingest.sources import Source, article_ids, read_source

        catalog = self.catalog
        listed = [*self._handed_ids.items(), *((a.path, a.id) for a in self._previewed.values())]
        shown = {os.path.realpath(path): article_id for path, article_id in listed}
        taken = set(shown.values())
        articles: list[Article] = []
        gone: list[str] = []
        for path in sorted(changed):
            known = shown.get(os.path.realpath(path))
            source = read_source(path) if path.is_file() else None
            if isinstance(source, Source):
                # A new file's id in the corpus depends on the others' names: when its own
                # name is taken it is listed once indexed, not shown under another's id.
                article_id = known or article_ids([path])[0]
                if known is None and article_id in taken:
                    continue
                try:
                    article = process_source(dataclasses.replace(source, id=article_id))
                except Exception:  # not shown early: the indexing that follows says why
                    continue
                if self._handed_hashes.get(article.path) == article.content_hash:
                    continue  # touched, not changed
                articles.append(article)
            if known is not None:
                gone.append(known)
        if articles or gone:
            self._post(ArticlesPreviewed(catalog, articles, gone))

    def _index_if_changed(self, vouch: FolderVouch | None = None) -> None:
        """Check every file against the cache (`open_catalog`); what changed is indexed
        (the cache's rows for the rest are reused), and the event loop told the key.
        Watching, the folders are vouched for (`vouch`) once they hold the corpus."""
        from kabar_tui.core.store.catalog_open import open_catalog as open_stored

        catalog, problems = open_stored(self.paths)
        if catalog is None:
            from kabar_tui.core.indexing.pipeline import IndexCancelled, index_corpus

            try:
                report = index_corpus(self.paths, cancel=self._stop_loading, keep_articles=False)
            except IndexCancelled:
                raise _Stopped from None
            catalog, problems = open_stored(self.paths)
            if catalog is None:
                self._post(FoldersChecked(None, report.corpus.problems))
                return
        problems = problems + [p for p in catalog.problems if p not in problems]
        if vouch is not None:
            vouch.say(catalog)
        catalog.close()
        self._post(FoldersChecked(catalog.key, problems))

    def _reopened(self, key: str) -> tuple[Catalog, Listing, CatalogChanges] | None:
        """In the catalog's thread: the stored corpus `key`, its list, and what changed
        since the catalog handed over before, which is closed (its questions still queued
        answer nothing, and are asked again of this one)."""
        from kabar_tui.core.store.catalog_open import reopen_catalog

        catalog = reopen_catalog(key)
        before = self._handed
        if catalog is None or before is None:
            return None
        hashes = catalog.content_hashes()
        changes = CatalogChanges.between(self._handed_hashes, hashes)
        listing = Listing.of(catalog)
        listing.ids_by_path = catalog.ids_by_path()
        self._handed, self._handed_hashes = catalog, hashes
        self._handed_ids = listing.ids_by_path
        before.close()
        return catalog, listing, changes

    def _index_corpus(self) -> Corpus:
        """Index `paths` (the cache keeps what was done), posting articles as they come."""
        from kabar_tui.core.indexing.pipeline import IndexCancelled, build_corpus

        shown = handed = 0.0
        arrived: list[Article] = []

        def hand_over() -> None:
            nonlocal handed
            handed = time.monotonic()
            batch = arrived[:]
            arrived.clear()
            self._post(ArticlesArrived(batch))

        def on_articles(articles: list[Article]) -> None:
            arrived.extend(articles)
            wait = max(ARRIVAL_SECONDS, ARRIVAL_COST_FACTOR * self._arrival_seconds)
            if time.monotonic() - handed > wait:
                hand_over()

        def progress(done: int, total: int) -> None:
            nonlocal shown
            if done == total and arrived:
                hand_over()  # the rest, before the cross-article stage runs
            if time.monotonic() - shown > PROGRESS_SECONDS or done == total:
                shown = time.monotonic()
                self._post(LoadProgress(done, total))

        stop = self._stop_loading
        try:
            corpus = build_corpus(self.paths, progress, on_articles=on_articles, cancel=stop)
        except IndexCancelled:
            raise _Stopped from None
        if arrived:
            hand_over()
        return corpus

    def prepare_searcher(self, catalog: Catalog) -> Searcher | None:
        """The catalog's searcher, opened or built (in the catalog's thread: it may take a
        while the first time) and kept; None while articles are still arriving."""
        if not catalog.linked:
            return None
        searcher = catalog.searcher()
        if catalog is self.catalog:
            self.searcher = searcher
        return searcher

    def on_articles_arrived(self, message: ArticlesArrived) -> None:
        """Processed articles, shown at once; their cross-article results come later."""
        if not self.screen_stack:
            return  # the reader has gone (quit while a file was being read)
        started = time.perf_counter()
        catalog = self.catalog
        before = len(catalog)
        if isinstance(catalog, MemoryCatalog) and not catalog.linked:
            catalog.add_articles(message.articles)
            self.listing.add(catalog.heads()[before:])
            self.list_screen.refresh_articles()
        self._arrival_seconds = time.perf_counter() - started

    def on_load_progress(self, message: LoadProgress) -> None:
        if self.screen_stack:  # else the reader has gone
            self.list_screen.set_progress(message.done, message.total)

    def on_first_rows(self, message: FirstRows) -> None:
        """The newest articles, listed while the list's order is asked; the catalog answers."""
        if not self.listing.known:  # else the whole list came first
            self._first_rows_only = True
            self.catalog = message.catalog
            self.listing = Listing.first(list(message.heads))
            self.list_screen.first_rows_shown()
            self.list_screen.refresh_articles()
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        """The first rows are on screen: the catalog's thread goes on."""
        self._shown_at = time.monotonic()
        self._first_drawn.set()

    def on_catalog_ready(self, message: CatalogReady) -> None:
        self._say_problems(message.problems)
        self._catalog_ready(message.catalog, message.listing, message.problems)

    def _say_problems(self, problems: list[Problem]) -> None:
        """A toast for each of the first few problems; the rest are listed at exit."""
        for problem in problems[:SHOWN_PROBLEMS]:
            self.notify(
                str(problem), severity="error" if problem.fatal else "warning", markup=False
            )
        hidden = len(problems) - SHOWN_PROBLEMS
        if hidden > 0:
            more = ngettext(
                "{n} more problem (listed when kabar exits)",
                "{n} more problems (listed when kabar exits)",
                hidden,
            )
            self.notify(more.format(n=hidden), severity="warning")

    def _catalog_ready(
        self,
        catalog: Catalog,
        listing: Listing,
        problems: list[Problem] | None = None,
        changes: CatalogChanges | None = None,
    ) -> None:
        """A catalog replaces the one shown (the one articles arrived in, or one the files
        on disk have changed since: `changes`): the list, the open article and its pane
        are drawn again from it, each keeping its place."""
        if not self.screen_stack:
            return  # the reader has gone
        replaced = catalog is not self.catalog
        self._first_rows_only = False
        if replaced:
            self._heads_read.clear()
        reader = self._reader
        view = self._article_view()
        shown = view.article if view is not None else None
        self.catalog = catalog
        self.listing = listing
        self.problems = problems if problems is not None else catalog.problems
        if replaced:
            self._articles.clear()
            self._previewed.clear()
            if changes is None:
                self.searcher = None
            else:  # search keeps answering from the old index until the new one is open
                self._search_asker.ask(
                    f"open {id(catalog)}", partial(self._open_search, catalog), _nothing
                )
        self.list_screen.finish_loading(self._why_empty())
        self.list_screen.forget_prompts()
        self.list_screen.refresh_articles(keep_place=changes is not None)
        if changes:
            self.notify(changes_notice(changes), timeout=4)
        if reader is None or view is None or not replaced:
            return  # not replaced: the catalog of the first rows, what is shown stands
        view.forget_layouts()
        if shown is None:
            reader.fill_pane()
            return
        # The article again, from the new catalog (after a change on disk by its file: ids
        # may change with the files).
        article_id = shown.id if changes is None else listing.ids_by_path.get(shown.path)
        if article_id is None:
            self.notify(
                _("The file of this article was removed; it stays shown until you leave it."),
                severity="warning",
                timeout=6,
            )
            reader.fill_pane()
            return
        where = self.history.current

        def again(article: Article, header: HeaderMentions | None) -> None:
            view = self._article_view()
            if view is not None and view.article is shown:  # the reader is still there
                reader.open(article, view.cursor, where.terms, header)

        self.fetch_article(article_id, again)

    def _why_empty(self) -> str | None:
        """What the list says when no article could be read: why, a file a line (a file's
        reason also came as a toast, which goes after a few seconds)."""
        if len(self.catalog):
            return None
        lines = [_("No articles could be read.")]
        lines += [str(problem) for problem in self.problems[:SHOWN_PROBLEMS]]
        hidden = len(self.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            more = ngettext(
                "{n} more problem (listed when kabar exits)",
                "{n} more problems (listed when kabar exits)",
                hidden,
            )
            lines.append(more.format(n=hidden))
        return "\n".join(lines)

    def _article_view(self) -> ArticleView | None:
        """The reader's article view, when the reader screen is there with it (its module
        is imported only then: the catalog handed over before any article is opened must
        not import it on the event loop)."""
        reader = self._reader
        if reader is None or not reader.is_mounted:
            return None
        from kabar_tui.ui.widgets.article_view import ArticleView

        return next(iter(reader.query(ArticleView)), None)

    def on_folders_checked(self, message: FoldersChecked) -> None:
        """The folders hold another corpus than the one shown: open it in the catalog's
        thread and move to it, keeping the user's place (`_catalog_ready`)."""
        self.folder_checks += 1
        said = self.problems
        new = [p for p in message.problems if p not in said]
        self._say_problems(new)
        self.problems = said + new
        if new and not len(self.catalog):  # the empty corpus of the cache: say why now
            self.list_screen.finish_loading(self._why_empty())
        if message.key is None or message.key == stored_key(self.catalog):
            return
        key = message.key

        def moved(found: tuple[Catalog, Listing, CatalogChanges] | None) -> None:
            if found is not None:
                catalog, listing, changes = found
                self._catalog_ready(catalog, listing, self.problems, changes)

        # A group of its own each time: every catalog handed over is moved to, in order.
        self._asker.ask(f"reopen {key}", partial(self._reopened, key), moved)

    def on_articles_previewed(self, message: ArticlesPreviewed) -> None:
        """Changed files listed at once (opening one shows what was processed); the
        catalog indexed with them replaces these rows."""
        if message.catalog is not self.catalog or not self.screen_stack:
            return  # the catalog indexed with them came first, or the reader has gone
        self._previewed.update((article.id, article) for article in message.articles)
        heads = [ArticleHead.of(article) for article in message.articles]
        self.listing.replace(set(message.gone), heads)
        self.list_screen.refresh_articles(keep_place=True)

    def on_watch_note(self, message: WatchNote) -> None:
        self.notify(message.note, severity="warning", markup=False)

    def on_searcher_ready(self, message: SearcherReady) -> None:
        """Search answers now: a query typed while it was being prepared runs again."""
        if message.catalog is not self.catalog:
            return
        self.searcher = message.searcher
        # Not imported for this: before `/` no search screen exists, and importing its
        # module (rapidfuzz's, the filters', a fold table) would hold up the article and
        # pane a reader opened meanwhile.
        search = sys.modules.get("kabar_tui.ui.screens.search")
        if search is None:
            return
        for screen in self.screen_stack:
            if isinstance(screen, search.SearchScreen):
                screen.searcher_ready()

    # -- articles ----------------------------------------------------------------------

    def head(self, article_id: str) -> ArticleHead | None:
        previewed = self._previewed.get(article_id)
        if previewed:
            return ArticleHead.of(previewed)
        known = self.listing.known.get(article_id) or self._heads_read.get(article_id)
        if known is not None or self._threaded(self.catalog):
            return known  # the catalog's connection is its thread's: asked there (`jump`)
        return self.catalog.head(article_id)

    def ask(
        self, question: Callable[[Catalog], T], then: Callable[[T], object], group: str
    ) -> None:
        """Call `then` with the catalog's answer to `question`: now when the catalog is in
        memory and has no thread (handed over, or articles still arriving), else once the
        catalog's thread has asked it; of the questions of one group only the newest is
        answered, and none about a catalog that has been replaced meanwhile."""
        catalog = self.catalog
        if not self._threaded(catalog):
            then(question(catalog))
            return

        def answer(found: T) -> None:
            if catalog is self.catalog:
                then(found)
            elif self.catalog.linked and self._asker.is_newest(group, asked):
                self.ask(question, then, group)  # replaced meanwhile: asked of its successor

        asked = self._asker.ask(group, lambda: question(catalog), answer)

    def _threaded(self, catalog: Catalog) -> bool:
        """Whether questions about `catalog` go to the catalog's thread (else answered now)."""
        return self._asker.running and not (
            isinstance(catalog, MemoryCatalog) and not catalog.linked
        )

    def search_hits(
        self, query: str, offset: int, limit: int, then: Callable[[SearchPage], object]
    ) -> None:
        """Call `then` with a page of hits: from the search thread when there is one (only
        the newest query is answered), else now; no hits until search is ready."""

        def page(searcher: Searcher | None) -> SearchPage:
            from kabar_tui.core.search.search import SearchPage

            if not query.strip() or searcher is None:
                return SearchPage([], 0)
            return searcher.search_page(query, offset, limit)

        def with_heads() -> tuple[SearchPage, list[ArticleHead]]:
            """In the search thread: the page, and the heads of its hits (their outlet and
            date, and opening one need them: the list reads only the heads on screen)."""
            found = page(self._own_searcher)
            catalog = self._search_catalog
            if catalog is None:
                return found, []
            ids = dict.fromkeys(hit.article_id for hit in found.hits if hit.article_id)
            return found, [head for head in map(catalog.head, ids) if head is not None]

        def answered(found: tuple[SearchPage, list[ArticleHead]]) -> None:
            self._heads_read.update((head.id, head) for head in found[1])
            then(found[0])

        if self._search_asker.running:
            self._search_asker.ask("search", with_heads, answered)
        elif self._first_rows_only:  # its search opens in the search thread, then runs again
            then(page(None))
        else:
            then(page(self.searcher or self.prepare_searcher(self.catalog)))

    @property
    def asking(self) -> int:
        """Questions not answered yet (tests and benchmarks wait for none)."""
        return (
            self._asker.unanswered + self._search_asker.unanswered + self._header_asker.unanswered
        )

    def on_answer(self, message: Answer) -> None:
        message.asker.answered()
        if message.error is not None:
            raise message.error
        message.then(message.found)

    def fetch_article(
        self, article_id: str, then: Callable[[Article, HeaderMentions | None], object]
    ) -> None:
        """Call `then` with the whole article and, when they were found with it, its title's
        and captions' mentions (both kept for a while once read)."""
        previewed = self._previewed.get(article_id)
        if previewed is not None:
            then(previewed, None)
            return
        kept = self._articles.get(article_id)
        if kept is not None:
            self._articles.move_to_end(article_id)
            then(*kept)
            return

        # The first article read in the catalog's thread comes without its title's entities
        # (loading the recogniser would delay it and the pane asked next); they are found
        # in a thread of their own, beside the pane, and restyle its header.
        header = self._recogniser_loaded or not self._threaded(self.catalog)

        def found(read: tuple[Article, HeaderMentions | None] | None) -> None:
            from kabar_tui.ui.widgets.article_view import (
                NO_HEADER_MENTIONS,
                header_mentions_now,
                header_waits_for_recogniser,
            )

            if read is None:
                return
            article = read[0]
            if not header and header_waits_for_recogniser(article):
                read = article, NO_HEADER_MENTIONS  # plain until found
                if not self._header_asker.running:
                    self._header_asker.start(lambda: None)
                self._header_asker.ask(
                    f"header {article.id}",
                    partial(header_mentions_now, article),
                    partial(self._header_found, article),
                )
            self._keep(read)
            then(*read)

        self.ask(partial(read_article, article_id, header=header), found, "article")

    def _header_found(self, article: Article, mentions: HeaderMentions | None) -> None:
        """The title's and captions' mentions of an article shown without them: kept with
        it, and its header restyled where it is shown (nothing moves)."""
        from kabar_tui.ui.widgets.article_view import ArticleView

        self._recogniser_loaded = True
        if mentions is None:
            return
        if self._articles.get(article.id, (None,))[0] is article:
            self._articles[article.id] = (article, mentions)
        view = self._article_view()
        if view is not None:
            key = (article.id, article.content_hash)
            view.post_message(ArticleView.HeaderMentionsFound(key, mentions))

    def _keep(self, read: tuple[Article, HeaderMentions | None]) -> None:
        article_id = read[0].id
        self._articles[article_id] = read
        self._articles.move_to_end(article_id)
        while len(self._articles) > KEPT_ARTICLES:
            self._articles.popitem(last=False)

    # -- navigation --------------------------------------------------------------------

    def on_open_article(self, message: OpenArticle) -> None:
        self.jump(message.article_id, message.paragraph, message.terms, message.origin)

    def on_show_entity(self, message: ShowEntity) -> None:
        self.show_entity(message.name)

    def on_show_list(self, message: ShowList) -> None:
        self.show_list()

    def on_compare(self, message: Compare) -> None:
        self.compare(message.article_id, message.other_id)

    def jump(
        self,
        article_id: str,
        paragraph: int = 0,
        terms: list[str] | None = None,
        origin: tuple[str, ...] | None = None,
    ) -> None:
        """Open an article at a paragraph, recording the move in the history."""
        if self._threaded(self.catalog) and self.head(article_id) is None:
            # Its head not read yet: asked of the catalog's thread.
            def found(head: ArticleHead | None) -> None:
                if head is None:
                    self.notify(_("That article is not loaded"), severity="warning")
                    return
                self._heads_read[head.id] = head
                self.jump(article_id, paragraph, terms, origin)

            self.ask(lambda catalog: catalog.head(article_id), found, "jump")
            return
        if self.head(article_id) is None:
            self.notify(_("That article is not loaded"), severity="warning")
            return
        self._go(self.history.visit(Location(article_id, paragraph, terms, origin)))

    def _go(self, location: Location) -> None:
        while len(self.screen_stack) > 1 and (
            location.article_id is None or self.screen is not self._reader
        ):
            self.pop_screen()
        if location.article_id is None:
            return

        def show(article: Article, header: HeaderMentions | None) -> None:
            if location is not self.history.current:
                return  # the reader went elsewhere while it was read
            if self.screen is not self.reader:
                self.push_screen(self.reader)
            self.reader.open(article, location.paragraph, location.terms, header)

        self.fetch_article(location.article_id, show)

    def remember_paragraph(self, paragraph: int) -> None:
        self.history.remember_paragraph(paragraph)

    def action_go_back(self) -> None:
        """One step back: off an entity or comparison screen, else to the previous place.

        A place opened from search results or a comparison goes back to that screen.
        """
        from kabar_tui.ui.screens.compare import CompareScreen
        from kabar_tui.ui.screens.entity import EntityScreen

        if isinstance(self.screen, EntityScreen | CompareScreen):
            self.pop_screen()
            return
        origin = self.history.current.origin
        location = self.history.back()
        if location is not None:
            self._go(location)
        if origin == ("search",):
            self.action_search()
        elif origin is not None and origin[0] == "compare":
            left, right, row, side = origin[1:]
            self.compare(left, right, place=(int(row), int(side)))

    def action_forward(self) -> None:
        location = self.history.forward()
        if location is not None:
            self._go(location)

    def show_list(self) -> None:
        if self.history.current.article_id is not None:
            self.history.visit(Location(None))
        self._go(self.history.current)

    def open_neighbour(self, step: int) -> None:
        """`[` / `]`: the previous or next article in the list's order."""
        current = self.history.current.article_id
        order = self.list_screen.shown.ids
        if current not in order:
            return
        index = order.index(current) + step
        if 0 <= index < len(order):
            self.jump(order[index], 0)
        else:
            self.notify(_("No more articles that way"), timeout=2)

    def show_entity(self, name: str) -> None:
        from kabar_tui.ui.screens.entity import EntityScreen

        if not self.linked:
            self.notify(_("Still linking articles; entities come when it is done"), timeout=3)
            return
        self.push_screen(EntityScreen(name))

    def compare(
        self, article_id: str, other_id: str | None = None, place: tuple[int, int] = (0, 0)
    ) -> None:
        """Two versions of a story side by side: `other_id`, or the most related article;
        `place` is the row and side (0 left, 1 right) to start on."""
        if not self.linked:
            self.notify(_("Still linking articles; comparisons come when it is done"), timeout=3)
            return

        def versions(catalog: Catalog) -> tuple[Comparison, list[str]] | None:
            import_rapidfuzz()
            from kabar_tui.core.corpus.compare import compare_articles

            candidates = [head.id for head, _links in catalog.compare_candidates(article_id)]
            other = other_id if other_id is not None else next(iter(candidates), None)
            if other is None:
                return None
            left, right = catalog.article(article_id), catalog.article(other)
            if left is None or right is None:
                return None
            # The links between the two are all that compare_articles reads of a corpus.
            between = Corpus(links=catalog.links_between(article_id, other))
            return compare_articles(between, left, right), candidates

        self.ask(versions, partial(self._show_versions, place), "compare")

    def _show_versions(
        self, place: tuple[int, int], versions: tuple[Comparison, list[str]] | None
    ) -> None:
        from kabar_tui.ui.screens.compare import CompareScreen

        if versions is None:
            self.notify(_("No other outlet has this story"), timeout=3)
            return
        if isinstance(self.screen, CompareScreen):
            self.pop_screen()
        self.push_screen(CompareScreen(*versions, place))

    def switch_language(self, language: str) -> None:
        """Speak `language` from now on and remember it in the config file.

        What kabar draws (the list, the article, panes, help, palette, messages) changes at
        once; key labels in the footer were made at start-up and change on the next start.
        """
        from kabar_tui.config import save_setting
        from kabar_tui.i18n import set_language

        self.locale = set_language(language)
        try:
            save_setting("lang", self.locale)
        except OSError as error:
            message = _("Could not remember the language: {error}").format(error=error)
            self.notify(message, severity="warning", markup=False)
        self.list_screen.retranslate()
        if self._reader is not None and self._reader.is_mounted:
            self._reader.view.locale = self.locale
            self._reader.view.forget_layouts()
            self._reader.fill_pane()
        self.notify(_("Language: English. Key labels change on the next start."))

    # -- search and help ---------------------------------------------------------------

    def action_search(self) -> None:
        import_rapidfuzz()  # the loading thread may be importing it (see threaded_imports)
        from kabar_tui.ui.screens.search import SearchScreen

        query, selected = self.last_search
        self.push_screen(SearchScreen(query, selected))

    def action_command_palette(self) -> None:
        """ctrl+p: in search it moves up the hits (as in fzf); elsewhere the palette."""
        from textual.command import CommandPalette

        import_rapidfuzz()  # the search screen's module imports it (see threaded_imports)
        from kabar_tui.ui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.move_hit(-1)
        elif not isinstance(self.screen, CommandPalette):
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def action_change_theme(self) -> None:
        from textual.command import CommandPalette
        from textual.theme import ThemeProvider

        self.push_screen(
            CommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…"))
        )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands worth having here, in the interface language (the keys
        are the palette's own "Help: keys here"; a screenshot is no reader's business)."""
        yield SystemCommand(_("Theme"), _("Change the current theme"), self.action_change_theme)
        yield SystemCommand(_("Quit"), _("Quit the application"), self.action_quit)

    def action_help(self) -> None:
        from kabar_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str, str, str]]:
        """(part, keys, description, id) for the bindings active where the focus is."""
        grouped: dict[tuple[int, str], list] = {}
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            entry = grouped.setdefault(
                (id(active.node), binding.id or binding.action), [active.node, binding, []]
            )
            entry[2].append(self.get_key_display(binding) or key)
        rows = []
        for node, binding, keys in grouped.values():
            part = part_name(type(node).__name__)
            description = textual_text(binding.description)
            rows.append((part, ", ".join(keys), description, binding.id or ""))
        return rows
