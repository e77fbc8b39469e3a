"""The SQLite cache: hits, misses, reprocessing only what changed, surviving damage."""

from __future__ import annotations

import dataclasses
import enum
import gc
import multiprocessing
import os
import pickle
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import pytest

from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import IndexOptions, IndexReport, index_corpus
from kabar_tui.core.ingest.sources import Source, read_source, read_sources
from kabar_tui.core.model import (
    Article,
    Caption,
    Corpus,
    Edit,
    EntityRecord,
    Link,
    Mention,
    Paragraph,
    Problem,
    Quote,
    QuoteOccurrence,
    QuoteRecord,
    RemovedLine,
    Story,
)
from kabar_tui.core.store import storage
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import Storage

T = TypeVar("T")

ARTICLE = """{title}

JAKARTA, KOMPAS.com - Menteri Keuangan Sri Mulyani mengatakan anggaran subsidi energi {n}
akan ditinjau kembali pada pekan depan bersama DPR di Jakarta.

"Kami akan menjaga defisit tetap di bawah tiga persen," kata Sri Mulyani di Gedung DPR,
Senayan, Kamis (14/9/2023).

Baca juga: Harga Beras Naik Lagi

Ekonom Universitas Indonesia menilai kebijakan nomor {n} itu perlu dibahas secara terbuka.
"""


MARK = "set by the cross-article stage"  # tells a test's finish_corpus output apart


def write_corpus(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"{n:03d}_artikel.txt"
        path.write_text(ARTICLE.format(title=f"Judul berita nomor {n} tentang anggaran", n=n))
        paths.append(path)
    return paths


pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", 6)
    return tmp_path / "corpus"


@pytest.fixture
def cache(tmp_path: Path) -> Storage:
    with Storage(tmp_path / "cache" / "test.sqlite3") as opened:
        yield opened


def as_dict(corpus: Corpus) -> dict:
    return corpus_to_dict(corpus)


def test_second_open_is_one_cache_read(corpus_dir: Path, cache: Storage) -> None:
    first = index_corpus([corpus_dir], cache=cache)
    assert (first.processed, first.from_cache, first.corpus_from_cache) == (6, 0, False)
    second = index_corpus([corpus_dir], cache=cache)
    assert (second.processed, second.from_cache, second.corpus_from_cache) == (0, 6, True)
    assert as_dict(second.corpus) == as_dict(first.corpus)


def test_changed_file_is_reprocessed_alone(corpus_dir: Path, cache: Storage) -> None:
    index_corpus([corpus_dir], cache=cache)
    changed = corpus_dir / "002_artikel.txt"
    changed.write_text("Judul yang sudah diperbarui redaksi\n\nIsi baru artikel ini cukup panjang.")
    report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache, report.corpus_from_cache) == (1, 5, False)
    article = report.corpus.article("002_artikel")
    assert article is not None
    assert article.title == "Judul yang sudah diperbarui redaksi"
    assert [a.id for a in report.corpus.articles] == [f"{n:03d}_artikel" for n in range(6)]


def test_added_file_is_processed_alone(corpus_dir: Path, cache: Storage) -> None:
    index_corpus([corpus_dir], cache=cache)
    (corpus_dir / "010_baru.txt").write_text(
        "Berita baru hari ini dari Surabaya\n\nIsinya panjang."
    )
    report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache) == (1, 6)
    assert len(report.corpus.articles) == 7


