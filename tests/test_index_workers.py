"""What the indexing workers do with a few files at once: entities recognised together, a
failing file still one problem, and, for a streamed index, the rows and digest sent back
instead of the article (docs/indexing.md, "The per-file stage")."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks.corpus import raw_articles
from kabar_tui.core.corpus.digest import (
    CorpusDigest,
    held_apart,
    held_back,
    unpack_rest,
    without_rest,
)
from kabar_tui.core.corpus.resolve import caption_people, caption_people_many
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import (
    ARTICLE_STAGES,
    WORKER_COLLECT_EVERY,
    IndexOptions,
    StoredArticle,
    _process_context,
    _process_many,
    _Shape,
    _start_worker,
    index_corpus,
    process_source,
    process_sources,
)
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.language.entities import find_entities, find_entities_many
from kabar_tui.core.model import Article
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import Storage, article_record, collector_paused


def sources(count: int, seed: int = 3) -> list[Source]:
    """Generated articles and the seeds (captions, quotes, abbreviations)."""
    texts = raw_articles(count, seed=seed)
    texts += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(seeds_dir().glob("*.txt"))]
    return [
        Source(name, f"/news/{name}.txt", text, hashlib.sha256(text.encode()).hexdigest())
        for name, text in texts
    ]


def test_entities_of_several_articles_at_once_equal_one_at_a_time() -> None:
    """Mentions carry the paragraphs' numbers, not their positions (numbered with gaps
    here)."""
    articles = [process_source(source) for source in sources(12)]
    for article in articles:
        for number, paragraph in enumerate(article.paragraphs):
            paragraph.index = 2 * number + 1
    one_by_one = [find_entities(article) for article in articles]
    assert find_entities_many(articles) == one_by_one
    assert find_entities_many(articles[:1]) == one_by_one[:1]


def test_files_processed_together_equal_each_alone() -> None:
    group = sources(9)
    alone = [process_source(source) for source in group]
    assert process_sources(group) == alone


class Counted:
    """A stage that takes several articles at once, failing on one of them."""

    def __init__(self, failing: str) -> None:
        self.failing = failing
        self.batches: list[int] = []

    def __call__(self, article: Article) -> None:
        if article.id == self.failing:
            raise ValueError("unexpected layout")
        article.outlet = "checked"

    def many(self, articles: list[Article]) -> None:
        self.batches.append(len(articles))
        for article in articles:
            self(article)


def test_a_file_failing_in_a_batched_stage_is_its_own_problem() -> None:
    group = sources(6)
    fine = Counted(failing="nobody")
    results = process_sources(group, (*ARTICLE_STAGES, ("counted", fine)))
    assert fine.batches == [len(group)]
    assert all(isinstance(r, Article) and r.outlet == "checked" for r in results)

    fragile = Counted(failing=group[2].id)
    results = process_sources(group, (*ARTICLE_STAGES, ("fragile", fragile)))
    assert fragile.batches == [len(group)]  # tried at once, then one at a time
    assert isinstance(results[2], ValueError)
    rest = [r for n, r in enumerate(results) if n != 2]
    assert all(isinstance(r, Article) and r.outlet == "checked" for r in rest)
    options = IndexOptions(article_stages=(*ARTICLE_STAGES, ("fragile", fragile)))
    outcomes = _process_many(group, options)
    assert outcomes[2] == "could not be processed (ValueError: unexpected layout)"


def test_a_streamed_index_gets_rows_and_digests_from_the_workers() -> None:
    """What a worker sends back is what the main process made of the article before:
    the same rows and checksum to store, the same digest once its mentions are coded."""
    group = sources(10)
    articles = [process_source(source) for source in group]
    sent = _process_many(group, IndexOptions(), _Shape(digested=True, recorded=True))
    coded, expected = CorpusDigest(), CorpusDigest()
    for source, article, outcome in zip(group, articles, sent, strict=True):
        assert isinstance(outcome, StoredArticle)
        assert outcome.record == article_record(source, article)
        here = expected.digest(article)
        assert asdict(coded.coded(outcome.digest, outcome.forms)) == asdict(here)
    assert coded.forms == expected.forms
    without_cache = _process_many(group[:2], IndexOptions(), _Shape(digested=True))
    assert all(isinstance(o, StoredArticle) and o.record is None for o in without_cache)
    assert _process_many(group[:2], IndexOptions()) == articles[:2]


def test_a_worker_lets_go_of_each_digests_rest_and_sends_it_packed() -> None:
    """With `held` (`kabar index`), the worker, not the main process every worker waits
    on, lets go of a digest's rest (`without_rest`): it sends the slim digest and the rest
    packed, which unpack to what the whole digest held; once unpickled, the digest is
    marked held back again (`held_apart`) and equals the one let go of here."""
    group = sources(10)
    whole = _process_many(group, IndexOptions(), _Shape(digested=True, recorded=True))
    shape = _Shape(digested=True, recorded=True, searched=True, held=True)
    sent = pickle.loads(pickle.dumps(_process_many(group, IndexOptions(), shape)))
    for before, outcome in zip(whole, sent, strict=True):
        assert isinstance(before, StoredArticle) and isinstance(outcome, StoredArticle)
        assert outcome.rest is not None and outcome.forms == []
        assert outcome.record == before.record and outcome.packed == before.packed
        digest = before.digest
        rest = (digest.quotes, digest.abbreviations, digest.caption_people, before.forms)
        assert unpack_rest(outcome.rest) == rest
        assert outcome.rest == without_rest(digest, before.forms)
        assert held_back(held_apart(outcome.digest))
        assert asdict(outcome.digest) == asdict(digest)
    assert any(outcome.digest.title for outcome in sent)


def test_the_main_process_lets_go_of_no_rest_when_workers_sent_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first index with two workers: every digest arrives without its rest, so the main
    process packs none (before, it packed each, serially, on the cores the workers
    share); each digest is still held back, and the stored corpus is that of one worker,
    where the main process lets go of each rest itself."""
    folder = tmp_path / "news"
    folder.mkdir()
    for source in sources(30):
        (folder / f"{source.id}.txt").write_text(source.text, encoding="utf-8")
    here: list[int] = []
    let_go = pipeline.without_rest

    def counted(*args: Any) -> bytes:
        here.append(os.getpid())
        return let_go(*args)

    monkeypatch.setattr(pipeline, "without_rest", counted)
    seen: list[bool] = []
    stages = (("seen", lambda work: seen.extend(map(held_back, work.digest.articles))),)
    exported = []
    for workers in (2, 1):
        here.clear()
        seen.clear()
        options = IndexOptions(
            workers=workers,
            keep_articles=False,
            parallel_min_files=2,
            corpus_stages=stages + pipeline.CORPUS_STAGES,
        )
        with Storage(tmp_path / f"cache{workers}.sqlite3") as cache:
            report = index_corpus([folder], cache=cache, keep_articles=False, options=options)
            stored = cache.load_corpus(report.key)
        assert report.workers == workers and report.processed == report.articles > 30
        assert len(seen) == report.articles and all(seen)
        # two workers: none let go of here; one: each here, once
        assert here.count(os.getpid()) == (0 if workers == 2 else report.articles)
        assert stored is not None
        exported.append(corpus_to_dict(stored))
    assert exported[0] == exported[1]


