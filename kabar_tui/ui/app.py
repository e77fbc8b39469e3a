"""The reader application: screens, the corpus being loaded, and navigation history."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from kabar_tui.core.model import Article, Corpus
from kabar_tui.i18n import _, ngettext
from kabar_tui.ui.screens.list import ListScreen
from kabar_tui.ui.theming import setup_themes

if TYPE_CHECKING:
    from kabar_tui.ui.screens.reader import ReaderScreen

PROGRESS_SECONDS = 0.1  # how often the progress bar is updated while indexing
# How often arrived articles are added to the list. Each addition rebuilds it (about 5 ms
# per thousand articles once measured, more for new rows), so the wait grows with that cost.
ARRIVAL_SECONDS = 0.3
ARRIVAL_COST_FACTOR = 5  # wait at least this many times the last rebuild
SHOWN_PROBLEMS = 3  # toasts for unreadable files; the rest go to stderr on exit
# Signals that end the reader the way `q` does: the terminal is restored first.
QUITTING_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


class LoaderCall(Message):
    """A call from the loading thread, run on the app's thread; the loader does not wait
    for it (call_from_thread would, and never return once the app has gone)."""

    def __init__(self, callback: Callable[..., object], *args: Any) -> None:
        super().__init__()
        self.callback = callback
        self.args = args


@dataclass(slots=True)
class Location:
    """A place in the history: an article paragraph, or the list when article_id is None."""

    article_id: str | None
    paragraph: int = 0
    terms: list[str] | None = None


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
        Binding("backspace,alt+left", "back", _("Back"), show=False, id="app.back"),
        Binding("alt+right", "forward", _("Forward"), show=False, id="app.forward"),
    ]

    def __init__(
        self,
        paths: list[str | Path] | None = None,
        *,
        locale: str = "en",
        keymap: dict[str, str] | None = None,
        theme: str | None = None,
        corpus: Corpus | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        """`corpus`: show this ready corpus instead of reading `paths` (tests, embedding)."""
        super().__init__()
        self.paths = paths
        self.locale = locale
        self.corpus = corpus or Corpus()
        self.preloaded = corpus is not None
        # False while articles arrive: links, stories and resolved names are not there yet.
        self.linked = self.preloaded
        self._arrival_seconds = 0.0  # how long the last addition of arrived articles took
        self.searcher = None
        self._loader: threading.Thread | None = None
        self._stop_loading = threading.Event()
        self.history: list[Location] = [Location(None)]
        self.position = 0
        self.last_copied: str | None = None
        self._reader: ReaderScreen | None = None
        setup_themes(self, theme)
        self.startup_warnings = warnings or []
        if keymap:
            self.set_keymap(keymap)

    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52 through tmux/screen when needed, or a dialog to copy by hand."""
        from kabar_tui.ui.clipboard import copy_text

        copy_text(self, text)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLES)

    def get_default_screen(self) -> Screen:
        return ListScreen()

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
        return self.screen_stack[0]  # type: ignore[return-value]

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
        self._stop_loading.set()
        super().exit(result, return_code, message)

    def on_unmount(self) -> None:
        """The terminal is restored by now; stop loading and give the signals back."""
        self._stop_loading.set()
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
        if self.preloaded:
            from kabar_tui.ui.data import build_searcher

            self.call_after_refresh(self._corpus_ready, build_searcher(self.corpus))
        else:
            self.call_after_refresh(self.load_corpus)  # first paint before any processing

    # -- loading -----------------------------------------------------------------------

    def load_corpus(self) -> None:
        """Index the articles in a thread (the cache makes a second open one read).

        A daemon thread, not a Textual worker: those run in asyncio's executor, which the
        interpreter waits for at exit, so quitting during a minute of linking would take a
        minute. See `stop_loading`.
        """
        self._loader = threading.Thread(target=self._load, name="kabar-load", daemon=True)
        self._loader.start()

    def stop_loading(self, grace: float) -> bool:
        """Ask the loading to stop and wait up to `grace` seconds; whether it has stopped.

        It stops at the next file or batch, ending the worker processes and closing the
        cache; a long cross-article stage cannot stop midway, and is abandoned with the
        process (nothing is being written then; see docs/processes.md).
        """
        self._stop_loading.set()
        if self._loader is not None:
            self._loader.join(grace)
            return not self._loader.is_alive()
        return True

    def _on_app_thread(self, callback: Callable[..., object], *args: Any) -> None:
        """Have the app run `callback`; IndexCancelled once the app is quitting or gone."""
        from kabar_tui.core.pipeline import IndexCancelled

        if self._stop_loading.is_set() or not self.post_message(LoaderCall(callback, *args)):
            raise IndexCancelled

    def on_loader_call(self, message: LoaderCall) -> None:
        message.callback(*message.args)

    def _load(self) -> None:
        from kabar_tui.core.pipeline import IndexCancelled

        with contextlib.suppress(IndexCancelled):  # quitting: the cache keeps the work done
            self._load_corpus()

    def _load_corpus(self) -> None:
        from kabar_tui.core.pipeline import build_corpus
        from kabar_tui.ui.data import build_searcher

        shown = handed = 0.0
        arrived: list[Article] = []

        def hand_over() -> None:
            nonlocal handed
            handed = time.monotonic()
            batch = arrived[:]
            arrived.clear()
            self._on_app_thread(self._articles_arrived, batch)

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
                self._on_app_thread(self.list_screen.set_progress, done, total)

        stop = self._stop_loading
        corpus = build_corpus(self.paths, progress, on_articles=on_articles, cancel=stop)
        if arrived:
            hand_over()
        searcher = build_searcher(corpus)
        self._on_app_thread(self._loaded, corpus, searcher)

    def _articles_arrived(self, articles: list[Article]) -> None:
        """Processed articles, shown at once; their cross-article results come with _loaded."""
        started = time.perf_counter()
        self.corpus.articles.extend(articles)
        self.list_screen.refresh_articles()
        self._arrival_seconds = time.perf_counter() - started

    def _loaded(self, corpus: Corpus, searcher) -> None:
        self.corpus = corpus
        for problem in corpus.problems[:SHOWN_PROBLEMS]:
            severity: SeverityLevel = "error" if problem.fatal else "warning"
            self.notify(str(problem), severity=severity, markup=False)
        hidden = len(corpus.problems) - SHOWN_PROBLEMS
        if hidden > 0:
            more = ngettext(
                "{n} more problem (listed when kabar exits)",
                "{n} more problems (listed when kabar exits)",
                hidden,
            )
            self.notify(more.format(n=hidden), severity="warning")
        self._corpus_ready(searcher)

    def _corpus_ready(self, searcher) -> None:
        self.searcher = searcher
        self.linked = True
        message = None
        if not self.corpus.articles:
            message = _("No articles could be read.")
            if self.corpus.problems:
                message += " " + "; ".join(str(p) for p in self.corpus.problems)
        self.list_screen.finish_loading(message)
        self.list_screen.forget_prompts()
        if self._reader is not None and self._reader.is_mounted:
            self._reader.view.forget_layouts()
            self._reader.fill_pane()
        self.list_screen.refresh_articles()

    # -- navigation --------------------------------------------------------------------

    def jump(self, article_id: str, paragraph: int = 0, terms: list[str] | None = None) -> None:
        """Open an article at a paragraph, recording the move in the history."""
        if self.corpus.article(article_id) is None:
            self.notify(_("That article is not loaded"), severity="warning")
            return
        del self.history[self.position + 1 :]
        self.history.append(Location(article_id, paragraph, terms))
        self.position = len(self.history) - 1
        self._go(self.history[self.position])

    def _go(self, location: Location) -> None:
        while len(self.screen_stack) > 1 and (
            location.article_id is None or self.screen is not self._reader
        ):
            self.pop_screen()
        if location.article_id is None:
            return
        article = self.corpus.article(location.article_id)
        if article is None:
            return
        if self.screen is not self.reader:
            self.push_screen(self.reader)
        self.reader.open(article, location.paragraph, location.terms)

    def remember_paragraph(self, paragraph: int) -> None:
        """The reader moved its cursor: going back returns to this paragraph."""
        location = self.history[self.position]
        if location.article_id is not None:
            location.paragraph = paragraph

    async def action_back(self) -> None:
        from kabar_tui.ui.screens.entity import EntityScreen

        if isinstance(self.screen, EntityScreen):
            self.pop_screen()
        elif self.position > 0:
            self.position -= 1
            self._go(self.history[self.position])

    def action_forward(self) -> None:
        if self.position < len(self.history) - 1:
            self.position += 1
            self._go(self.history[self.position])

    def show_list(self) -> None:
        if self.history[self.position].article_id is not None:
            del self.history[self.position + 1 :]
            self.history.append(Location(None))
            self.position += 1
        self._go(self.history[self.position])

    def open_neighbour(self, step: int) -> None:
        """`[` / `]`: the previous or next article in the list's order."""
        current = self.history[self.position].article_id
        order = [a.id for a in self.list_screen.shown] or [a.id for a in self.corpus.articles]
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

    # -- search and help ---------------------------------------------------------------

    def action_search(self) -> None:
        from kabar_tui.ui.screens.search import SearchScreen, query_terms

        def chosen(result) -> None:
            if result is None:
                return
            hit, query = result
            if hit.article_id is None:
                if hit.kind == "entity":  # an entity hit's text is its name, label its type
                    self.show_entity(hit.text)
                return
            self.jump(hit.article_id, hit.paragraph or 0, query_terms(query))

        self.push_screen(SearchScreen(), chosen)

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
            part = type(node).__name__.removesuffix("Screen").removesuffix("App") or "App"
            rows.append((part, ", ".join(keys), binding.description, binding.id or ""))
        return rows
