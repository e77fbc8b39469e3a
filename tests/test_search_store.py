"""The search index kept in the cache database (issue 11): the same pages as in memory,
saved with its corpus and deleted with it, and a clear way back when it is damaged."""

from __future__ import annotations

import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from benchmarks.searchgen import Generator
from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Corpus
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.search import search_store
from kabar_tui.core.search.query import KINDS, HitKind
from kabar_tui.core.search.search import RANKED, Bits, SearchEngine, SearchIndex, SearchPage
from kabar_tui.core.search.search_store import (
    DOCUMENTS_TOGETHER,
    StoredSearchIndex,
    open_search,
    save_search,
)
from kabar_tui.core.store import storage, storage_sqlite
from kabar_tui.core.store.storage import Storage, corpus_key
from tests.test_storage import write_corpus

FILTERS = ["type:quote", "type:title", "type:entity", "by:a", "outlet:k", "type:passage"]


pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Storage]:
    with Storage(tmp_path / "cache" / "test.sqlite3") as opened:
        yield opened


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    return word[:at] + word[at + 1 :] if rng.random() < 0.5 else word[:at] + "x" + word[at:]


def queries(corpus: Corpus, count: int, seed: int) -> list[str]:
    """Queries of every kind, made from the corpus's own passages."""
    rng = random.Random(seed)
    passages = [p.text for article in corpus.articles for p in article.paragraphs]
    outlets = sorted({a.outlet.split()[0].lower() for a in corpus.articles if a.outlet})
    made = ["", "   ", "zzqxv wvvkq", '"zzqxv"', "by:", *FILTERS, "type:quote by:a"]
    for _ in range(count):
        words = re.findall(r"\w{3,}", rng.choice(passages))
        start = rng.randrange(max(len(words) - 4, 1))
        window = words[start : start + rng.randint(1, 4)]
        long_words = [n for n, word in enumerate(window) if len(word) >= 5]
        kind = rng.randrange(6)
        if kind == 1 and long_words:  # a typo
            at = rng.choice(long_words)
            window[at] = typo(window[at], rng)
        elif kind == 2 and len(window[-1]) > 3:  # still typing the last word
            window[-1] = window[-1][: rng.randint(2, len(window[-1]) - 1)]
        elif kind == 3:  # a phrase
            window = [f'"{" ".join(window)}"']
        elif kind == 4:  # a filter
            window.insert(0, rng.choice([*FILTERS, f"outlet:{rng.choice(outlets)}"]))
        elif kind == 5:  # another order
            rng.shuffle(window)
        made.append(" ".join(window))
    return made


def assert_same_pages(stored: SearchEngine, memory: SearchIndex, asked: list[str]) -> None:
    found = 0
    for query in asked:
        for offset, limit in ((0, 10), (3, 7), (0, RANKED + 20), (RANKED - 5, 40)):
            expected = memory.search_page(query, offset, limit)
            assert stored.search_page(query, offset, limit) == expected, (query, offset)
            found += expected.total > 0
    assert found > len(asked) * 2  # most queries find something: the pages are not all empty


def stored_key(cache: Storage) -> str:
    with sqlite3.connect(cache.path) as db:
        [(key,)] = db.execute("SELECT key FROM corpora").fetchall()
    return str(key)


def test_stored_index_gives_the_pages_of_the_index_in_memory_on_the_seeds(
    tmp_path: Path, cache: Storage
) -> None:
    shutil.copytree(seeds_dir(), tmp_path / "seeds")
    report = index_corpus([tmp_path / "seeds"], cache=cache)
    stored = open_search(cache, stored_key(cache))
    assert isinstance(stored, StoredSearchIndex)
    assert_same_pages(stored, SearchIndex.build(report.corpus), queries(report.corpus, 60, 1))
    assert cache.warnings == []


def store_generated(cache: Storage, count: int) -> tuple[str, Corpus]:
    generator = Generator(seed=3, devset=False)
    articles = [generator.article(number) for number in range(count)]
    sources = [Source(a.id, a.path, "", a.content_hash) for a in articles]
    cache.save_articles((source, "", a) for source, a in zip(sources, articles, strict=True))
    corpus = Corpus(articles=articles)
    key = corpus_key(sources)
    cache.save_corpus(key, corpus)
    assert save_search(cache, key, SearchIndex.build(corpus))
    return key, corpus


