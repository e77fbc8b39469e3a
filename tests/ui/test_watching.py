"""The reader watches its folders: files added, changed or removed on disk reach the list,
the open article and search without a restart, and the user keeps their place (issue 11).
A stored corpus is shown before its files are checked, and moved from when they changed.

Real files (copies of the seeds), a real cache and real indexing; the watcher polls every
50 ms, so nothing depends on the system's notifications. Nothing is timed: each test waits
for what it expects, with a generous limit for a loaded machine.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.watch import FolderWatcher
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.store.catalog_open import open_catalog
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.widgets.article_list import ArticleList
from tests.ui.conftest import indexed_seeds

HELD_BACK = "004_"  # the seed added while the reader runs


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeds but one, indexed into a cache of the test's own."""
    return indexed_seeds(tmp_path, monkeypatch, HELD_BACK)


def held_back_seed() -> Path:
    return next(seeds_dir().glob(f"{HELD_BACK}*.txt"))


def polling(folder: Path) -> FolderWatcher:
    return FolderWatcher([folder], force_polling=True, poll_delay_ms=50, debounce_ms=50)


def recording_notices(app: KabarApp) -> list[str]:
    notices: list[str] = []
    notify = app.notify

    def recorded(message, *args, **options):
        notices.append(str(message))
        return notify(message, *args, **options)

    app.notify = recorded  # type: ignore[method-assign]
    return notices


async def wait_for(pilot, condition: Callable[[], object], what: str) -> None:
    for _ in range(3000):  # 60 s: indexing on a loaded machine
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def shown_paths(app: KabarApp) -> set[str]:
    return {Path(head.path).name for head in app.list_screen.shown}


def held_indexing() -> tuple[threading.Event, Callable]:
    """`pipeline.index_corpus`, held until the event is set: what is shown before the
    corpus is indexed again can be looked at."""
    release = threading.Event()
    real_index = pipeline.index_corpus

    def held(*args, **options):
        release.wait(60)
        return real_index(*args, **options)

    return release, held


async def test_a_file_added_to_a_watched_folder_joins_the_list_where_the_user_was(
    folder: Path,
) -> None:
    app = KabarApp(paths=[folder], watch=polling(folder))
    notices = recording_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 4, "the first rows")
        await wait_for(pilot, lambda: app.searcher is not None, "search")
        articles = app.list_screen.query_one(ArticleList)
        await pilot.press("j")
        chosen = articles.highlighted_article
        assert chosen is not None
        catalog = app.catalog

        shutil.copy(held_back_seed(), folder / held_back_seed().name)
        await wait_for(pilot, lambda: app.catalog is not catalog, "the corpus indexed again")

        assert len(app.list_screen.shown) == 5
        assert held_back_seed().name in shown_paths(app)
        assert articles.highlighted_article is not None
        assert articles.highlighted_article.path == chosen.path
        assert any("Folders changed: 1 article added" in notice for notice in notices)


async def test_a_changed_file_is_read_again_in_the_open_article(folder: Path) -> None:
    app = KabarApp(paths=[folder], watch=polling(folder))
    notices = recording_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.list_screen.shown, "the first rows")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app._reader, "the article")
        shown = app.reader.view.article
        assert shown is not None
        await pilot.press("j")
        cursor = app.reader.view.cursor

        added = "Paragraf baru ini ditambahkan redaksi setelah artikel pertama kali terbit."
        path = Path(shown.path)
        path.write_text(path.read_text(encoding="utf-8") + f"\n{added}\n", encoding="utf-8")

        def reread() -> bool:
            article = app.reader.view.article
            return article is not shown and any(p.text == added for p in article.paragraphs)

        await wait_for(pilot, reread, "the changed article shown")
        assert app.screen is app._reader
        assert app.reader.view.cursor == cursor
        assert any("Folders changed: 1 changed" in notice for notice in notices), notices


