"""Opening a cached corpus imports no cleaning or analysis code (issue 14), and a catalog
that queries (not held in memory) is asked off the event loop, in pages (issue 11)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import OptionList

from kabar_tui.core.model import Article, EntityRecord, Link, Quote
from kabar_tui.core.store.catalog import (
    ArticleHead,
    Catalog,
    EntityOccurrence,
    MemoryCatalog,
    Searcher,
)
from kabar_tui.ui import app as app_module
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.listing import ROWS_READ_TOGETHER
from kabar_tui.ui.screens.compare import CompareScreen
from kabar_tui.ui.screens.entity import PAGE, EntityScreen
from kabar_tui.ui.screens.reader import ReaderScreen
from kabar_tui.ui.widgets.article_list import ArticleList
from tests.ui.conftest import article, build_corpus, mention

ROOT = Path(__file__).resolve().parents[2]
# Cleaning and analysis: what indexing needs and a cached corpus does not.
ANALYSIS = (
    "kabar_tui.core.indexing.pipeline",
    "kabar_tui.core.ingest.clean",
    "kabar_tui.core.language.entities",
    "kabar_tui.core.language.quotes",
    "kabar_tui.core.corpus.linking",
    "kabar_tui.core.corpus.resolve",
    "kabar_tui.core.corpus.stories",
    "kabar_tui.core.ingest.dates",
    "kabar_tui.core.ingest.metadata",
)

OPEN_CACHED = """
import asyncio, sys
from kabar_tui.core.store.catalog import MemoryCatalog
from kabar_tui.ui import app as app_module
from tests.ui.conftest import build_corpus

catalog = MemoryCatalog(build_corpus())
app_module.open_catalog = lambda paths: (catalog, [])  # what a cached corpus gives


async def main():
    app = app_module.KabarApp(paths=["news"])
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(500):
            if app.linked and app.list_screen.shown and app.searcher is not None:
                break
            await pilot.pause(0.02)
        assert app.list_screen.shown, "no rows"
        await pilot.press("slash", *"beras")
        await pilot.pause(0.3)
        while app.asking:
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.screen.hits, "no hits"
        await pilot.press("escape")
        app.show_entity("Kim Jong Un")
        await pilot.pause()
        while app.asking:
            await pilot.pause(0.02)
        await pilot.pause()
        assert [t for t in app.screen.targets if t], "no mentions"
        await pilot.press("Q")
    print(" ".join(sorted(name for name in sys.modules if name.startswith("kabar_tui"))))


