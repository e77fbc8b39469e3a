"""Stored digests (layout 12): what the cross-article stage needs of an article is stored
with it, so a whole stage after a changed or removed file reads it back instead of reading
and digesting every article again, and gives what `kabar index --rebuild` gives."""

from __future__ import annotations

import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kabar_tui.core.corpus.digest import DigestUnreadable, uncoded_digest, unpack_digest
from kabar_tui.core.indexing.pipeline import IndexReport, index_corpus, process_source
from kabar_tui.core.ingest.sources import Source, read_sources
from kabar_tui.core.search.search_build import article_terms
from kabar_tui.core.search.search_store import open_search
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import Storage
from tests.test_incremental import add_files, indexed_copy, link_set, rebuilt, write_corpus
from tests.test_search_store import queries

pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("digests") / "news"
    write_corpus(folder)
    return folder


@contextmanager
def articles_read(storage: Storage) -> Iterator[list[str]]:
    """The paths of the articles `storage` reads back whole meanwhile."""
    read: list[str] = []
    load = storage.load_articles

    def counted(sources: list[Source]) -> dict:
        found = load(sources)
        read.extend(found)
        return found

    storage.load_articles = counted  # type: ignore[method-assign]
    try:
        yield read
    finally:
        del storage.load_articles


def change_and_remove(folder: Path, changed: str, removed: str) -> None:
    path = folder / changed
    path.write_text(path.read_text(encoding="utf-8") + "\nParagraf tambahan redaksi.\n")
    (folder / removed).unlink()


def assert_same_as_rebuilt(report: IndexReport, cache: Path, folder: Path, copy: Path) -> None:
    """Links, stories, every stored name and quotation group, and search pages: those of
    `kabar index --rebuild` on a copy of the cache."""
    full = rebuilt(cache, folder, copy)
    assert full.processed == full.articles == report.articles
    assert report.key == full.key
    assert link_set(report.corpus.links) == link_set(full.corpus.links)
    assert report.corpus.stories == full.corpus.stories
    with Storage(cache) as storage, Storage(copy) as rebuilt_storage:
        whole = storage.load_corpus(report.key)
        expected = rebuilt_storage.load_corpus(full.key)
        assert whole is not None and expected is not None
        assert corpus_to_dict(whole) == corpus_to_dict(expected)
        searcher = open_search(storage, report.key)
        rebuilt_searcher = open_search(rebuilt_storage, full.key)
        assert searcher is not None and rebuilt_searcher is not None
        found = 0
        for query in queries(expected, 40, 5):
            for offset, limit in ((0, 10), (5, 40)):
                page = rebuilt_searcher.search_page(query, offset, limit)
                assert searcher.search_page(query, offset, limit) == page, query
                found += page.total > 0
        assert found > 40


def test_a_stored_digest_equals_one_made_afresh(news: Path, tmp_path: Path) -> None:
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([news], cache=cache, keep_articles=False)
        sources = read_sources([news])[0]
        stored = cache.load_digests(sources)
    assert len(stored) == len(sources)
    covered = {"captions": 0, "abbreviations": 0, "passage quotes": 0, "quotes": 0}
    for source in sources:
        row = stored[source.path]
        digest, forms, terms = unpack_digest(
            row.data, source.id, source.content_hash, row.title, row.published
        )
        article = process_source(source)
        assert (digest, forms) == uncoded_digest(article)
        assert terms == article_terms(article)
        covered["captions"] += bool(digest.caption_people)
        covered["abbreviations"] += bool(digest.abbreviations)
        covered["passage quotes"] += bool(getattr(digest.passages, "quotes", None))
        covered["quotes"] += bool(digest.quotes)
    assert all(covered.values()), covered  # every part of a digest was compared


def test_a_change_and_a_removal_read_stored_digests_and_give_what_rebuild_gives(
    news: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        change_and_remove(folder, "bench_000004.txt", "bench_000005.txt")
        with articles_read(cache) as read:
            again = index_corpus([folder], cache=cache, keep_articles=False)
        assert (again.updated, again.processed) == (0, 1)
        assert again.articles == first.articles - 1
        assert read == []  # every stored article came as its digest
        assert cache.warnings == []
    assert_same_as_rebuilt(again, path, folder, tmp_path / "rebuilt.sqlite3")


def test_articles_stored_without_a_digest_are_digested_once(news: Path, tmp_path: Path) -> None:
    """The reader's own indexing stores no digest (it holds the articles): the first whole
    stage after it reads and digests them, and stores their digests."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([folder], cache=cache, keep_articles=True)
        assert cache.load_digests(read_sources([folder])[0]) == {}
        change_and_remove(folder, "bench_000010.txt", "bench_000011.txt")
        with articles_read(cache) as read:
            index_corpus([folder], cache=cache, keep_articles=False)
        assert len(read) == first.articles - 2
        change_and_remove(folder, "bench_000012.txt", "bench_000013.txt")
        with articles_read(cache) as read:
            again = index_corpus([folder], cache=cache, keep_articles=False)
        assert read == []
    assert_same_as_rebuilt(again, path, folder, tmp_path / "rebuilt.sqlite3")


def test_a_damaged_digest_is_said_and_its_article_digested_again(
    news: Path, tmp_path: Path
) -> None:
    folder, path = indexed_copy(news, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE article_digests SET data = ? WHERE article = "
            "(SELECT id FROM articles WHERE path LIKE '%bench_000020.txt')",
            (zlib.compress(b"\x08" + b"\x00" * 32),),
        )
    change_and_remove(folder, "bench_000021.txt", "bench_000022.txt")
    with Storage(path) as cache, articles_read(cache) as read:
        again = index_corpus([folder], cache=cache, keep_articles=False)
    assert [Path(p).name for p in read] == ["bench_000020.txt"]
    assert any("did not match their checksum" in p.message for p in again.corpus.problems)
    assert_same_as_rebuilt(again, path, folder, tmp_path / "rebuilt.sqlite3")


def test_what_is_not_a_stored_digest_does_not_unpack() -> None:
    for data in (b"", b"not zlib", zlib.compress(b""), zlib.compress(b"\x08" + b"\x00" * 31)):
        with pytest.raises(DigestUnreadable):
            unpack_digest(data, "a", "h", "t", None)
    empty_parts = zlib.compress(b"\x08" + b"\x00" * 32)
    with pytest.raises(DigestUnreadable):  # parts of length 0: no JSON to read
        unpack_digest(empty_parts, "a", "h", "t", None)


def test_an_added_file_stores_its_digest_too(news: Path, tmp_path: Path) -> None:
    """An incremental update stores the new article's digest: a whole stage after it
    reads every article as its digest."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz", 0, 2)
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 2
        change_and_remove(folder, "bench_000030.txt", "bench_000031.txt")
        with articles_read(cache) as read:
            again = index_corpus([folder], cache=cache, keep_articles=False)
        assert again.updated == 0 and read == []
