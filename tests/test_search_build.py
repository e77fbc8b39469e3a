"""The search index made from the words the indexing workers found (`search_build`) is the
index `SearchIndex.build` makes of the same corpus, number for number."""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterable

import pytest

from kabar_tui.core.indexing.pipeline import process_source
from kabar_tui.core.ingest.sources import read_source
from kabar_tui.core.model import Article, Corpus, EntityRecord, Mention, Paragraph, Quote
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.search import search_store
from kabar_tui.core.search.search import SearchIndex, mention_names
from kabar_tui.core.search.search_build import SearchTerms, TermIndex, _plain, article_terms
from kabar_tui.core.textfold import words

# Characters that fold in odd ways: a capital that lower-cases to two (İ), final sigma,
# full-width letters (lower-cased, not folded), marks, ligatures, digits, punctuation.
ODD = "aZ9 İıΣσςÖöＡａ\u0301ﬁß-'.\u2019\u201c"


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(ODD) for _ in range(rng.randint(0, 8)))


def test_the_words_of_a_text_and_a_speaker_are_each_ones_when_both_are_plain() -> None:
    rng = random.Random(7)
    differed = 0
    for _ in range(20_000):
        text, speaker = _text(rng), _text(rng)
        joined = words(f"{text} {speaker}")
        if _plain(text) and _plain(speaker):
            assert joined == words(text) + words(speaker), (text, speaker)
        else:
            differed += joined != words(text) + words(speaker)
    assert differed  # which is why a text that is not plain is folded whole with its speaker


def _quote(text: str, speaker: str | None, paragraph: int, canonical: str | None) -> Quote:
    return Quote(text, "direct", speaker, paragraph, 0, len(text), speaker_canonical=canonical)


def _made_up() -> list[Article]:
    """Articles with what the seeds lack: speakers whose words fold differently with the
    quotation's (İ with full-width letters), speakers and canonical names seen nowhere
    else, quotations without a speaker, an article without a title or outlet, one id
    twice (indexed once), and no quotation at all."""
    paragraphs = [
        Paragraph(0, "Gubernur İzmir bertemu warga ＡＢＣ di Balai Kota.", 1),
        Paragraph(2, "Rapat dilanjutkan besok pagi; warga diminta hadir.", 3),
    ]
    return [
        Article(
            "odd-1",
            "odd-1.txt",
            "Rapat di Balai Kota",
            paragraphs,
            outlet="Kabar Ｔimur",
            entities=[Mention("İzmir", "LOC", 0, 9, 14, canonical="Kota İzmir")],
            quotes=[
                _quote("Kami siap ＡＢＣ", "Gubernur", 0, "İbrahim Zulkarnain"),
                _quote("Hadir semua", None, 2, None),
                _quote("Tidak ada masalah", "warga", 2, None),
                _quote("Plain words", "Ali", 0, "İbrahim Ölçü"),
            ],
        ),
        Article("odd-2", "odd-2.txt", "", [Paragraph(0, "Tanpa judul dan tanpa kutipan.", 1)]),
        Article("odd-1", "odd-3.txt", "Id yang sama", [Paragraph(0, "Tidak diindeks.", 1)]),
    ]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    articles = [process_source(read_source(path)) for path in sorted(seeds_dir().iterdir())]
    articles += _made_up()
    for number, article in enumerate(articles):  # names as resolution would give them
        for mention in article.entities[::3]:
            mention.canonical = mention.canonical or mention.text.upper()
        for quote in article.quotes[number % 2 :: 2]:
            quote.speaker_canonical = quote.speaker_canonical or "Juru Bicara"
    entities = [
        EntityRecord("Joko Widodo", "PER", ["Jokowi", "joko widodo"], 3, ["a"]),
        EntityRecord("Balai Kota", "LOC", [], 1, ["odd-1"]),
    ]
    return Corpus(articles=articles, entities=entities)


class _Quoted:
    def __init__(self, article: Article) -> None:
        self.quotes = [(q.text, q.speaker, q.paragraph, q.start, q.end) for q in article.quotes]
        self.speakers = [q.speaker_canonical for q in article.quotes]


def _from_terms(corpus: Corpus, kept: int) -> TermIndex:
    terms = SearchTerms()
    arriving = list(corpus.articles)
    random.Random(3).shuffle(arriving)  # workers send them in any order
    for article in arriving:
        terms.add(article.path, article_terms(article))
    mentions = dict.fromkeys(mention_names(corpus.articles))
    paths = [article.path for article in corpus.articles]
    quoted = [_Quoted(article) for article in corpus.articles]
    try:
        return terms.index(paths, quoted, mentions, corpus.entities, kept)
    finally:
        terms.close()


