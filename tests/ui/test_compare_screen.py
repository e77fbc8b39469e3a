"""The comparison screen on the seed articles: Pilot and snapshots at 80x24 and 120x40."""

from __future__ import annotations

import pytest

from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.model import Corpus
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.screens.compare import CompareScreen
from kabar_tui.ui.screens.reader import ReaderScreen
from kabar_tui.ui.widgets.compare_view import CompareView
from tests.ui.conftest import make_app

SIZES = [(80, 24), (120, 40)]
PAIRS = [("000", "002"), ("001", "003")]


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    return build_corpus(None)


def seed_id(corpus: Corpus, prefix: str) -> str:
    return next(a.id for a in corpus.articles if a.id.startswith(prefix))


def screen_lines(view: CompareView) -> list[str]:
    layout = view._ensure_layout()
    return ["".join(segment.text for segment in strip) for strip in layout.strips]


async def test_d_compares_with_the_most_related_outlet_and_enter_opens_the_paragraph(
    seeds,
) -> None:
    app = KabarApp(corpus=seeds)
    first, second = seed_id(seeds, "000"), seed_id(seeds, "002")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.jump(first)
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.other_id == second
        view = screen.query_one(CompareView)
        lines = screen_lines(view)
        assert any("Jong-un" in line and "Jong Un" in line for line in lines)  # side by side
        assert any(" │ " in line for line in lines)
        await pilot.press("j", "j", "l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert (app.reader.view.article.id, app.reader.view.cursor) == (second, 2)
        await pilot.press("q")  # back to the comparison it was opened from
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen) and app.screen.other_id == second
        await pilot.pause()
        view = app.screen.query_one(CompareView)
        assert (view.cursor, view.side) == (2, 1)  # where the reader was opened from
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen) and app.reader.view.article.id == first


async def test_stacked_at_80_columns_and_keys_scroll_both_versions(seeds) -> None:
    app = KabarApp(corpus=seeds)
    first, second = seed_id(seeds, "000"), seed_id(seeds, "002")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.compare(first, second)
        await pilot.pause()
        view = app.screen.query_one(CompareView)
        lines = screen_lines(view)
        assert not any(" │ " in line for line in lines)
        assert any(line.startswith("Okezone: ") for line in lines)
        await pilot.press("space")
        assert view.scroll_y > 0 and view.cursor > 0
        await pilot.press("G")
        assert view.cursor == len(view.comparison.rows) - 1
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)


async def test_an_article_in_no_story_says_so(seeds) -> None:
    app = KabarApp(corpus=seeds)
    lonely = next(
        a.id for a in seeds.articles if not any(a.id in s.articles for s in seeds.stories)
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        app.jump(lonely)
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert any("No other outlet" in n.message for n in app._notifications)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pair", PAIRS)
def test_compare_snapshot(snap_compare, seeds, pair, size) -> None:
    app = KabarApp(corpus=seeds)

    async def open_comparison(pilot) -> None:
        app.compare(seed_id(seeds, pair[0]), seed_id(seeds, pair[1]))
        await pilot.pause()
        await pilot.press("j")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=open_comparison)


async def test_link_kinds_are_shown_in_indonesian(seeds) -> None:
    from textual.widgets import OptionList

    from kabar_tui import i18n

    i18n.set_language("id")
    try:
        app = KabarApp(corpus=seeds, locale="id")
        first, second = seed_id(seeds, "000"), seed_id(seeds, "002")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.jump(first)
            await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            pane = app.reader.query_one("#side-list", OptionList)
            related = [str(pane.get_option_at_index(i).prompt) for i in range(pane.option_count)]
            assert any(" · teks sama" in line for line in related)
            assert not any("same text" in line for line in related)
            app.compare(first, second)
            await pilot.pause()
            lines = screen_lines(app.screen.query_one(CompareView))
            assert any("¶0 ↔ ¶0 · teks sama" in line for line in lines)
            assert not any("same text" in line for line in lines)
    finally:
        i18n.set_language("en")


async def test_asking_for_another_version_of_a_two_article_story_says_there_is_no_third() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.jump("detik-1")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert any("No third version" in n.message for n in app._notifications)
