"""Paragraph links: republished text, shared quotes, the same event, and nothing else."""

from __future__ import annotations

import dataclasses
import random

import pytest

from benchmarks.textgen import edit_words, paragraphs
from kabar_tui.core.corpus.linking import (
    SAME_QUOTE,
    SAME_TEXT,
    SIMILAR,
    LinkIndex,
    link_corpus,
    quoted_spans,
    related,
)
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.model import Article, Corpus, Paragraph, Quote

OKEZONE, REPUBLIKA, VOA, OKEZONE_PUTIN = (
    "000_59e454f0b43af36c",
    "001_ba111a8fe7fc0534",
    "002_38d6ff41fa904c66",
    "003_402311446c9ba439",
)


def article(article_id: str, *texts: str, quotes: list[Quote] | None = None) -> Article:
    return Article(
        id=article_id,
        path=f"{article_id}.txt",
        title=texts[0][:40],
        paragraphs=[Paragraph(i, text, i + 1) for i, text in enumerate(texts)],
        quotes=quotes or [],
    )


def pairs(links: list) -> set[tuple[str, int, str, int]]:
    found = set()
    for link in links:
        found.add(
            (link.source_article, link.source_paragraph, link.target_article, link.target_paragraph)
        )
        found.add(
            (link.target_article, link.target_paragraph, link.source_article, link.source_paragraph)
        )
    return found


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    return build_corpus()


def paragraph_index(corpus: Corpus, article_id: str, starts: str) -> int:
    found = corpus.article(article_id)
    assert found is not None
    for paragraph in found.paragraphs:
        if starts in paragraph.text:
            return paragraph.index
    raise AssertionError(f"no paragraph with {starts!r} in {article_id}")


SHARED_OKEZONE_VOA = [
    "membahas isu-isu praktis untuk meningkatkan kerja sama militer",
    "Selama kunjungannya ke Rusia, Kim memeriksa pesawat pengebom",
    "Selanjutnya, dalam rangkaian lawatan tersebut",
    "Dia tertarik pada berbagai isu",
    "Sejauh yang saya pahami",
    "Lawatan pemimpin Korea Utara tersebut",
    "Kim bertemu dengan Presiden Rusia Vladimir Putin pada Rabu",
    "Korea Selatan dan Amerika Serikat (AS) pada Jumat",
]


@pytest.mark.parametrize("text", SHARED_OKEZONE_VOA)
def test_every_paragraph_okezone_republished_from_voa_is_linked(seeds: Corpus, text: str) -> None:
    okezone = paragraph_index(seeds, OKEZONE, text)
    voa = paragraph_index(seeds, VOA, text)
    links = [link for link in related(seeds, OKEZONE, okezone) if link.target_article == VOA]
    assert [(link.target_paragraph, link.kind) for link in links] == [(voa, SAME_TEXT)]


def test_invitation_paragraphs_of_republika_and_okezone_are_linked(seeds: Corpus) -> None:
    republika = paragraph_index(seeds, REPUBLIKA, "Putin menerima undangan tersebut")
    okezone = paragraph_index(seeds, OKEZONE_PUTIN, "Putin menerima undangan tersebut")
    assert (REPUBLIKA, republika, OKEZONE_PUTIN, okezone) in pairs(seeds.links)


def test_seed_links_never_join_a_paragraph_to_its_own_article(seeds: Corpus) -> None:
    assert seeds.links
    assert all(link.source_article != link.target_article for link in seeds.links)


def test_each_pair_is_linked_once(seeds: Corpus) -> None:
    keys = [
        frozenset(
            {
                (link.source_article, link.source_paragraph),
                (link.target_article, link.target_paragraph),
            }
        )
        for link in seeds.links
    ]
    assert len(keys) == len(set(keys))


def test_related_orients_links_from_the_asked_article_best_first(seeds: Corpus) -> None:
    links = related(seeds, VOA)
    assert links and all(link.source_article == VOA for link in links)
    same_text = [link.score for link in links if link.kind == SAME_TEXT]
    assert same_text == sorted(same_text, reverse=True)
    assert related(seeds, "no-such-article") == []


BANJIR = (
    "Banjir setinggi satu meter merendam ratusan rumah warga di Kelurahan Kampung Melayu, "
    "Jakarta Timur, sejak Selasa pagi setelah hujan deras mengguyur kawasan Bogor semalaman."
)
SEPAK_BOLA = (
    "Persib Bandung menundukkan Persija Jakarta dengan skor 2-1 dalam lanjutan Liga 1 di "
    "Stadion Gelora Bandung Lautan Api, Sabtu malam, berkat gol cepat David da Silva."
)
HARGA_BERAS = (
    "Harga beras medium di pasar tradisional Surabaya naik menjadi Rp13.500 per kilogram, "
    "menurut pantauan Dinas Perdagangan Jawa Timur pada pekan ketiga bulan ini."
)