def test_cross_article_results_are_cached(
    corpus_dir: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def finish(corpus: Corpus) -> None:
        calls.append(len(corpus.articles))
        first, second = corpus.articles[:2]
        first.entities[-1].canonical = MARK
        first.quotes[0].speaker_canonical = MARK
        corpus.links.append(Link(first.id, 0, second.id, 0, 97.5, "same text"))
        corpus.stories.append(Story("s1", [second.id, first.id], "Anggaran"))
        corpus.entities.append(EntityRecord(MARK, "PER", ["Sri"], 2, [second.id]))
        occurrence = QuoteOccurrence(second.id, 1, 0, 9, "Sri")
        corpus.quote_groups.append(QuoteRecord("Kami siap", MARK, [occurrence]))

    options = IndexOptions(finish=finish)
    first = index_corpus([corpus_dir], cache=cache, options=options)
    report = index_corpus([corpus_dir], cache=cache, options=options)
    assert calls == [6]
    assert report.corpus.links == [Link("000_artikel", 0, "001_artikel", 0, 97.5, "same text")]
    assert report.corpus.articles[0].entities[-1].canonical == MARK
    assert report.corpus.articles[0].quotes[0].speaker_canonical == MARK
    assert report.corpus.stories == [Story("s1", ["001_artikel", "000_artikel"], "Anggaran")]
    assert as_dict(report.corpus) == as_dict(first.corpus)


def test_cross_article_stage_reruns_on_per_article_results(
    corpus_dir: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles come back from the cache as process_source left them, before finishing."""

    def finish(corpus: Corpus) -> None:
        for article in corpus.articles:
            assert all(mention.canonical != MARK for mention in article.entities)
            article.entities.append(Mention("Jakarta", "LOC", 0, 0, 7, canonical=MARK))

    options = IndexOptions(finish=finish)
    index_corpus([corpus_dir], cache=cache, options=options)
    (corpus_dir / "010_baru.txt").write_text(
        "Berita baru hari ini dari Surabaya\n\nIsinya panjang."
    )
    report = index_corpus([corpus_dir], cache=cache, options=options)
    for article in report.corpus.articles:
        assert [m.canonical for m in article.entities].count(MARK) == 1


def test_code_change_invalidates(
    corpus_dir: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    index_corpus([corpus_dir], cache=cache)
    monkeypatch.setattr(storage, "code_fingerprint", lambda: "other code")
    report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache) == (6, 0)


def test_damaged_cache_file_is_rebuilt_with_a_warning(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    index_corpus([corpus_dir])
    db = tmp_path / "cache" / storage.DB_NAME
    db.write_bytes(b"this is not a database at all " * 200)
    report = index_corpus([corpus_dir])
    assert report.processed == 6
    assert len(report.corpus.articles) == 6
    assert any("damaged" in problem.message for problem in report.corpus.problems)
    again = index_corpus([corpus_dir])
    assert again.corpus_from_cache
    assert not again.corpus.problems


def test_changed_article_rows_are_reprocessed_with_a_warning(
    corpus_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([corpus_dir], cache=cache)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE mentions SET label = 'ORG' WHERE position = 0")
    with Storage(path) as cache:
        report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache) == (6, 0)
    assert any("checksum" in problem.message for problem in report.corpus.problems)
    assert as_dict(report.corpus) == as_dict(first.corpus)


def test_old_layout_is_rebuilt_with_a_warning(corpus_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        index_corpus([corpus_dir], cache=cache)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    with Storage(path) as cache:
        assert any("another layout (version 0" in warning for warning in cache.warnings)
        report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache) == (6, 0)


def test_unusable_cache_folder_is_a_warning(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KABAR_CACHE_DIR", str(blocker / "cache"))
    report = index_corpus([corpus_dir])
    assert len(report.corpus.articles) == 6
    assert [p.message.startswith("cache not used") for p in report.corpus.problems] == [True]


def test_no_cache_env_leaves_no_file(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("KABAR_NO_CACHE", "1")
    index_corpus([corpus_dir])
    report = index_corpus([corpus_dir])
    assert report.processed == 6
    assert not (tmp_path / "cache").exists()


def test_parallel_processing_matches_serial(
    tmp_path: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "many", 40)
    serial = index_corpus([tmp_path / "many"], cache=False, workers=1)
    options = IndexOptions(workers=2, parallel_min_files=10)
    parallel = index_corpus([tmp_path / "many"], cache=cache, options=options)
    assert parallel.workers == 2
    assert as_dict(parallel.corpus) == as_dict(serial.corpus)
    cached = index_corpus([tmp_path / "many"], cache=cache, options=options)
    assert cached.corpus_from_cache
    assert as_dict(cached.corpus) == as_dict(serial.corpus)


def test_index_command_reports_what_it_did(corpus_dir: Path, tmp_path: Path) -> None:
    def kabar_index(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "kabar_tui", "index", str(corpus_dir), *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    first = kabar_index()
    assert first.returncode == 0, first.stderr
    assert "6 articles, 6 processed, 0 from cache, 0 problems" in first.stdout
    second = kabar_index()
    assert "0 processed, 6 from cache" in second.stdout
    rebuilt = kabar_index("--rebuild")
    assert "6 processed, 0 from cache" in rebuilt.stdout
    assert "Traceback" not in first.stderr + second.stderr + rebuilt.stderr


def test_a_file_that_breaks_processing_is_one_problem(corpus_dir: Path, cache: Storage) -> None:
    def fragile(article: Article) -> None:
        if article.id == "003_artikel":
            raise ValueError("unexpected layout")

    stages = (*pipeline.ARTICLE_STAGES, ("fragile", fragile))
    report = index_corpus([corpus_dir], cache=cache, options=IndexOptions(article_stages=stages))
    assert len(report.corpus.articles) == 5
    [problem] = report.corpus.problems
    assert problem.path.endswith("003_artikel.txt")
    assert problem.message == "could not be processed (ValueError: unexpected layout)"
    again = index_corpus([corpus_dir], cache=cache)
    assert (again.processed, again.from_cache, again.corpus.problems) == (1, 5, [])


def _dying_in_a_worker(article: Article) -> None:
    """A stage that ends the worker process it runs in (and nothing in this one)."""
    if multiprocessing.parent_process() is not None:
        os._exit(3)


def test_dead_worker_processes_fall_back_to_this_one(tmp_path: Path) -> None:
    write_corpus(tmp_path / "many", 20)
    stages = (*pipeline.ARTICLE_STAGES, ("dying", _dying_in_a_worker))
    options = IndexOptions(workers=2, parallel_min_files=10, article_stages=stages)
    report = index_corpus([tmp_path / "many"], cache=False, options=options)
    assert len(report.corpus.articles) == 20
    assert [p.message for p in report.corpus.problems] == [
        "worker processes failed; processed the rest here"
    ]


def test_changed_corpus_rows_fall_back_to_the_articles(corpus_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([corpus_dir], cache=cache)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE names SET text = 'Orang Lain' WHERE number = 0")
    with Storage(path) as cache:
        report = index_corpus([corpus_dir], cache=cache)
        again = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache, report.corpus_from_cache) == (0, 6, False)
    assert any("checksum" in problem.message for problem in report.corpus.problems)
    assert as_dict(report.corpus) == as_dict(first.corpus)
    assert again.corpus_from_cache
    assert as_dict(again.corpus) == as_dict(first.corpus)


def age(*paths: Path, seconds: float = 3600) -> None:
    """Backdate files: only settled files are trusted by their size, time and inode."""
    for path in paths:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_settled_unchanged_files_are_not_even_read(
    corpus_dir: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    age(*corpus_dir.iterdir())
    first = index_corpus([corpus_dir], cache=cache)
    reads: list[Path] = []

    def counting(path: Path) -> Source | Problem:
        reads.append(path)
        return read_source(path)

    second = index_corpus([corpus_dir], cache=cache, options=IndexOptions(read=counting))
    assert reads == []
    assert second.corpus_from_cache
    assert as_dict(second.corpus) == as_dict(first.corpus)
    changed = corpus_dir / "004_artikel.txt"
    changed.write_text(changed.read_text() + "\nParagraf tambahan yang cukup panjang.\n")
    age(changed, seconds=60)
    third = index_corpus([corpus_dir], cache=cache, options=IndexOptions(read=counting))
    assert reads == [changed]
    assert (third.processed, third.from_cache) == (1, 5)


def test_touched_file_with_same_content_is_not_reprocessed(
    corpus_dir: Path, cache: Storage
) -> None:
    age(*corpus_dir.iterdir())
    index_corpus([corpus_dir], cache=cache)
    age(*corpus_dir.iterdir(), seconds=60)
    report = index_corpus([corpus_dir], cache=cache)
    assert (report.processed, report.from_cache, report.corpus_from_cache) == (0, 6, True)


def test_equal_short_strings_are_loaded_once(corpus_dir: Path, cache: Storage) -> None:
    index_corpus([corpus_dir], cache=cache)
    articles = cache.load_articles(read_sources([corpus_dir])[0])
    texts = {id(m.text) for a in articles.values() for m in a.entities if m.text == "Sri Mulyani"}
    labels = {id(m.label) for a in articles.values() for m in a.entities}
    assert len(articles) == 6
    assert len(texts) == 1
    assert len(labels) == len({m.label for a in articles.values() for m in a.entities})


def test_stored_corpus_shares_equal_strings_across_articles(
    corpus_dir: Path, cache: Storage
) -> None:
    first = index_corpus([corpus_dir], cache=cache)
    second = index_corpus([corpus_dir], cache=cache)
    assert second.corpus_from_cache
    assert as_dict(second.corpus) == as_dict(first.corpus)
    outlets = {id(article.outlet) for article in second.corpus.articles}
    assert second.corpus.articles[0].outlet == "Kompas.com"
    assert len(outlets) == 1


def test_records_pickle_to_equal_records() -> None:
    records = [
        Paragraph(0, "Isi paragraf.", 3),
        RemovedLine(2, "Baca juga: Harga Beras", "related link"),
        Edit(4, "rejoined", "2 lines"),
        Caption("Suasana pasar.", None, 5),
        Mention("Sri Mulyani", "PER", 1, 10, 21, canonical="Sri Mulyani Indrawati"),
        Quote("Kami siap", "direct", "Sri Mulyani", 1, 0, 9, "Sri Mulyani", via="kata"),
        QuoteOccurrence("a", 1, 0, 9, None),
        Link("a", 0, "b", 1, 91.5, "same text"),
    ]
    assert pickle.loads(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)) == records


def test_cross_article_stage_turns_the_collector_back_on(corpus_dir: Path) -> None:
    corpus = index_corpus([corpus_dir], cache=False).corpus
    assert gc.isenabled()
    pipeline.finish_corpus(corpus)
    assert gc.isenabled()
    assert corpus.entities


class Batches:
    """An `on_articles` callback that records each batch and whether the corpus was done."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.finished = False

    def __call__(self, articles: list[Article]) -> None:
        assert not self.finished, "articles arrived after the cross-article stage"
        self.batches.append([article.id for article in articles])

    @property
    def ids(self) -> list[str]:
        return [article_id for batch in self.batches for article_id in batch]


def watching_finish(batches: Batches, **options: Any) -> IndexOptions:
    """Options whose corpus stage notes in `batches` that it ran."""

    def finish(corpus: Corpus) -> None:
        batches.finished = True
        pipeline.finish_corpus(corpus)

    return IndexOptions(finish=finish, **options)


def assert_each_once(batches: Batches, corpus: Corpus) -> None:
    assert sorted(batches.ids) == sorted(article.id for article in corpus.articles)
    assert len(set(batches.ids)) == len(batches.ids)


def test_articles_arrive_one_by_one_before_the_corpus_is_finished(corpus_dir: Path) -> None:
    batches = Batches()
    options = watching_finish(batches, workers=1)
    report = index_corpus([corpus_dir], cache=False, on_articles=batches, options=options)
    assert_each_once(batches, report.corpus)
    assert len(batches.batches) == 6
    assert batches.finished


def test_articles_arrive_in_batches_from_worker_processes(tmp_path: Path, cache: Storage) -> None:
    write_corpus(tmp_path / "many", 40)
    batches = Batches()
    options = watching_finish(batches, workers=2, parallel_min_files=10)
    report = index_corpus([tmp_path / "many"], cache=cache, on_articles=batches, options=options)
    assert report.workers == 2
    assert_each_once(batches, report.corpus)
    assert len(batches.batches) > 1


def test_cached_and_changed_articles_each_arrive_once(corpus_dir: Path, cache: Storage) -> None:
    index_corpus([corpus_dir], cache=cache)
    changed = corpus_dir / "002_artikel.txt"
    changed.write_text(changed.read_text() + "\nParagraf tambahan tentang anggaran.\n")
    batches = Batches()
    options = watching_finish(batches)
    report = index_corpus([corpus_dir], cache=cache, on_articles=batches, options=options)
    assert report.processed == 1 and report.from_cache == 5
    assert_each_once(batches, report.corpus)
    assert [len(batch) for batch in batches.batches] == [5, 1]


def test_a_cached_corpus_arrives_whole(corpus_dir: Path, cache: Storage) -> None:
    index_corpus([corpus_dir], cache=cache)
    batches = Batches()
    report = index_corpus([corpus_dir], cache=cache, on_articles=batches)
    assert report.corpus_from_cache
    assert_each_once(batches, report.corpus)


CAPTURED_STDERR_RUN = """
import sys, threading
from kabar_tui.core.indexing import pipeline

class Captured:  # what Textual puts in sys.stderr while an app runs
    def write(self, text): return len(text)
    def flush(self): pass
    def fileno(self): return -1

options = pipeline.IndexOptions(workers=2, parallel_min_files=10)
found = []
sys.stderr = Captured()
worker = threading.Thread(  # the reader indexes in a thread: no fork, a tracker is needed
    target=lambda: found.append(pipeline.index_corpus([sys.argv[1]], cache=False, options=options))
)
worker.start()
worker.join()
sys.stderr = sys.__stderr__
print(found[0].workers, len(found[0].corpus.articles), len(found[0].corpus.problems))
"""


def test_worker_processes_start_from_a_thread_with_stderr_captured(tmp_path: Path) -> None:
    write_corpus(tmp_path / "many", 20)
    done = subprocess.run(
        [sys.executable, "-c", CAPTURED_STDERR_RUN, str(tmp_path / "many")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "20", "0"]


def test_enum_values_are_stored_as_their_plain_values(tmp_path: Path) -> None:
    """Labels may become StrEnums (issue 11): the checksum must still match when read back."""

    class Label(enum.StrEnum):
        PER = "PER"

    mention = Mention("Sri Mulyani", Label.PER, 0, 0, 11)
    article = Article("a", str(tmp_path / "a.txt"), "Judul", [Paragraph(0, "Sri Mulyani", 1)])
    article.entities = [mention]
    source = Source("a", article.path, "", "hash")
    with Storage(tmp_path / "cache" / "test.sqlite3") as cache:
        cache.save_articles([(source, "", article)])
        loaded = cache.load_articles([source])
        assert cache.warnings == []
    assert loaded[article.path].entities == [Mention("Sri Mulyani", "PER", 0, 0, 11)]
    assert type(loaded[article.path].entities[0].label) is str


def test_only_the_most_recently_used_corpora_are_kept(
    tmp_path: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "KEPT_CORPORA", 2)
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        write_corpus(folder, 2)
    for folder in (folders[0], folders[1], folders[0], folders[2]):
        index_corpus([folder], cache=cache)
    assert index_corpus([folders[0]], cache=cache).corpus_from_cache
    assert index_corpus([folders[2]], cache=cache).corpus_from_cache
    assert not index_corpus([folders[1]], cache=cache).corpus_from_cache
    with sqlite3.connect(cache.path) as db:
        assert db.execute("SELECT count(*) FROM corpora").fetchone() == (2,)


# Every field of the model is stored: a field added without a column would be lost silently.
ARTICLE_COLUMNS = {
    "id", "path", "title", "title_derived", "outlet", "author", "editor", "published",
    "dateline", "credited_source", "content_hash",
}  # fmt: skip
CORPUS_RECORDS = {
    Corpus: {"articles", "entities", "links", "stories", "quote_groups", "problems"},
    EntityRecord: {"canonical", "label", "aliases", "mentions", "articles"},
    Link: {
        "source_article", "source_paragraph", "target_article", "target_paragraph", "score",
        "kind",
    },
    Story: {"id", "articles", "title"},
    QuoteRecord: {"text", "speaker_canonical", "occurrences"},
    QuoteOccurrence: {"article", "paragraph", "start", "end", "speaker"},
}  # fmt: skip


def field_names(kind: type) -> set[str]:
    return {field.name for field in dataclasses.fields(kind)}


def test_every_field_of_the_model_has_a_column() -> None:
    for spec in storage.RECORDS:
        assert set(spec.fields) == field_names(spec.kind), spec.table
        assert len(spec.columns) == len(spec.fields) == len(spec.kinds)
    records = {spec.attribute for spec in storage.RECORDS}
    assert field_names(Article) == ARTICLE_COLUMNS | records
    for kind, stored in CORPUS_RECORDS.items():
        assert field_names(kind) == stored, kind.__name__


def test_a_full_article_comes_back_equal(tmp_path: Path) -> None:
    article = Article(
        id="a",
        path=str(tmp_path / "a.txt"),
        title="Judul",
        paragraphs=[Paragraph(0, "Sri Mulyani berkata.", 3), Paragraph(1, "Lalu pergi.", 5)],
        title_derived=True,
        outlet="Kompas.com",
        author="Penulis",
        editor="Penyunting",
        published=datetime(2023, 9, 14, 10, 30, tzinfo=timezone(timedelta(hours=8), "WITA")),
        dateline="JAKARTA",
        credited_source="Antara",
        captions=[Caption("Suasana pasar.", "ANTARA/Foto", 2), Caption("Tanpa kredit", None, 4)],
        removed=[RemovedLine(1, "Baca juga: Harga Beras", "related link")],
        edits=[Edit(3, "rejoined", "2 lines")],
        content_hash="hash",
        entities=[Mention("Sri Mulyani", "PER", 0, 0, 11, canonical="")],
        quotes=[
            Quote("Kami siap", "direct", "Sri Mulyani", 0, 0, 9, None, via="kata", role="Menteri")
        ],
    )
    source = Source("a", article.path, "", "hash")
    with Storage(tmp_path / "cache" / "test.sqlite3") as cache:
        cache.save_articles([(source, "", article)])
        loaded = cache.load_articles([source])[article.path]
    assert loaded == article
    assert loaded.published is not None and loaded.published.tzname() == "WITA"


def test_a_corpus_is_in_the_order_its_files_arrived_and_a_file_back_arrives_again(
    tmp_path: Path, cache: Storage
) -> None:
    corpus = tmp_path / "corpus"

    def files(report: IndexReport) -> list[str]:
        return ["/".join(Path(a.path).parts[-2:]) for a in report.corpus.articles]

    late = write_corpus(corpus / "b", 2)
    index_corpus([corpus], cache=cache)
    write_corpus(corpus / "a", 1)  # sorts before the others, arrives after them
    both = index_corpus([corpus], cache=cache)
    order = ["b/000_artikel.txt", "b/001_artikel.txt", "a/000_artikel.txt"]
    assert files(both) == order
    text = late[0].read_text(encoding="utf-8")
    late[0].unlink()
    assert files(index_corpus([corpus], cache=cache)) == order[1:]
    late[0].write_text(text, encoding="utf-8")
    back = index_corpus([corpus], cache=cache)
    assert files(back) == [*order[1:], order[0]]
    cache.clear()  # `kabar index --rebuild` keeps the order
    rebuilt = index_corpus([corpus], cache=cache)
    assert rebuilt.processed == 3
    assert files(rebuilt) == [*order[1:], order[0]]


def test_ids_that_depend_on_the_corpus_come_back_from_its_cache(
    tmp_path: Path, cache: Storage
) -> None:
    """Two files named alike get ids from their folders (issue 12); the ids are the corpus's."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus / "okezone", 1)
    alone = index_corpus([corpus], cache=cache)
    assert [a.id for a in alone.corpus.articles] == ["000_artikel"]
    write_corpus(corpus / "antara", 1)
    both = index_corpus([corpus], cache=cache)
    again = index_corpus([corpus], cache=cache)
    assert again.corpus_from_cache
    # in the order the files arrived (docs/incremental.md, "Order"), whatever their names
    assert [a.id for a in again.corpus.articles] == ["okezone/000_artikel", "antara/000_artikel"]
    assert as_dict(again.corpus) == as_dict(both.corpus)
    (corpus / "antara" / "000_artikel.txt").unlink()
    back = index_corpus([corpus], cache=cache)
    assert back.corpus_from_cache
    assert [a.id for a in back.corpus.articles] == ["000_artikel"]


def test_a_row_is_stored_as_plain_values_of_exact_types() -> None:
    """`_plain_row`'s conversions made once a row shape are `_plain`'s, value by value."""
    from enum import Enum, IntEnum

    from kabar_tui.core.lexicon import Label
    from kabar_tui.core.store.storage import _plain, _plain_row

    class Number(IntEnum):
        ONE = 1

    class Colour(Enum):
        RED = "red"

    plain = ("Budi", 3, 1.5, None)
    assert _plain_row(plain) is plain
    for row in (("Budi", Label.PER, True, None, 2.5, Number.ONE), (Label.ORG, None)):
        stored = _plain_row(row)
        assert stored == tuple(map(_plain, row))
        assert [type(v) for v in stored] == [type(_plain(v)) for v in row]
        assert {type(v) for v in stored} <= {str, int, float, type(None)}
    with pytest.raises(TypeError, match="cannot store a Colour"):
        _plain_row(("Budi", Colour.RED))


def with_query_plans(
    cache: Storage, run: Callable[[], T], chosen: Callable[[str], bool]
) -> tuple[T, list[str]]:
    """What `run` gives, and SQLite's plan of each chosen statement it made."""
    statements: list[str] = []
    with cache.guard("read") as db:
        db.set_trace_callback(statements.append)
    try:
        given = run()
    finally:
        with cache.guard("read") as db:
            db.set_trace_callback(None)
            plans = [
                str(db.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
                for sql in statements
                if chosen(sql)
            ]
    return given, plans


def test_articles_are_looked_for_by_path_not_by_reading_every_one(tmp_path: Path) -> None:
    """A new file added to a big corpus is looked for in the cache (and found in none):
    that must read its own path's row, not every stored article's (docs/incremental.md)."""
    sources = []
    with Storage(tmp_path / "cache" / "test.sqlite3") as cache:
        for n in range(3):
            path = str(tmp_path / f"a{n}.txt")
            article = Article(f"a{n}", path, "Judul", [Paragraph(0, f"Teks {n}", 1)])
            sources.append(Source(f"a{n}", path, "", f"hash{n}"))
            cache.save_articles([(sources[-1], "", article)])
        loaded, plans = with_query_plans(
            cache,
            lambda: cache.load_articles([sources[1], Source("b", "new.txt", "", "h")]),
            lambda sql: sql.lstrip().upper().startswith("SELECT") and " articles a " in sql,
        )
    assert list(loaded) == [sources[1].path]
    assert plans and not any("SCAN a" in plan for plan in plans), plans


def test_quotation_groups_are_looked_for_by_key_not_by_reading_every_one(
    cache: Storage,
) -> None:
    """An added article's quotations are looked for among the stored groups by their
    words: by the key index, not by the primary key, which SQLite chose and which read
    every group of the corpus (712k at 100k articles) to find a few."""
    _, plans = with_query_plans(
        cache,
        lambda: cache.quote_groups_of(1, ["menjaga defisit", "harga beras"]),
        lambda sql: "FROM quote_groups" in sql,
    )
    assert plans and all("quote_groups_by_key" in plan for plan in plans), plans


def test_new_files_are_numbered_on_the_arrivals_read_once_unless_another_kabar_wrote(
    cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new file's arrival is numbered after the others under the write lock; the
    arrivals (100k rows at 100k files) are read again there only when another kabar
    wrote since they were read, and then what it numbered holds."""
    sources = [Source(f"a{n}", f"/c/a{n}.txt", "", f"h{n}") for n in range(4)]
    cache.arrival_order(sources[:2])
    statements: list[str] = []
    with cache.guard("read") as db:
        db.set_trace_callback(statements.append)
    order = cache.arrival_order([sources[2], *sources[:2]])
    assert [source.id for source in order] == ["a0", "a1", "a2"]
    reads = [sql for sql in statements if sql.startswith("SELECT path, sequence FROM arrivals")]
    assert len(reads) == 1, reads

    # Another kabar numbers a3 between the read and the write lock: its number holds.
    real = storage.backend.transaction

    def other_writes_first(db: sqlite3.Connection) -> Any:
        with sqlite3.connect(cache.path) as other:
            other.execute("INSERT INTO arrivals (path, sequence) VALUES ('/c/a3.txt', 50)")
        monkeypatch.setattr(storage.backend, "transaction", real)
        return real(db)

    monkeypatch.setattr(storage.backend, "transaction", other_writes_first)
    extra = Source("b", "/c/b.txt", "", "hb")
    order = cache.arrival_order([extra, sources[3], *sources[:3]])
    assert [source.id for source in order] == ["a0", "a1", "a2", "a3", "b"]
    with cache.guard("read") as db:
        db.set_trace_callback(None)
        numbers = dict(db.execute("SELECT path, sequence FROM arrivals"))
    assert numbers["/c/a3.txt"] == 50 and numbers["/c/b.txt"] == 51


def test_a_cached_file_is_checked_by_the_walks_status_without_a_second_stat(
    corpus_dir: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder walk takes each file's `stat`; checking it against its stored signature
    uses that one, not one more system call per file (100k at 100k files)."""
    first = index_corpus([corpus_dir], cache=cache, keep_articles=False)
    stated: list[str] = []
    real_stat = os.stat

    def counted(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stated.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counted)
    again = index_corpus([corpus_dir], cache=cache, keep_articles=False)
    monkeypatch.undo()
    assert (again.processed, again.from_cache, again.key) == (0, 6, first.key)
    assert not [path for path in stated if path.endswith(".txt")], stated
