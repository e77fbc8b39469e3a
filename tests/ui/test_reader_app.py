"""Functional tests of the reader driven by keys through Pilot."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input, Label, OptionList

from kabar_tui.core.model import Paragraph, Story
from kabar_tui.core.search.search import Hit, SearchPage
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.screens.entity import EntityScreen
from kabar_tui.ui.screens.help import HelpScreen
from kabar_tui.ui.screens.list import ListScreen
from kabar_tui.ui.screens.reader import ReaderScreen
from kabar_tui.ui.screens.search import SearchScreen, query_terms
from kabar_tui.ui.widgets.article_list import ArticleList
from kabar_tui.ui.widgets.article_view import ArticleView
from tests.ui.conftest import article, build_corpus, make_app


def shown_ids(app: KabarApp) -> list[str]:
    return [a.id for a in app.list_screen.shown]


async def test_list_is_sorted_by_date_and_by_outlet() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert shown_ids(app) == ["detik-1", "kompas-1", "antara-1"]
        await pilot.press("s")
        assert shown_ids(app) == ["antara-1", "detik-1", "kompas-1"]


def drawn(listing: ArticleList) -> list[str]:
    """The list's lines as they are on screen."""
    height = listing.scrollable_content_region.height
    return ["".join(s.text for s in listing.render_line(y)) for y in range(height)]


async def test_list_shows_story_siblings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        lines = drawn(app.list_screen.query_one(ArticleList))
        assert lines[0].startswith(" detikNews        Sep 17, 2023 Kim Jong Un bertemu Shoigu")
        assert lines[1].strip() == "also in: Kompas.com"


def test_an_outlet_less_sibling_is_named_by_its_title_cut_visibly() -> None:
    from kabar_tui.core.store.catalog import ArticleHead

    title = "Harga Beras Premium Tembus Rp16.000 per Kilogram di Pasar Induk"
    assert (
        ArticleHead("a", title).outlet_or_title(30) == "Harga Beras Premium Tembus…"
    )  # not "…Rp1"
    assert ArticleHead("b", "Kim bertemu Putin").outlet_or_title(30) == "Kim bertemu Putin"
    assert ArticleHead("c", title, "ANTARA").outlet_or_title(30) == "ANTARA"


async def test_filter_as_you_type() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f", *"beras")
        assert shown_ids(app) == ["antara-1"]
        await pilot.press("escape")
        assert len(shown_ids(app)) == 3


async def test_open_article_and_move_the_paragraph_cursor() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(ArticleView)
        assert view.article.id == "detik-1" and view.cursor == 0
        await pilot.press("j", "j", "down")
        assert view.cursor == 3
        await pilot.press("k")
        assert view.cursor == 2
        await pilot.press("G")
        assert view.cursor == len(view.article.paragraphs) - 1
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("space")
        assert view.cursor > 0 and view.scroll_y > 0
        await pilot.press("b")
        assert view.scroll_y == 0


async def test_next_and_previous_article() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("]")
        await pilot.pause()
        assert app.reader.view.article.id == "kompas-1"
        await pilot.press("[")
        await pilot.pause()
        assert app.reader.view.article.id == "detik-1"


async def test_markup_in_article_text_stays_literal() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.view
        lines = ["".join(s.text for s in strip) for strip in view._layout.strips]
        assert any("[bold]markup[/]" in line for line in lines)


async def test_removed_lines_toggle_shows_reasons() -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.view

        def text() -> str:
            return "\n".join("".join(s.text for s in strip) for strip in view._layout.strips)

        assert "Advertisement" not in text()
        await pilot.press("x")
        assert "Advertisement" in text() and "[related-article link]" in text()
        await pilot.press("x")
        assert "Advertisement" not in text()


async def test_search_jumps_to_the_passage_and_n_finds_matches() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"latihan gabungan")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.hits, "search found nothing"
        assert screen.hits[0].article_id == "detik-1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        view = app.reader.view
        assert view.cursor == 1
        assert view.match_terms == ["latihan", "gabungan"]
        await pilot.press("n")
        assert view.cursor == 1  # the only match wraps around to itself


