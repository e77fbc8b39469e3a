"""Filter values are fuzzy: `by:matsegra` finds Matsegora, on every search backing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kabar_tui.core.indexing.pipeline import build_corpus, index_corpus
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Article, Corpus, Paragraph, Quote, QuoteKind
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.search.filter_values import NameMatcher, ValueMatch
from kabar_tui.core.search.query import (
    FILTERS,
    KINDS,
    FilterProblem,
    HitKind,
    filter_problem,
    type_values_help,
)
from kabar_tui.core.search.search import SearchEngine, SearchIndex
from kabar_tui.core.search.search_store import open_search, save_search
from kabar_tui.core.store.catalog import MemoryCatalog
from kabar_tui.core.store.catalog_open import open_catalog
from kabar_tui.core.store.storage import DB_NAME, Storage, corpus_key
from kabar_tui.ui.labels import value_notes

SPEAKERS = (
    *("Budi Santoso", "Budi Susanto", "Sri Mulyani Indrawati", "Alexander Matsegora"),
    *("Taufik Hidayat", "Taufik Hidayah"),
)
OUTLETS = ("Okezone", "Republika", "Kompas.com", None, None, None)


def hand_made_corpus() -> Corpus:
    """One article per speaker, each from an outlet, each quoting its speaker once."""
    articles = []
    for number, (speaker, outlet) in enumerate(zip(SPEAKERS, OUTLETS, strict=True)):
        said = f"Anggaran desa nomor {number} cukup untuk jembatan"
        text = f'"{said}," kata {speaker}.'
        articles.append(
            Article(
                id=f"a{number}",
                path=f"a{number}.txt",
                title=f"Jembatan desa {number}",
                paragraphs=[Paragraph(0, text, 1)],
                outlet=outlet,
                content_hash=f"hash{number}",
                quotes=[Quote(said, QuoteKind.DIRECT, speaker, 0, 1, 1 + len(said))],
            )
        )
    return Corpus(articles=articles)


def in_memory(corpus: Corpus, tmp_path: Path) -> SearchEngine:
    return SearchIndex.build(corpus)


def stored(corpus: Corpus, tmp_path: Path) -> SearchEngine:
    storage = Storage(tmp_path / "cache.sqlite3")
    sources = [Source(a.id, a.path, "", a.content_hash) for a in corpus.articles]
    storage.save_articles((s, "", a) for s, a in zip(sources, corpus.articles, strict=True))
    key = corpus_key(sources)
    storage.save_corpus(key, corpus)
    assert save_search(storage, key, SearchIndex.build(corpus))
    searcher = open_search(storage, key)
    assert searcher is not None
    return searcher


BACKINGS = [in_memory, stored]


@pytest.fixture(params=BACKINGS, ids=lambda make: make.__name__)
def searcher(request: pytest.FixtureRequest, tmp_path: Path) -> SearchEngine:
    make: Callable[[Corpus, Path], SearchEngine] = request.param
    return make(hand_made_corpus(), tmp_path)


def speakers_found(searcher: SearchEngine, query: str) -> set[str | None]:
    return {hit.label for hit in searcher.search(query)}


def test_a_value_matching_as_typed_is_not_changed(searcher: SearchEngine) -> None:
    page = searcher.search_page("by:budi")
    assert {hit.label for hit in page.hits} == {"Budi Santoso", "Budi Susanto"}
    assert page.values == [ValueMatch("by", "budi", page.values[0].names)]
    assert page.values[0].taken_as is None and value_notes(page.values) == []
    assert speakers_found(searcher, "by:mulyani") == {"Sri Mulyani Indrawati"}


def test_a_value_with_a_dot_is_taken_as_typed(searcher: SearchEngine) -> None:
    page = searcher.search_page("jembatan outlet:kompas.com")
    assert {hit.article_id for hit in page.hits} == {"a2"}
    assert page.values[0].taken_as is None and value_notes(page.values) == []


def test_a_typo_in_a_speaker_is_taken_as_the_closest_name(searcher: SearchEngine) -> None:
    page = searcher.search_page("by:matsegra")
    assert {hit.label for hit in page.hits} == {"Alexander Matsegora"}
    assert value_notes(page.values) == ["by:matsegra → Matsegora"]
    assert speakers_found(searcher, "by:sri mulyanu") == {"Sri Mulyani Indrawati"}
    assert speakers_found(searcher, "jembatan by:indrawti") == {"Sri Mulyani Indrawati"}


def test_a_typo_in_an_outlet_is_taken_as_the_closest_outlet(searcher: SearchEngine) -> None:
    page = searcher.search_page("jembatan outlet:republka")
    assert {hit.article_id for hit in page.hits} == {"a1"}
    assert value_notes(page.values) == ["outlet:republka → republika"]
    assert {hit.article_id for hit in searcher.search("outlet:kompascom")} == {"a2"}


def test_two_close_names_the_best_is_taken_and_the_other_named(searcher: SearchEngine) -> None:
    page = searcher.search_page("by:santosa")  # Santoso: one letter; Susanto: more
    assert {hit.label for hit in page.hits} == {"Budi Santoso"}
    [match] = page.values
    assert match.taken_as == "Santoso"
    tie = searcher.search_page("by:hidayag")  # one letter from Hidayat and from Hidayah
    assert [hit.label for hit in tie.hits] == ["Taufik Hidayat"]  # the first listed
    assert value_notes(tie.values) == ["by:hidayag → Hidayat (also close: Hidayah)"]


def test_a_value_like_no_name_finds_nothing_and_says_so(searcher: SearchEngine) -> None:
    page = searcher.search_page("jembatan by:prabowo")
    assert page.hits == [] and page.total == 0
    assert value_notes(page.values) == ["by:prabowo matches no speaker in this corpus"]
    page = searcher.search_page("outlet:tempo")
    assert page.hits == []
    assert value_notes(page.values) == ["outlet:tempo matches no outlet in this corpus"]


def test_short_values_are_never_guessed(searcher: SearchEngine) -> None:
    assert speakers_found(searcher, "by:bdi") == set()  # under four letters: as typed only
    assert speakers_found(searcher, "by:bu") == {"Budi Santoso", "Budi Susanto"}


def test_one_letter_wrong_in_a_short_value_is_within_reach(searcher: SearchEngine) -> None:
    """`by:hero` for Heru: one letter of four wrong scores 75 (`ratio`), under 80; a value
    of 4 to 7 letters may be one edit away, two from 8 letters."""
    page = searcher.search_page("by:budu")
    assert {hit.label for hit in page.hits} == {"Budi Santoso", "Budi Susanto"}
    assert value_notes(page.values) == ["by:budu → Budi"]
    matcher = NameMatcher(["Heru Budi Hartono", "Hidayat"])
    match = matcher.match("by", "hero")
    assert match.taken_as == "Heru" and match.names == frozenset({0})
    assert matcher.match("by", "hxrx").names == frozenset()  # two edits of four letters
    assert matcher.match("by", "hxdxyat").names == frozenset()  # two edits of seven
    assert matcher.match("by", "").names == frozenset()  # no text is no name


def test_every_value_of_a_filter_must_hold_and_each_is_said(searcher: SearchEngine) -> None:
    page = searcher.search_page("by:budi by:santosa")
    assert {hit.label for hit in page.hits} == {"Budi Santoso"}
    assert value_notes(page.values) == ["by:santosa → Santoso"]


def test_a_growing_index_matches_its_new_names() -> None:
    corpus = hand_made_corpus()
    index = SearchIndex()
    index.add_article(corpus.articles[0])
    assert index.search("by:matsegra") == []
    index.add_article(corpus.articles[3])
    assert {hit.label for hit in index.search("by:matsegra")} == {"Alexander Matsegora"}


def test_entity_labels_are_no_speakers() -> None:
    """Entities have labels too (PER, LOC, ORG): `by:locc` is not taken as LOC."""
    page = SearchIndex.build(build_corpus(cache=False)).search_page("by:locc")
    assert page.hits == []
    assert value_notes(page.values) == ["by:locc matches no speaker in this corpus"]


def test_a_matcher_reads_each_run_of_words_once() -> None:
    matcher = NameMatcher(["Kim Jong-un", "Kim Jong Un", "Jong"])
    match = matcher.match("by", "jong un")  # `by:jong-un` arrives as its words: both hold it
    assert match.names == frozenset({0, 1}) and match.taken_as is None
    match = matcher.match("by", "jong unn")
    assert match.taken_as == "Jong-un" and match.names == frozenset({0, 1})


def test_both_catalogs_of_the_seeds_take_matsegra_as_matsegora(tmp_path: Path) -> None:
    memory = MemoryCatalog(build_corpus(cache=False))
    with Storage(tmp_path / DB_NAME) as storage:
        index_corpus([seeds_dir()], cache=storage)
    catalog, _ = open_catalog([seeds_dir()], Storage(tmp_path / DB_NAME))
    assert catalog is not None
    for searcher in (memory.searcher(), catalog.searcher()):
        page = searcher.search_page("by:matsegra")
        assert page.hits and {hit.label for hit in page.hits} == {"Alexander Matsegora"}
        assert value_notes(page.values) == ["by:matsegra → Matsegora"]


def kabar(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kabar_tui", "search", *args, str(seeds_dir())]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_the_cli_says_what_a_value_was_taken_as() -> None:
    done = kabar("--json", "by:matsegra")
    assert done.returncode == 0
    assert {hit["label"] for hit in json.loads(done.stdout)} == {"Alexander Matsegora"}
    assert "kabar: by:matsegra → Matsegora" in done.stderr
    done = kabar("by:prabowo")
    assert "by:prabowo matches no speaker in this corpus" in done.stderr + done.stdout


def test_a_typo_in_a_type_is_taken_as_the_closest_kind(searcher: SearchEngine) -> None:
    page = searcher.search_page("jembatan type:qoute")
    assert page.hits and {hit.kind for hit in page.hits} == {HitKind.QUOTE}
    assert value_notes(page.values) == ["type:qoute → quote"]
    assert {hit.kind for hit in searcher.search("jembatan type:titel")} == {HitKind.TITLE}
    assert value_notes(searcher.search_page("jembatan type:quotes").values) == []
    assert filter_problem("jembatan type:qoute") is None


def test_the_hint_for_a_wrong_type_comes_from_the_filters_registry() -> None:
    """The hint names every kind once, the `type:` filter's example first: a kind added to
    `HitKind` is offered without touching the front ends."""
    example = next(f.example for f in FILTERS if f.key == "type")
    hint = type_values_help()
    assert hint.startswith(example + ", ")
    named = [part.removeprefix("type:") for part in hint.split(", ")]
    assert sorted(named) == sorted(KINDS)


def test_a_type_like_no_kind_is_still_refused(searcher: SearchEngine) -> None:
    assert filter_problem("type:xyzzy") == FilterProblem("unknown type", "type", "xyzzy")
    page = searcher.search_page("jembatan type:xyzzy")
    assert page.hits == []
    assert value_notes(page.values) == [
        "unknown filter type:xyzzy — try type:quote, passage, title, entity"
    ]
