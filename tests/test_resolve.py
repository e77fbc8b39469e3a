"""Resolution across articles: one canonical entity per corpus, quotes grouped."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import numpy as np
from rapidfuzz import fuzz

from kabar_tui.core.corpus.quote_grouping import (
    MIN_FUZZY_QUOTE,
    QUOTE_BUCKETS,
    QUOTE_SCORE,
    _quote_buckets,
    _quote_shingles,
    _scored_pairs,
    key_group_numbers,
)
from kabar_tui.core.corpus.resolve import (
    _abbreviates,
    _expand,
    _expand_within,
    _names_and_index,
    resolve_corpus,
    spelling_key,
)
from kabar_tui.core.language.entities import gazetteer_entry, recognise
from kabar_tui.core.language.quotes import attribute
from kabar_tui.core.model import Article, Corpus, Paragraph


def article(article_id: str, *texts: str) -> Article:
    paragraphs = [Paragraph(i, text, i + 1) for i, text in enumerate(texts)]
    result = Article(article_id, f"{article_id}.txt", texts[0], paragraphs)
    result.entities = recognise(list(texts))
    result.quotes = attribute(list(texts), result.entities)
    return result


def resolved(*articles: Article) -> Corpus:
    corpus = Corpus(articles=list(articles))
    resolve_corpus(corpus)
    return corpus


def canonical_of(corpus: Corpus, article_id: str, text: str) -> str:
    found = corpus.article(article_id)
    assert found is not None
    return next(m.canonical for m in found.entities if m.text == text)


def test_spelling_variants_merge() -> None:
    corpus = resolved(
        article("a", "Pemimpin Korea Utara Kim Jong-un tiba di Kosmodrom Vostochny, lapor TASS."),
        article("b", "Pemimpin Korea Utara Kim Jong Un tiba di Vostochny Cosmodrome, lapor Tass."),
    )
    assert canonical_of(corpus, "a", "Kim Jong-un") == canonical_of(corpus, "b", "Kim Jong Un")
    assert canonical_of(corpus, "a", "TASS") == canonical_of(corpus, "b", "Tass")
    assert canonical_of(corpus, "a", "Kosmodrom Vostochny") == canonical_of(
        corpus, "b", "Vostochny Cosmodrome"
    )
    assert spelling_key("Kim Jong-un") == spelling_key("Kim Jong Un")


def test_kim_jong_il_is_not_kim_jong_un() -> None:
    corpus = resolved(
        article(
            "a",
            "Pemimpin Korea Utara Kim Jong Un tiba di Rusia.",
            "Ayah Kim, Kim Jong Il, dulu bepergian dengan kereta lapis baja.",
            "Kim Jong Un juga akan mengunjungi Vladivostok.",
        )
    )
    names = {e.canonical for e in corpus.entities if e.label == "PER"}
    assert {"Kim Jong Un", "Kim Jong Il"} <= names
    assert canonical_of(corpus, "a", "Kim") == "Kim Jong Un"


def test_surname_resolves_within_the_article_then_the_corpus() -> None:
    corpus = resolved(
        article("a", "Presiden Rusia Vladimir Putin menerima undangan itu.", "Putin tersenyum."),
        article(
            "b", "Menteri Pertahanan Rusia Sergei Shoigu tiba.", "Kemudian Putin menelepon Shoigu."
        ),
    )
    assert canonical_of(corpus, "a", "Putin") == "Vladimir Putin"
    assert canonical_of(corpus, "b", "Putin") == "Vladimir Putin"
    assert canonical_of(corpus, "b", "Shoigu") == "Sergei Shoigu"


def test_abbreviations_and_territory_names_resolve_to_one_place() -> None:
    corpus = resolved(
        article("a", "Pejabat Korut bertemu utusan AS di Seoul."),
        article("b", "Korea Utara dan Amerika Serikat berunding, sementara North Korea diam."),
    )
    records = {e.canonical: e for e in corpus.entities}
    assert set(records["Korea Utara"].aliases) >= {"Korut", "North Korea"}
    assert records["Amerika Serikat"].aliases == ["AS"]
    assert records["Korea Utara"].articles == ["a", "b"]
    assert records["Korea Utara"].mentions == 3


def test_same_quote_in_two_outlets_is_one_group() -> None:
    corpus = resolved(
        article("a", "“Dia tertarik pada berbagai isu,” kata duta besar Alexander Matsegora."),
        article("b", '"Dia tertarik pada berbagai isu," ujar Alexander Matsegora kepada RIA.'),
        article("c", "“Kami menolak tuduhan itu,” kata juru bicara Kremlin Dmitry Peskov."),
    )
    groups = {g.text: g for g in corpus.quote_groups}
    assert len(groups) == 2
    shared = groups["Dia tertarik pada berbagai isu"]
    assert [o.article for o in shared.occurrences] == ["a", "b"]
    assert shared.speaker_canonical == "Alexander Matsegora"


def test_unnamed_speaker_has_no_canonical_entity() -> None:
    corpus = resolved(article("a", "“Itu tidak boleh terjadi,” kata seorang juru bicara."))
    (quote,) = corpus.articles[0].quotes
    assert quote.speaker == "seorang juru bicara"
    assert quote.speaker_canonical is None


def test_seed_corpus_entities_are_merged_as_one_story() -> None:
    from kabar_tui.core.indexing.pipeline import build_corpus

    corpus = build_corpus()
    table = {e.canonical: e for e in corpus.entities}
    by_alias = {alias: e.canonical for e in corpus.entities for alias in [e.canonical, *e.aliases]}
    assert by_alias["Kim Jong-un"] == by_alias["Kim Jong Un"] == by_alias["Kim"]
    assert table[by_alias["Kim Jong Un"]].label == "PER"
    assert by_alias["Kim Jong Il"] != by_alias["Kim Jong Un"]
    assert by_alias["TASS"] == by_alias["Tass"]
    assert by_alias["Kosmodrom Vostochny"] == by_alias["Vostochny Cosmodrome"]
    assert by_alias["Putin"] == "Vladimir Putin"
    assert by_alias["Shoigu"] == "Sergei Shoigu"
    # The seeds say `Korut` only in 001's headline and deck, which are not body text;
    # there it names the same entity as the body's `Korea Utara`.
    assert gazetteer_entry("Korut") == (table["Korea Utara"].label, "Korea Utara")
    assert by_alias["AS"] == "Amerika Serikat"
    expected_labels = {
        "Leif-Eric Easley": "PER",
        "Alexander Matsegora": "PER",
        "Dmitry Peskov": "PER",
        "Ewha Womans University": "ORG",
        "KCNA": "ORG",
        "PBB": "ORG",
        "RIA": "ORG",
        "Komsomolsk-on-Amur": "LOC",
        "Vladivostok": "LOC",
        "Pyongyang": "LOC",
        "Rusia": "LOC",
    }
    for name, label in expected_labels.items():
        assert table[by_alias[name]].label == label, name
    ordinary = {"Selama", "Selanjutnya", "Namun", "Pada", "Dia", "Minggu", "Sabtu", "September"}
    assert ordinary.isdisjoint(by_alias)


def test_lone_surname_means_the_headline_subject_not_a_relative_named_in_the_body() -> None:
    def made(article_id: str, title: str, body: list[str]) -> Article:
        made = Article(
            id=article_id,
            path=f"{article_id}.txt",
            title=title,
            paragraphs=[Paragraph(i, text, i) for i, text in enumerate(body)],
        )
        made.entities = recognise(body)
        return made

    profile = made(
        "a",
        "Kim Jong Un Dikabarkan Akan Kunjungi Rusia Bulan Ini",
        [
            "Ayah Kim, Kim Jong Il, terakhir kali mengunjungi Rusia pada 2011.",
            "New York Times melaporkan bahwa Kim mungkin akan pergi ke Moskow.",
        ],
    )
    other = made("b", "Korut Uji Rudal", ["Pemimpin Korea Utara Kim Jong Un menyaksikan uji coba."])
    resolve_corpus(Corpus(articles=[profile, other]))
    lone = [m for m in profile.entities if m.text == "Kim" and m.paragraph == 1]
    assert lone and lone[0].canonical == "Kim Jong Un"
    father = [m for m in profile.entities if m.text == "Kim Jong Il"]
    assert father and father[0].canonical == "Kim Jong Il"


def test_reworded_quote_is_grouped_among_quotes_of_the_same_words() -> None:
    """Quotes built from the same few words, as in a busy news week; one is reprinted
    with a word changed and must still find its group."""
    words = [
        "harga",
        "beras",
        "naik",
        "pemerintah",
        "akan",
        "menambah",
        "impor",
        "pekan",
        "depan",
        "di",
        "pasar",
    ]
    shuffler = random.Random(4)
    quotes = [" ".join(shuffler.sample(words, len(words))) for _ in range(12)]
    articles = [article(f"q{i}", f"“{text},” kata Sri Mulyani.") for i, text in enumerate(quotes)]
    reworded = quotes[3].replace("menambah", "menaikkan")
    articles.append(article("copy", f"“{reworded},” ujar Menteri Keuangan Sri Mulyani."))
    corpus = resolved(*articles)
    assert len(corpus.quote_groups) == len(quotes)
    group = next(g for g in corpus.quote_groups if g.text == quotes[3])
    assert [o.article for o in group.occurrences] == ["q3", "copy"]


def test_pipeline_expands_a_lone_surname_within_its_story_first() -> None:
    from kabar_tui.core.indexing.pipeline import finish_corpus, process_source
    from kabar_tui.core.ingest.sources import Source

    shared = [
        "Menteri Pertahanan Rusia Sergei Shoigu tiba di Pyongyang pada Rabu untuk membahas "
        "latihan militer gabungan dengan para pejabat Korea Utara.",
        "Kunjungan tersebut berlangsung selama tiga hari dan mencakup peninjauan pameran "
        "senjata terbaru serta pertemuan dengan pimpinan angkatan bersenjata setempat.",
        "Para pengamat menilai lawatan itu sebagai tanda semakin eratnya hubungan militer "
        "kedua negara di tengah sanksi internasional yang terus berlaku.",
    ]
    wire = "Shoigu Tiba di Pyongyang\n\n" + "\n\n".join(shared) + "\n"
    copy = (
        "Shoigu Kunjungi Pyongyang\n\n"
        + "\n\n".join([shared[0].replace("Sergei Shoigu", "Shoigu"), *shared[1:]])
        + "\n"
    )
    other = (
        "Pameran Seni di Moskow\n\n"
        + "\n\n".join(
            f"Pelukis Anna Shoigu memamerkan karya ke-{n} di galeri kota Moskow pada akhir "
            "pekan, dan pengunjung memadati ruang pameran sejak pagi hari."
            for n in range(3)
        )
        + "\n"
    )
    sources = [
        Source(name, f"{name}.txt", text, name)
        for name, text in (("wire", wire), ("copy", copy), ("other", other))
    ]
    corpus = Corpus(articles=[process_source(s) for s in sources])
    finish_corpus(corpus)
    assert any({"wire", "copy"} <= set(story.articles) for story in corpus.stories)
    copy_article = next(a for a in corpus.articles if a.id == "copy")
    lone = [m for m in copy_article.entities if m.text == "Shoigu" and m.paragraph == 0]
    assert lone and lone[0].canonical == "Sergei Shoigu"


def test_an_abbreviation_an_article_defines_is_one_entity_with_its_long_form() -> None:
    corpus = resolved(
        article(
            "a",
            "Lembaga Penjamin Simpanan (LPS) menaikkan bunga penjaminan.",
            "Menurut LPS, simpanan nasabah tetap aman.",
        ),
        article("b", "Pekan ini LPS mengumumkan kebijakan baru."),
    )
    long_form = canonical_of(corpus, "a", "Lembaga Penjamin Simpanan")
    assert canonical_of(corpus, "a", "LPS") == long_form
    assert canonical_of(corpus, "b", "LPS") == long_form


def test_only_a_short_form_with_the_long_forms_letters_abbreviates_it() -> None:
    assert _abbreviates("Kemenlu", "Kementerian Luar Negeri")
    assert _abbreviates("BEI", "Bursa Efek Indonesia")
    assert not _abbreviates("SPB", "Badan Pusat Statistik")
    assert not _abbreviates("Jakarta", "Jawa Barat")


def _reference_group_numbers(keys: list[str]) -> list[int]:
    """What quotation grouping gave when each quotation was scored against every group of
    its buckets in turn (the code before quotegroup, without its length window): a
    brute-force reference for `key_group_numbers`."""
    frequency = Counter(pair for key in set(keys) for pair in _quote_shingles(key))
    exact: dict[str, int] = {}
    members: dict[str, list[tuple[int, str]]] = defaultdict(list)  # per pair: (group, key)
    numbers = []
    count = 0
    for key in keys:
        if key not in exact:
            words = _quote_buckets(key, frequency)
            best: tuple[float, int] | None = None
            if len(key) >= MIN_FUZZY_QUOTE:
                for word in words:  # each bucket in turn, a later one only when better
                    scored = [(fuzz.ratio(key, other), group) for group, other in members[word]]
                    cutoff = QUOTE_SCORE if best is None else best[0]
                    top = max((score for score, _ in scored if score >= cutoff), default=None)
                    if top is not None and (best is None or top > best[0]):
                        best = top, min(group for score, group in scored if score == top)
            if best is None:
                exact[key] = count
                count += 1
                for word in words:
                    members[word].append((exact[key], key))
            else:
                exact[key] = best[1]
        numbers.append(exact[key])
    return numbers


def _edited(rng: random.Random, key: str, edits: int) -> str:
    """`key` with `edits` characters inserted, deleted or changed at random places."""
    letters = "abcdefghijklmnopqrstuvwxyz éß0123456789"
    chars = list(key)
    for _ in range(edits):
        place = rng.randrange(len(chars) + 1)
        kind = rng.random()
        if kind < 0.4 or not chars:
            chars.insert(place, rng.choice(letters))
        elif kind < 0.8:
            del chars[min(place, len(chars) - 1)]
        else:
            chars[min(place, len(chars) - 1)] = rng.choice(letters)
    return " ".join("".join(chars).split())


def test_quote_groups_are_those_of_scoring_every_group_of_the_buckets() -> None:
    """Near-duplicates on both sides of QUOTE_SCORE, many equal keys, keys of every length
    (empty, below MIN_FUZZY_QUOTE, at it, longer than a histogram's 255), other scripts:
    the group numbers are the brute-force reference's, each group met in order."""
    rng = random.Random(14)
    words = ["harga", "beras", "naik", "pemerintah", "akan", "impor", "pekan", "depan"]
    words += ["pasar", "kata", "menteri", "jakarta", "é", "straße", "2024", "x"]
    seen = 0
    for _ in range(12):
        keys: list[str] = []
        for _ in range(rng.randint(150, 400)):
            choice = rng.random()
            if keys and choice < 0.45:  # a copy reworded a little, some at the edge
                base = rng.choice(keys)
                keys.append(_edited(rng, base, rng.randint(0, max(1, len(base) // 8))))
            elif keys and choice < 0.55:
                keys.append(rng.choice(keys))  # the same quotation again
            elif choice < 0.6:
                keys.append(rng.choice(["", "x", "kata", "a" * 19, "a b" * 7]))
            else:
                size = rng.choice([3, 4, 6, 10, 20, 60, 120])
                keys.append(" ".join(rng.choices(words, k=size)))
        expected = _reference_group_numbers(keys)
        assert list(key_group_numbers(keys)) == expected
        seen += len(keys) - len(set(expected))
    assert seen > 500  # quotations joined a group: what makes the comparison worth something


def test_quote_groups_at_the_edge_of_the_score_and_of_the_length_window() -> None:
    """A key a fifth longer than another scores exactly QUOTE_SCORE and joins it, one a
    bit longer does not; the best score wins, then the earliest bucket, then the lowest
    group; long keys (histogram counts capped) and short ones keep the reference's."""
    assert fuzz.ratio("a" * 90, "a" * 110) == QUOTE_SCORE
    head = "kata kami "
    keys = [head + "a" * n for n in (40, 111, 400, 110, 10, 89, 90, 100, 2000, 2100, 1900)]
    keys += [head + "b" * 300 + "a" * 1800, "c" * 25, "c" * 25 + " d", ""]
    numbers = list(key_group_numbers(keys))
    assert numbers == _reference_group_numbers(keys)
    # lengths 50, 121, 410, 120, 20, 99, 100, 110: 99 against 121 scores exactly 90
    assert numbers[:8] == [0, 1, 2, 1, 3, 1, 1, 1]
    many = [head + "c" * n for n in range(70, 130, 2)]  # one bucket, scored in bulk
    for others in ([], many):
        for order in ([0, 1], [1, 0]):
            pair = [[head + "a" * 80, head + "a" * 100][n] for n in order]  # 90 and 110 chars
            assert list(key_group_numbers(pair + others))[:2] == [0, 0]
            pair = [[head + "a" * 80, head + "a" * 101][n] for n in order]
            assert list(key_group_numbers(pair + others))[:2] == [0, 1]


def test_many_equal_and_similar_quotations_group_as_the_reference() -> None:
    """Thousands of copies of a few quotations, each a little edited: large buckets, scored
    through the histogram bound, give the reference's groups."""
    rng = random.Random(5)
    words = ["pemerintah", "akan", "menaikkan", "harga", "bahan", "bakar", "minyak", "pekan"]
    bases = [" ".join(rng.choices(words, k=rng.randint(6, 14))) for _ in range(8)]
    keys = [_edited(rng, rng.choice(bases), rng.choice([0, 0, 1, 3, 8, 15])) for _ in range(1500)]
    numbers = list(key_group_numbers(keys))
    assert numbers == _reference_group_numbers(keys)
    assert 20 < max(numbers) < 1400


def test_quotations_reprinted_with_words_changed_group_as_the_reference() -> None:
    """A few quotations reprinted thousands of times with a few words changed, among
    unrelated ones: the buckets of near-duplicates are scored lazily, against their groups'
    first keys, the others in bulk, in one grouping; the groups are the reference's."""
    rng = random.Random(20)
    words = ["pemerintah", "akan", "menaikkan", "harga", "bahan", "bakar", "minyak", "pekan"]
    words += ["depan", "kata", "menteri", "keuangan", "sri", "mulyani", "di", "jakarta"]
    words += ["pada", "senin", "subsidi", "energi", "anggaran", "negara"]
    bases = [" ".join(rng.choices(words, k=rng.randint(18, 26))) for _ in range(3)]
    keys = []
    for _ in range(3000):
        if rng.random() < 0.8:
            changed = rng.choice(bases).split()
            for _ in range(rng.randint(0, 3)):
                place = rng.randrange(len(changed))
                kind = rng.random()
                if kind < 0.5:
                    changed[place] = rng.choice(words)
                elif kind < 0.75:
                    del changed[place]
                else:
                    changed.insert(place, rng.choice(words))
            keys.append(" ".join(changed))
        else:
            keys.append(" ".join(rng.choices(words, k=rng.randint(3, 30))))
    distinct = list(dict.fromkeys(keys))
    frequency = Counter(pair for key in distinct for pair in _quote_shingles(key))
    numbered: dict[str, int] = {}
    chosen = [[-1] * QUOTE_BUCKETS for _ in distinct]
    for row, key in zip(chosen, distinct, strict=True):
        for at, word in enumerate(_quote_buckets(key, frequency)):
            row[at] = numbered.setdefault(word, len(numbered))
    matches: dict[int, dict[int, float]] = {}
    lazy = _scored_pairs(distinct, np.array(chosen, dtype=np.int32), matches)
    assert lazy and matches  # both ways of scoring are in play
    numbers = list(key_group_numbers(keys))
    assert numbers == _reference_group_numbers(keys)
    assert 100 < max(numbers) < 2000


def test_a_story_word_index_expands_a_name_as_looking_through_the_story_does() -> None:
    rng = random.Random(3)
    given = ["sri", "joko", "anies", "budi", "kim", "sergei"]
    family = ["mulyani", "widodo", "baswedan", "santoso", "jong un", "shoigu"]
    names = Counter(
        {f"{rng.choice(given)} {rng.choice(family)}": rng.randint(1, 5) for _ in range(30)}
    )
    overall = Counter({name: rng.randint(1, 50) for name in names})
    _, index = _names_and_index(names)
    for part in [*given, *" ".join(family).split(), "nobody"]:
        assert _expand_within(part, names, index, overall) == _expand(part, names, overall)


def test_a_shortened_full_name_is_the_person_with_the_longer_name() -> None:
    corpus = resolved(
        article(
            "a",
            "Polisi menangkap Kepala Desa Bambang Sutrisno Hadi di rumahnya.",
            "Pengacara Bambang Sutrisno, Rina Kartika, membenarkan penangkapan itu.",
        )
    )
    assert canonical_of(corpus, "a", "Bambang Sutrisno") == "Bambang Sutrisno Hadi"
    people = [e.canonical for e in corpus.entities if e.label == "PER"]
    assert "Bambang Sutrisno" not in people
