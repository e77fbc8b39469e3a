"""A stored corpus opened in the reader: what is asked as soon as the first rows show is
answered before the rest of the list is read, and nothing slow runs on the event loop
(issue 11: a ready reader within a second at 10k articles).

A real cache made from copies of the seeds. Nothing is timed: each test holds a step of
the opening and looks at what the reader shows meanwhile.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from kabar_tui.core.language import entities
from kabar_tui.core.store.catalog_open import open_catalog
from kabar_tui.core.store.catalog_store import StoredCatalog
from kabar_tui.ui import app as app_module
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.widgets.article_list import ArticleList
from kabar_tui.ui.widgets.panes import RelatedPane
from tests.ui.conftest import build_corpus, indexed_seeds


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds, indexed into a cache of the test's own."""
    return indexed_seeds(tmp_path, monkeypatch)


async def wait_for(pilot, condition: Callable[[], object], what: str, tries: int = 1500) -> None:
    for _ in range(tries):  # 30 s by default: a loaded machine
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def shown_article(app: KabarApp) -> str | None:
    """The id of the article the reader shows (None before it is drawn)."""
    view = app._article_view()
    return None if view is None or view.article is None else view.article.id


def title_people(app: KabarApp) -> str:
    """The text of the shown article's first line styled as a person."""
    view = app.reader.view
    per = view.get_component_rich_style("article-view--entity-per", partial=True)
    title = list(view.render_line(0))
    return "".join(s.text for s in title if s.style is not None and s.style + per == s.style)


