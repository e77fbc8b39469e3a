"""Fuzzy search: tolerant matching, filters, highlighting spans, odd input, the CLI."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import pytest

from kabar_tui.core.model import Article, Corpus, EntityRecord, Mention, Paragraph, Quote
from kabar_tui.core.search.filter_values import ValueMatch
from kabar_tui.core.search.query import KINDS, Filter, FilterSource, HitKind, parse_query
from kabar_tui.core.search.search import Hit, SearchIndex, _pair_key
from kabar_tui.core.textfold import fold

DETIK = [
    "Presiden Joko Widodo meninjau pembangunan Ibu Kota Nusantara di Kalimantan Timur "
    "pada Rabu (13/9/2023). Jokowi menegaskan proyek itu tetap berjalan sesuai jadwal.",
    "Menurut Jokowi, investasi swasta di IKN sudah mencapai Rp 45 triliun.",
]
KOMPAS = [
    "Menteri Keuangan Sri Mulyani mengatakan inflasi pangan masih menjadi tantangan utama "
    "pemerintah menjelang akhir tahun.",
    "\u201cKami akan menjaga harga beras tetap stabil,\u201d kata Sri Mulyani di Jakarta.",
]
OKEZONE = [
    "MOSKOW - Presiden Rusia Vladimir Putin menerima undangan Kim Jong-un untuk berkunjung ke "
    "Pyongyang, kata kantor berita KCNA.",
    "\u201cSaya akan datang pada waktu yang tepat,\u201d ujar Putin kepada wartawan di Kosmodrom "
    "Vostochny.",
    "Pertemuan itu juga membahas kerja sama militer dan latihan gabungan untuk memperkuat "
    "hubungan kedua negara.",
]
TEMPO = ["Perdana Menteri Zélie Ançelot bertemu Menlu Retno Marsudi di Gedung Pancasila."]


def article(article_id: str, outlet: str, title: str, texts: list[str]) -> Article:
    return Article(
        id=article_id,
        path=f"{article_id}.txt",
        title=title,
        paragraphs=[Paragraph(i, text, i + 1) for i, text in enumerate(texts)],
        outlet=outlet,
    )


def quote_in(text: str, paragraph: int, speaker: str, canonical: str | None = None) -> Quote:
    start = text.index("\u201c") + 1
    end = text.index("\u201d")
    return Quote(text[start:end], "direct", speaker, paragraph, start, end, canonical)


@pytest.fixture
def corpus() -> Corpus:
    detik = article("detik-1", "Detik", "Jokowi Tinjau IKN", DETIK)
    kompas = article("kompas-1", "Kompas", "Sri Mulyani Soal Inflasi Pangan", KOMPAS)
    kompas.quotes = [quote_in(KOMPAS[1], 1, "Sri Mulyani")]
    okezone = article("okezone-1", "Okezone", "Putin Terima Undangan Kim Jong-un", OKEZONE)
    okezone.quotes = [quote_in(OKEZONE[1], 1, "Putin", "Vladimir Putin")]
    tempo = article("tempo-1", "Tempo.co", "Kunjungan Perdana Menteri", TEMPO)
    entities = [
        EntityRecord("Vladimir Putin", "PER", ["Putin"], 3, ["okezone-1"]),
        EntityRecord("Kalimantan Timur", "LOC", ["Kaltim"], 1, ["detik-1"]),
    ]
    return Corpus(articles=[detik, kompas, okezone, tempo], entities=entities)


@pytest.fixture
def index(corpus: Corpus) -> SearchIndex:
    return SearchIndex.build(corpus)


def first(hits: list[Hit], kind: str | None = None) -> Hit:
    wanted = [hit for hit in hits if kind is None or hit.kind == kind]
    assert wanted, hits
    return wanted[0]


def marked(hit: Hit) -> list[str]:
    return [hit.text[start:end] for start, end in hit.spans]


def test_fold_keeps_every_offset() -> None:
    text = "Zélie ÇA İstanbul \u201ckata\u201d"
    assert len(fold(text)) == len(text)
    assert fold(text) == 'zelie ca istanbul "kata"'


def test_parse_query_filters_and_phrase() -> None:
    query = parse_query('outlet:OKE by:"Vladimir Putin" type:quotes "Kerja Sama" senjata')
    assert query.filters == {"outlet": ["oke"], "by": ["vladimir putin"], "type": ["quotes"]}
    assert [{KINDS[number] for number in match.names} for match in query.matched] == [{"quote"}]
    assert query.phrases == [["kerja", "sama"]]
    assert query.terms == ["senjata"]


def test_exact_words_find_the_passage_and_mark_them(index: SearchIndex) -> None:
    hit = first(index.search("inflasi pangan"), "passage")
    assert (hit.article_id, hit.paragraph) == ("kompas-1", 0)
    assert marked(hit) == ["inflasi pangan"]


def test_typos_and_word_order_are_tolerated(index: SearchIndex) -> None:
    hit = first(index.search("undagan putni"), "passage")
    assert (hit.article_id, hit.paragraph) == ("okezone-1", 0)
    assert {"Putin", "undangan"} <= set(marked(hit))


def test_only_the_closest_word_is_marked(index: SearchIndex) -> None:
    hit = first(index.search("latihan gabungan"), "passage")
    assert marked(hit) == ["latihan gabungan"]  # not also a near miss such as "hubungan"


def test_missing_diacritics_match(index: SearchIndex) -> None:
    hit = first(index.search("zelie ancelot"))
    assert hit.article_id == "tempo-1"
    assert marked(hit) == ["Zélie Ançelot"]


def test_unfinished_last_word_completes(index: SearchIndex) -> None:
    hit = first(index.search("kosmodrom vosto"), "passage")
    assert (hit.article_id, hit.paragraph) == ("okezone-1", 1)
    assert "Vostochny" in " ".join(marked(hit))


def test_titles_quotes_and_entities_are_searched(index: SearchIndex) -> None:
    title = first(index.search("tinjau ikn"), "title")
    assert title.article_id == "detik-1" and title.paragraph is None
    quote = first(index.search("harga beras stabil"), "quote")
    assert quote.label == "Sri Mulyani" and quote.paragraph == 1
    entity = first(index.search("vladimir putin"), "entity")
    assert entity.label == "PER" and entity.article_id is None
    alias = first(index.search("kaltim"), "entity")
    assert alias.text == "Kalimantan Timur"


def test_mentions_of_a_known_alias_add_no_second_entity(corpus: Corpus) -> None:
    okezone = corpus.article("okezone-1")
    assert okezone is not None
    okezone.entities = [Mention("Putin", "PER", 0, 38, 43)]
    index = SearchIndex.build(corpus)
    entities = [hit.text for hit in index.search("putin") if hit.kind == "entity"]
    assert entities == ["Vladimir Putin"]


def test_hits_are_ranked_and_scored_within_range(index: SearchIndex) -> None:
    hits = index.search("putin")
    assert hits
    scores = [hit.score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 100 for score in scores)
    for hit in hits:
        for start, end in hit.spans:
            assert 0 <= start < end <= len(hit.text)


def test_outlet_filter_is_case_insensitive_prefix(index: SearchIndex) -> None:
    hits = index.search("outlet:OKE presiden")
    assert hits and {hit.article_id for hit in hits} == {"okezone-1"}
    assert {hit.article_id for hit in index.search("outlet:tempo menteri")} == {"tempo-1"}


def test_speaker_filter_keeps_that_speakers_quotes(index: SearchIndex) -> None:
    hits = index.search("by:putin datang")
    assert [hit.kind for hit in hits] == ["quote"]
    assert hits[0].label == "Vladimir Putin"
    assert index.search("by:mulyani datang") == []
    listed = index.search("by:sri")
    assert [hit.label for hit in listed] == ["Sri Mulyani"]


def test_type_filter(index: SearchIndex) -> None:
    assert {hit.kind for hit in index.search("type:title putin")} == {"title"}
    assert {hit.kind for hit in index.search("type:passage putin")} == {"passage"}
    assert index.search("type:nonsense putin") == []


def test_exact_phrase_must_be_contained(index: SearchIndex) -> None:
    hits = index.search('"kerja sama militer"')
    assert [(hit.article_id, hit.paragraph) for hit in hits] == [("okezone-1", 2)]
    assert marked(hits[0]) == ["kerja sama militer"]
    assert index.search('"militer kerja sama"') == []


@pytest.mark.parametrize(
    "query", ["", "   ", "!!!", "[bold]", "[/]", "\x1b[31m", "kata " * 2000, "outlet:", '"']
)
def test_odd_input_never_crashes(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)


def test_pasted_long_text_still_finds_its_passage(index: SearchIndex) -> None:
    hit = first(index.search(OKEZONE[0] * 5))
    assert (hit.article_id, hit.paragraph) == ("okezone-1", 0)


def test_empty_query_has_no_hits(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("putin", limit=0) == []


def test_add_article_is_incremental(index: SearchIndex) -> None:
    assert not index.search("banjir bandang")
    size = len(index)
    extra = article("antara-1", "ANTARA", "Banjir di Medan", ["Banjir bandang melanda Medan."])
    extra.entities = [Mention("Medan", "LOC", 0, 22, 27, "Medan")]
    index.add_article(extra)
    hit = first(index.search("banjir bandang"), "passage")
    assert hit.article_id == "antara-1"
    assert first(index.search("medan"), "entity").text == "Medan"
    index.add_article(extra)  # the same article again adds nothing
    assert len(index) == size + 3


def kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_cli_search_json_on_seeds() -> None:
    result = kabar("search", "putin undangan kim", "--json", "--limit", "5")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 0 < len(hits) <= 5
    assert {"kind", "article_id", "paragraph", "text", "score", "spans", "outlet"} <= set(hits[0])


def test_cli_search_piped_is_plain_text() -> None:
    result = kabar("search", "[bold]kerja sama", "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert len(result.stdout.splitlines()) == 3


def test_filters_pick_candidates_not_only_trim_them() -> None:
    """Hundreds of better-matching passages must not crowd out the one filtered hit."""
    filler = [article(f"p{i}", "Detik", "", ["Putin bertemu Kim di Moskow."]) for i in range(800)]
    said = article("q1", "Kompas", "", ["\u201cKami bertemu di Moskow,\u201d kata Putin."])
    said.quotes = [quote_in(said.paragraphs[0].text, 0, "Putin")]
    index = SearchIndex.build(Corpus(articles=[*filler, said]))
    hits = index.search("type:quote putin bertemu kim moskow")
    assert [(hit.kind, hit.article_id) for hit in hits] == [("quote", "q1")]
    assert [hit.article_id for hit in index.search("outlet:kompas putin bertemu")] == ["q1", "q1"]


def test_every_matching_document_is_counted_and_reachable_page_by_page() -> None:
    texts = [f"Banjir merendam {n} rumah di desa nomor {n}." for n in range(230)]
    dry = article("kering", "Kompas", "Kemarau", ["Kemarau panjang melanda desa."])
    corpus = Corpus(articles=[article("banjir", "Detik", "", texts), dry])
    index = SearchIndex.build(corpus)
    first = index.search_page("banjir", 0, 50)
    assert first.total == 230 and len(first.hits) == 50
    assert [hit.text for hit in first.hits] == [hit.text for hit in index.search("banjir")]
    seen = []
    for offset in range(0, 260, 50):
        page = index.search_page("banjir", offset, 50)
        assert page.total == 230
        seen += [hit.paragraph for hit in page.hits]
    assert sorted(seen) == list(range(230))
    assert index.search_page("desa", 0, 10).total == 231
    assert index.search_page('"desa nomor 7."', 0, 10).total == 1
    assert index.search_page("outlet:kompas", 0, 10).total == 2  # the title and the passage
    assert index.search_page("kemarau outlet:detik", 0, 10).total == 0


def test_filters_are_described_from_one_registry() -> None:
    from kabar_tui.core.search.query import FILTERS, filter_problem, filters_help, highlight_terms

    described = filters_help()
    for search_filter in FILTERS:
        assert f"{search_filter.key}:" in described
        problem = filter_problem(f"kim {search_filter.key}:")
        assert problem is not None and problem.example.startswith(f"{search_filter.key}:")
        assert filter_problem(search_filter.example) is None
    assert filter_problem("kim author:putin") == filter_problem("author:x")
    assert highlight_terms('type:quote "kerja sama" militer') == ["kerja sama", "militer"]


def _paragraph(source: FilterSource, value: str) -> ValueMatch:
    return ValueMatch("para", value, frozenset([int(value)] if value.isdigit() else []))


def _paragraphs_kept(source: FilterSource, matches: list[ValueMatch]) -> dict[str, set[int]]:
    return {"paragraphs": {number for match in matches for number in match.names}}


# A filter no registry has: the paragraph a text is in.
PARAGRAPH = Filter("para", "N", "para:1", _paragraphs_kept, match=_paragraph)


def test_a_filter_added_to_the_registry_is_parsed_applied_and_described(
    index: SearchIndex,
) -> None:
    from kabar_tui.core.search.query import (
        FILTERS,
        FilterProblem,
        filter_keys_help,
        filter_problem,
        filters_help,
        highlight_terms,
    )

    filters = (*FILTERS, PARAGRAPH)
    assert filters_help(filters).endswith('type:passage|quote|title|entity para:N "phrase"')
    assert filter_keys_help(" ", filters) == "outlet: by: type: para:"
    assert filter_problem("kim para:", filters) == FilterProblem("no value", "para", "", "para:1")
    assert filter_problem("kim para:1", filters) is None
    assert filter_problem("kim para:1") == FilterProblem("unknown key", "para")
    assert highlight_terms("para:1 rudal", filters) == ["rudal"]
    parsed = parse_query("para:1 type:quote putin", filters)
    assert parsed.filters == {"para": ["1"], "type": ["quote"]} and parsed.terms == ["putin"]
    assert parse_query("para:1 putin").terms == ["para", "1", "putin"]

    index.filters = filters
    in_one = [doc for doc in range(len(index)) if index.paragraphs[doc] == 1]
    page = index.search_page("para:1", 0, 50)
    assert page.total == len(in_one) > 2
    assert {hit.paragraph for hit in page.hits} == {1}
    assert [(match.key, match.names) for match in page.values] == [("para", frozenset([1]))]
    quotes = index.search_page("para:1 type:quote", 0, 50).hits
    assert sorted(hit.label or "" for hit in quotes) == ["Sri Mulyani", "Vladimir Putin"]
    found = index.search_page("putin para:1", 0, 50).hits
    assert found and found == [hit for hit in index.search("putin") if hit.paragraph == 1]
    assert index.search_page("putin para:7", 0, 50).total == 0


KOREA = [
    "Korut kembali menguji rudal balistik, kata militer Korea Selatan.",
    "Pemimpin Korea Utara Kim Jong Un meninjau uji coba rudal itu.",
    "Rudal itu jatuh di laut dekat Korea, bukan di wilayah utara Jepang.",
]


@pytest.mark.parametrize("backing", ["in_memory", "stored"])
def test_a_short_name_finds_the_long_name_the_entity_list_knows(backing: str, tmp_path) -> None:
    """`korut` is Korea Utara (the gazetteer's alias): texts with the long name are hits
    too, its words marked; a text with the word as typed ranks first; the long name's
    words apart (`Korea ... utara`) are no hit."""
    from tests.test_filter_values import in_memory, stored

    corpus = Corpus(articles=[article("antara-1", "ANTARA", "Uji rudal", KOREA)])
    searcher = (in_memory if backing == "in_memory" else stored)(corpus, tmp_path)
    page = searcher.search_page("korut")
    assert [hit.paragraph for hit in page.hits] == [0, 1] and page.total == 2
    second = page.hits[1]
    assert [second.text[start:end] for start, end in second.spans] == ["Korea Utara"]
    assert page.hits[0].score > second.score
    assert searcher.search_page("kemenkeu").total == 0  # its long name is in no text


def _small_vocabulary_corpus(rng: random.Random) -> Corpus:
    """Passages, titles and quotes made of 30 words: every pair of them has a pair list
    of its own (no other pair of indexed words hashes to its bucket)."""
    vocabulary = [f"kata{n}" for n in range(30)]
    articles = []
    for number in range(40):
        texts = [" ".join(rng.choices(vocabulary, k=12)) + "." for _ in range(4)]
        made = article(f"a-{number}", "Detik", " ".join(rng.choices(vocabulary, k=5)), texts)
        quoted = " ".join(rng.choices(vocabulary, k=6))
        made.paragraphs.append(Paragraph(4, f"Ia berkata, \u201c{quoted}\u201d", 5))
        speaker = " ".join(rng.choices(vocabulary, k=2))
        made.quotes = [quote_in(made.paragraphs[4].text, 4, speaker)]
        articles.append(made)
    return Corpus(articles=articles)


def test_a_two_word_phrase_whose_pair_is_alone_reads_no_title_or_passage() -> None:
    """A two-word phrase's pair list names exactly the titles and passages holding it
    when no other pair of indexed words shares its bucket: only quotes whose speaker has
    its last word (indexed after the quote's words) and entities are read to check, and
    the documents kept are those reading every marked text keeps."""
    from tests.test_search_store import phrase_kept_as_by_reading, read_to_match

    rng = random.Random(4)
    corpus = _small_vocabulary_corpus(rng)
    index = SearchIndex.build(corpus)
    texts = [p.text for a in corpus.articles for p in a.paragraphs] + [
        f"{q.text} {q.speaker}" for a in corpus.articles for q in a.quotes
    ]
    asked = []
    for text in rng.sample(texts, 30):
        words = re.findall(r"\w+", text)
        start = rng.randrange(len(words) - 1)
        asked.append(f'"{words[start]} {words[start + 1]}"')
    found = 0
    for query in asked:
        found += phrase_kept_as_by_reading(index, query)
        kinds = {KINDS[index.kinds[doc]] for doc in read_to_match(index, query)}
        assert kinds <= {HitKind.QUOTE, HitKind.ENTITY}, query
    assert found == len(asked)


def test_a_two_word_phrase_whose_pair_shares_its_bucket_is_checked_in_the_text() -> None:
    """Pairs are hashed into 2^20 lists: a passage holding both words apart and another
    pair hashed to the same list is posted under the phrase's pair, and is not kept."""
    vocabulary = [f"kata{n}" for n in range(2000)]
    indexed = SearchIndex.build(Corpus(articles=[article("v", "X", "", [" ".join(vocabulary)])]))
    ids = {word: indexed._find_word(word) for word in vocabulary}
    words = {word_id: word for word, word_id in ids.items()}
    mask = (1 << 20) - 1
    collision = next(
        (first, vocabulary[400 + n], words[other], words[second])
        for n, first in enumerate(vocabulary[:400])
        for other in range(800, 2000)
        # the second word that makes (other, second) hash as (first, vocabulary[400 + n])
        if (second := ((other * 1_000_003) & mask) ^ (_pair_key(n, 400 + n) & mask))
        in range(800, 2000)
    )
    first, second, x, y = collision
    texts = [
        " ".join(vocabulary),  # the same word ids as above
        f"{first} lalu {second} dan {x} {y}.",  # apart, with the colliding pair
        f"Kemudian {first} {second} tiba.",  # the phrase
    ]
    index = SearchIndex.build(Corpus(articles=[article("v", "X", "", texts)]))
    assert index._find_word(x) == ids[x] and index._find_word(second) == ids[second]
    page = index.search_page(f'"{first} {second}"')
    assert [hit.text for hit in page.hits] == [texts[2]] and page.total == 1


def test_a_phrase_pattern_finds_what_the_whole_pattern_searched_finds() -> None:
    """The phrase test scans for the first word and checks the look-behind there: the
    same answer as searching the whole pattern, overlaps and word characters included."""
    from kabar_tui.core.search.search import _PhrasePattern

    rng = random.Random(9)
    phrases = [["a"], ["a", "a"], ["a", "b", "a"], ["ab"], ["a", "a", "a"], ["1", "a"]]
    held = 0
    for _ in range(20_000):
        text = "".join(rng.choice("aab  x_é1-.") for _ in range(rng.randint(0, 14)))
        phrase = rng.choice(phrases)
        whole = re.compile(r"(?<!\w)" + r"\W+".join(phrase) + r"(?!\w)")
        found = _PhrasePattern(phrase).held_by(text)
        assert found == bool(whole.search(text)), (phrase, text)
        held += found
    assert 500 < held < 19_000  # both answers met often
    assert _PhrasePattern(["a", "a", "a"]).held_by("xa a a a")  # after a start inside a word


def test_folding_a_character_is_made_when_first_met_and_is_as_it_was() -> None:
    """Importing the folding makes no table (it cost a tenth of a search command's own
    imports); each character folds as the whole table made at import folded it."""
    import unicodedata

    from kabar_tui.core import textfold

    made = subprocess.run(
        [sys.executable, "-c", "from kabar_tui.core import textfold; print(len(textfold._TABLE))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert made.stdout.strip() == "0"

    def folded_as_before(char: str) -> str:  # the table each import used to make
        marks = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"}
        if char in marks:
            return marks[char]
        if not 0x41 <= ord(char) < 0x2000:
            return char
        lowered = char.lower()
        source = lowered if len(lowered) == 1 else char
        base = "".join(
            c for c in unicodedata.normalize("NFKD", source) if not unicodedata.combining(c)
        )
        if len(base) == 1:
            return base.lower() if len(base.lower()) == 1 else base
        return lowered if len(lowered) == 1 else char

    everything = "".join(chr(code) for code in range(0x20, 0x2100))
    assert fold(everything) == "".join(map(folded_as_before, everything))
    assert fold("İstanbul Zélie “Ançelot”") == "".join(
        map(folded_as_before, "İstanbul Zélie “Ançelot”")
    )
    assert textfold.fold("JOKOWI Sukarnó") == "jokowi sukarno"
