"""The search index of a first index built in a spawned process while the results are
stored (issue 14, docs/indexing.md "searchproc"): the same stored index and answers as
the one built in a thread, from the main thread or beside another (the reader's); a
process that is killed, fails or cannot start leaves the same index, built another way;
an interrupted index leaves no process behind."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from kabar_tui.core.corpus.resolve import ResolvedArticle
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import SpawnMinimums
from kabar_tui.core.processes import spawned
from kabar_tui.core.search import search_process
from kabar_tui.core.search.search_process import SpawnedSearch, coded
from kabar_tui.core.search.search_store import open_search
from kabar_tui.core.store.storage import Storage, StoredNames
from kabar_tui.core.store.storage_sqlite import SEARCH_TABLES
from tests.test_incremental import write_corpus
from tests.test_names_process import _first_index

pytestmark = pytest.mark.usefixtures("cache_on")

QUERIES = ("presiden", "kata menteri", "by:jokowi", "banjir jakarta", "xyzzy")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search") / "news"
    write_corpus(folder)
    return folder


# names resolved and the search index built in their processes, however few the articles
APART = SpawnMinimums(names=1, search=1)


def _stored(path: Path) -> dict[str, object]:
    """Every search table's rows, and the answers to a few queries."""
    with sqlite3.connect(path) as db:
        found: dict[str, object] = {
            table: sorted(db.execute(f"SELECT * FROM {table}")) for table in SEARCH_TABLES
        }
    with Storage(path) as cache:
        (key,) = [row[0] for row in cache.select("SELECT key FROM corpora")]
        searcher = open_search(cache, key)
        assert searcher is not None
        found["answers"] = [searcher.search(query) for query in QUERIES]
    return found


@pytest.fixture(scope="module")
def in_a_thread(news: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The search index built in a thread (the corpus below `SpawnMinimums.search`)."""
    path = tmp_path_factory.mktemp("thread") / "cache.sqlite3"
    _first_index(news, path)
    return _stored(path)


@pytest.mark.parametrize("in_thread", [False, True])
def test_a_first_index_stores_the_same_search_index_built_in_its_process(
    news: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_a_thread: dict[str, object],
    in_thread: bool,
) -> None:

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("the search index built in the main process")

    monkeypatch.setattr(pipeline, "_build_search", not_here)
    monkeypatch.setattr(pipeline, "_save_stored_search", not_here)
    monkeypatch.setattr(pipeline._HeldRest, "take", not_here)  # no rest unpacked here
    path = tmp_path / "spawned.sqlite3"
    _first_index(news, path, in_thread, APART)
    found = _stored(path)
    assert found["search_postings"] and found["search_blocks"] and found["search_grams"]
    assert any(found["answers"])  # type: ignore[arg-type]
    assert found == in_a_thread


@pytest.mark.parametrize("ending", ["killed", "failed", "not started"])
def test_a_search_process_killed_failing_or_not_started_leaves_the_same_index(
    news: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    in_a_thread: dict[str, object],
    ending: str,
) -> None:
    """Killed (out of memory) or failing: built from the stored articles; not started
    (no process can be): built in a thread. The same index either way."""
    original = search_process.SpawnedSearch
    started: list[int] = []

    def spawn(*args: object) -> SpawnedSearch:
        if ending == "not started":
            raise OSError("out of processes")
        child = spawned._CHILD
        if ending == "failed":  # this process alone: the names' one is done by now
            spawned._CHILD = "raise SystemExit('no search here')"
        try:
            made = original(*args)  # type: ignore[arg-type]
        finally:
            spawned._CHILD = child
        started.append(made.pid)
        if ending == "killed":
            os.kill(made.pid, signal.SIGKILL)
        return made

    monkeypatch.setattr(search_process, "SpawnedSearch", spawn)
    path = tmp_path / "ended.sqlite3"
    _first_index(news, path, spawn_min=APART)
    assert len(started) == (0 if ending == "not started" else 1)
    assert _stored(path) == in_a_thread


def test_the_search_process_goes_when_storing_the_results_is_interrupted(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = search_process.SpawnedSearch
    started: list[SpawnedSearch] = []

    def spawn(*args: object) -> SpawnedSearch:
        made = original(*args)  # type: ignore[arg-type]
        started.append(made)
        return made

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(search_process, "SpawnedSearch", spawn)
    monkeypatch.setattr(Storage, "save_results", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _first_index(news, tmp_path / "stopped.sqlite3", spawn_min=APART)
    assert len(started) == 1
    assert started[0]._process.poll() is not None  # ended and reaped


def test_only_a_resolutions_codes_are_sent_as_codes() -> None:
    names = ["Joko Widodo", "Jakarta"]
    from array import array

    one = ResolvedArticle("a", "h", array("B", [0, 1]), names, [None])
    two = ResolvedArticle("b", "h", array("B", [1]), names, ["Joko Widodo"])
    assert coded([one, two]) == [one, two]
    other = ResolvedArticle("c", "h", array("B", [0]), list(names), [])
    assert coded([one, other]) is None  # codes into another list of names
    assert coded([one, StoredNames("d", "h", [], [])]) is None  # type: ignore[list-item]
    assert coded([]) is None
