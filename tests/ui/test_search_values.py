"""The search screen says what a filter value was taken as, or that it matched nothing."""

from __future__ import annotations

from kabar_tui import i18n
from kabar_tui.core.search import SearchIndex
from tests.ui.conftest import build_corpus, make_app
from tests.ui.test_screens import search_for, status_text


async def test_a_typed_wrong_speaker_is_shown_as_the_name_it_was_taken_as() -> None:
    corpus = build_corpus()
    app = make_app(corpus)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.searcher = SearchIndex.build(corpus)
        await search_for(pilot, app, "by:matsegra")
        assert {hit.label for hit in app.screen.hits} == {"Alexander Matsegora"}
        assert status_text(app).endswith(" · by:matsegra → Matsegora")
        await pilot.press("escape")
        await search_for(pilot, app, "by:prabowo")
        assert status_text(app) == "No hits · by:prabowo matches no speaker in this corpus"


async def test_the_note_on_no_match_in_indonesian() -> None:
    i18n.set_language("id")
    try:
        corpus = build_corpus()
        app = make_app(corpus, locale="id")
        async with app.run_test() as pilot:
            await pilot.pause()
            app.searcher = SearchIndex.build(corpus)
            await search_for(pilot, app, "outlet:xyzzy")
            assert status_text(app).endswith(
                "outlet:xyzzy tidak cocok dengan media mana pun di sini"
            )
    finally:
        i18n.set_language("en")
