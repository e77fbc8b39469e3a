"""Articles added to a stored corpus are appended to its stored search index (a segment
of their own, the entities' tail written again, segments merged at a threshold): the
same arrays and the same pages as the index built whole from the stored corpus."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.search import search_store
from kabar_tui.core.search.search import SearchIndex
from kabar_tui.core.search.search_store import StoredSearchIndex, open_search, save_stored_search
from kabar_tui.core.store.storage import Storage
from tests.test_incremental import add_files, write_corpus
from tests.test_search_store import assert_same_pages, queries, stored_key

pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("append") / "news"
    write_corpus(folder)
    return folder


def search_arrays(path: Path) -> dict[str, bytes]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT name, data FROM search_arrays"))


def segments(path: Path) -> list[tuple[int, int]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT segment, documents FROM search_segments ORDER BY 1").fetchall()


def built_whole(cache: Storage, tmp_path: Path, name: str) -> Path:
    """A copy of the cache whose stored search index is built whole again."""
    copy = tmp_path / name
    with sqlite3.connect(cache.path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with Storage(copy) as storage:
        key = stored_key(storage)
        corpus = storage.load_corpus(key)
        assert corpus is not None
        assert save_stored_search(storage, key, corpus.entities)
    return copy


@contextmanager
def cut_off_update(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Storage, str]]:
    """A cache whose corpus was updated with two articles that its search index lacks:
    an update stopped (or not yet arrived) between storing them and appending them."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz", 0, 2)
        with monkeypatch.context() as patched:
            patched.setattr(search_store, "append_search", lambda *args: True)
            assert index_corpus([folder], cache=cache, keep_articles=False).updated == 2
        yield cache, stored_key(cache)


def test_appended_articles_give_the_index_built_whole(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_store, "MERGE_RATIO", 2)  # merges reached in a few steps
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    # Every index built whole is saved by `save_search` (from the workers' words on a first
    # index, from the stored articles when an append cannot be made); appending is not.
    whole_builds = 0
    real_save = search_store.save_search

    def counted(storage: Storage, *args: object, **kwargs: object) -> bool:
        nonlocal whole_builds
        whole_builds += storage.path == tmp_path / "cache.sqlite3"  # not `built_whole`'s
        return real_save(storage, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(search_store, "save_search", counted)
    seen_segments = set()
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        assert whole_builds == 1
        for step, count in enumerate((1, 1, 2, 1, 1, 30)):
            add_files(folder, f"zz{step}", 10 * step, count)
            report = index_corpus([folder], cache=cache, keep_articles=False)
            assert report.updated == count
            assert whole_builds == 1  # appended, never built whole
            found = segments(cache.path)
            seen_segments.add(len(found))
            assert found[-1][0] == search_store.TAIL_SEGMENT
            whole = built_whole(cache, tmp_path, f"whole{step}.sqlite3")
            assert search_arrays(cache.path) == search_arrays(whole)
            key = stored_key(cache)
            stored = open_search(cache, key)
            assert isinstance(stored, StoredSearchIndex)
            corpus = cache.load_corpus(key)
            assert corpus is not None
            memory = SearchIndex.build(corpus)
            assert_same_pages(stored, memory, queries(corpus, 25, step))
        # the new article's segments were merged: never one per added file
        assert max(seen_segments) >= 3 and len(found) < 6
        assert not cache.warnings


def test_an_append_writes_only_the_document_rows_its_articles_change(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document rows wholly of the stored articles' documents stay as stored (an
    append wrote every row again: 32 MB at 100k articles); the rows after them are
    written, and the arrays are still those of the index built whole."""
    monkeypatch.setattr(search_store, "DOCUMENTS_TOGETHER", 4)  # rows of a few documents
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        for step in range(2):
            with sqlite3.connect(cache.path) as db:
                (stored,) = db.execute("SELECT article_documents FROM search_indexes").fetchone()
            add_files(folder, f"zz{step}", 10 * step, 1)
            written: list[str] = []
            with cache.guard("read") as db:
                db.set_trace_callback(written.append)
            try:
                assert index_corpus([folder], cache=cache, keep_articles=False).updated == 1
            finally:
                with cache.guard("read") as db:
                    db.set_trace_callback(None)
            rows = [sql for sql in written if sql.startswith("INSERT INTO search_arrays")]
            again = [
                int(sql.split("'documents ")[1].split("'")[0])
                for sql in rows
                if "'documents " in sql
            ]
            assert again and min(again) == stored // 4, (stored, again)
            whole = built_whole(cache, tmp_path, f"whole{step}.sqlite3")
            assert search_arrays(cache.path) == search_arrays(whole)
        assert not cache.warnings


def test_an_update_cut_off_before_its_append_has_the_index_built_again(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus is stored with its new articles before they are appended to its
    search index: a kabar stopped in between leaves an index lacking them, found at open."""
    with cut_off_update(news, tmp_path, monkeypatch) as (cache, key):
        monkeypatch.setattr(search_store, "APPEND_WAIT", 0.3)  # nobody is appending
        stored = open_search(cache, key)
        assert ["the stored search index lacked articles" in w for w in cache.warnings] == [True]
        corpus = cache.load_corpus(key)
        assert stored is not None and corpus is not None
        assert_same_pages(stored, SearchIndex.build(corpus), queries(corpus, 10, 1))
        assert isinstance(open_search(cache, key), StoredSearchIndex)  # saved whole again


def test_a_damaged_row_met_by_a_merge_has_the_index_built_whole(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge reads the older segment's rows: one that fails its checksum makes the
    append give up (the update builds the index whole), never a traceback."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    monkeypatch.setattr(search_store, "MERGE_RATIO", 10**9)  # every segment merged
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        with sqlite3.connect(cache.path) as db:
            db.execute("UPDATE search_blocks SET checksum = checksum + 1 WHERE segment = 0")
            db.execute("UPDATE search_postings SET checksum = checksum + 1 WHERE segment = 0")
        add_files(folder, "zz", 0, 1)
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 1
        key = stored_key(cache)
        stored = open_search(cache, key)
        corpus = cache.load_corpus(key)
        assert isinstance(stored, StoredSearchIndex) and corpus is not None
        assert_same_pages(stored, SearchIndex.build(corpus), queries(corpus, 10, 1))


def test_appending_nothing_writes_nothing(news: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        key = stored_key(cache)
        corpus = cache.load_corpus(key)
        assert corpus is not None
        before, arrays = segments(cache.path), search_arrays(cache.path)
        for _ in range(3):
            assert search_store.append_search(cache, key, corpus.entities)
        assert segments(cache.path) == before
        assert search_arrays(cache.path) == arrays


def test_an_open_between_storing_and_appending_waits_for_the_append(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another kabar stored new articles and appends them a moment later: opening the
    index meanwhile waits for it rather than building the whole index again."""
    append = search_store.append_search
    with cut_off_update(news, tmp_path, monkeypatch) as (cache, key):
        corpus = cache.load_corpus(key)
        assert corpus is not None
        monkeypatch.setattr(search_store, "APPEND_WAIT", 60.0)

        def the_other_kabar() -> None:
            time.sleep(0.3)
            with Storage(cache.path) as other:
                assert append(other, key, corpus.entities)

        other = threading.Thread(target=the_other_kabar)
        other.start()
        stored = open_search(cache, key)
        other.join()
        assert not [w for w in cache.warnings if "lacked articles" in w]
        assert isinstance(stored, StoredSearchIndex)
        assert_same_pages(stored, SearchIndex.build(corpus), queries(corpus, 10, 1))
