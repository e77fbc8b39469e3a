"""The one thread that asks the catalog: it opens (or indexes) the corpus, then answers the
screens' questions one at a time, and hands each answer to the event loop as a message.

One thread because a stored catalog's database connection belongs to the thread that
opened it; a daemon thread, not Textual workers, because the interpreter waits for those
at exit (a long question would hold up quitting). Of the questions of one group (the
entity view's pages, the article to open) only the newest is asked and answered, so a
reader moving fast never waits for queries it has left behind.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from textual.message import Message

from kabar_tui.ui.messages import Answer

Question = Callable[[], Any]


class Asker:
    """Questions queued for one daemon thread; `post` hands answers to the app."""

    def __init__(
        self, post: Callable[[Message], bool], stop: threading.Event, name: str = "kabar-catalog"
    ) -> None:
        self._post = post
        self._name = name
        self._stop = stop
        self._queue: queue.SimpleQueue[tuple[str, int, Question, Callable] | None] = (
            queue.SimpleQueue()
        )
        self._numbers = itertools.count()
        self._newest: dict[str, int] = {}
        self.unanswered = 0  # questions asked and not yet answered on the event loop
        self.asked_at = 0.0  # when the last question was asked (`time.monotonic`)
        self.busy = False  # the thread is opening, or asking a question (`give_way`)
        self._thread: threading.Thread | None = None

    def start(self, first: Callable[[], None]) -> None:
        """Run `first` (the opening or the indexing), then answer questions until stopped."""
        self._thread = threading.Thread(
            target=self._serve, args=(first,), name=self._name, daemon=True
        )
        self.busy = True  # from now: `give_way` waits for `first`
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ask(self, group: str, question: Question, then: Callable[[Any], object]) -> int:
        """Queue `question`; `then(answer)` runs on the event loop unless a newer question
        of `group` came meanwhile. Returns the question's number (`is_newest`)."""
        number = next(self._numbers)
        self._newest[group] = number
        self.unanswered += 1
        self.asked_at = time.monotonic()
        self._queue.put((group, number, question, then))
        return number

    def is_newest(self, group: str, number: int) -> bool:
        """Whether question `number` is still the newest of `group`."""
        return self._newest.get(group) == number

    def answered(self) -> None:
        self.unanswered -= 1

    def stop(self) -> None:
        self._stop.set()
        self._queue.put(None)

    def join(self, grace: float) -> bool:
        if self._thread is not None:
            self._thread.join(grace)
            return not self._thread.is_alive()
        return True

    def answer_waiting(self) -> None:
        """In the thread, while `first` is still running: answer the questions asked so far
        (an article opened at the first rows is answered before the list's order is
        asked)."""
        while not self._stop.is_set():
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is None:  # stopped: the loop after `first` sees it too
                self._queue.put(None)
                return
            if not self._answer(*item):
                return

    def give_way(self, other: Asker, longest: float, quiet: float = 0.0) -> None:
        """In the thread, before work nobody waits for (the list's order, the files'
        hashes: at 100k articles a few tenths of a second of the interpreter): wait until
        `other`'s thread has not been busy (opening search, answering a query) for `quiet`
        seconds, at most `longest` seconds, answering the questions asked meanwhile
        (`answer_waiting`); a reader who searches, or opens an article, waits for neither."""
        deadline = time.monotonic() + longest
        quiet_since = time.monotonic()
        while True:
            self.answer_waiting()
            now = time.monotonic()
            if other.busy:
                quiet_since = now
            elif now - quiet_since >= quiet:
                return
            if now >= deadline or self._stop.wait(0.005):
                return

    def settle(self, quiet: float, longest: float) -> None:
        """In the thread, before work nobody waits for: wait until no question has been
        asked of it for `quiet` seconds (counted from now at the earliest), at most
        `longest`, answering those asked meanwhile (a reader who opens an article and its
        pane at once gets them first)."""
        started = time.monotonic()
        while not self._stop.is_set():
            self.answer_waiting()
            now = time.monotonic()
            if now - max(self.asked_at, started) >= quiet or now - started >= longest:
                return
            self._stop.wait(0.005)

    def _serve(self, first: Callable[[], None]) -> None:
        self.busy = True
        try:
            first()
        finally:
            self.busy = False
        while not self._stop.is_set():
            item = self._queue.get()
            if item is None or not self._answer(*item):
                return

    def _answer(self, group: str, number: int, question: Question, then: Callable) -> bool:
        """Ask one question and hand its answer over; False once the app has gone."""
        if self._newest.get(group) != number:  # left behind: not asked
            return self._post(Answer(self, _skip, None, None))
        self.busy = True
        try:
            found, error = question(), None
        except Exception as raised:  # said on the event loop, where the app can fail
            found, error = None, raised
        finally:
            self.busy = False
        if self._newest.get(group) != number:
            then = _skip
        return self._post(Answer(self, then, found, error))


def _skip(found: object) -> None:
    """The answer to a question left behind: nothing to do."""