@pytest.mark.parametrize("kept", [64, 5_000, 4_000_000])
def test_the_index_made_from_terms_is_the_index_build_makes(corpus: Corpus, kept: int) -> None:
    built = SearchIndex.build(corpus)
    index = _from_terms(corpus, kept)  # 64: some 200 runs and ranges; 4M: one of each
    try:
        assert index.words == built.words
        assert index.word_lengths == built.word_lengths
        assert index.word_grams == built.word_grams
        assert index.columns == built.columns
        assert index.labels == built.labels and "İbrahim Ölçü" in index.labels
        assert index.article_ids == built.article_ids
        assert len(index.article_ids) == len(corpus.articles) - 1  # one id twice
        assert index.article_outlets == built.article_outlets
        assert index.word_frequencies() == built.word_frequencies()
        assert index.article_frequencies == built.article_frequencies
        assert index.article_split() == built.article_split()
        assert index.mention_entities == built.mention_entities > 0
        entity_docs = [doc for doc, kind in enumerate(built.kinds) if kind == index.kinds[-1]]
        assert index.entity_texts == [built.texts[doc] for doc in entity_docs]
        lists = list(index.posting_lists())
        assert lists == sorted(built.postings.items())
        assert all(isinstance(docs, array) and docs.typecode == "I" for _, docs in lists)
    finally:
        index.close()


def test_the_index_made_beside_the_results_hands_over_its_value_and_its_error() -> None:
    from kabar_tui.core.indexing.pipeline import _InThread

    assert _InThread(lambda: [1, 2]).result() == [1, 2]
    failing = _InThread(lambda: 1 // 0)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_runs_without_a_word_are_read_back_as_nothing(corpus: Corpus) -> None:
    """Documents without a word at the end make a run of no (key, document) pair: its
    part of every range of keys is empty (`TermIndex._run_edges` maps no file for it)."""
    wordless = Article(
        "kosong", "kosong.txt", "...", [Paragraph(0, "!!! ???", 1), Paragraph(1, "-", 2)]
    )
    whole = Corpus(articles=[*corpus.articles, wordless], entities=corpus.entities)
    built = SearchIndex.build(whole)
    index = _from_terms(whole, 64)
    try:
        assert index._runs[-1][1] == 0  # the wordless article's run
        assert list(index.posting_lists()) == sorted(built.postings.items())
        assert index.columns == built.columns
    finally:
        index.close()


class _Batches:
    """A connection that only records what each `executemany` was given."""

    def __init__(self) -> None:
        self.batches: list[tuple[str, list[tuple]]] = []

    def executemany(self, sql: str, rows: Iterable[tuple]) -> None:
        self.batches.append((sql.split()[2], list(rows)))


def test_posting_rows_are_written_a_few_bytes_at_a_time(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of posting rows holds no more than `_ROW_BYTES` of lists (or one row):
    at 100k articles a common word's list is megabytes, and 2000 rows held them all."""
    lists = sorted(SearchIndex.build(corpus).postings.items())
    bounds = [(0, 0), (search_store.TAIL_SEGMENT, 40)]
    whole = _Batches()
    search_store._write_lists(whole, 7, lists, bounds)  # type: ignore[arg-type]
    monkeypatch.setattr(search_store, "_ROW_BYTES", 100)
    bounded = _Batches()
    search_store._write_lists(bounded, 7, lists, bounds)  # type: ignore[arg-type]
    postings = [rows for table, rows in bounded.batches if table == "search_postings"]
    assert len(postings) > 3
    assert all(len(rows) == 1 or sum(len(row[3]) for row in rows[:-1]) < 100 for rows in postings)

    def rows(batches: _Batches) -> list[tuple]:
        return [row for _, found in batches.batches for row in found]

    assert rows(bounded) == rows(whole) and len(rows(whole)) > 50


def test_the_pairs_are_read_back_where_os_has_no_preadv(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows (and macOS before 11) have no `os.preadv`: the scratch file is read with
    the file object, so a first index builds the same lists there."""
    import os

    monkeypatch.delattr(os, "preadv", raising=False)
    built = SearchIndex.build(corpus)
    index = _from_terms(corpus, 64)
    try:
        assert list(index.posting_lists()) == sorted(built.postings.items())
    finally:
        index.close()
