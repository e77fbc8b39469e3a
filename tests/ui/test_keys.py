"""Keys as terminal readers expect them: q and escape go up a level, Q quits, j/k scroll
inside tall paragraphs, search remembers, every panel closes with escape."""

from __future__ import annotations

from textual.widgets import Input

from kabar_tui.core.model import Paragraph
from kabar_tui.ui.screens.entity import EntityScreen
from kabar_tui.ui.screens.help import HelpScreen
from kabar_tui.ui.screens.list import ListScreen
from kabar_tui.ui.screens.reader import ReaderScreen
from kabar_tui.ui.screens.search import HitList, SearchScreen
from tests.ui.conftest import build_corpus, make_app


async def open_first(pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_q_and_escape_go_up_one_level_and_only_q_on_the_list_quits() -> None:
    for key in ("q", "escape"):
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await open_first(pilot)
            await pilot.press("e")
            await pilot.pause()
            assert app.reader.side.display
            await pilot.press(key)
            assert not app.reader.side.display and isinstance(app.screen, ReaderScreen)
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, ListScreen)
            assert app.return_code is None
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0


async def test_capital_q_quits_from_an_article() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_first(pilot)
        await pilot.press("Q")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_c_quits_from_the_list_and_from_an_article() -> None:
    for opened in (False, True):
        app = make_app()
        async with app.run_test() as pilot:
            await pilot.pause()
            if opened:
                await open_first(pilot)
            await pilot.press("ctrl+c")
            await pilot.pause()
        assert app.return_code == 0


async def test_n_without_a_search_says_there_is_none_to_follow() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await open_first(pilot)
        await pilot.press("n")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("No search to follow" in m for m in messages)
        assert not any("No search matches" in m for m in messages)


async def test_q_leaves_the_entity_view_and_escape_the_help() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        app.show_entity("Kim Jong Un")
        await pilot.pause()
        assert isinstance(app.screen, EntityScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_j_scrolls_through_a_paragraph_taller_than_the_screen() -> None:
    corpus = build_corpus()
    long = corpus.articles[0]
    words = " ".join(f"kata{n}" for n in range(900))
    long.paragraphs = [Paragraph(0, "Pendek.", 10), Paragraph(1, words, 12)]
    long.paragraphs.append(Paragraph(2, "Penutup.", 14))
    long.entities, long.quotes = [], []
    app = make_app(corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        view = app.reader.view
        await pilot.press("j")
        assert view.cursor == 1
        seen = [view.scroll_y]
        for _ in range(30):
            await pilot.press("j")
            if view.cursor != 1:
                break
            seen.append(view.scroll_y)
        assert len(seen) > 3 and seen == sorted(seen) and len(set(seen)) == len(seen)
        layout = view._layout
        assert view.cursor == 2
        # Every line of the long paragraph was on screen at some point.
        height = view.scrollable_content_region.height
        assert max(seen) + height > layout.last_line[1]
        await pilot.press("k")
        assert view.cursor == 1
        await pilot.press("k")
        assert view.cursor == 1 and view.scroll_y < max(seen)


async def search_for(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_back_from_a_hit_returns_to_the_results_and_slash_shows_the_last_query() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await search_for(pilot, "kunjungan")
        hits = app.screen.query_one(HitList)
        assert len(app.screen.hits) > 2
        await pilot.press("ctrl+n", "ctrl+j", "ctrl+p")
        assert hits.highlighted == 1
        chosen = app.screen.hits[1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.reader.view.cursor == chosen.paragraph
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        field = app.screen.query_one("#search-input", Input)
        assert field.value == "kunjungan"
        assert app.screen.query_one(HitList).highlighted == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("slash")
        await pilot.pause()
        field = app.screen.query_one("#search-input", Input)
        assert field.selected_text == "kunjungan"
        await pilot.press(*"beras")
        assert field.value == "beras"  # typing replaced the selected query


async def test_enter_right_after_typing_opens_the_best_hit() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("slash", *"harga beras", "enter")  # no pause: debounce not fired
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.reader.view.article.id == "antara-1"


async def test_ctrl_k_in_search_moves_up_instead_of_deleting() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await search_for(pilot, "kunjungan")
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+k")
        assert app.screen.query_one(HitList).highlighted == 1
        assert app.screen.query_one("#search-input", Input).value == "kunjungan"


async def test_at_80_columns_a_pane_takes_the_width_with_its_paragraph_above() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        await pilot.press("j", "r")
        await pilot.pause()
        side = app.reader.side
        assert side.size.width == 80 and not app.reader.view.display
        context = app.reader.query_one("#side-context")
        assert context.display and "latihan gabungan" in str(context.render())
        await pilot.press("escape")
        assert app.reader.view.display and not side.display


async def test_palette_offers_the_reader_actions_and_compare() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+p", *"pane quotes")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader.pane == "quotes" and app.reader.side.display
        await pilot.press("escape", "ctrl+p", *"compare with")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
        assert app.screen.other_id == "kompas-1"


async def test_the_documented_keymap_example_works() -> None:
    """The `[keymap]` example of docs/keys.md, read from the file itself."""
    import re
    import tomllib
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "keys.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", docs, re.DOTALL).group(1)
    keymap = tomllib.loads(example)["keymap"]
    app = make_app(keymap=keymap)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(pilot)
        await pilot.press("ctrl+n", "ctrl+n", "ctrl+b")
        assert app.reader.view.cursor == 1
        await pilot.press("D")
        await pilot.pause()
        assert type(app.screen).__name__ == "CompareScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("h")  # now closes the article too
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, SearchScreen)
