"""What the screens show: hit counts and pages, filter hints, real matches, the header,
progress during the cross-article stage."""

from __future__ import annotations

from textual.widgets import Label, ProgressBar

from kabar_tui import i18n
from kabar_tui.core.model import Article, Paragraph
from kabar_tui.core.search.search import SearchIndex
from kabar_tui.ui.screens.search import HitList, query_hint, real_matches
from kabar_tui.ui.widgets.article_view import match_pattern
from tests.ui.conftest import make_app


def flooded_corpus(count: int):
    """The seed-like corpus plus `count` articles that each mention a flood once."""
    from tests.ui.conftest import build_corpus

    corpus = build_corpus()
    for n in range(count):
        corpus.articles.append(
            Article(
                id=f"banjir-{n:03d}",
                path=f"banjir-{n:03d}.txt",
                title=f"Warta desa {n}",
                paragraphs=[
                    Paragraph(0, f"Banjir merendam {n} rumah warga di desa nomor {n}.", 1),
                    Paragraph(1, "Warga mengungsi ke balai desa.", 2),
                ],
                outlet="Detik",
            )
        )
    return corpus


def status_text(app) -> str:
    return str(app.screen.query_one("#search-status", Label).render())


async def search_for(pilot, app, query: str) -> None:
    await pilot.press("slash", *query)
    await pilot.pause(0.3)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_all_hits_are_counted_with_plurals_and_paged_past_fifty() -> None:
    corpus = flooded_corpus(120)
    app = make_app(corpus)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.searcher = SearchIndex.build(corpus)
        await search_for(pilot, app, "banjir")
        assert status_text(app).startswith("120 hits; ↓ past the last shows more")
        hits = app.screen.query_one(HitList)
        assert len(app.screen.hits) == 50
        hits.focus()
        for shown in (50, 100):
            hits.highlighted = shown - 1
            await pilot.press("down")
            assert hits.highlighted == shown
        assert status_text(app) == "120 hits"
        listed = {hit.article_id for hit in app.screen.hits}
        assert len(app.screen.hits) == 120 and len(listed) == 120
        await pilot.press("escape")
        await search_for(pilot, app, '"desa nomor 7."')
        assert status_text(app) == "1 hit"


async def test_hit_count_in_indonesian() -> None:
    i18n.set_language("id")
    try:
        corpus = flooded_corpus(1234)
        app = make_app(corpus, locale="id")
        async with app.run_test() as pilot:
            await pilot.pause()
            app.searcher = SearchIndex.build(corpus)
            await search_for(pilot, app, "banjir")
            assert status_text(app).startswith("1.234 hasil; ↓")
            await pilot.press("escape")
            await search_for(pilot, app, '"desa nomor 7."')
            assert status_text(app) == "1 hasil"
    finally:
        i18n.set_language("en")


def test_filter_hints() -> None:
    assert query_hint("kim type:foo") == (
        "unknown filter type:foo — try type:quote, passage, title, entity"
    )
    assert query_hint("author:putin") == "unknown filter author: — try outlet:, by:, type:"
    assert query_hint("outlet: kim") == "outlet: needs a value, e.g. outlet:kompas"
    for fine in ("type:quotes kim", "by:putin", "pukul 10:30", "lihat https://x.id", "kim"):
        assert query_hint(fine) is None


async def test_a_filter_hint_shows_in_the_status_line() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("slash", *"kim type:foo")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status_text(app).startswith("unknown filter type:foo")


def test_only_real_matches_are_marked() -> None:
    text = "saya sama bersama Samanya pemerintahan"
    spans = [(0, 4), (5, 9), (10, 17), (18, 25), (26, 38)]
    marked = [text[a:b] for a, b in real_matches(text, spans, "sama pemerintah")]
    assert marked == ["sama", "Samanya", "pemerintahan"]
    assert [text[a:b] for a, b in real_matches(text, spans, "pemerintahn")] == ["pemerintahan"]
    assert match_pattern(["sama"]).findall(text) == ["sama", "Sama"]


async def test_header_shows_editor_and_a_rule_under_the_title() -> None:
    from tests.ui.conftest import build_corpus

    corpus = build_corpus()
    corpus.articles[0].editor = "Rina Wulandari"
    app = make_app(corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.view
        lines = ["".join(s.text for s in strip) for strip in view._layout.strips[:8]]
        assert lines[0] == corpus.articles[0].title
        assert set(lines[1]) == {"─"} and len(lines[1]) == len(lines[0])
        assert "Editor: Rina Wulandari" in lines
        assert "Source: KCNA" in lines


async def test_the_cross_article_stage_shows_a_moving_bar_and_a_clock() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.list_screen
        screen.set_progress(2, 5)
        bar = screen.query_one(ProgressBar)
        assert bar.total == 5 and bar.progress == 2
        screen.set_progress(5, 5)
        await pilot.pause()
        assert bar.total is None  # indeterminate: it moves while the stage runs
        status = str(screen.query_one("#status", Label).render())
        assert status.startswith("Linking stories and names across outlets…")
        assert status.endswith(" s")


async def test_textual_strings_in_indonesian() -> None:
    from textual.command import CommandPalette

    from kabar_tui.ui.screens.help import HelpScreen

    i18n.set_language("id")
    try:
        app = make_app(locale="id")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            descriptions = {row[2] for row in app.screen.rows}
            assert {"Gulir ke kiri", "Fokus berikutnya", "Palet"} <= descriptions
            assert not {"Scroll Left", "Focus Next", "palette"} & descriptions
            await pilot.press("escape", "ctrl+p")
            await pilot.pause()
            assert isinstance(app.screen, CommandPalette)
            titles = [command.title for command in app.get_system_commands(app.screen)]
            assert titles == ["Tema", "Keluar"]
            assert app.screen.query_one("CommandInput").placeholder == "Cari perintah…"
    finally:
        i18n.set_language("en")


async def test_the_palette_switches_the_language_and_remembers_it(isolated_config_dir) -> None:
    from kabar_tui.config import load_config
    from kabar_tui.ui.widgets.article_list import ArticleList

    app = make_app()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+p", *"bahasa indonesia")
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause()
            assert app.locale == "id" and load_config().lang == "id"
            listing = app.list_screen.query_one(ArticleList)
            first = "".join(s.text for s in listing.render_line(0))
            assert "17 Sep 2023" in first  # dates in Indonesian order
            assert str(app.list_screen.query_one("#sort-label", Label).render()) == "urut tanggal"
            assert any(n.message.startswith("Bahasa: Indonesia.") for n in app._notifications)
    finally:
        i18n.set_language("en")