def test_paragraphs_about_different_things_are_not_linked() -> None:
    corpus = Corpus(
        articles=[
            article("detik-banjir", BANJIR, SEPAK_BOLA),
            article("kompas-beras", HARGA_BERAS, "Warga mengeluhkan harga yang terus naik."),
            article("tempo-bola", SEPAK_BOLA.replace("2-1", "3-1").replace("Sabtu", "Minggu")),
        ]
    )
    links = link_corpus(corpus)
    # only the football report is told twice (in two articles)
    assert pairs(links) == {
        ("detik-banjir", 1, "tempo-bola", 0),
        ("tempo-bola", 0, "detik-banjir", 1),
    }
    assert links[0].kind == SAME_TEXT


def test_generated_unrelated_paragraphs_do_not_link() -> None:
    texts = paragraphs(60, seed=3)
    corpus = Corpus(articles=[article(f"gen{i}", *texts[i * 4 : i * 4 + 4]) for i in range(15)])
    assert link_corpus(corpus) == []


def test_a_few_words_in_common_are_not_a_link() -> None:
    caption = "Pemimpin Korea Utara Kim Jong Un."
    corpus = Corpus(articles=[article("a", caption, BANJIR), article("b", caption, HARGA_BERAS)])
    assert link_corpus(corpus) == []


def test_no_link_within_one_article() -> None:
    corpus = Corpus(articles=[article("antara-1", BANJIR, BANJIR + " Warga mengungsi.")])
    assert link_corpus(corpus) == []


def test_republished_paragraph_with_edited_words_is_same_text() -> None:
    rng = random.Random(5)
    originals = paragraphs(6, seed=9)
    copies = [edit_words(text, 0.1, rng) for text in originals[:3]]
    corpus = Corpus(articles=[article("wire", *originals), article("copy", *copies)])
    links = link_corpus(corpus)
    assert pairs(links) >= {("copy", i, "wire", i) for i in range(3)}
    assert {link.kind for link in links} == {SAME_TEXT}


def test_same_quotation_in_differently_written_paragraphs() -> None:
    quote = "Kami akan menuntaskan pembangunan jalan tol ini sebelum akhir tahun depan"
    tribun = (
        f"Menteri PUPR Basuki Hadimuljono meninjau proyek tol di Kabupaten Deli Serdang, "
        f"Sumatera Utara, Rabu. “{quote},” ujar Basuki kepada wartawan."
    )
    liputan6 = (
        f'"{quote}," kata Basuki saat ditemui seusai rapat kerja dengan Komisi V DPR '
        f"di Senayan, Jakarta, sehari kemudian."
    )
    corpus = Corpus(articles=[article("tribun", tribun), article("liputan6", liputan6)])
    [link] = link_corpus(corpus)
    assert link.kind == SAME_QUOTE
    assert link.score >= 85


def test_same_quotation_found_from_article_quotes() -> None:
    quote_text = "inflasi tahun ini tetap terkendali dalam sasaran dua setengah persen"
    cnn = f"Gubernur BI Perry Warjiyo optimistis {quote_text}, katanya di Jakarta."
    antara = (
        f"Perry Warjiyo dalam konferensi pers daring menyebut {quote_text} meski harga "
        "pangan bergejolak di sejumlah daerah."
    )
    quotes = [Quote(quote_text, "partial", "Perry Warjiyo", 0, 0, len(quote_text))]
    corpus = Corpus(
        articles=[article("cnn", cnn, quotes=quotes), article("antara", antara, quotes=quotes)]
    )
    [link] = link_corpus(corpus)
    assert link.kind == SAME_QUOTE


def test_quoted_spans_need_a_few_words() -> None:
    text = 'Ia menyebut "hoaks" itu berbahaya. “Kami tidak pernah menerima dana itu,” katanya.'
    assert quoted_spans(text) == ["kami tidak pernah menerima dana itu"]


# Plain text (ASCII and PLAIN_MARKS) in every shape its words could be split wrong in,
# and text that is not plain (it takes the regular expressions).
_SPLIT_CASES = [
    "",
    "   ",
    "Presiden Joko Widodo mengatakan, “kami siap” – di Jakarta… pada 2024.",
    "iPhone eKTP Rp2.000 foo_bar _x x_ a1b 2024an ke-2 Senin\u00a0pagi ©2024 «kutip» „ini“",
    "tab\tbaris\nbaru\x1cpemisah\x1fakhir\x0bvertikal\x0cform -- 'petik' \"ganda\"",
    "Kata ‘mereka’ — \u201cbenar sekali kata warga setempat\u201d ujar dia.",
    "Kafé di İstanbul menjual straße",  # not plain: the regular expressions
]


