"""A corpus indexed without keeping its articles (streamed, `kabar index`) is the corpus
indexed in memory: the same links, stories, names and quote groups, the same stored rows."""

from __future__ import annotations

import shutil
import sqlite3
from array import array
from pathlib import Path

import pytest

from benchmarks.corpus import raw_articles
from kabar_tui.core.indexing.pipeline import IndexOptions, index_corpus
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.search.search_build import TermIndex, _Run
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import RECORDS, Storage

GENERATED = 210  # with the seeds and copies, more than parallel_min_files: worker processes
COPIES = 15


pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds (names, quotes, links), generated articles, and edited copies of some of
    them (same-text links, so stories)."""
    folder = tmp_path_factory.mktemp("indexing") / "news"
    shutil.copytree(seeds_dir(), folder)
    generated = raw_articles(GENERATED, seed=5)
    for name, text in generated:
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    for name, text in generated[:COPIES]:
        copy = text.replace("Advertisement", "Iklan") + "\nDiperbarui oleh redaksi.\n"
        (folder / f"{name}_salinan.txt").write_text(copy, encoding="utf-8")
    return folder


def stored_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the cache file but the numbers it gives out itself (an article's `id`,
    in the order articles arrived from the workers, replaced by its path; a corpus's) and
    the corpus checksum, which covers those numbers (it is checked when reopened)."""
    with sqlite3.connect(path) as db:
        paths = dict(db.execute("SELECT id, path FROM articles"))
        rows = {
            "articles": db.execute(
                "SELECT path, content_hash, fingerprint, signature, checksum FROM articles "
                "ORDER BY path"
            ).fetchall(),
            "corpora": db.execute("SELECT key FROM corpora").fetchall(),
        }
        for spec in RECORDS:
            found = db.execute(f"SELECT * FROM {spec.table}").fetchall()
            rows[spec.table] = sorted((paths[row[0]], *row[1:]) for row in found)
        for table in (
            "corpus_articles", "names", "mention_names", "quote_speakers", "entities",
            "entity_aliases", "entity_articles", "links", "stories", "story_articles",
            "quote_groups", "quote_occurrences",
        ):  # fmt: skip
            found = db.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            if table == "corpus_articles":
                found = [(position, paths[article], *rest) for _, position, article, *rest in found]
            else:
                found = [row[1:] for row in found]
            rows[table] = found
    return rows


def search_rows(path: Path) -> dict[str, object]:
    """The stored search index, the article numbers the file gives out replaced by paths."""
    with sqlite3.connect(path) as db:
        paths = dict(db.execute("SELECT id, path FROM articles"))
        arrays = dict(db.execute("SELECT name, data FROM search_arrays"))
        numbers = array("q")
        numbers.frombytes(arrays.pop("articles"))
        rows: dict[str, object] = {
            "search_indexes": db.execute("SELECT documents, words FROM search_indexes").fetchall(),
            "articles": [paths[number] for number in numbers],
            "search_arrays": sorted(arrays.items()),
        }
        for table in ("search_postings", "search_blocks", "search_grams"):
            rows[table] = [row[1:] for row in db.execute(f"SELECT * FROM {table} ORDER BY 2, 3")]
    return rows


def test_a_streamed_index_stores_what_an_index_in_memory_stores(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Most texts are read again where they are processed, as in a big corpus.
    options = IndexOptions(
        workers=2, kept_text_chars=20_000, search_every=40, search_postings=20_000
    )
    kept_file, streamed_file = tmp_path / "kept.sqlite3", tmp_path / "streamed.sqlite3"
    with Storage(kept_file) as cache:
        kept = index_corpus([news], cache=cache, options=options)
    # The streamed run builds the search index from the words the workers found, and
    # never reads an article back; its postings are made a run of documents at a time
    # (about 20,000 words) and saved a range of keys at a time.
    read_back: list[int] = []
    wholes: list[bool] = []
    runs: list[int] = []
    real_range, real_load = Storage.corpus_articles, Storage.load_corpus
    real_post = TermIndex.post

    def post(self: TermIndex, run: _Run) -> None:
        runs.append(run.size)
        real_post(self, run)

    def corpus_articles(self: Storage, corpus: int, first: int, end: int) -> list:
        read_back.append(end - first)
        return real_range(self, corpus, first, end)

    def load_corpus(self: Storage, key: str) -> object:
        found = real_load(self, key)
        wholes.append(found is not None)
        return found

    monkeypatch.setattr(Storage, "corpus_articles", corpus_articles)
    monkeypatch.setattr(Storage, "load_corpus", load_corpus)
    monkeypatch.setattr(TermIndex, "post", post)
    with Storage(streamed_file) as cache:
        streamed = index_corpus([news], cache=cache, keep_articles=False, options=options)
    monkeypatch.undo()
    assert wholes == [False]  # only the look for a finished corpus, at the start
    assert read_back == []
    assert len(runs) > 5 and max(runs) < 30_000
    search = search_rows(streamed_file)
    assert search["search_indexes"][0][0] > 2000  # type: ignore[index]
    assert search == search_rows(kept_file)
    total = 5 + GENERATED + COPIES
    assert kept.articles == streamed.articles == len(kept.corpus.articles) == total
    assert streamed.processed == total and streamed.corpus.articles == []
    # what makes the comparison worth something
    assert len(kept.corpus.stories) >= COPIES and len(kept.corpus.links) > 100
    assert any(group.speaker_canonical for group in kept.corpus.quote_groups)
    assert streamed.corpus.links == kept.corpus.links
    assert streamed.corpus.stories == kept.corpus.stories
    assert streamed.corpus.entities == kept.corpus.entities
    assert streamed.corpus.quote_groups == kept.corpus.quote_groups
    assert stored_rows(streamed_file) == stored_rows(kept_file)
    with Storage(streamed_file) as cache:
        reopened = index_corpus([news], cache=cache)
    assert reopened.corpus_from_cache  # its checksums and key hold
    assert corpus_to_dict(reopened.corpus) == corpus_to_dict(kept.corpus)


def test_a_streamed_index_reads_its_cached_articles_in_batches(news: Path, tmp_path: Path) -> None:
    """After one changed file, the rest come from the cache a batch at a time, and the
    cross-article results are those of a full index in memory."""
    options = IndexOptions(keep_articles=False, load_every=40)
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, options=options)
        changed = folder / "bench_000003.txt"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nParagraf baru.\n")
        again = index_corpus([folder], cache=cache, options=options)
        assert (again.processed, again.from_cache) == (1, again.articles - 1)
        reopened = index_corpus([folder], cache=cache)
    assert reopened.corpus_from_cache
    fresh = index_corpus([folder], cache=False)
    assert again.corpus.links == fresh.corpus.links
    assert again.corpus.stories == fresh.corpus.stories
    assert corpus_to_dict(reopened.corpus) == corpus_to_dict(fresh.corpus)
