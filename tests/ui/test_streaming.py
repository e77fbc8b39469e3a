"""Articles appear while the corpus loads; cross-article panes wait for the linking."""

from __future__ import annotations

import threading

import pytest
from textual.geometry import Region
from textual.widgets import Label, OptionList

from kabar_tui.core.indexing import pipeline
from kabar_tui.core.model import Corpus
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.widgets.article_view import ArticleView
from tests.ui.conftest import build_corpus, make_app


def shown_ids(app: KabarApp) -> list[str]:
    return [a.id for a in app.list_screen.shown]


def side_texts(app: KabarApp) -> list[str]:
    listing = app.reader.query_one("#side-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def wait_for(pilot, condition) -> None:
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


@pytest.fixture
def staged_pipeline(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """A pipeline that hands over one article, then waits for the test to release the rest."""
    full = build_corpus()
    release = threading.Event()

    def staged(paths, progress=None, cache=True, on_articles=None, cancel=None) -> Corpus:
        first, rest = full.articles[:1], full.articles[1:]
        on_articles(first)
        progress(1, len(full.articles))
        release.wait(10)
        on_articles(rest)
        progress(len(full.articles), len(full.articles))
        return full

    monkeypatch.setattr(pipeline, "build_corpus", staged)
    return release


async def test_list_grows_before_the_corpus_is_linked(staged_pipeline: threading.Event) -> None:
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: shown_ids(app))
        assert shown_ids(app) == ["detik-1"]
        assert not app.linked and app.catalog.stories() == []
        assert app.list_screen.query_one("#progress").display
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.reader.is_mounted)
        await pilot.press("j", "r")
        await pilot.pause()
        assert any("Still linking" in text for text in side_texts(app))

        staged_pipeline.set()
        await wait_for(pilot, lambda: app.linked)
        await pilot.pause()
        assert sorted(shown_ids(app)) == ["antara-1", "detik-1", "kompas-1"]
        assert any("Kompas.com" in text for text in side_texts(app))
        assert not app.list_screen.query_one("#progress").display


async def test_entity_view_waits_for_the_linking(staged_pipeline: threading.Event) -> None:
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: shown_ids(app))
        app.show_entity("Kim Jong Un")
        await pilot.pause()
        assert app.screen is app.list_screen
        staged_pipeline.set()
        await wait_for(pilot, lambda: app.linked)


async def test_moving_the_cursor_repaints_only_the_two_paragraphs() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.query_one(ArticleView)
        layout = view._ensure_layout()
        calls: list[tuple[Region, ...]] = []
        real = view.refresh

        def recording(*regions, **options):
            calls.append(regions)
            return real(*regions, **options)

        view.refresh = recording
        await pilot.press("j")
        await pilot.pause()
        assert view.cursor == 1
        assert calls and all(regions for regions in calls), "the whole pane was repainted"
        repainted = {y for regions in calls for region in regions for y in range(*region.line_span)}
        for paragraph in (0, 1):
            lines = range(layout.first_line[paragraph], layout.last_line[paragraph] + 1)
            assert set(lines) <= repainted
        assert repainted <= set(range(layout.first_line[0], layout.last_line[1] + 1))


async def test_a_search_typed_while_loading_is_answered_when_search_is_ready(
    staged_pipeline: threading.Event,
) -> None:
    """It said "Still reading articles…" for good (issue 11); now it searches again."""
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: shown_ids(app))
        await pilot.press("slash", *"shoigu")
        await pilot.pause(0.3)
        status = app.screen.query_one("#search-status", Label)
        assert "Still reading articles" in str(status.render())
        assert not app.screen.hits
        staged_pipeline.set()
        await wait_for(pilot, lambda: app.screen.hits)
        assert {hit.article_id for hit in app.screen.hits} >= {"detik-1", "kompas-1"}


async def test_a_search_typed_while_linking_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every article read, the cross-article stage running: it said "Still reading
    articles…" while the list said "Linking stories and names across outlets…"."""
    full = build_corpus()
    release = threading.Event()

    def linking(paths, progress=None, cache=True, on_articles=None, cancel=None) -> Corpus:
        on_articles(full.articles)
        progress(len(full.articles), len(full.articles))
        release.wait(10)
        return full

    monkeypatch.setattr(pipeline, "build_corpus", linking)
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.list_screen.linking)
        await pilot.press("slash", *"shoigu")
        status = app.screen.query_one("#search-status", Label)
        linking = "Still linking articles across outlets…"
        await wait_for(pilot, lambda: str(status.render()) != "Type to search the whole corpus")
        assert str(status.render()) == linking
        release.set()
        await wait_for(pilot, lambda: app.screen.hits)