def test_stored_index_gives_the_pages_of_the_index_in_memory_on_a_generated_corpus(
    cache: Storage,
) -> None:
    key, corpus = store_generated(cache, 80)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    memory = SearchIndex.build(corpus)
    assert_same_pages(stored, memory, queries(corpus, 80, 2))
    # Hits name the corpus's articles, as the corpus read back from the cache does.
    loaded = cache.load_corpus(key)
    assert loaded is not None
    assert_same_pages(stored, SearchIndex.build(loaded), queries(corpus, 20, 3))
    assert cache.warnings == []


def test_the_index_is_not_saved_for_another_corpus(cache: Storage) -> None:
    key, corpus = store_generated(cache, 5)
    other = SearchIndex.build(Corpus(articles=corpus.articles[:4]))
    assert not save_search(cache, key, other)
    assert not save_search(cache, "no such corpus", SearchIndex.build(corpus))


def damage(cache: Storage, sql: str) -> None:
    with cache.guard("written") as db:
        db.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        # Four bytes of a long posting list changed: its checksum catches it.
        "UPDATE search_postings SET docs = "
        "CAST(substr(docs, 1, 4) || x'01020304' || substr(docs, 9) AS BLOB)",
        "UPDATE search_blocks SET checksum = checksum + 1",
        "DELETE FROM search_blocks",
        "UPDATE search_arrays SET data = x'00' WHERE name = 'kinds'",
        "UPDATE search_grams SET words = x'789c'",
        "UPDATE search_arrays SET data = x'ffffffff', checksum = 0 WHERE name = 'words_offsets'",
    ],
)
def test_a_damaged_stored_index_warns_and_is_built_again(cache: Storage, sql: str) -> None:
    key, corpus = store_generated(cache, 30)
    memory = SearchIndex.build(corpus)
    stored = open_search(cache, key)
    assert stored is not None
    damage(cache, sql)
    asked = queries(corpus, 16, 4)
    assert_same_pages(stored, memory, asked)
    assert len(cache.warnings) == 1, cache.warnings
    assert "search index" in cache.warnings[0] and "built it again" in cache.warnings[0]
    # It was stored again: the next open reads it without a warning.
    cache.warnings.clear()
    again = open_search(cache, key)
    assert isinstance(again, StoredSearchIndex)
    assert_same_pages(again, memory, asked[-10:])
    assert cache.warnings == []


def test_a_missing_stored_index_warns_and_is_built_again(cache: Storage) -> None:
    key, corpus = store_generated(cache, 20)
    damage(cache, "DELETE FROM search_indexes")
    searcher = open_search(cache, key)
    assert searcher is not None and not isinstance(searcher, StoredSearchIndex)
    assert cache.warnings == [
        "the corpus had no stored search index; built it again from the stored articles"
    ]
    assert_same_pages(searcher, SearchIndex.build(corpus), queries(corpus, 10, 5))
    assert isinstance(open_search(cache, key), StoredSearchIndex)
    assert open_search(cache, "no such corpus") is None


def test_a_dropped_search_table_means_an_empty_page_and_a_warning_not_a_crash(
    cache: Storage,
) -> None:
    key, _ = store_generated(cache, 10)
    stored = open_search(cache, key)
    assert stored is not None
    damage(cache, "DROP TABLE search_blocks")
    assert stored.search_page("menteri", 0, 10).hits == []
    assert cache.warnings and "damaged" in cache.warnings[0]


def test_a_file_without_a_search_table_is_rebuilt_with_a_message(cache: Storage) -> None:
    key, _ = store_generated(cache, 10)
    cache.close()
    with sqlite3.connect(cache.path) as db:
        db.execute("DROP TABLE search_grams")
    with Storage(cache.path) as reopened:
        assert any("another layout" in warning for warning in reopened.warnings)
        assert open_search(reopened, key) is None


def search_rows(path: Path) -> dict[str, set[int]]:
    with sqlite3.connect(path) as db:
        found = {
            table: {corpus for (corpus,) in db.execute(f"SELECT DISTINCT corpus FROM {table}")}
            for table in storage_sqlite.SEARCH_TABLES
        }
        found["corpora"] = {corpus for (corpus,) in db.execute("SELECT id FROM corpora")}
    return found


def assert_no_orphans(path: Path) -> None:
    rows = search_rows(path)
    corpora = rows.pop("corpora")
    assert rows.pop("search_indexes") == corpora  # each stored corpus has its index
    for table, owners in rows.items():
        assert owners <= corpora, table  # and no row outlives its corpus