def held(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> threading.Event:
    """`owner.name` waits until the event is set (at most a minute)."""
    release = threading.Event()
    real = getattr(owner, name)

    def waiting(*args, **options):
        release.wait(60)
        return real(*args, **options)

    monkeypatch.setattr(owner, name, waiting)
    return release


async def test_the_list_never_reads_every_head(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k articles every head is 0.7 s of CPU: the list asks the catalog for its
    orders (ids, sorted, filtered and counted by the database) and the heads of the rows
    it shows. Scrolling to the end, sorting by outlet and filtering read no more."""
    every_head: list[str] = []
    monkeypatch.setattr(StoredCatalog, "heads", lambda catalog: every_head.append("heads"))
    monkeypatch.setattr(app_module, "FIRST_ROWS", 1)
    app = KabarApp(paths=[folder], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.list_screen.shown, "the first rows")
        await wait_for(pilot, lambda: not app._first_rows_only and not app.asking, "the list")
        articles = len(list(folder.rglob("*.txt")))
        assert len(app.list_screen.shown) == articles == len(app.listing.known)
        listed = app.list_screen.shown.ids
        await pilot.press("G", "s")
        await wait_for(pilot, lambda: not app.asking, "the list by outlet")
        assert sorted(app.list_screen.shown.ids) == sorted(listed)
        await pilot.press("f", *"kim jong")
        await wait_for(pilot, lambda: not app.asking, "the list filtered")
        assert 0 < len(app.list_screen.shown) < articles
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: shown_article(app), "the article")
        highlighted = app.list_screen.query_one("#articles").highlighted_id
        assert shown_article(app) == highlighted and highlighted in app.list_screen.shown.ids
    assert not every_head


async def test_an_article_whose_head_the_list_has_not_read_opens_and_hits_show_their_heads(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list reads the heads of the rows it shows (at 100k articles most are never
    read), and the event loop does not query the catalog (its connection is its thread's):
    an article opened from elsewhere (a link, a hit) has its head read by the catalog's
    thread, and the hits come with their heads from the search thread."""
    monkeypatch.setattr(app_module, "FIRST_ROWS", 1)
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    ids = [head.id for head in catalog.heads()]
    catalog.close()
    app = KabarApp(paths=[folder], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.list_screen.shown, "the first rows")
        # No moving bar while the rest is asked: each frame drew the screen again.
        assert not app.list_screen.query_one("#progress").display
        await wait_for(pilot, lambda: not app._first_rows_only and not app.asking, "the list")
        listed = app.list_screen.shown.ids[0]
        unlisted = [article_id for article_id in ids if article_id != listed]
        for article_id in unlisted:  # as if the list had not shown them
            app.listing.known.pop(article_id)
        # ...and never will: shown again after the article, the list would read its rows'
        # heads, and whether that answer came before the hits' was up to the load.
        monkeypatch.setattr(app.list_screen.query_one(ArticleList), "_want", lambda ids: None)
        assert app.head(unlisted[0]) is None
        app.jump(unlisted[0])
        await wait_for(pilot, lambda: shown_article(app) == unlisted[0], "the article", 250)
        await pilot.press("escape")
        app.action_search()
        await pilot.pause()
        app.screen.query_one("#search-input", Input).value = "Kim Jong-un"
        await wait_for(pilot, lambda: getattr(app.screen, "hits", None), "hits", 250)
        hits = {hit.article_id for hit in app.screen.hits} & set(unlisted[1:])
        assert hits, "the query finds articles past the first row"
        assert all(app.head(article_id) is not None for article_id in hits)
        assert not set(app.listing.known) & hits  # their heads came with the hits


async def test_the_folders_are_checked_once_the_reader_has_had_no_question_for_a_while(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of every file (0.4 s of CPU at 100k files) waits, after FOLDERS_AFTER,
    until neither the catalog's thread nor the search thread has a question to answer:
    it does not share the interpreter with an article asked at once."""
    monkeypatch.setattr(app_module, "FOLDERS_AFTER", 0.0)
    monkeypatch.setattr(app_module, "FOLDERS_QUIET", 1.0)  # the jump comes within it
    app = KabarApp(paths=[folder], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: not app._first_rows_only and app.list_screen.shown, "list")
        release = held(monkeypatch, StoredCatalog, "article")
        try:
            app.jump(app.list_screen.shown[0].id)
            await pilot.pause(2.5)  # long past FOLDERS_AFTER and FOLDERS_QUIET
            assert not app.folder_checks  # the article is still being read
        finally:
            release.set()
        await wait_for(pilot, lambda: app.folder_checks, "the folders checked")
        assert shown_article(app) == app.list_screen.shown[0].id


async def test_the_title_entities_are_found_off_the_event_loop(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The recogniser is slow to load: the title's and captions' mentions of an article
    read from a stored catalog are found in the catalog's thread (for the first article,
    once it has nothing else to do) and restyle the title."""
    threads: list[str] = []
    found = entities.title_and_caption_entities

    def recorded(article):
        threads.append(threading.current_thread().name)
        return found(article)

    monkeypatch.setattr(entities, "title_and_caption_entities", recorded)
    app = KabarApp(paths=[folder], watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.linked and len(app.list_screen.shown) > 1, "the list")
        seed = next(
            h for h in app.list_screen.shown if h.title.startswith("Kim Jong-un Diskusikan")
        )
        app.jump(seed.id)
        await wait_for(pilot, lambda: shown_article(app), "the article")
        await wait_for(pilot, lambda: not app.asking, "the title's entities")
        await pilot.pause()
        assert title_people(app) == "Kim Jong-un"
    assert threads and threading.main_thread().name not in threads


async def test_the_pane_asked_with_the_first_article_does_not_wait_for_the_recogniser(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first article's title entities load the recogniser (about 0.1 s, up to a second
    on a loaded machine): the article comes without them, they are found in a thread of
    their own and restyle its title, and the pane asked meanwhile is answered without
    waiting for them; later articles come with theirs, from the catalog's thread."""
    release = threading.Event()
    threads: list[str] = []
    found = entities.title_and_caption_entities

    def held_recogniser(article):
        threads.append(threading.current_thread().name)
        release.wait(60)
        return found(article)

    monkeypatch.setattr(entities, "title_and_caption_entities", held_recogniser)
    app = KabarApp(paths=[folder], watch=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(
                pilot, lambda: app.list_screen.shown and not app._first_rows_only, "the list"
            )
            seed = next(
                h for h in app.list_screen.shown if h.title.startswith("Kim Jong-un Diskusikan")
            )
            app.jump(seed.id)
            await wait_for(pilot, lambda: shown_article(app) == seed.id, "the article")
            await pilot.press("r")
            await wait_for(pilot, lambda: not app._asker.unanswered, "the pane")
            assert app.reader.side.content is not None
            assert threads == ["kabar-header"] and app.asking == 1  # still held
            release.set()
            await wait_for(pilot, lambda: not app.asking, "the title's entities")
            await pilot.pause()
            assert title_people(app) == "Kim Jong-un"
            other = next(h for h in app.list_screen.shown if h.id != seed.id and h.title)
            app.jump(other.id)
            await wait_for(pilot, lambda: shown_article(app) == other.id, "the next article")
            await wait_for(pilot, lambda: not app.asking, "its pane")
            assert threads[1:] == ["kabar-catalog"]  # found with it
    finally:
        release.set()


def test_the_related_pane_reads_no_article_whole(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pane lists the passages a paragraph links to from their heads and paragraphs:
    reading each linked article whole cost a query of every table per article."""
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    linked = {}
    for head in catalog.heads():
        for link in catalog.related(head.id):
            linked.setdefault((head.id, link.source_paragraph), []).append(link)
    assert linked, "the seeds republish passages: they must link"
    (article_id, paragraph), links = next(iter(linked.items()))
    article = catalog.article(article_id)
    assert article is not None
    expected = {
        (link.target_article, link.target_paragraph): catalog.article(link.target_article)
        for link in links
    }

    def whole(article_id: str):
        raise AssertionError(f"{article_id} read whole")

    monkeypatch.setattr(catalog, "article", whole)
    passages = RelatedPane.collect(catalog, article, paragraph)
    assert [passage.link for passage in passages] == catalog.related(article_id, paragraph)
    for passage in passages:
        other = expected[passage.link.target_article, passage.link.target_paragraph]
        assert other is not None and passage.other is not None
        assert passage.other.id == other.id and passage.other.outlet == other.outlet
        assert passage.text == other.paragraphs[passage.link.target_paragraph].text
    catalog.close()


async def test_a_pasted_query_is_searched_at_once_and_typing_waits_for_a_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The debounce coalesces keystrokes; a query pasted whole has none to wait for."""
    from kabar_tui.ui.screens import search

    monkeypatch.setattr(search, "DEBOUNCE_SECONDS", 600)  # typing never pauses long enough
    app = KabarApp(corpus=build_corpus())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.action_search()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, search.SearchScreen)
        await pilot.press("K")
        await pilot.pause()
        assert screen.shown_query is None  # one key: waits for the pause
        screen.query_one("#search-input").value = "Kim Jong Un"  # pasted
        await wait_for(pilot, lambda: screen.shown_query == "Kim Jong Un", "its hits")
        assert screen.hits


async def test_the_footer_is_composed_again_only_when_its_keys_change() -> None:
    """Focus moving from the article to its pane changes no key shown: the footer keeps
    its widgets (composing them again restyled every key on each move)."""
    from kabar_tui.ui.widgets.footer import KeyFooter

    corpus = build_corpus()
    app = KabarApp(corpus=corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.jump(corpus.articles[0].id)
        await wait_for(pilot, lambda: shown_article(app), "the article")
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        keys = list(footer.children)
        assert keys
        await pilot.press("r")
        await wait_for(pilot, lambda: app.reader.side.listing.has_focus, "the pane's focus")
        await pilot.pause()
        assert list(footer.children) == keys
        assert all(now is then for now, then in zip(footer.children, keys, strict=True))
        await pilot.press("d")  # another screen: its own keys
        await wait_for(pilot, lambda: app.screen is not app.reader, "the comparison")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_footer_keys_are_made_as_compact_as_their_footer(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each footer key is made with its footer's `compact` (textual made it compact, set
    its class on mount and unset it again from the footer: two restyles a key, on every
    footer composed), so the list, an article and its pane restyle no key; and each key
    has the class of its footer's state, at either width."""
    from textual.dom import DOMNode
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    restyled: list[str] = []
    update = DOMNode.update_node_styles

    def counted(node: DOMNode, animate: bool = True) -> None:
        if isinstance(node, FooterKey):
            restyled.append(str(node.key))
        update(node, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counted)
    corpus = build_corpus()
    app = KabarApp(corpus=corpus)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footers = [app.screen.query_one(Footer)]
        app.jump(corpus.articles[0].id)
        await wait_for(pilot, lambda: shown_article(app), "the article")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.reader.side.listing.has_focus, "the pane's focus")
        await pilot.pause()
        footers.append(app.screen.query_one(Footer))
        for footer in footers:
            keys = list(footer.query(FooterKey))
            assert keys
            for key in keys:  # the palette's key is compact whatever the footer
                compact = footer.compact or key.has_class("-command-palette")
                assert key.has_class("-compact") is compact
    assert restyled == []


def test_an_article_opened_before_any_search_imports_no_search_screen(folder: Path) -> None:
    """Search being ready (its thread says so) imports nothing on the event loop: the
    search screen's module (rapidfuzz, the filters, a fold table) waits for `/`, so the
    article and pane asked at once do not wait behind it."""
    code = """
import asyncio, sys
from kabar_tui.ui.app import KabarApp


async def main():
    app = KabarApp(paths=[sys.argv[1]], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(1500):
            if app.list_screen.shown and app.searcher is not None and not app.asking:
                break
            await pilot.pause(0.02)
        assert app.searcher is not None, "search never ready"
        await pilot.press("enter", "r")
        for _ in range(1500):
            if app.reader.side.content is not None:
                break
            await pilot.pause(0.02)
        assert app.reader.side.content is not None, "no pane"
        await pilot.press("Q")
    print(" ".join(sorted(name for name in sys.modules if name.startswith("kabar_tui"))))


asyncio.run(main())
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    modules = set(done.stdout.split())
    assert "kabar_tui.ui.screens.reader" in modules
    assert "kabar_tui.ui.screens.search" not in modules