@pytest.mark.parametrize("text", _SPLIT_CASES)
def test_passage_words_are_the_word_patterns_words(text: str) -> None:
    """A passage's words, lowercase words and quotations are those of the regular
    expressions they are defined by, however plain text is split (`_plain_words`)."""
    import re

    from kabar_tui.core.corpus.linking import STOPWORDS, passage_of, words_of
    from kabar_tui.core.textfold import strip_diacritics

    plain = text.isascii() or not re.search("[^\x00-\x7f“”‘’„«»–—…\u00a0©]", text)
    folded = text if plain else strip_diacritics(text)
    words = re.findall(r"\w+", text.lower() if plain else folded.casefold())
    lowercase = {w.casefold() for w in re.findall(r"(?<!\w)[a-z]\w{2,}", folded)}
    quote = "kami siap melayani warga kota"
    passage = passage_of("a", 3, text, [quote, text])
    assert words_of(text) == words
    assert passage.text == " ".join(words)
    assert set(passage.content) == lowercase - STOPWORDS
    assert quote in passage.quotes


def test_plain_text_is_split_without_the_word_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain text, most news, is split into words in C (`_plain_words`), not by the
    regular expression: most of the cost of making a stored candidate's passage again."""
    from kabar_tui.core.corpus import linking

    class Refused:
        def findall(self, text: str) -> list[str]:
            raise AssertionError("the word pattern was used on plain text")

    text, quotes = _SPLIT_CASES[2], ["kami siap di Jakarta"]
    made, words = linking.passage_of("a", 0, text, quotes), linking.words_of(_SPLIT_CASES[3])
    monkeypatch.setattr(linking, "WORD", Refused())
    again = linking.passage_of("a", 0, text, quotes)
    assert (again.text, again.quotes, set(again.content)) == (
        made.text,
        made.quotes,
        set(made.content),
    )
    assert linking.words_of(_SPLIT_CASES[3]) == words


def test_same_event_told_differently_is_similar() -> None:
    kompas = (
        "Presiden Joko Widodo meresmikan Bendungan Sadawarna di Subang, Jawa Barat, yang "
        "diharapkan mampu mengairi ribuan hektare sawah milik petani setempat."
    )
    detik = (
        "Bendungan Sadawarna yang diresmikan Jokowi pada Kamis diklaim mampu mengairi ribuan "
        "hektare sawah milik petani di tiga kabupaten sekaligus, menurut Kementerian PUPR."
    )
    corpus = Corpus(articles=[article("kompas", kompas), article("detik", detik)])
    [link] = link_corpus(corpus)
    assert link.kind == SIMILAR


def test_adding_an_article_links_it_without_relinking_the_rest() -> None:
    rng = random.Random(1)
    texts = paragraphs(40, seed=21)
    index = LinkIndex()
    for i in range(10):
        assert index.add_article(article(f"a{i}", *texts[i * 4 : i * 4 + 4])) == []
    before = len(index.links)
    copy = article("late", edit_words(texts[13], 0.1, rng), BANJIR)
    found = index.add_article(copy)
    assert [
        (link.source_article, link.source_paragraph, link.target_article, link.target_paragraph)
        for link in found
    ] == [("late", 0, "a3", 1)]
    assert len(index.links) == before + 1
    assert index.add_article(copy) == []  # the same id again adds nothing


def test_incremental_and_batch_linking_agree() -> None:
    rng = random.Random(2)
    texts = paragraphs(30, seed=8)
    articles = [article(f"b{i}", *texts[i * 3 : i * 3 + 3]) for i in range(10)]
    articles.append(
        article("copy", edit_words(texts[4], 0.1, rng), edit_words(texts[20], 0.1, rng))
    )
    index = LinkIndex()
    for item in articles:
        index.add_article(item)
    assert pairs(index.links) == pairs(link_corpus(Corpus(articles=articles)))


_QUOTED_SPEECH = (
    "kami akan datang besok pagi lalu kami akan pulang sore nanti "
    "katanya kami akan datang besok pagi sekali"
)


def _naive_quote_word_positions(words: list[str], quotes: tuple[str, ...]) -> set[int]:
    """The reference: each quote's first occurrence, found by trying every start."""
    from kabar_tui.core.corpus.linking import SHINGLE

    positions: set[int] = set()
    for quote in quotes:
        quoted = quote.split()
        for start in range(len(words) - len(quoted) + 1):
            if words[start : start + len(quoted)] == quoted:
                positions.update(range(start, start + len(quoted) - SHINGLE + 1))
                break
    return positions