def test_search_rows_live_and_die_with_their_corpus(
    tmp_path: Path, cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "KEPT_CORPORA", 2)
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for folder in folders:
        write_corpus(folder, 3)
    index_corpus([folders[0]], cache=cache)
    assert len(search_rows(cache.path)["search_blocks"]) == 1
    index_corpus([folders[0]], cache=cache)  # from the cache: stored once still
    index_corpus([folders[1]], cache=cache)
    assert_no_orphans(cache.path)
    index_corpus([folders[2]], cache=cache)  # the oldest corpus goes, with its index
    assert len(search_rows(cache.path)["corpora"]) == 2
    assert_no_orphans(cache.path)
    (folders[2] / "001_artikel.txt").unlink()  # pruned: its corpora go too
    index_corpus([folders[2]], cache=cache)
    assert_no_orphans(cache.path)
    key, _ = store_generated(cache, 5)
    save_search(cache, key, SearchIndex.build(cache.load_corpus(key) or Corpus([])))  # twice
    assert_no_orphans(cache.path)
    cache.clear()
    assert all(not owners for owners in search_rows(cache.path).values())
    assert cache.warnings == []


DETERMINISM = """
import sys
import threading
sys.path.insert(0, {root!r})
from benchmarks.searchgen import Generator
from kabar_tui.core.model import Corpus
from kabar_tui.core.search.search import SearchIndex
generator = Generator(seed=5, devset=False)
index = SearchIndex.build(Corpus(articles=[generator.article(n) for n in range(60)]))
for query in ("ekan lesa", "sgokjukr bali"):  # typo matches that tie
    print(index.search_page(query, 0, 30))
"""