async def test_search_drops_results_of_an_old_query() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("slash")
        screen = app.screen
        await pilot.press(*"beras")
        shown = list(screen.hits)  # "beras" may have answered already (a loaded machine)
        screen.show_hits("old query", [object()])
        assert screen.hits == shown


async def test_an_answer_reaching_a_search_screen_being_taken_down_is_dropped() -> None:
    """The reader quitting while a search answers: its list is gone first, and the
    answer must not fail looking for it (seen once in the full suite, at exit)."""
    from kabar_tui.core.search.search import SearchPage
    from kabar_tui.ui.screens.search import HitList

    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("slash")
        screen = app.screen
        await pilot.press(*"beras")
        await screen.query_one(HitList).remove()
        screen.show_hits("beras", SearchPage([], 0))  # raised NoMatches


async def test_related_jump_and_back_and_forward() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j", "r")
        await pilot.pause()
        assert app.reader.query_one("#side").display
        assert app.reader.query_one("#side-list").has_focus
        await pilot.press("enter")
        await pilot.pause()
        view = app.reader.view
        assert (view.article.id, view.cursor) == ("kompas-1", 1)
        await pilot.press("backspace")
        await pilot.pause()
        assert (view.article.id, view.cursor) == ("detik-1", 1)
        await pilot.press("alt+right")
        await pilot.pause()
        assert view.article.id == "kompas-1"
        await pilot.press("alt+left", "backspace")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)


async def test_entity_view_lists_mentions_and_jumps() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        # Every entity here has one mention, so the pane is alphabetical: Matsegora first.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity == "Alexander Matsegora"
        targets = [t for t in app.screen.targets if t is not None]
        assert targets
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        app.show_entity("Sergei Shoigu")
        await pilot.pause()
        screen = app.screen
        assert [t for t in screen.targets if t] == [("detik-1", 0), ("kompas-1", 0)]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.reader.view.article.id == "kompas-1"
        await pilot.press("backspace")
        await pilot.pause()
        assert app.reader.view.article.id == "detik-1"


UNSOURCED_TITLE = "Menteri Pertahanan Rusia Sergei Shoigu menyambut Kim Jong Un di Vladivostok"


def unsourced_corpus():
    """The test corpus with kompas-1's outlet and date unknown and a long title."""
    corpus = build_corpus()
    kompas = corpus.article("kompas-1")
    kompas.outlet, kompas.published, kompas.title = None, None, UNSOURCED_TITLE
    return corpus