def _collector_state() -> tuple[bool, tuple[int, int, int], int]:
    return gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()


def test_indexing_workers_run_the_cyclic_collector_rarely() -> None:
    """A worker's youngest generation is collected every WORKER_COLLECT_EVERY new objects,
    not CPython's 700, and what it inherited is frozen out of every collection; it runs
    even when forked from a parent that paused it (`kabar index`, while articles arrive)."""
    context = _process_context()
    stop = context.Event()
    with (
        collector_paused(),
        ProcessPoolExecutor(
            max_workers=1,
            mp_context=context,
            initializer=_start_worker,
            initargs=(stop, IndexOptions()),
        ) as pool,
    ):
        enabled, threshold, frozen = pool.submit(_collector_state).result()
    assert enabled
    assert threshold[0] == WORKER_COLLECT_EVERY > gc.get_threshold()[0]
    assert frozen > 0


def test_caption_names_of_several_articles_at_once_equal_one_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker finds the person names in the captions of its articles in one pass; if
    that pass fails, each article's are found alone, as before."""
    group = sources(10)
    articles = [process_source(source) for source in group]
    captioned = [article for article in articles if article.captions]
    assert len(captioned) >= 2 and any(caption_people(a) for a in captioned)
    assert caption_people_many(captioned) == [caption_people(a) for a in captioned]
    shape = _Shape(digested=True, recorded=True)
    together = _process_many(group, IndexOptions(), shape)

    def broken(articles: list[Article]) -> list[object]:
        raise ValueError("not today")

    monkeypatch.setattr(pipeline, "caption_people_many", broken)
    assert _process_many(group, IndexOptions(), shape) == together


def test_the_collector_waits_while_articles_arrive_in_a_process_doing_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alone (`kabar index`), the main process pauses the cyclic collector while the files
    are processed and stored and while the corpus's results and search index are stored,
    and runs it again after; beside another thread (the reader) it leaves it alone."""
    folder = tmp_path / "news"
    folder.mkdir()
    for number, (name, text) in enumerate(raw_articles(3, seed=5)):
        (folder / f"{number}-{name}.txt").write_text(text, encoding="utf-8")
    seen: list[bool] = []

    def note_collector(article: Article) -> None:
        seen.append(gc.isenabled())

    save_results = Storage.save_results

    def noting_results(self: Storage, *args: object) -> None:
        seen.append(gc.isenabled())
        save_results(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Storage, "save_results", noting_results)
    options = IndexOptions(workers=1, article_stages=(("collector", note_collector),))
    assert threading.active_count() == 1
    with Storage(tmp_path / "alone.sqlite") as cache:
        index_corpus([folder], cache=cache, keep_articles=False, options=options)
    assert seen == [False] * 4 and gc.isenabled()

    seen.clear()
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        with Storage(tmp_path / "beside.sqlite") as cache:
            index_corpus([folder], cache=cache, keep_articles=False, options=options)
    finally:
        done.set()
        other.join()
    assert seen == [True] * 4
