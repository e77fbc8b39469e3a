"""The catalog's thread (`ui/asking.Asker`): long work nobody waits for gives way to
another thread that is busy."""

from __future__ import annotations

import threading

from textual.message import Message

from kabar_tui.ui.asking import Asker
from kabar_tui.ui.messages import Answer


def answering() -> tuple[Asker, list[object], threading.Event]:
    """An Asker whose answers are handed over at once, in its thread; `answered` is set
    each time one is."""
    answers: list[object] = []
    answered = threading.Event()

    def post(message: Message) -> bool:
        assert isinstance(message, Answer)
        message.then(message.found)
        answered.set()
        return True

    return Asker(post, threading.Event()), answers, answered


def busy_asker() -> tuple[Asker, threading.Event]:
    """Another Asker, started on work that holds it busy until the event is set."""
    other, _, _ = answering()
    release = threading.Event()
    other.start(lambda: release.wait(30))
    return other, release


def test_long_work_gives_way_while_the_other_thread_is_busy() -> None:
    asker, _, _ = answering()
    other, release = busy_asker()  # opening: busy until released
    waiting = threading.Thread(target=asker.give_way, args=(other, 30.0))
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()
    release.set()
    waiting.join(30)
    assert not waiting.is_alive()
    other.stop()


def test_giving_way_waits_no_longer_than_asked() -> None:
    asker, _, _ = answering()
    other, release = busy_asker()
    waiting = threading.Thread(target=asker.give_way, args=(other, 0.05))
    waiting.start()
    waiting.join(20)
    finished = not waiting.is_alive()
    release.set()
    other.stop()
    assert finished


def assert_article_answered_while(
    waiting: threading.Thread, asker: Asker, answers: list, answered: threading.Event
) -> None:
    """An article asked once `waiting` has started is answered while it still waits."""
    waiting.start()
    asker.ask("article", lambda: "the article", answers.append)
    assert answered.wait(20)
    assert answers == ["the article"] and waiting.is_alive()


def test_giving_way_answers_the_questions_asked_meanwhile() -> None:
    """The list's order waits while search is busy; an article asked meanwhile does not."""
    asker, answers, answered = answering()
    other, release = busy_asker()
    waiting = threading.Thread(target=asker.give_way, args=(other, 30.0))
    try:
        assert_article_answered_while(waiting, asker, answers, answered)
    finally:
        release.set()
        waiting.join(30)
        other.stop()


def test_settling_answers_the_questions_asked_meanwhile_until_a_quiet_moment() -> None:
    """The files' hashes wait for the reader to stop asking; the article asked meanwhile
    is answered while they wait."""
    asker, answers, answered = answering()
    waiting = threading.Thread(target=asker.settle, args=(30.0, 30.0))
    try:
        assert_article_answered_while(waiting, asker, answers, answered)
    finally:
        asker.stop()
        waiting.join(30)
    assert not waiting.is_alive()
