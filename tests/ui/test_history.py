"""The navigation history alone, without an app."""

from __future__ import annotations

from kabar_tui.ui.history import History, Location


def test_back_and_forward_walk_the_visited_places() -> None:
    history = History()
    assert history.current.article_id is None and history.back() is None
    history.visit(Location("a", 2))
    history.visit(Location("b"))
    assert history.back() == Location("a", 2)
    assert history.forward() == Location("b")
    assert history.forward() is None


def test_visiting_after_going_back_drops_the_places_ahead() -> None:
    history = History()
    history.visit(Location("a"))
    history.visit(Location("b"))
    history.back()
    history.visit(Location("c"))
    assert [step.article_id for step in history] == [None, "a", "c"]
    assert history.forward() is None


def test_the_paragraph_read_is_remembered_but_not_on_the_list() -> None:
    history = History()
    history.remember_paragraph(5)
    assert history.current.paragraph == 0
    history.visit(Location("a"))
    history.remember_paragraph(7)
    history.visit(Location("b"))
    assert history.back().paragraph == 7