async def test_an_article_of_unknown_outlet_and_date_is_named_without_dashes() -> None:
    """The entity view's heading was `- · - · Title`, the related pane's `Title cut mid-wo
    · - · similar`, a search hit's `title · - · -`: only what is known, a cut title ends
    in `…` at a word."""
    corpus = unsourced_corpus()
    app = make_app(corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.show_entity("Sergei Shoigu")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        headings = [
            str(listing.get_option_at_index(number).prompt)
            for number, target in enumerate(app.screen.targets)
            if target is None
        ]
        assert headings[1] == UNSOURCED_TITLE
        assert headings[0] == "detikNews · Sep 17, 2023 · Kim Jong Un bertemu Shoigu di Vladivostok"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("enter", "j", "r")
        await pilot.pause()
        related = app.reader.query_one("#side-list", OptionList)
        first_line = str(related.get_option_at_index(0).prompt).split("\n")[0].strip()
        assert first_line == "88 Menteri Pertahanan Rusia Sergei Shoigu… · similar"
        await pilot.press("escape", "slash", *"shoigu sambut")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        hit_lines = [
            str(Text("\n").join([app.screen._prompt(hit)])).split("\n")[0]
            for hit in app.screen.hits
            if hit.article_id == "kompas-1"
        ]
        assert hit_lines and all(" · -" not in line for line in hit_lines), hit_lines


async def test_entity_counts_are_grouped_as_the_hit_count_is() -> None:
    """`24339 mentions · 9102 articles` beside search's `4,821 hits` (`4.821` in Indonesian)."""
    app = make_app(locale="id")
    async with app.run_test() as pilot:
        await pilot.pause()
        app.show_entity("Sergei Shoigu")
        await pilot.pause()
        title = str(app.screen._title((24339, 9102)))
        assert title.endswith("24.339 mentions · 9.102 articles")


async def test_copy_quote_with_citation() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j", "j", "y")
        assert app.last_copied.startswith("\u201cKami puas dengan hasil kunjungan ini,\u201d")
        assert "Alexander Matsegora, detikNews, Sep 17, 2023" in app.last_copied
        await pilot.press("j", "y")
        assert app.last_copied.startswith("Text with [bold]markup[/]")
        assert app._notifications  # a toast confirms the copy


async def test_help_is_generated_from_the_focused_bindings() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = {row[3] for row in app.screen.rows}
        # q goes back a level in the reader; Q quits from anywhere.
        assert {"reader.next_paragraph", "reader.copy", "reader.close", "app.quit_anywhere"} <= ids
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_user_keymap_rebinds_by_id() -> None:
    app = make_app(keymap={"reader.next_paragraph": "ctrl+n"})
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+n")
        assert app.reader.view.cursor == 1


async def test_quit() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("q")
    assert app.return_code == 0


async def test_bad_paths_give_a_message_not_a_traceback(tmp_path) -> None:
    app = KabarApp(paths=[tmp_path / "missing"])
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = app.list_screen.query_one("#status", Label)
        assert status.display
        assert "No articles could be read" in str(status.render())
        assert app.problems


async def _status_when_loaded(app: KabarApp, pilot) -> list[str]:
    """The list's status line as drawn, once loading and the folders' check are done."""
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if app.folder_checks:
            break
    await pilot.pause()
    status = app.list_screen.query_one("#status", Label)
    assert status.display
    x, y, width, height = status.region
    update = app.screen._compositor.render_full_update()
    lines = ["".join(segment.text for strip in line for segment in strip) for line in update.strips]
    return [line[x : x + width].strip() for line in lines[y : y + height]]


async def test_a_folder_of_binary_files_says_why_nothing_was_read(tmp_path, private_cache) -> None:
    """Opened a second time (the cache has the empty corpus), the reasons come with the
    folders' check: the list says them too, not only toasts that go; a long one wraps."""
    folder = tmp_path / "a-folder-whose-name-makes-the-reason-longer-than-a-line" / "binaries"
    folder.mkdir(parents=True)
    for name in ("program.txt", "image.txt"):
        (folder / name).write_bytes(bytes(range(256)) * 8)
    for _opening in range(2):
        app = KabarApp(paths=[folder])
        async with app.run_test(size=(80, 24)) as pilot:
            status = await _status_when_loaded(app, pilot)
    said = " ".join(status)
    assert status[0] == "No articles could be read."
    for name in ("program.txt", "image.txt"):
        assert f"{name}: skipped: binary file, not text" in said
    assert str(folder / "image.txt") in said.replace(" ", "").replace("\n", "")
    assert len(status) >= 4  # each file on a line of its own, the long path wrapped


async def test_opens_files_given_on_the_command_line(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(
        "Judul berita yang cukup panjang\n\nIsi berita pertama yang cukup panjang di sini.\n",
        encoding="utf-8",
    )
    app = KabarApp(paths=[tmp_path])
    async with app.run_test() as pilot:
        for _ in range(100):  # indexed in the loading thread: one pause was too short under load
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if app.linked and app.searcher is not None:
                break
        assert len(app.catalog) == 1
        assert app.searcher is not None
        assert not app.list_screen.query_one("#status", Label).display


async def test_loading_messages_after_the_reader_has_gone_are_dropped() -> None:
    """A file read while the reader quits: its articles and progress arrive to no screen
    (an IndexError on the empty screen stack, at exit)."""
    from kabar_tui.core.store.catalog import MemoryCatalog
    from kabar_tui.ui.messages import ArticlesArrived, LoadProgress

    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
    app.catalog = MemoryCatalog(linked=False)
    app.on_load_progress(LoadProgress(1, 2))
    app.on_articles_arrived(ArticlesArrived(build_corpus().articles[:1]))
    assert len(app.catalog) == 0


def test_query_terms_drop_filters() -> None:
    assert query_terms('outlet:kompas by:"Joko Widodo" "kerja sama" militer') == [
        "kerja sama",
        "militer",
    ]


async def test_filter_input_takes_letters_that_are_keys_elsewhere() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("f", "q", "s")
        assert app.list_screen.query_one("#filter", Input).value == "qs"


async def test_command_palette_jumps_to_an_entity() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"jump to entity sergei")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity == "Sergei Shoigu"


async def test_tab_moves_between_article_and_side_pane() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c")
        assert app.focused.id == "side-list"
        await pilot.press("tab")
        assert isinstance(app.focused, ArticleView)
        await pilot.press("tab")
        assert app.focused.id == "side-list"
        await pilot.press("c")  # pane focused: its key closes it
        assert not app.reader.query_one("#side").display
        assert isinstance(app.focused, ArticleView)


async def test_narrow_terminal_pane_floats_and_escape_closes_it() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.reader.has_class("narrow")
        await pilot.press("e")
        await pilot.pause()
        assert app.reader.query_one("#side").display
        await pilot.press("escape")
        assert not app.reader.query_one("#side").display
        assert isinstance(app.focused, ArticleView)
        await pilot.press("c", "enter")  # jumping from the floating pane closes it
        await pilot.pause()
        assert not app.reader.query_one("#side").display
        assert app.reader.view.cursor == 2


async def test_an_entity_hit_opens_the_entity_view() -> None:
    class EntitySearch:
        def search_page(self, query: str, offset: int = 0, limit: int = 50) -> SearchPage:
            hits = [Hit("entity", None, None, "Sergei Shoigu", 90.0, [(0, 6)], "PER")]
            return SearchPage(hits[offset : offset + limit], len(hits))

    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.searcher = EntitySearch()
        await pilot.press("slash", *"shoigu")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntityScreen)
        assert app.screen.entity == "Sergei Shoigu"