def test_pages_are_the_same_whatever_the_hash_seed() -> None:
    """Trigrams were read in a set's order, which changes with Python's hash seed, and
    ties between typo matches followed it: two runs could rank differently."""
    root = str(Path(__file__).resolve().parent.parent)
    outputs = [
        subprocess.run(
            [sys.executable, "-c", DETERMINISM.format(root=root)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert "Hit(" in outputs[0]
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_stored_searcher_answers_from_a_worker_thread(cache: Storage) -> None:
    """The reader searches in worker threads, on the connection opened at start."""
    key, corpus = store_generated(cache, 10)
    stored = open_search(cache, key)
    assert stored is not None
    pages: list[SearchPage] = []
    worker = threading.Thread(target=lambda: pages.append(stored.search_page("kata", 0, 5)))
    worker.start()
    worker.join()
    assert pages == [SearchIndex.build(corpus).search_page("kata", 0, 5)]
    assert pages[0].total > 0 and cache.warnings == []


def _votes_one_at_a_time(engine: SearchEngine, query: str, budget: int) -> dict[int, float] | None:
    """The candidates' votes added one posting at a time in Python, as `_vote` did before
    it summed with numpy: the reference its numpy sums must give exactly."""
    from bisect import bisect_left
    from heapq import nlargest
    from operator import itemgetter

    from kabar_tui.core.search.query import parse_query
    from kabar_tui.core.search.search import CHECKED_LISTS, MAX_TERMS, VOTED

    parsed = parse_query(query)
    words = [*parsed.terms, *(word for phrase in parsed.phrases for word in phrase)]
    if not words:
        return None
    terms = engine._terms(parsed, words[:MAX_TERMS])
    features = sorted(engine._features(terms), key=lambda f: sum(len(p) for _, p in f))
    votes: dict[int, float] = {}
    read = 0
    checked = []
    keep = engine._admitted(parsed) if parsed.filters else None
    for feature in features:
        size = sum(len(posting) for _, posting in feature)
        if read and read + size > budget:
            checked.append(feature)
            continue
        share = max(budget // len(feature), 1)
        for weight, posting in feature:
            for doc in posting[-share:] if size > budget else posting:
                if keep is None or keep[doc]:
                    votes[doc] = votes.get(doc, 0.0) + weight
        read += size
    votes = dict(nlargest(VOTED, votes.items(), key=itemgetter(1)))
    for feature in checked:
        for doc in votes:
            for weight, posting in nlargest(CHECKED_LISTS, feature, key=itemgetter(0)):
                at = bisect_left(posting, doc)
                if at < len(posting) and posting[at] == doc:
                    votes[doc] += weight
                    break
    return votes


@pytest.mark.parametrize("budget", [0, 60, 40_000])
def test_votes_summed_with_numpy_are_those_added_one_at_a_time(
    cache: Storage, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    from kabar_tui.core.search import search

    monkeypatch.setattr(search, "BASE_BUDGET", budget)  # small: the budget's two ways
    key, corpus = store_generated(cache, 120)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    with cache.guard("read") as db:
        stored._connection = db  # as search_page sets it, for the parts called alone
    for engine in (stored, SearchIndex.build(corpus)):
        compared = 0
        for query in queries(corpus, 120, 4):
            expected = _votes_one_at_a_time(engine, query, budget + engine._document_count() // 10)
            if expected is None:
                continue
            parsed = search.parse_query(query)
            words = [*parsed.terms, *(w for phrase in parsed.phrases for w in phrase)]
            got = engine._vote(engine._terms(parsed, words[: search.MAX_TERMS]), parsed)
            assert list(got.items()) == list(expected.items()), query  # order, exact floats
            compared += bool(expected)
        assert compared > 80


def test_a_query_without_filters_reads_the_rows_of_its_documents_not_the_columns(
    cache: Storage,
) -> None:
    """The documents a query ranks and shows are read from their rows of the columns
    (`documents N`, DOCUMENTS_TOGETHER documents each), not from the five whole columns
    (32 MB at 100k articles): with the columns gone, queries without filters or phrases
    answer as the index in memory does, without a warning."""
    key, corpus = store_generated(cache, 30)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    with cache.guard("read") as db:
        rows = db.execute("SELECT COUNT(*) FROM search_arrays WHERE name LIKE 'documents %'")
        assert rows.fetchone()[0] == -(-stored._document_count() // DOCUMENTS_TOGETHER) > 0
    columns = ["kinds", "owners", "paragraphs", "records", "labels"]
    damage(cache, f"DELETE FROM search_arrays WHERE name IN ({', '.join(map(repr, columns))})")
    asked = [query for query in queries(corpus, 16, 4) if ":" not in query and '"' not in query]
    assert len(asked) > 8
    assert_same_pages(stored, SearchIndex.build(corpus), asked)
    assert cache.warnings == []


def test_a_session_of_queries_reads_the_columns_once_it_has_read_enough_rows(
    cache: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query reads the rows of its documents; the queries of a session soon need
    most rows, so past ROWS_BEFORE_COLUMNS (and an eighth of the rows) the columns are
    read whole, once. The pages are the same either way."""
    monkeypatch.setattr(search_store, "DOCUMENTS_TOGETHER", 16)
    monkeypatch.setattr(search_store, "ROWS_BEFORE_COLUMNS", 4)
    key, corpus = store_generated(cache, 30)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    assert stored._document_count() // 16 // 8 <= 4
    memory = SearchIndex.build(corpus)
    asked = [q for q in queries(corpus, 16, 4) if q.strip() and ":" not in q and '"' not in q]
    first = next(query for query in asked if memory.search_page(query, 0, 5).hits)
    stored.search_page(first, 0, 5)
    assert 0 < stored._rows_read <= 4 and "labels" not in stored._loaded
    assert_same_pages(stored, memory, asked)
    assert stored._rows_read == 4 and "labels" in stored._loaded
    assert cache.warnings == []


def test_a_damaged_row_of_documents_warns_and_the_index_is_built_again(cache: Storage) -> None:
    key, corpus = store_generated(cache, 30)
    stored = open_search(cache, key)
    assert stored is not None
    damage(
        cache,
        "UPDATE search_arrays SET data = CAST(x'07' || substr(data, 2) AS BLOB) "
        "WHERE name = 'documents 0'",
    )
    asked = [query for query in queries(corpus, 16, 4) if ":" not in query]
    assert_same_pages(stored, SearchIndex.build(corpus), asked)
    assert len(cache.warnings) == 1 and "built it again" in cache.warnings[0], cache.warnings


def test_the_full_votes_of_later_pages_are_those_added_one_at_a_time(cache: Storage) -> None:
    """`_vote_all` (the order of pages past the best-voted candidates) adds each posting
    list's weight with numpy: the same floats, in the same order (ties by document), as
    the loop over the lists' documents it replaced, on both backings."""
    from kabar_tui.core.search.query import parse_query

    key, corpus = store_generated(cache, 60)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    rng = random.Random(8)
    with cache.guard("read") as db:
        stored._connection = db
        for engine in (stored, SearchIndex.build(corpus)):
            compared = 0
            for query in queries(corpus, 40, 6):
                parsed = parse_query(query)
                words = [*parsed.terms, *(w for phrase in parsed.phrases for w in phrase)]
                if not words:
                    continue
                terms = engine._terms(parsed, words)
                docs = rng.sample(range(engine._document_count()), 300)
                votes = dict.fromkeys(docs, 0.0)
                for feature in engine._features(terms):
                    for weight, posting in feature:
                        for doc in posting:
                            if doc in votes:
                                votes[doc] += weight
                expected = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
                assert engine._vote_all(terms, docs) == expected, query
                compared += any(vote for _, vote in expected)
            assert compared > 20


def test_a_prepared_index_has_read_what_its_first_query_reads(cache: Storage) -> None:
    """`prepare` (the reader's search thread, once the index is open) reads the vocabulary
    and the document columns: with their rows gone afterwards, queries still answer as
    the index in memory does, without a warning."""
    key, corpus = store_generated(cache, 30)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    stored.prepare()
    read = ["words", "words_offsets", "sorted_words", "frequencies", "word_lengths", "articles"]
    read += ["kinds", "owners", "paragraphs", "records", "labels"]
    damage(cache, f"DELETE FROM search_arrays WHERE name IN ({', '.join(map(repr, read))})")
    asked = [query for query in queries(corpus, 16, 4) if ":" not in query]
    assert_same_pages(stored, SearchIndex.build(corpus), asked)
    assert cache.warnings == []


def phrase_queries(corpus: Corpus, rng: random.Random) -> list[str]:
    """Phrases of one to three words of passages, quotes' last word and speaker (side by
    side in the index only), speakers and entity names alone, after a free word or not."""
    passages = [p.text for article in corpus.articles for p in article.paragraphs]
    made = []
    for _ in range(40):
        words = re.findall(r"\w+", rng.choice(passages))
        start = rng.randrange(max(len(words) - 3, 1))
        made.append(f'"{" ".join(words[start : start + rng.randint(1, 3)])}"')
    for article in corpus.articles[:10]:
        for quote in article.quotes[:2]:
            last = re.findall(r"\w+", quote.text)[-1:]
            speaker = (quote.speaker_canonical or quote.speaker or "").split()
            made += [f'"{" ".join(last + speaker[:1])}"', f'"{" ".join(speaker)}"']
        made += [f'"{mention.text}"' for mention in article.entities[:2]]
    return [f"{rng.choice(['', 'dan ', 'menteri '])}{query}" for query in made]


def phrase_kept_as_by_reading(engine: SearchEngine, query: str) -> bool:
    """`_matching` of `query` is the documents marked by its words whose text holds its
    phrases (every one read); whether any is."""
    from kabar_tui.core.search.query import parse_query
    from kabar_tui.core.textfold import WORD, fold

    parsed = parse_query(query)
    words = [*parsed.terms, *(word for phrase in parsed.phrases for word in phrase)]
    terms = engine._terms(parsed, words)
    marked = np.zeros(engine._document_count(), dtype=bool)
    for term in terms:
        if term.matches or term.alias_docs:
            marked |= engine._term_mask(term)
    phrases = [f" {' '.join(phrase)} " for phrase in parsed.phrases]
    expected = np.zeros_like(marked)
    for doc in np.flatnonzero(marked).tolist():
        joined = f" {' '.join(WORD.findall(fold(engine._texts([doc])[0])))} "
        expected[doc] = all(phrase in joined for phrase in phrases)
    read: list[int] = []
    texts = engine._texts
    engine._texts = lambda docs: read.extend(docs) or texts(docs)  # type: ignore[method-assign]
    try:
        found = engine._matching(parsed, terms)
    finally:
        del engine._texts
    assert (found == expected).all(), query
    kinds = {KINDS[engine._documents().kinds[doc]] for doc in read}
    if all(len(phrase) == 1 for phrase in parsed.phrases):  # no title or passage read
        assert kinds <= {HitKind.QUOTE, HitKind.ENTITY}, query
    return bool(found.any())


def test_a_phrase_keeps_what_reading_every_marked_text_keeps(cache: Storage) -> None:
    """Phrases are checked in the texts of the documents their words' pairs are posted
    for (one word: of quotes and entities only): exactly the documents that reading the
    text of every document marked by the query keeps, on both backings."""

    key, corpus = store_generated(cache, 40)
    stored = open_search(cache, key)
    assert stored is not None
    asked = phrase_queries(corpus, random.Random(5))
    kept_somewhere = 0
    for engine in (SearchIndex.build(corpus), stored):
        with cache.guard("read") as db:
            if isinstance(engine, StoredSearchIndex):
                engine._connection = db  # read on a connection, as a query does
            kept_somewhere += sum(phrase_kept_as_by_reading(engine, query) for query in asked)
    assert kept_somewhere > len(asked)  # most phrases are found


@pytest.mark.parametrize("documents", [1, 7, 8, 9, 64, 1000, 70_001])
@pytest.mark.parametrize("share", [0.001, 0.05, 0.5, 1.0])
def test_bits_answer_as_the_numbers_they_hold(documents: int, share: float) -> None:
    """A posting list kept as bits gives back its numbers, marks, membership and newest
    documents exactly (the stored index keeps common words' lists so)."""
    rng = np.random.default_rng(documents)
    numbers = np.flatnonzero(rng.random(documents) < share).astype(np.uint32)
    bits = Bits(numbers, documents)
    assert len(bits) == len(numbers)
    assert (bits.numbers() == numbers).all() and list(bits) == numbers.tolist()
    assert (np.flatnonzero(bits.marks()) == numbers).all()
    asked = rng.integers(0, documents, size=50)
    assert (bits.holding(asked) == np.isin(asked, numbers)).all()
    for count in (1, 3, 4096, len(numbers), len(numbers) + 5):
        assert bits.newest(count).tolist() == numbers.tolist()[-count:]
    if len(numbers):
        assert bits[-1] == numbers[-1] and bits[1:3] == numbers[1:3].tolist()


def test_a_common_words_list_is_kept_as_bits_and_a_rare_words_as_numbers(
    cache: Storage,
) -> None:
    """The stored index keeps what it read for the next keystrokes: a word in most
    documents as one bit each (a 32nd of its numbers), a rare word's few numbers as they
    are; the cache counts the room each takes."""
    key, _corpus = store_generated(cache, 60)
    stored = open_search(cache, key)
    assert isinstance(stored, StoredSearchIndex)
    with cache.guard("read") as db:
        stored._connection = db
        frequencies = stored._frequencies()
        common, rare = int(np.argmax(frequencies)), int(np.argmin(frequencies))
        documents = stored._document_count()
        assert frequencies[common] * 32 > documents >= frequencies[rare] * 32
        kept = stored._posting(common)
        assert isinstance(kept, Bits) and len(kept) == frequencies[common]
        assert not isinstance(stored._posting(rare), Bits)
        assert stored._cached == len(kept.packed) // 4 + 1 + frequencies[rare]
        assert stored._posting(common) is kept  # read once


def read_to_match(engine: SearchEngine, query: str) -> list[int]:
    """The documents whose texts `_matching` reads for `query`."""
    from kabar_tui.core.search.query import parse_query

    parsed = parse_query(query)
    words = [*parsed.terms, *(word for phrase in parsed.phrases for word in phrase)]
    terms = engine._terms(parsed, words)
    read: list[int] = []
    texts = engine._texts
    engine._texts = lambda docs: read.extend(docs) or texts(docs)  # type: ignore[method-assign]
    try:
        engine._matching(parsed, terms)
    finally:
        del engine._texts
    return read


def test_a_one_word_phrase_reads_only_quotes_whose_speaker_has_the_word(cache: Storage) -> None:
    """A quote is indexed with its speaker's words: one whose speaker lacks the phrase's
    word holds it in its text, so only the others are read to check (and entities)."""
    key, corpus = store_generated(cache, 40)
    stored = open_search(cache, key)
    assert stored is not None
    quotes = [quote for article in corpus.articles for quote in article.quotes]
    quoted = [w for quote in quotes for w in re.findall(r"\b[a-z]{4,}\b", quote.text.lower())]
    speakers = " ".join(quote.speaker or "" for quote in quotes).lower()
    common = sorted(set(quoted), key=quoted.count, reverse=True)
    word = next(word for word in common if word not in speakers)
    surname = next(quote.speaker for quote in quotes if quote.speaker).split()[-1]
    for engine in (SearchIndex.build(corpus), stored):
        with cache.guard("read") as db:
            if isinstance(engine, StoredSearchIndex):
                engine._connection = db
            for phrase in (word, surname):
                assert phrase_kept_as_by_reading(engine, f'"{phrase}"')  # the same kept
                read = read_to_match(engine, f'"{phrase}"')
                columns, labels = engine._documents(), engine._label_texts()
                for doc in read:
                    if KINDS[columns.kinds[doc]] == HitKind.QUOTE:
                        assert phrase.lower() in labels[columns.labels[doc]].lower(), phrase
                if phrase == surname:
                    assert read  # quotes by the speaker were read: the word may be theirs
