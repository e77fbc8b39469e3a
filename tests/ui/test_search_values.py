"""The search screen says what a filter value was taken as, or that it matched nothing."""

from __future__ import annotations

from kabar_tui import i18n
from kabar_tui.core.search.search import SearchIndex
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


async def test_a_long_note_wraps_at_80_columns_instead_of_being_cut() -> None:
    """At 80x24 in Indonesian the note on a value matching nothing is longer than the
    search box: it was cut at the box's edge, mid-word, losing its end."""
    i18n.set_language("id")
    try:
        corpus = build_corpus()
        app = make_app(corpus, locale="id")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            app.searcher = SearchIndex.build(corpus)
            await search_for(pilot, app, "by:putin")
            note = "by:putin tidak cocok dengan pembicara mana pun di sini"
            assert status_text(app).endswith(note)
            status = app.screen.query_one("#search-status")
            x, y, width, height = status.region
            update = app.screen._compositor.render_full_update()
            lines = [
                "".join(segment.text for strip in line for segment in strip)[x : x + width]
                for line in update.strips[y : y + height]
            ]
            assert " ".join(" ".join(lines).split()).endswith(note)
    finally:
        i18n.set_language("en")