async def test_long_article_is_wrapped_a_chunk_at_a_time() -> None:
    corpus = build_corpus()
    long = corpus.articles[2]
    long.paragraphs = [
        Paragraph(i, f"Paragraf nomor {i} dari laporan panjang tentang harga beras.", 10 + i)
        for i in range(400)
    ]
    long.entities = []
    app = make_app(corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the reader is mounted
        await pilot.pause()
        view = app.reader.view
        app.jump(long.id, 0)
        layout = view._layout
        assert layout is not None and not layout.complete  # only the first screens so far
        view.action_last_paragraph()  # what G does, checked before the next chunk runs
        assert view.cursor == 399
        assert sorted(layout.first_line) == list(range(400))
        line = layout.first_line[399]
        assert layout.paragraph_of_line[line] == 399
        assert view.virtual_size.height == len(layout.strips)
        assert None not in layout.strips[int(view.scroll_y) :]  # the end is wrapped
        assert None in layout.strips  # and not the middle: G does not wrap it all first
        on_screen = layout.first_line[399] - view.scroll_y
        while not layout.complete:  # the rest follows a chunk at a time
            await pilot.pause()
        assert None not in layout.strips
        assert layout.first_line[399] - view.scroll_y == on_screen  # the view kept its place


async def test_palette_switches_theme_and_the_article_is_drawn_again() -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        before = app.reader.view.get_component_rich_style("article-view--cursor")
        await pilot.press("ctrl+p", *"switch theme kabar-light")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "kabar-light"
        view = app.reader.view
        assert view.get_component_rich_style("article-view--cursor") != before
        assert view._layout is not None and view._layout.strips


async def test_many_bad_files_give_a_few_toasts_and_a_count(tmp_path) -> None:
    paths = [tmp_path / f"missing-{n}.txt" for n in range(6)]
    app = KabarApp(paths=paths)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 4
        assert messages[-1] == "3 more problems (listed when kabar exits)"


async def test_reader_footer_is_compact_on_a_narrow_terminal_only() -> None:
    from kabar_tui.ui.widgets.footer import KeyFooter

    for size, compact in (((80, 24), True), ((120, 40), False)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ReaderScreen)
            assert app.screen.query_one(KeyFooter).compact is compact


async def test_list_rows_fit_every_width_and_start_where_indexed() -> None:
    """Rows are wrapped to the width; each starts on its own line with its outlet."""
    corpus = build_corpus()
    long_titles = [
        "Presiden tinjau banjir di Demak, warga minta tanggul segera diperbaiki " * 3,
        "Kata" + "sangatpanjangtanpaspasi" * 8,
        "[bold]Judul[/] dengan markup palsu dan \t tab",
        "",
    ]
    for n, title in enumerate(long_titles):
        extra = article(f"extra-{n}", "Liputan6.com dengan nama panjang", 10 + n, title, ["x"])
        corpus.articles.append(extra)
    corpus.stories.append(Story("story-3", ["extra-0", "extra-1", "extra-2"], "banjir"))
    for width in (24, 32, 45, 80, 133):
        app = make_app(corpus)
        async with app.run_test(size=(width, 60)) as pilot:
            await pilot.pause()
            listing = app.list_screen.query_one(ArticleList)
            lines = drawn(listing)
            assert all(len(line) <= width for line in lines)
            outlets = [a.outlet[:5] for a in listing.articles]
            if width > 45:  # columns: only a row's first line has text in the outlet column
                starts = [n for n, line in enumerate(lines) if line[1:2].strip()]
                assert [lines[n][1:6] for n in starts] == outlets, width
            shown = [line[1:6] for line in lines if line[1:6] in outlets]
            assert shown[: len(outlets)] == outlets
            if width == 133:  # every row on screen
                assert any("[bold]Judul[/]" in line for line in lines)  # text, not markup


async def test_long_list_keeps_the_highlighted_article_through_sort_and_filter() -> None:
    corpus = build_corpus()
    for n in range(60):
        title = f"Berita nomor {n} tentang harga beras dan banjir di daerah " * (1 + n % 3)
        corpus.articles.append(article(f"gen-{n}", f"Outlet {n % 7}", 1 + n % 28, title, ["x"]))
    app = make_app(corpus)
    async with app.run_test(size=(90, 24)) as pilot:
        await pilot.pause()
        listing = app.list_screen.query_one(ArticleList)
        await pilot.press("space", "space", "j")
        chosen = listing.highlighted_article.id
        assert listing.highlighted > 3

        def on_screen() -> bool:
            title = listing.highlighted_article.title[:40]
            return any(title in line for line in drawn(listing))

        assert on_screen()
        await pilot.press("s")
        assert listing.highlighted_article.id == chosen and on_screen()
        outlet = listing.highlighted_article.outlet
        await pilot.press("f", *outlet)  # a filter the highlighted article passes
        await pilot.pause()
        assert len(listing.articles) < 63
        assert listing.highlighted_article.id == chosen and on_screen()
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(ArticleView).article.id == chosen


async def test_reopening_after_going_back_and_forward_again() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        first = app.screen.query_one(ArticleView).article.id
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("j", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        second = app.screen.query_one(ArticleView).article.id
        assert second != first
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("alt+left")  # the list was a step of its own, like a page
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(ArticleView).article.id == second
        await pilot.press("alt+right")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        await pilot.press("alt+left", "alt+left")
        await pilot.pause()
        assert isinstance(app.screen, ListScreen)
        # Opening another article after going back dropped the first, as a browser does.
        assert [step.article_id for step in app.history] == [None, second, None]


async def test_the_entity_view_asks_its_first_page_before_its_counts() -> None:
    """Answered in the order asked, the counts of a name mentioned 266k times (0.3 s at
    100k articles) would keep its first page waiting."""
    app = make_app()
    asked: list[str] = []
    async with app.run_test() as pilot:
        await pilot.pause()
        catalog = app.catalog
        count, mentions = catalog.mention_count, catalog.mentions
        catalog.mention_count = lambda name: asked.append("count") or count(name)  # type: ignore[method-assign]
        catalog.mentions = (  # type: ignore[method-assign]
            lambda name, offset=0, limit=100: asked.append("page") or mentions(name, offset, limit)
        )
        app.show_entity("Sergei Shoigu")
        await pilot.pause()
        assert isinstance(app.screen, EntityScreen)
        assert asked[:2] == ["page", "count"]
        assert [t for t in app.screen.targets if t]