asyncio.run(main())
"""


def imported_by(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(done.stdout.split())


def analysis_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith(ANALYSIS))


def test_importing_the_reader_imports_no_analysis() -> None:
    modules = imported_by(
        "import sys, kabar_tui.cli, kabar_tui.cli.open_cmd, kabar_tui.ui.app;"
        "print(' '.join(m for m in sys.modules if m.startswith('kabar_tui')))"
    )
    assert "kabar_tui.ui.app" in modules
    assert analysis_in(modules) == []


def test_opening_an_article_imports_no_rapidfuzz() -> None:
    """The reader screen is imported on the event loop when the first article opens,
    maybe while a thread imports rapidfuzz under its lock: importing it there unlocked
    could see a half-made module."""
    modules = imported_by(
        "import sys, kabar_tui.ui.screens.reader, kabar_tui.ui.screens.entity;"
        "print(' '.join(m for m in sys.modules if m.startswith(('kabar_tui', 'rapidfuzz'))))"
    )
    assert "kabar_tui.ui.screens.reader" in modules
    assert not any(m.startswith("rapidfuzz") for m in modules)


def test_opening_search_imports_no_search_engine() -> None:
    """`/` pushes the search screen on the event loop, often while the search thread is
    importing the engine (numpy): importing it there too would wait for that thread."""
    modules = imported_by(
        "import sys, kabar_tui.ui.app, kabar_tui.ui.screens.search;"
        "print(' '.join(m for m in sys.modules if m.startswith(('kabar_tui', 'numpy'))))"
    )
    assert "kabar_tui.ui.screens.search" in modules
    assert "kabar_tui.core.search.search" not in modules
    assert not any(m.startswith("numpy") for m in modules)


def test_a_cached_corpus_is_listed_searched_and_paged_without_analysis() -> None:
    """From the first frame to rows, a search and the entity view: no cleaning module."""
    modules = imported_by(OPEN_CACHED)
    assert "kabar_tui.core.search.search" in modules  # it did search
    assert analysis_in(modules) == []


class QueriedCatalog(Catalog):
    """A catalog that answers like a stored one: nothing of it is a MemoryCatalog, so the
    reader asks it in workers. It counts the mentions it hands out."""

    def __init__(self, inner: MemoryCatalog) -> None:
        self.inner = inner
        self.problems = inner.problems
        self.linked = inner.linked
        self.mentions_handed = 0

    def __len__(self) -> int:
        return len(self.inner)

    def heads(self) -> list[ArticleHead]:
        return list(self.inner.heads())

    def article(self, article_id: str) -> Article | None:
        return self.inner.article(article_id)

    def articles(self) -> Iterator[Article]:
        return self.inner.articles()

    def links_of(self, article_id: str) -> list[Link]:
        return self.inner.links_of(article_id)

    def stories(self) -> list[list[str]]:
        return self.inner.stories()

    def entities(self) -> list[EntityRecord]:
        return self.inner.entities()

    def entity_names(self) -> list[tuple[str, str]]:
        return self.inner.entity_names()

    def mention_count(self, name: str) -> tuple[int, int]:
        return self.inner.mention_count(name)

    def mentions(self, name: str, offset: int = 0, limit: int = 100) -> list[EntityOccurrence]:
        page = self.inner.mentions(name, offset, limit)
        self.mentions_handed += sum(len(o.mentions) for o in page)
        return page

    def quotes(self) -> Iterator[tuple[ArticleHead, Quote]]:
        return self.inner.quotes()

    def searcher(self) -> Searcher:
        return self.inner.searcher()


def crowded_corpus(extra: int):
    """The hand-made corpus plus `extra` articles that each name Kim Jong Un once."""
    corpus = build_corpus()
    for n in range(extra):
        text = f"Kim Jong Un disebut lagi dalam laporan nomor {n}."
        added = article(f"kim-{n:04d}", "Tempo", 1 + n % 28, f"Laporan {n}", [text])
        added.entities = [mention(added.paragraphs[0], "Kim Jong Un", "PER")]
        corpus.articles.append(added)
    return corpus


async def settle(pilot) -> None:
    """Every question to the catalog answered, and the answers drawn."""
    for _ in range(500):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not pilot.app.asking:
            return
    raise AssertionError("the catalog never answered")


@pytest.fixture
def queried(monkeypatch: pytest.MonkeyPatch) -> QueriedCatalog:
    catalog = QueriedCatalog(MemoryCatalog(crowded_corpus(3 * PAGE)))
    monkeypatch.setattr(app_module, "open_catalog", lambda paths: (catalog, []))
    return catalog


async def test_a_queried_catalog_is_read_in_workers(queried: QueriedCatalog) -> None:
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if app.list_screen.shown:
                break
            await pilot.pause(0.02)
        assert app.catalog is queried and len(app.list_screen.shown) == len(queried)
        app.jump("detik-1", 1)
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.reader.view.article.id == "detik-1"
        await pilot.press("r")
        await settle(pilot)
        side = app.reader.side
        assert side.content is not None and [p.link.target_article for p in side.content.items] == [
            "kompas-1"
        ]
        await pilot.press("escape", "d")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        assert (app.screen.article_id, app.screen.other_id) == ("detik-1", "kompas-1")


async def test_the_entity_view_pages_its_mentions(queried: QueriedCatalog) -> None:
    app = KabarApp(paths=["news"])
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if app.linked:
                break
            await pilot.pause(0.02)
        app.show_entity("Kim Jong Un")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntityScreen)
        total = 2 + 3 * PAGE
        assert f"{total} mentions" in str(screen.query_one("#entity-title").render())
        first = queried.mentions_handed
        assert 0 < first < total, "the first page is not every mention"
        listing = screen.query_one("#mentions", OptionList)
        for _ in range(10):  # to the last row listed, again and again: the pages follow
            listing.highlighted = listing.option_count - 1
            await settle(pilot)
            if screen.exhausted:
                break
        assert queried.mentions_handed == total
        assert len([t for t in screen.targets if t]) == total


async def test_a_long_list_wraps_only_the_rows_it_shows() -> None:
    """3,000 articles: a screenful of rows is wrapped, not every title; the end is exact."""
    corpus = build_corpus()
    for n in range(3000):
        title = f"Berita nomor {n} tentang harga beras " * (1 + n % 4)
        corpus.articles.append(article(f"gen-{n:04d}", "Detik", 1 + n % 28, title, ["x"]))
    app = KabarApp(corpus=corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.list_screen.query_one(ArticleList)
        height = listing.scrollable_content_region.height
        lines = ["".join(s.text for s in listing.render_line(y)) for y in range(height)]
        assert listing.articles[0].title[:30] in lines[0]
        assert len(listing._rows) <= height
        await pilot.press("G")
        last = listing.articles[-1]
        for _ in range(100):  # `G` handled and the list scrolled (more than a frame when loaded)
            await pilot.pause()
            lines = ["".join(s.text for s in listing.render_line(y)) for y in range(height)]
            if any(last.title[:30] in line for line in lines):
                break
        assert any(last.title[:30] in line for line in lines)
        assert len(listing._rows) <= 3 * height


async def test_a_long_list_reads_the_heads_of_the_rows_it_shows() -> None:
    """3,000 articles: the list is their ids in order; the heads read are those of the rows
    shown and a margin, at the top and then at the end, and what `s` sorts (by outlet) and
    a filter keeps are counted by the catalog, not by heads in memory."""
    corpus = build_corpus()
    seeds = len(corpus.articles)
    for n in range(3000):
        title = f"Berita nomor {n} tentang harga beras " * (1 + n % 4)
        outlet = ("Detik", "Antara", "Tempo")[n % 3]
        corpus.articles.append(article(f"gen-{n:04d}", outlet, 1 + n % 28, title, ["x"]))
    app = KabarApp(corpus=corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        listing = app.list_screen.query_one(ArticleList)
        assert len(listing.articles) == 3000 + seeds
        assert len(app.listing.known) <= ROWS_READ_TOGETHER
        await pilot.press("G")
        await pilot.pause()
        last = listing.articles.ids[-1]
        assert app.listing.known.get(last) is not None
        assert len(app.listing.known) <= 3 * ROWS_READ_TOGETHER
        await pilot.press("s")
        await pilot.pause()
        outlets = [head.outlet for head in listing.articles if head.outlet is not None]
        assert len(listing.articles) == 3000 + seeds and outlets[0].casefold() == "antara"
        await pilot.press("f", *"nomor 12")
        await pilot.pause()
        kept = sum(1 for n in range(3000) if "12" in str(n))  # every title says "nomor"
        assert len(listing.articles) == kept
        assert len(app.listing.known) <= 4 * ROWS_READ_TOGETHER + kept