async def test_a_removed_file_leaves_the_list_and_the_open_article_says_so(folder: Path) -> None:
    app = KabarApp(paths=[folder], watch=polling(folder))
    notices = recording_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 4, "the first rows")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app._reader, "the article")
        shown = app.reader.view.article
        assert shown is not None

        catalog = app.catalog
        Path(shown.path).unlink()
        await wait_for(pilot, lambda: app.catalog is not catalog, "the corpus indexed again")
        assert len(app.list_screen.shown) == 3

        assert Path(shown.path).name not in shown_paths(app)
        assert app.reader.view.article is shown  # still readable until the user leaves it
        assert any("1 removed" in notice for notice in notices)
        assert any("was removed" in notice for notice in notices)


async def test_search_follows_the_folder_keeping_its_query(folder: Path) -> None:
    app = KabarApp(paths=[folder], watch=polling(folder))
    new = held_back_seed()
    title = new.read_text(encoding="utf-8").splitlines()[0]
    query = " ".join(title.split()[:3])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.searcher is not None, "search")
        await pilot.press("slash", *query)
        await wait_for(pilot, lambda: app.screen.shown_query == query, "the first hits")

        def found_in_new() -> bool:
            return any(
                Path(app.head(hit.article_id).path).name == new.name
                for hit in app.screen.hits
                if app.head(hit.article_id) is not None
            )

        assert not found_in_new()
        shutil.copy(new, folder / new.name)
        await wait_for(pilot, found_in_new, "a hit in the new file")
        assert app.screen.query_one("#search-input").value == query


async def test_the_stored_corpus_is_shown_first_then_what_the_folder_holds(
    folder: Path,
) -> None:
    """Stale-while-revalidate: without watching, the files are still checked once."""
    catalog, _problems = open_catalog([folder])  # as the last reader to open it did
    assert catalog is not None
    catalog.close()
    shutil.copy(held_back_seed(), folder / held_back_seed().name)

    app = KabarApp(paths=[folder], watch=False)
    notices = recording_notices(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 5, "the folder's files")
        assert any("Folders changed: 1 article added" in notice for notice in notices)


def test_the_bundled_seeds_are_not_watched() -> None:
    assert KabarApp().watching is False
    assert KabarApp(paths=["news"], watch=False).watching is False
    assert KabarApp(paths=["news"]).watching is True


def test_no_watch_option_reaches_the_reader() -> None:
    from argparse import ArgumentParser

    from kabar_tui.cli import open_cmd

    parser = ArgumentParser()
    open_cmd.add_arguments(parser)
    assert parser.parse_args(["news", "--no-watch"]).watch is False
    assert parser.parse_args(["news"]).watch is True


async def test_a_new_file_is_listed_and_readable_while_the_corpus_is_indexed_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is processed alone and listed at once; links come with the indexing."""
    release, held = held_indexing()
    app = KabarApp(paths=[folder], watch=polling(folder))
    notices = recording_notices(app)
    new = held_back_seed()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 4, "the first rows")
        await wait_for(pilot, lambda: app.folder_checks, "the folders checked once")
        monkeypatch.setattr(pipeline, "index_corpus", held)
        catalog = app.catalog

        shutil.copy(new, folder / new.name)
        await wait_for(pilot, lambda: new.name in shown_paths(app), "the new file listed")
        assert app.catalog is catalog and not notices  # not indexed yet
        articles = app.list_screen.query_one(ArticleList)
        assert articles.scroll_y == 0
        row = next(i for i, h in enumerate(articles.articles) if Path(h.path).name == new.name)
        articles.highlight(row)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is app._reader, "the new article open")
        assert Path(app.reader.view.article.path).name == new.name

        release.set()
        await wait_for(pilot, lambda: app.catalog is not catalog, "the corpus indexed again")
        assert len(app.list_screen.shown) == 5
        assert any("Folders changed: 1 article added" in notice for notice in notices)


async def test_a_new_file_whose_name_is_taken_is_not_shown_under_another_articles_id(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`other/NAME.txt` beside a listed `NAME.txt` gets an id from its folder once indexed:
    previewed under the bare name, it would stand in for the listed article."""
    release, held = held_indexing()
    app = KabarApp(paths=[folder], watch=polling(folder))
    listed = sorted(folder.glob("*.txt"))[0]
    new = held_back_seed()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 4, "the first rows")
        await wait_for(pilot, lambda: app.folder_checks, "the folders checked once")
        monkeypatch.setattr(pipeline, "index_corpus", held)
        original = next(h for h in app.list_screen.shown if Path(h.path).name == listed.name)

        (folder / "other").mkdir()
        shutil.copy(new, folder / "other" / listed.name)
        shutil.copy(new, folder / new.name)
        await wait_for(pilot, lambda: new.name in shown_paths(app), "the other new file listed")
        assert len(app.list_screen.shown) == 5
        head = app.head(original.id)
        assert head is not None and head.path == original.path
        release.set()
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 6, "both indexed")


