"""Linking's spawned workers (kabar_tui.core.corpus.linking_workers): they map the corpus's
arrays from one file, link the ranges they take as the main process would, and any that
cannot start, fails or dies leaves its ranges to the main process. Spawning is safe
beside threads, so the reader's indexing uses them too."""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
import threading
import weakref
from array import array

import pytest

from benchmarks.bench_linking import generate
from kabar_tui.core.corpus import linking, linking_arrays, linking_workers
from kabar_tui.core.corpus.linking import LinkIndex, prepare_passages
from kabar_tui.core.corpus.linking_corpus import CorpusArrays
from kabar_tui.core.model import Paragraph
from kabar_tui.core.processes.spawned import ChildFailed


@pytest.fixture(scope="module")
def articles() -> list:
    articles, _ = generate(400, seed=1000)
    footer = "Dapatkan update berita pilihan dan breaking news setiap hari dari kami"
    for article in articles[::3]:  # a footer in more paragraphs than a posting holds
        article.paragraphs.append(Paragraph(len(article.paragraphs), footer, 99))
    return articles


@pytest.fixture(scope="module")
def serial(articles: list) -> tuple[list, list[int]]:
    index = LinkIndex.build(articles, workers=1)
    return index.links, index.deferred.tolist()


def _result(index: LinkIndex) -> tuple[list, list[int]]:
    return index.links, index.deferred.tolist()


def _every_range(linked: list[tuple[int, int]], passages: int) -> bool:
    """Whether `linked` are consecutive ranges of all the passages."""
    ends = [0, *(end for _, end in linked)]
    return [first for first, _ in linked] == ends[:-1] and ends[-1] == passages