def test_quote_positions_match_the_reference() -> None:
    from kabar_tui.core.corpus.linking import _quote_word_positions

    words = _QUOTED_SPEECH.split()
    cases = [
        ("kami akan datang besok pagi", "kami akan pulang sore nanti"),
        ("kami akan datang besok pagi sekali",),
        ("tidak ada di sini sama sekali", "kami akan pulang sore nanti"),
        ("kami akan datang besok pagi", "kami akan datang besok pagi"),
    ]
    for quotes in cases:
        assert _quote_word_positions(words, quotes) == _naive_quote_word_positions(words, quotes)


def test_quote_positions_out_of_text_order_still_mark_each_quote() -> None:
    from kabar_tui.core.corpus.linking import SHINGLE, _quote_word_positions

    words = _QUOTED_SPEECH.split()[:11]
    quotes = ("kami akan pulang sore nanti", "kami akan datang besok pagi")
    found = _quote_word_positions(words, quotes)
    assert found == set(range(0, 5 - SHINGLE + 1)) | set(range(6, 6 + 5 - SHINGLE + 1))


def test_quote_positions_of_thousands_of_quotes_in_one_paragraph() -> None:
    """Quotes that share their first word, in text order: each is found where it stands."""
    from kabar_tui.core.corpus.linking import _quote_word_positions

    quotes = tuple(f"kami sudah bekerja keras nomor {n} tahun ini" for n in range(3000))
    words = " ".join(f"ujar dia {quote}" for quote in quotes).split()
    expected = {10 * n + 2 + offset for n in range(3000) for offset in range(8 - 4 + 1)}
    assert _quote_word_positions(words, quotes) == expected


def _link_keys(links: list) -> list[tuple]:
    return sorted(map(dataclasses.astuple, links))


PARALLEL_CHECK = """
import json
from benchmarks.bench_linking import generate
from kabar_tui.core.corpus.linking import LinkIndex

from kabar_tui.core.model import Paragraph

articles, _ = generate(400, seed=1000)
footer = "Dapatkan update berita pilihan dan breaking news setiap hari dari kami"
for article in articles[::3]:  # a footer in more paragraphs than a posting holds
    article.paragraphs.append(Paragraph(len(article.paragraphs), footer, 99))
parallel = LinkIndex.build(articles, workers=2)
serial = LinkIndex.build(articles, workers=1)
one_by_one = LinkIndex()
for article in articles:
    one_by_one.add_article(article)
rows = lambda index: [
    [l.source_article, l.source_paragraph, l.target_article, l.target_paragraph, l.score, l.kind]
    for l in index.links
]
capped = sum(1 for posting in parallel._fingerprints.values() if posting is None)
print(json.dumps({
    "workers": parallel.workers, "capped": capped, "parallel": rows(parallel),
    "serial": rows(serial), "one_by_one": sorted(rows(one_by_one)),
}))
"""


def test_spawned_workers_link_a_generated_corpus_as_one_process_does() -> None:
    """In a fresh interpreter, as the pipeline runs it."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    output = subprocess.run(
        [sys.executable, "-c", PARALLEL_CHECK], capture_output=True, text=True, cwd=root
    )
    assert output.returncode == 0, output.stderr
    found = json.loads(output.stdout)
    assert found["workers"] == 2
    assert found["capped"] > 0  # postings grew too common while the corpus was indexed
    assert len(found["serial"]) > 50
    assert found["parallel"] == found["serial"]  # same links, same order
    assert sorted(found["serial"]) == found["one_by_one"]


def test_adding_one_by_one_gives_the_links_of_building_at_once() -> None:
    """Word rarity changes as the corpus grows: a similar-event link found among the first
    articles, when every word was rare, no longer holds once the words are common."""
    from benchmarks.bench_linking import generate

    articles, _ = generate(400, seed=1000)
    index = LinkIndex()
    returned = []
    for item in articles:
        returned.extend(index.add_article(item))
    built = LinkIndex.build(articles, workers=1)
    assert _link_keys(index.links) == _link_keys(built.links)
    dropped = set(_link_keys(returned)) - set(_link_keys(index.links))
    assert dropped and {row[-1] for row in dropped} == {SIMILAR}


def test_a_built_index_grows_like_one_built_with_the_new_articles() -> None:
    from benchmarks.bench_linking import generate

    articles, _ = generate(300, seed=5)
    index = LinkIndex.build(articles[:200], workers=1)
    for item in articles[200:]:
        index.add_article(item)
    assert _link_keys(index.links) == _link_keys(LinkIndex.build(articles, workers=1).links)