async def test_an_article_asked_for_before_every_head_is_read_opens_before_they_are(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While only the newest rows are listed, the event loop does not query the catalog
    (its connection is its thread's): a hit or link to another article has its head read
    by the catalog's thread and opens while the rest of the list is held back, instead of
    saying it is not loaded or waiting for the whole list."""
    from kabar_tui.ui import app as app_module
    from kabar_tui.ui.listing import Listing

    monkeypatch.setattr(app_module, "FIRST_ROWS", 1)
    every_head = threading.Event()
    listing_of = Listing.of

    def held(catalog, *args, **options):
        every_head.wait(60)
        return listing_of(catalog, *args, **options)

    monkeypatch.setattr(Listing, "of", held)
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    app = KabarApp(paths=[folder], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(app.list_screen.shown) == 1, "the first row")
        listed = app.list_screen.shown[0].id
        other = next(head.id for head in catalog.heads() if head.id != listed)
        app.jump(other)
        await wait_for(pilot, lambda: app.screen is app._reader, "the article")
        every_head.set()
        # Its view once the reader screen is mounted (querying it before then raises).
        await wait_for(pilot, lambda: getattr(app._article_view(), "article", None), "its text")
        assert app.reader.view.article.id == other
    catalog.close()


def vouched_key(folder: Path) -> str | None:
    """The corpus a live watcher vouches for `folder` holds (`FolderVouch`), if any."""
    from kabar_tui.core.store import catalog_open
    from kabar_tui.core.store.storage import Storage

    with Storage.open_default() as storage:
        word = catalog_open._remembered_snapshot(storage, [folder])[3]
        if word and catalog_open._vouched_corpus(storage, [folder], word) is not None:
            return word.partition(" ")[2]
    return None


async def test_the_reader_vouches_for_the_folders_it_watches(folder: Path) -> None:
    """Once it has looked at every file, watching, the reader's word spares the commands
    their look; after a change, its word is for the corpus indexed with it; quitting, it
    is taken back."""
    from kabar_tui.ui.app import stored_key

    # Told of changes by the system, not polling: a polling watcher vouches for nothing.
    app = KabarApp(paths=[folder], watch=FolderWatcher([folder], debounce_ms=50))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.list_screen.shown, "the first rows")
        first = stored_key(app.catalog)
        assert first is not None
        await wait_for(pilot, lambda: vouched_key(folder) == first, "the reader's word")
        catalog = app.catalog
        shutil.copy(held_back_seed(), folder / held_back_seed().name)
        await wait_for(pilot, lambda: app.catalog is not catalog, "the corpus indexed again")
        second = stored_key(app.catalog)
        assert second not in (None, first)
        await wait_for(pilot, lambda: vouched_key(folder) == second, "its word for the new one")
        app.exit()
    for _ in range(500):  # the folders' thread ends after the app
        if vouched_key(folder) is None:
            break
        threading.Event().wait(0.02)
    assert vouched_key(folder) is None