@pytest.fixture
def main_links(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The main process takes no range itself (so the workers link them all, or the
    fallback does), and every range it links is noted."""
    linked: list[tuple[int, int]] = []
    link = CorpusArrays.link

    def noted(self: CorpusArrays, first: int, end: int) -> linking.Linked:
        linked.append((first, end))
        return link(self, first, end)

    monkeypatch.setattr(linking, "_take_ranges", lambda link, ranges, take: {})
    monkeypatch.setattr(CorpusArrays, "link", noted)
    return linked


def corpus_arrays(articles: list) -> tuple[LinkIndex, CorpusArrays]:
    """The articles' passages in a fresh index, and pass 1's arrays over them."""
    index = LinkIndex()
    starts = array("q")
    for article in articles:
        prepared = prepare_passages(article)
        starts.extend([len(index.passages)] * len(prepared))
        index.passages.extend(prepared)
    return index, CorpusArrays(index, starts)


@contextlib.contextmanager
def mapped_corpus(articles):
    """The corpus's arrays as the main process has them, and as a worker maps them."""
    index, arrays = corpus_arrays(articles)
    shared = linking_workers.SharedCorpus(arrays)
    try:
        mapped = mmap.mmap(shared.file.fileno(), 0, access=mmap.ACCESS_READ)
        there = linking_workers._mapped_arrays(mapped, shared.layout, shared.file.fileno())
        yield index, arrays, there
    finally:
        shared.close()


def test_the_mapped_file_gives_every_passage_and_array_of_the_main_process(
    articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linking_workers, "_WRITE_BATCH", 100)  # strings in many batches
    with mapped_corpus(articles) as (index, arrays, there):
        passages = index._passages
        assert len(there.passages) == len(passages)
        assert [there.passages[n] for n in range(len(passages))] == list(passages)
        assert sum(1 for n in range(len(passages)) if there.passages[n].quotes) > 100
        assert there.passages.texts(5, 9) == passages.texts(5, 9)
        assert there.vocabulary == arrays.vocabulary
        assert there.index.frequency == index.frequency
        assert there.index.counted == index.counted
        for name in ("starts", "content_offsets", "content_ids"):
            assert (getattr(there, name) == getattr(arrays, name)).all()
        for kind in ("fingerprints", "words"):
            for name in ("keys", "offsets", "members", "full_at", "directory"):
                mine, theirs = getattr(arrays, kind), getattr(there, kind)
                assert (getattr(mine, name) == getattr(theirs, name)).all()
            assert (mine.lowest, mine.shift) == (theirs.lowest, theirs.shift)
        assert there.link(0, len(passages)) == arrays.link(0, len(passages))


def test_a_worker_reads_the_texts_from_the_file_not_the_mapping(
    articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mapped page read stays in the worker's resident size: the texts (about 430 MB at
    100k articles) are read with `os.pread`, a range's at once."""
    with mapped_corpus(articles) as (index, _arrays, there):
        passages = index._passages
        reads: list[tuple[int, int]] = []
        pread = os.pread

        def counted(descriptor: int, size: int, at: int) -> bytes:
            reads.append((size, at))
            return pread(descriptor, size, at)

        monkeypatch.setattr(linking_workers.os, "pread", counted)
        assert there.passages.texts(5, 9) == passages.texts(5, 9)
        assert len(reads) == 1
        assert there.passages.texts(7, 7) == []
        assert len(reads) == 1
        quoted = next(n for n in range(len(passages)) if passages[n].quotes)
        reads.clear()
        assert there.passages[quoted] == passages[quoted]
        assert len(reads) == 1 + len(passages[quoted].quotes)
        assert there.passages.texts(0, len(passages)) == passages.texts(0, len(passages))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc")
def test_the_shared_file_is_written_in_the_cache_folder_when_there_is_one(
    articles, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in the system's temporary folder, often a tmpfs: there it would hold memory."""
    _, arrays = corpus_arrays(articles[:20])
    cache = tmp_path / "cache"
    for present in (True, False):
        if present:
            cache.mkdir()
        monkeypatch.setenv("KABAR_CACHE_DIR", str(cache))
        shared = linking_workers.SharedCorpus(arrays)
        try:
            where = os.readlink(f"/proc/self/fd/{shared.file.fileno()}")
        finally:
            shared.close()
        assert where.startswith(str(cache) + os.sep) == present
        if present:
            cache.rename(tmp_path / "gone")


def test_spawned_workers_link_every_range_as_one_process_does(articles, serial, main_links) -> None:
    parallel = LinkIndex.build(articles, workers=3)
    assert parallel.workers == 3
    assert main_links == []  # the two spawned workers linked every range
    assert _result(parallel) == serial
    assert len(serial[0]) > 50


def test_the_readers_indexing_links_in_spawned_workers_beside_its_threads(
    articles, serial, main_links
) -> None:
    """Forked workers were refused beside other threads (a fork can deadlock there):
    spawned ones are safe, so a thread that indexes while another runs uses them."""
    found: list[LinkIndex] = []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # the reader's event loop, say
    other.start()
    try:
        indexing = threading.Thread(target=lambda: found.append(LinkIndex.build(articles, 2)))
        indexing.start()
        indexing.join()
    finally:
        stop.set()
        other.join()
    assert found[0].workers == 2
    assert main_links == []
    assert _result(found[0]) == serial


def test_a_killed_worker_leaves_its_ranges_to_the_main_process(
    articles, serial, main_links, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = linking_workers.SpawnedLinks.__init__
    results: list[str] = []

    def killed(self, shared, ranges) -> None:  # as by the out-of-memory killer
        started(self, shared, ranges)
        os.kill(self.pid, signal.SIGKILL)

    def result(self):
        try:
            return linking_workers.SpawnedCall.result(self)
        except ChildFailed as error:
            results.append(str(error))
            raise

    monkeypatch.setattr(linking_workers.SpawnedLinks, "__init__", killed)
    monkeypatch.setattr(linking_workers.SpawnedLinks, "result", result)
    index = LinkIndex.build(articles, workers=2)
    assert results and "exit code -9" in results[0]
    assert _every_range(main_links, len(index))
    assert _result(index) == serial


@pytest.mark.parametrize("refused", ["process", "file"])
def test_a_worker_that_cannot_start_or_no_file_links_here(
    articles, serial, main_links, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    def no_room(*args) -> None:
        raise OSError(28 if refused == "file" else 11, "refused")

    name = "SharedCorpus" if refused == "file" else "SpawnedLinks"
    monkeypatch.setattr(linking_workers, name, no_room)
    index = LinkIndex.build(articles, workers=2)
    assert _every_range(main_links, len(index))
    assert _result(index) == serial


def test_the_corpus_arrays_are_let_go_of_before_the_parts_are_joined(
    articles: list, serial: tuple[list, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Joining the parts was where the main process peaked at 100k (docs/indexing.md,
    "linkpeak"): the passages' arrays are gone by then."""
    made: list[weakref.ref[CorpusArrays]] = []
    link = CorpusArrays.link

    def noted(self: CorpusArrays, first: int, end: int) -> linking.Linked:
        made.append(weakref.ref(self))
        return link(self, first, end)

    alive: list[bool] = []
    join = linking._join_parts

    def joined(index: LinkIndex, parts: list[linking.Linked]) -> None:
        alive.append(made[0]() is not None)
        join(index, parts)

    monkeypatch.setattr(CorpusArrays, "link", noted)
    monkeypatch.setattr(linking, "_join_parts", joined)
    index = LinkIndex.build(articles, workers=1)
    assert alive == [False]
    assert _result(index) == serial


def test_parts_are_joined_in_order_each_let_go_of_and_their_memory_given_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parts: list[linking.Linked] = [
        ([(f"link {n}", ())], array("q", [n, n + 1] * 3))  # type: ignore[list-item]
        for n in range(5)
    ]
    found = [link for part, _ in parts for link in part]
    deferred = [number for _, pairs in parts for number in pairs]
    released: list[int] = []  # parts left to join when memory was given back
    monkeypatch.setattr(linking_arrays, "release_free_memory", lambda: released.append(len(parts)))
    monkeypatch.setattr(linking, "_JOIN_RELEASE", 2 * 6 * 8)  # two parts' pairs
    index = LinkIndex()
    linking._join_parts(index, parts)
    assert index.found == found
    assert index.deferred.tolist() == deferred
    assert parts == []
    assert released == [3, 1]


def test_memory_is_given_back_once_the_shared_file_is_written(
    articles, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batches of strings written were made in heap pages given back after pass 1:
    they are given back again before linking, not held by the main process through it."""
    _, arrays = corpus_arrays(articles[:20])
    written: list[int] = []
    write = linking_workers._write

    def noted_write(arrays, file):  # type: ignore[no-untyped-def]
        layout = write(arrays, file)
        written.append(len(given))
        return layout

    given: list[int] = []
    monkeypatch.setattr(linking_workers, "_write", noted_write)
    monkeypatch.setattr(linking_arrays, "release_free_memory", lambda: given.append(1))
    shared = linking_workers.SharedCorpus(arrays)
    shared.close()
    assert written == [0]
    assert len(given) == 1  # after the file was written
