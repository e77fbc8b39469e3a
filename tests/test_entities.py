"""Entity recognition on seed sentences and on text in other outlets' style."""

from __future__ import annotations

import pytest

from benchmarks.textgen import paragraphs
from kabar_tui.core.language.entities import (
    find_entities,
    gazetteer_entry,
    recognise,
    rules,
    title_and_caption_entities,
)
from kabar_tui.core.language.entities.gazetteer import gazetteer
from kabar_tui.core.language.entities.recogniser import TITLE_ABBREVIATIONS
from kabar_tui.core.language.entities.rules import (
    _longest,
    _name_at,
    _title_at,
    recognise_with_bases,
)
from kabar_tui.core.language.entities.tokens import tokenize
from kabar_tui.core.lexicon import Label
from kabar_tui.core.model import Article, Caption, Mention, Paragraph


def found(text: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in recognise([text])}


def test_seed_sentence_people_places_and_titles() -> None:
    text = (
        "MOSKOW - Pemimpin Korea Utara Kim Jong-un dan Menteri Pertahanan Rusia membahas "
        "isu-isu praktis untuk meningkatkan kerja sama militer, kata media pemerintah pada "
        "Minggu (17/9/2023)."
    )
    assert found(text) == {
        ("MOSKOW", "LOC"),
        ("Korea Utara", "LOC"),
        ("Kim Jong-un", "PER"),
        ("Rusia", "LOC"),
    }


def test_title_country_name_chain() -> None:
    text = "Kim bertemu dengan Presiden Rusia Vladimir Putin pada Rabu, (13/9/2023)."
    assert ("Vladimir Putin", "PER") in found(text)
    assert ("Rusia", "LOC") in found(text)
    assert not any(label for text_, label in found(text) if text_ in ("Presiden", "Rabu"))


def test_hyphenated_names_and_organisation_tail() -> None:
    text = (
        "Leif-Eric Easley, profesor studi internasional di Ewha Womans University di Seoul, "
        "mengatakan anggota delegasi Kim cukup jelas. Ia memperkirakan Kim ke Komsomolsk-on-Amur."
    )
    result = found(text)
    assert ("Leif-Eric Easley", "PER") in result
    assert ("Ewha Womans University", "ORG") in result
    assert ("Seoul", "LOC") in result
    assert ("Komsomolsk-on-Amur", "LOC") in result


def test_acronyms_and_abbreviations() -> None:
    text = (
        "Korea Selatan dan Amerika Serikat (AS) mengatakan kerja sama itu melanggar sanksi "
        "Perserikatan Bangsa-Bangsa (PBB), tulis kantor berita KCNA dan TASS."
    )
    result = found(text)
    assert {("AS", "LOC"), ("PBB", "ORG"), ("KCNA", "ORG"), ("TASS", "ORG")} <= result
    assert ("Perserikatan Bangsa-Bangsa", "ORG") in result


def test_sentence_initial_ordinary_words_days_and_months_are_not_entities() -> None:
    text = (
        "Selama kunjungannya, Kim memeriksa kapal. Selanjutnya, tim bergerak. Namun, hal itu "
        "belum pasti. Pada Sabtu, dia pergi. Dia kembali pada September. Lawatan itu panjang."
    )
    words = {t for t, _ in found(text)}
    assert words.isdisjoint({"Selama", "Selanjutnya", "Namun", "Pada", "Dia", "Sabtu"})
    assert words.isdisjoint({"September", "Lawatan"})


def test_surname_alone_is_a_person_when_the_article_names_them() -> None:
    mentions = recognise(
        [
            "Menteri Pertahanan Rusia Sergei Shoigu tiba di Pyongyang.",
            "Dalam kunjungan itu, Shoigu bertemu pejabat setempat.",
        ]
    )
    assert ("Shoigu", "PER") in {(m.text, m.label) for m in mentions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Menteri Keuangan Sri Mulyani Indrawati mengatakan Kementerian Keuangan akan "
            "menambah anggaran subsidi energi tahun depan.",
            {("Sri Mulyani Indrawati", "PER"), ("Kementerian Keuangan", "ORG")},
        ),
        (
            "Badan Meteorologi, Klimatologi, dan Geofisika memperingatkan warga di Kota Bandung "
            "soal hujan lebat.",
            {("Kota Bandung", "LOC")},
        ),
        (
            "Ketua Umum Partai Golkar Airlangga Hartarto hadir di Istana Merdeka, Jakarta.",
            {("Partai Golkar", "ORG"), ("Airlangga Hartarto", "PER"), ("Istana Merdeka", "LOC")},
        ),
        (
            "Juru bicara Kementerian Luar Negeri China Wang Wenbin mengatakan Beijing menolak "
            "tuduhan itu.",
            {("Kementerian Luar Negeri China", "ORG"), ("Wang Wenbin", "PER"), ("Beijing", "LOC")},
        ),
    ],
)
def test_other_outlets_style(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= found(text)


def test_headline_capitals_do_not_make_names() -> None:
    mentions = recognise(
        [
            "Berencana Kunjungi Rusia, Kim Jong Un Dikabarkan akan Bahas Senjata",
            "Pemimpin Korea Utara Kim Jong Un tiba di Vladivostok.",
        ]
    )
    headline = {(m.text, m.label) for m in mentions if m.paragraph == 0}
    assert ("Rusia", "LOC") in headline
    assert not any("Dikabarkan" in t or "Berencana" in t for t, _ in headline)


def test_gazetteer_uses_babel_territories_in_both_languages() -> None:
    assert gazetteer_entry("North Korea") == ("LOC", "Korea Utara")
    assert gazetteer_entry("Korea Utara") == ("LOC", "Korea Utara")
    assert gazetteer_entry("Korut") == ("LOC", "Korea Utara")
    assert gazetteer_entry("AS") == ("LOC", "Amerika Serikat")


def test_offsets_point_at_the_text() -> None:
    text = "Warga Surabaya menyambut Presiden Joko Widodo di Tugu Pahlawan."
    for mention in recognise([text]):
        assert text[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Banjir merendam Kampung Melayu di Jakarta Timur.", {("Jakarta Timur", "LOC")}),
        (
            "KPK menahan Bupati Labuhanbatu Erik Adtrada Ritonga.",
            {("Labuhanbatu", "LOC"), ("Erik Adtrada Ritonga", "PER")},
        ),
        (
            "Ketua Umum PSSI Erick Thohir hadir.",
            {("PSSI", "ORG"), ("Erick Thohir", "PER")},
        ),
        (
            "Laporan Indonesia Corruption Watch terbit kemarin.",
            {("Indonesia Corruption Watch", "ORG")},
        ),
        (
            "Namun, Menteri Kesehatan Budi Gunadi Sadikin memastikan stok cukup.",
            {("Budi Gunadi Sadikin", "PER")},
        ),
        (
            "Kepala Badan Pangan Nasional Arief Prasetyo Adi meninjau gudang.",
            {("Badan Pangan Nasional", "ORG"), ("Arief Prasetyo Adi", "PER")},
        ),
    ],
)
def test_titles_regions_and_organisation_names(text: str, expected: set[tuple[str, str]]) -> None:
    assert found(text) == expected | {m for m in found(text) if m[0] in ("KPK", "Kampung Melayu")}


def test_common_noun_acronyms_and_laws_are_not_entities() -> None:
    text = "Pemerintah menaikkan harga BBM sesuai APBN dan Undang-Undang Cipta Kerja."
    assert found(text) == set()


def test_markup_like_text_is_just_text() -> None:
    text = "[bold]Presiden[/] Joko Widodo tiba di \x1b[31mJakarta."
    assert ("Joko Widodo", "PER") in found(text)


def test_acronym_split_keeps_offsets_of_a_single_name() -> None:
    text = "Kata Ketua PSSI Erick, timnya siap."
    mentions = recognise([text])
    assert ("PSSI", "ORG") in {(m.text, m.label) for m in mentions}
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


def test_sentence_initial_word_the_article_writes_in_lowercase_is_not_a_name() -> None:
    mentions = recognise(
        ["Artis Raffi Ahmad hadir di Bandung.", "Ia disebut artis paling sibuk tahun ini."]
    )
    assert ("Raffi Ahmad", "PER") in {(m.text, m.label) for m in mentions}


def test_reporting_verb_before_a_name_does_not_make_it_an_organisation() -> None:
    text = "“Itu provokasi,” tulis Kim Yo-jong dalam pernyataan yang dirilis KCNA."
    assert ("Kim Yo-jong", "PER") in found(text)


def test_title_cut_by_dan_does_not_join_the_name() -> None:
    text = "Mantan Menteri Komunikasi dan Informatika Johnny G Plate divonis kemarin."
    assert ("Johnny G Plate", "PER") in found(text)


def test_spokesperson_of_an_unknown_body_is_split_from_it() -> None:
    text = "“Simpanan dijamin,” ujar juru bicara Lembaga Penjamin Simpanan Dimas Yuliharto."
    assert {("Lembaga Penjamin Simpanan", "ORG"), ("Dimas Yuliharto", "PER")} <= found(text)


def test_title_continuation_words_are_not_part_of_the_name() -> None:
    text = (
        "Menteri Koordinator Bidang Kemaritiman Luhut Binsar Pandjaitan dan Kepala Pelaksana "
        "BPBD Garut Satria Budi meninjau tanggul."
    )
    result = found(text)
    assert ("Luhut Binsar Pandjaitan", "PER") in result
    assert ("Satria Budi", "PER") in result
    assert not any("Koordinator" in t or "Pelaksana" in t for t, _ in result)


def test_field_of_a_title_is_not_part_of_the_name() -> None:
    result = found("Wakil Ketua PBNU Bidang Keagamaan Ahmad Fahrur Rozi hadir di Surabaya.")
    assert ("Ahmad Fahrur Rozi", "PER") in result
    assert ("PBNU", "ORG") in result


@pytest.mark.parametrize(
    ("text", "club", "person"),
    [
        (
            "Pelatih Persebaya Surabaya Paul Munster memuji lini tengah.",
            "Persebaya Surabaya",
            "Paul Munster",
        ),
        ("Kapten PSIS Semarang Alfeandra Dewangga cedera.", "PSIS Semarang", "Alfeandra Dewangga"),
        (
            "Manajer Persik Mohammad Khusnul Yakin menunggu hasil banding.",
            "Persik",
            "Mohammad Khusnul Yakin",
        ),
    ],
)
def test_football_club_and_its_town_before_a_name(text: str, club: str, person: str) -> None:
    result = found(text)
    assert (club, "ORG") in result
    assert (person, "PER") in result


def test_name_opening_with_an_ordinary_word_after_a_title() -> None:
    result = found("Kepala Kantor Staf Presiden Moeldoko bertemu Gubernur NTB Lalu Gita Ariadi.")
    assert ("Lalu Gita Ariadi", "PER") in result


def test_common_noun_acronyms_for_citizens_are_not_entities() -> None:
    result = found("Sebanyak 12 WNI dan dua WNA dievakuasi dari Gaza menuju Kairo.")
    assert {t for t, _ in result} == {"Gaza", "Kairo"}


def test_lone_name_before_a_colon_quote_is_a_person() -> None:
    result = found('Bobby: "Proyek ini harus rampung sebelum musim hujan."')
    assert result == {("Bobby", "PER")}


def test_observation_post_is_an_organisation_before_its_head() -> None:
    text = "Kepala Pos Pengamatan Gunung Api Semeru Mukdas Sofian melaporkan guguran lava."
    result = found(text)
    assert ("Pos Pengamatan Gunung Api Semeru", "ORG") in result
    assert ("Mukdas Sofian", "PER") in result


def test_police_branch_takes_its_region_before_a_rank() -> None:
    result = found("Kasat Lantas Polres Magelang AKP Budi Santoso mengatur arus mudik.")
    assert ("Polres Magelang", "ORG") in result
    assert ("Budi Santoso", "PER") in result
    assert ("Magelang", "PER") not in result


def test_sports_role_is_not_part_of_a_name() -> None:
    result = found("Kiper Arema FC Lucas Frigeri tampil gemilang di Malang.")
    assert ("Lucas Frigeri", "PER") in result
    assert not any(t.startswith("Kiper") for t, _ in result)


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        (
            "Dinas Pendidikan dan Kebudayaan Sleman menutup sekolah.",
            "Dinas Pendidikan dan Kebudayaan Sleman",
        ),
        (
            "Badan Pengawasan Keuangan dan Pembangunan menemukan selisih anggaran.",
            "Badan Pengawasan Keuangan dan Pembangunan",
        ),
        (
            "Kepala Badan Penelitian, Pengembangan, dan Inovasi Daerah Rina Astuti hadir.",
            "Badan Penelitian, Pengembangan, dan Inovasi Daerah",
        ),
    ],
)
def test_organisation_names_with_dan_inside(text: str, organisation: str) -> None:
    assert (organisation, "ORG") in found(text)


def test_two_organisations_joined_by_dan_stay_two() -> None:
    result = found("Kementerian Perdagangan dan Bank Indonesia memantau harga cabai.")
    assert ("Kementerian Perdagangan", "ORG") in result
    assert ("Bank Indonesia", "ORG") in result


def test_police_branch_with_a_metropolitan_region() -> None:
    result = found("Polres Metro Jakarta Barat menyita 40 kilogram ganja di Kembangan.")
    assert ("Polres Metro Jakarta Barat", "ORG") in result


def test_name_after_an_organisation_opening_with_an_ordinary_word() -> None:
    result = found("Juru bicara Kementerian Agama Lalu Ahmad Zaenuri membenarkan kabar itu.")
    assert ("Lalu Ahmad Zaenuri", "PER") in result


def test_one_word_place_inside_a_person_name() -> None:
    result = found("Kuasa hukum korban, Razman Medan Nasution, mendatangi Mapolda Sumut.")
    assert ("Razman Medan Nasution", "PER") in result
    assert ("Medan", "LOC") not in result


def test_place_between_names_with_a_direction_stays_a_place() -> None:
    result = found("Pengamat Trubus Rahadiansyah menilai warga Jakarta Utara butuh tanggul.")
    assert ("Jakarta Utara", "LOC") in result


def test_dam_and_trade_titles() -> None:
    result = found(
        "Penyanyi Raisa Andriana menggelar konser amal untuk warga di sekitar Waduk Cirata."
    )
    assert ("Raisa Andriana", "PER") in result
    assert ("Waduk Cirata", "LOC") in result


def test_organisation_named_after_a_region_with_its_direction() -> None:
    result = found("Majelis hakim Pengadilan Negeri Jakarta Utara menunda sidang.")
    assert ("Pengadilan Negeri Jakarta Utara", "ORG") in result


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Bek Timnas Belanda Virgil van Dijk pulih dari cedera.", "Virgil van Dijk"),
        ("Pelatih AS Roma Daniele De Rossi memuji lini belakang.", "Daniele De Rossi"),
        (
            "Striker asal Brasil, Marcelo da Costa, bergabung dengan Persis Solo.",
            "Marcelo da Costa",
        ),
        ("Pelatih asal Belanda, Marc ten Brink, menonton laga itu.", "Marc ten Brink"),
    ],
)
def test_name_connectors_of_other_languages(text: str, person: str) -> None:
    assert (person, "PER") in found(text)


def test_syllable_acronym_agency_after_a_title() -> None:
    result = found("Ketua Bawaslu Rahmat Bagja meminta pengawas di daerah siaga.")
    assert ("Bawaslu", "ORG") in result
    assert ("Rahmat Bagja", "PER") in result


def test_analyst_field_and_institution_before_the_name() -> None:
    text = "Menurut pengamat ekonomi Universitas Airlangga Rudi Purwono, inflasi masih terkendali."
    result = found(text)
    assert ("Universitas Airlangga", "ORG") in result
    assert ("Rudi Purwono", "PER") in result


def test_ministry_title_with_dan_is_not_a_name() -> None:
    result = found("Ia dilantik sebagai Menteri Pendidikan, Kebudayaan, Riset, dan Teknologi.")
    assert not any(label == "PER" for _, label in result)


def test_search_and_rescue_branch_after_a_title_leaves_the_name() -> None:
    result = found("Kepala Basarnas Ambon Mustari mengatakan pencarian diperluas ke Pulau Seram.")
    assert ("Basarnas", "ORG") in result
    assert ("Basarnas Ambon Mustari", "ORG") not in result


def test_search_and_rescue_branch_with_its_city() -> None:
    result = found("Tim Basarnas Kendari menemukan perahu nelayan di perairan Buton.")
    assert ("Basarnas Kendari", "ORG") in result


def test_name_after_an_organisation_inside_a_long_title() -> None:
    text = "Kepala Eksekutif Pengawas Perbankan OJK Dian Ediana Rae memastikan bank tetap sehat."
    result = found(text)
    assert ("OJK", "ORG") in result
    assert ("Dian Ediana Rae", "PER") in result
    assert not any("Eksekutif" in t for t, _ in result)


def test_lone_name_after_an_agency_in_a_title() -> None:
    result = found("Ketua Lembaga Sensor Film Rommy Fibri Hardiyanto hadir di Bandung.")
    assert ("Lembaga Sensor Film", "ORG") in result
    assert ("Rommy Fibri Hardiyanto", "PER") in result


@pytest.mark.parametrize(
    ("text", "organisation", "person"),
    [
        (
            "Kanit Reskrim Polsek Cilandak Kompol Sutikno menyebut pelaku residivis.",
            "Polsek Cilandak",
            "Sutikno",
        ),
        (
            "Pemerintah Kabupaten Sleman menetapkan status tanggap darurat.",
            "Pemerintah Kabupaten Sleman",
            None,
        ),
        (
            "Suku Dinas Sumber Daya Air Jakarta Timur mengeruk saluran di Cipinang.",
            "Suku Dinas Sumber Daya Air Jakarta Timur",
            None,
        ),
    ],
)
def test_local_government_and_police_ranks(
    text: str, organisation: str, person: str | None
) -> None:
    result = found(text)
    assert (organisation, "ORG") in result
    if person:
        assert (person, "PER") in result


def test_name_after_a_byline_credit_is_a_person_the_credit_vouches_for() -> None:
    """The credit decides, as a title does, so the tagger cannot overrule it."""
    for text, name in (
        ("Penulis: Dewi Kartika Sari", "Dewi Kartika Sari"),
        ("Editor : Linggar Ayuningtyas", "Linggar Ayuningtyas"),
    ):
        result = recognise_with_bases([text])
        (mention,) = result.mentions
        assert (mention.text, mention.label) == (name, "PER")
        assert result.bases[0, mention.start, mention.end] == "titled"


def test_title_and_captions_get_their_entities() -> None:
    article = Article(
        "a",
        "a.txt",
        "Kunjungan Budi Gunadi Sadikin Ke Puskesmas Cibinong",
        [
            Paragraph(0, "Menteri Kesehatan Budi Gunadi Sadikin meninjau Puskesmas Cibinong.", 3),
            Paragraph(1, "Budi menyebut layanan sudah membaik.", 4),
        ],
        captions=[Caption("Budi Gunadi Sadikin berbincang dengan warga di Bogor.", None, 5)],
    )
    body = find_entities(article)
    assert ("Budi Gunadi Sadikin", "PER") in {(m.text, m.label) for m in body}
    title_mentions, (caption_mentions,) = title_and_caption_entities(article)
    title = {(article.title[m.start : m.end], m.label) for m in title_mentions}
    assert ("Budi Gunadi Sadikin", "PER") in title
    caption = article.captions[0].text
    found = {(caption[m.start : m.end], m.label) for m in caption_mentions}
    assert found >= {("Budi Gunadi Sadikin", "PER"), ("Bogor", "LOC")}


def test_a_title_field_listed_over_commas_is_no_person_and_its_holder_is() -> None:
    result = found(
        "Menteri Koordinator Bidang Politik, Hukum, dan Keamanan Mahfud MD hadir di Jakarta."
    )
    assert ("Mahfud MD", "PER") in result
    assert not any(text.startswith("Bidang") for text, _ in result)


def test_a_known_place_inside_an_organisation_name_the_tagger_reads_whole() -> None:
    result = found("Pekan ini Bursa Efek Indonesia menghentikan sementara perdagangan saham.")
    assert ("Bursa Efek Indonesia", "ORG") in result
    assert ("Indonesia", "LOC") not in result


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "Ia kuliah di Fakultas Ekonomi Universitas Indonesia sejak 2019.",
            {("Fakultas Ekonomi", "ORG"), ("Universitas Indonesia", "ORG")},
        ),
        (
            "Dosen Fakultas Teknik UGM, Budi Santoso, membenarkan kabar itu.",
            {("Fakultas Teknik", "ORG"), ("UGM", "ORG"), ("Budi Santoso", "PER")},
        ),
    ],
)
def test_a_faculty_is_an_organisation_apart_from_its_university(
    text: str, names: set[tuple[str, str]]
) -> None:
    """A faculty is no person after a title, and its name ends before the university's."""
    assert found(text) == names


@pytest.mark.parametrize(
    ("text", "long_form", "short_form"),
    [
        (
            "Badan Pengelola Keuangan Haji (BPKH) menaikkan imbal hasil dana haji.",
            "Badan Pengelola Keuangan Haji",
            "BPKH",
        ),
        (
            "Pengurus Yayasan Lembaga Konsumen Indonesia (YLKI) menerima aduan itu.",
            "Yayasan Lembaga Konsumen Indonesia",
            "YLKI",
        ),
    ],
)
def test_an_abbreviation_in_brackets_after_its_long_form_is_a_mention_of_its_own(
    text: str, long_form: str, short_form: str
) -> None:
    """Where the tagger reads only the long form, the rules' abbreviation after it stands."""
    assert found(text) == {(long_form, "ORG"), (short_form, "ORG")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Jaksa memeriksa Kepala Seksi Pendataan BPKD Kudus Lina Marlina kemarin.",
            {("BPKD", "ORG"), ("Kudus", "LOC"), ("Lina Marlina", "PER")},
        ),
        (
            "Jaksa memeriksa Kepala Sub Bidang Pendataan Dinkes Kudus Rina Wulandari kemarin.",
            {("Dinkes", "ORG"), ("Kudus", "LOC"), ("Rina Wulandari", "PER")},
        ),
        (
            "Hadir pula Kepala Sub Bagian Tata Usaha Kejari Blitar Taufik Hidayat di sana.",
            {("Kejari", "ORG"), ("Blitar", "LOC"), ("Taufik Hidayat", "PER")},
        ),
    ],
)
def test_a_title_and_unit_chain_is_not_part_of_the_persons_name(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert found(text) == expected


def test_zone_aliases_world_and_antarctic_stations_are_no_places() -> None:
    # CLDR's "world" region, the old alias time zones (Australia/North, Brazil/East,
    # Mexico/General) and the Antarctic stations named after people (Antarctica/Davis)
    for word in ("Dunia", "North", "East", "General", "Central", "Davis", "Casey"):
        assert gazetteer_entry(word) is None, word
    assert gazetteer_entry("Sydney") == ("LOC", "Sydney")
    assert gazetteer_entry("Palestina") == ("LOC", "Palestina")
    text = "Aktris Brooke Davis tampil di Piala Dunia bersama penyanyi dari North Carolina."
    assert ("Davis", "LOC") not in found(text)
    assert ("Dunia", "LOC") not in found(text)


@pytest.mark.parametrize(
    ("text", "person", "not_people"),
    [
        (
            "Jaksa Agung Sanitiar Burhanuddin mengatakan kasus itu terus diselidiki tim penyidik.",
            "Sanitiar Burhanuddin",
            {"Agung Sanitiar Burhanuddin", "Agung"},
        ),
        (
            "Menhub Budi Karya Sumadi menyebut jadwal kereta akan ditambah mulai pekan depan.",
            "Budi Karya Sumadi",
            {"Menhub Budi Karya Sumadi"},
        ),
        (
            "Upacara itu dipimpin oleh kepala sekolah Drs Sutrisno pada pagi hari. Sambutan "
            "kemudian diberikan Drs. Hartono dari dinas pendidikan setempat.",
            "Sutrisno",
            {"Drs Sutrisno", "Drs"},
        ),
        (
            "Presiden Terpilih Prabowo Subianto menerima para tamu di rumahnya pada pagi hari.",
            "Prabowo Subianto",
            {"Terpilih Prabowo Subianto"},
        ),
        (
            "Acara itu dihadiri Komjen Pol Listyo Sigit Prabowo dan beberapa pejabat lain.",
            "Listyo Sigit Prabowo",
            {"Pol Listyo Sigit Prabowo"},
        ),
        (
            "Direktur Pemasaran Dewi Lestari mengatakan penjualan naik dua kali lipat tahun ini.",
            "Dewi Lestari",
            {"Pemasaran Dewi Lestari"},
        ),
    ],
)
def test_title_words_are_not_part_of_the_name(text: str, person: str, not_people: set[str]) -> None:
    people = {name for name, label in found(text) if label == "PER"}
    assert person in people
    assert not people & not_people


def test_a_portfolio_word_after_a_title_is_the_title_not_a_person() -> None:
    text = "Ia pernah menjabat sebagai Menteri Perkebunan pada tahun 1967 sebelum pensiun."
    assert ("Perkebunan", "PER") not in found(text)
    # a head that opens an organisation stays one (`Kejaksaan Agung`)
    text = (
        "Kepala Pusat Penerangan Hukum Kejaksaan Agung Ketut Sumedana mengatakan berkas itu "
        "sudah lengkap."
    )
    assert ("Ketut Sumedana", "PER") in found(text)


def test_a_unit_between_two_titles_is_no_person() -> None:
    text = (
        "Kepala Dinas Penerangan TNI AD Brigjen Wahyu Santoso mengatakan latihan itu selesai "
        "pada sore hari."
    )
    result = found(text)
    assert ("Wahyu Santoso", "PER") in result
    assert ("AD", "PER") not in result
    assert ("Dinas Penerangan TNI AD", "ORG") in result
    text = "Kepala Bidang Humas PMI DKI Kolonel Rudi Hartono meninjau lokasi banjir kemarin siang."
    result = found(text)
    assert ("Rudi Hartono", "PER") in result
    assert not any(label == "PER" and "PMI" in name for name, label in result)


def test_a_street_is_named_over_the_names_inside_it() -> None:
    text = (
        "Wartawan menunggu di depan kantor itu di Jl Medan Merdeka Barat, Jakarta, sejak pagi tadi."
    )
    result = found(text)
    assert ("Jl Medan Merdeka Barat", "LOC") in result
    assert not any(label == "PER" for _, label in result)


def test_a_word_the_article_writes_in_lowercase_is_no_person_for_acting() -> None:
    text = (
        "Lagu berjudul Bukan Cinta Biasa dinyanyikan ulang oleh penyanyi itu tahun lalu. "
        "Menurut penulisnya, Cinta menjadi tema yang tidak pernah habis, sebab setiap orang "
        "punya cinta."
    )
    assert ("Cinta", "PER") not in found(text)
    # a person named in full is still found by the surname alone
    text = (
        "Menteri itu bertemu Budi Santoso di kantornya. Santoso menjelaskan rencana "
        "pembangunan jalan baru."
    )
    assert ("Santoso", "PER") in found(text)


def test_a_company_unit_inside_a_title_is_neither_person_nor_place() -> None:
    text = (
        "Pemadaman bergilir berakhir pada malam hari, kata General Manager PLN Unit Induk "
        "Distribusi Bali Made Suartika kepada wartawan."
    )
    assert found(text) == {("PLN", "ORG"), ("Bali", "LOC"), ("Made Suartika", "PER")}


def test_indonesian_regencies_and_provinces_are_places() -> None:
    text = (
        "Banjir merendam ratusan rumah di Klaten dan Sidoarjo, sementara warga Gorontalo "
        "dan Pidie mengirim bantuan ke sana."
    )
    result = found(text)
    for place in ("Klaten", "Sidoarjo", "Gorontalo", "Pidie"):
        assert (place, "LOC") in result, place
    assert gazetteer_entry("Sumsel") == ("LOC", "Sumatera Selatan")


def test_chamber_of_commerce_and_honorifics_before_a_name() -> None:
    text = (
        "Ketua Kamar Dagang dan Industri Kota Bandung Iwan Suryadi mengatakan pengusaha siap, "
        "didampingi Ny Herawati Boediono dari yayasan setempat."
    )
    result = found(text)
    assert ("Iwan Suryadi", "PER") in result
    assert ("Herawati Boediono", "PER") in result
    assert not any(label == "PER" and "Dagang" in name for name, label in result)


def test_several_capitalised_words_after_di_the_tagger_reads_as_no_name_are_no_place() -> None:
    text = "Lagu itu menjadi nomor satu di Hot Country Songs chart pada pekan lalu."
    assert ("Hot Country Songs", "LOC") not in found(text)
    # a place the tagger reads with its lowercase head keeps the rules' name
    text = "Penduduk yang tinggal di desa Sukamaju Hilir mayoritas bertani padi."
    assert ("Sukamaju Hilir", "LOC") in found(text)


def test_a_street_after_lowercase_jalan_holds_no_person() -> None:
    text = (
        "Wartawan berkumpul di kantor kementerian itu, jalan Medan Merdeka Barat, Jakarta, "
        "sejak pagi tadi."
    )
    result = found(text)
    assert ("Medan Merdeka Barat", "LOC") in result
    assert not any(label == "PER" for _, label in result)


def test_a_place_ending_a_one_word_name_after_a_title_is_the_name() -> None:
    text = "Rapat itu dipimpin Komjen Pol Badrodin Haiti yang kini menjabat Wakil Kepala Polri."
    result = found(text)
    assert ("Badrodin Haiti", "PER") in result
    assert ("Haiti", "LOC") not in result
    # the title's own place comes before the name
    assert ("Rusia", "LOC") in found("Presiden Rusia Vladimir Putin tiba di Beijing kemarin.")


def test_oil_and_gas_words_continue_an_agency_name_over_dan() -> None:
    text = "Ketua Komite Badan Pengatur Hilir Minyak dan Gas Bumi mengatakan pasokan aman."
    result = found(text)
    assert ("Komite Badan Pengatur Hilir Minyak dan Gas Bumi", "ORG") in result
    assert ("Gas Bumi", "PER") not in result


def test_a_task_force_or_platoon_before_the_name_is_an_organisation() -> None:
    text = (
        "Juru Bicara Satuan Tugas Penanganan Covid-19 Provinsi Bengkulu Rudi Hartono mengatakan "
        "vaksin sudah tiba di gudang."
    )
    result = found(text)
    assert ("Rudi Hartono", "PER") in result
    assert ("Satuan Tugas Penanganan Covid-19 Provinsi Bengkulu", "ORG") in result
    text = "Api sudah padam, kata Budi, Kepala Peleton B dari pos pemadam kebakaran setempat."
    result = found(text)
    assert ("Budi", "PER") in result
    assert ("Peleton B", "PER") not in result


def test_the_person_after_a_comma_holds_the_title_chain_before_it() -> None:
    text = "Pendaftaran ditutup pukul 16.00, kata Ketua KPUD Kendari, Asnuddin, kepada wartawan."
    rules = recognise_with_bases([text])
    read = {(m.text, m.label, rules.bases[m.paragraph, m.start, m.end]) for m in rules.mentions}
    assert read == {
        ("KPUD", "ORG", "acronym"),
        ("Kendari", "LOC", "known"),
        ("Asnuddin", "PER", "holder"),
    }
    assert ("Asnuddin", "PER") in found(text)
    # a title's field listed over commas is still no person
    assert not any(
        label == "PER"
        for _, label in found("Ia dilantik sebagai Menteri Pendidikan, Kebudayaan, dan Riset.")
    )


def test_a_place_named_with_ordinary_words_holds_no_person() -> None:
    # `Induk` is an ordinary organisation word (PLN Unit Induk); after a place's head the
    # words that follow are still the place's
    text = "Harga cabai di Pasar Induk Kramat Jati naik tajam sepanjang pekan ini."
    result = found(text)
    assert ("Pasar Induk Kramat Jati", "LOC") in result
    assert not any(label == "PER" for _, label in result)


@pytest.mark.parametrize(
    "text",
    [
        "Ia terus mencari jalan Tuhan dalam hidupnya.",
        "Mereka berjuang di jalan Allah, kata dia.",
        "Tidak ada jalan Pintas untuk sukses.",
        "Pemerintah memilih jalan Tengah dalam sengketa itu.",
        "Ia menempuh jalan Sunyi sebagai seniman.",
    ],
)
def test_one_word_after_lowercase_jalan_is_no_street_by_itself(text: str) -> None:
    # `jalan` is also a way: one capitalised word after it that no list knows is a
    # street only where the tagger reads a name
    assert not any(label == "LOC" for _, label in found(text))


def test_a_street_after_lowercase_jalan_keeps_several_words_or_a_known_name() -> None:
    assert ("Medan Merdeka Barat", "LOC") in found("Massa berkumpul di jalan Medan Merdeka Barat.")
    # a name the gazetteer knows is the street's whole name
    assert ("Gorontalo", "LOC") in found("Macet panjang di jalan Gorontalo pagi ini.")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Israel Serang Rafah Lagi", "Serang"),
        ("Kisah Seram di Rumah Tua", "Seram"),
        ("Palu hakim diketuk tiga kali oleh majelis.", "Palu"),
        ("Buru Pelaku Begal", "Buru"),
        ("Palu dan Paku Dijual Murah", "Palu"),
        ("Tentara Israel Serang Rafah dan Gaza", "Serang"),
        # its people before it in a headline, where the word is a verb
        ("Warga Serang Petugas Satpol PP yang Hendak Membongkar Lapak", "Serang"),
        ("Puluhan Warga Serang Kantor Desa karena Kecewa Dana Bansos", "Serang"),
        ("Penduduk Buru Babi Hutan yang Merusak Kebun", "Buru"),
    ],
)
def test_a_regency_that_is_also_a_common_word_needs_a_cue(text: str, word: str) -> None:
    assert (word, "LOC") not in found(text)


def test_a_regency_that_is_also_a_common_word_is_a_place_after_a_cue() -> None:
    assert "palu" in gazetteer().common_word_places
    assert ("Palu", "LOC") in found("Ia tinggal di Palu sejak tahun lalu.")
    assert ("Serang", "LOC") in found("Rombongan itu berangkat dari Serang pagi tadi.")
    # in a headline, a place the body named after a cue
    article = ["Bupati Datang ke Serang", "Rombongan itu tiba di Serang pagi tadi."]
    assert ("Serang", "LOC") in {(m.text, m.label) for m in recognise(article) if m.paragraph == 0}


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Warga Garut dan Tasikmalaya mengeluhkan harga beras yang terus naik.", "Garut"),
        ("Ribuan warga Garut mengungsi akibat banjir bandang.", "Garut"),
        ("Penduduk Serang menolak pembangunan pabrik semen itu.", "Serang"),
        ("Banjir merendam rumah warga Serang, Banten, sejak Sabtu.", "Serang"),
        ("Banjir merendam ratusan rumah di Ciamis serta Garut pekan ini.", "Garut"),
        ("Harga cabai di Tasikmalaya atau Garut belum turun.", "Garut"),
    ],
)
def test_a_common_word_regency_is_a_place_among_its_people_or_other_places(
    text: str, place: str
) -> None:
    assert (place, "LOC") in found(text)


def test_a_football_club_named_after_a_regency_is_one_organisation() -> None:
    result = found("Pemain PS Barito Putera berlatih di Banjarmasin.")
    assert ("PS Barito Putera", "ORG") in result
    assert not any(label == "PER" for _, label in result)


def test_a_branch_region_before_the_comma_that_closes_a_title_is_no_person() -> None:
    text = "Kepala Unit Reskrim Polsek Tebet, Iptu Sudarmo, mengatakan pelaku sudah ditangkap."
    result = found(text)
    assert {name for name, label in result if label == "PER"} == {"Sudarmo"}
    assert any(label == "ORG" and name.endswith("Polsek Tebet") for name, label in result)
    assert ("Polsek Tebet", "ORG") in found(
        "Kepala Polsek Tebet, Iptu Sudarmo, mengatakan pelaku sudah ditangkap."
    )


@pytest.mark.parametrize(
    ("text", "company", "person"),
    [
        (
            "Direktur Utama PT Bumi Resources Saptari Hoedaja mengatakan hal itu.",
            "PT Bumi Resources",
            "Saptari Hoedaja",
        ),
        (
            "Direktur PT Minyak Kita Budi Santoso mengatakan hal itu.",
            "PT Minyak Kita",
            "Budi Santoso",
        ),
    ],
)
def test_a_company_named_with_a_common_word_is_not_cut_before_a_person(
    text: str, company: str, person: str
) -> None:
    # `Bumi` and `Minyak` are no ordinary organisation words: they open company names
    result = found(text)
    assert (company, "ORG") in result
    assert (person, "PER") in result


def test_a_teams_age_group_belongs_to_its_name() -> None:
    assert ("Timnas Indonesia U-23", "ORG") in found(
        "Pelatih Timnas Indonesia U-23 memanggil 30 pemain untuk pemusatan latihan."
    )
    assert ("Timnas U-19 Indonesia", "ORG") in found(
        "Skuad Timnas U-19 Indonesia berangkat ke Qatar pekan depan."
    )


def test_a_title_before_a_place_is_no_organisation() -> None:
    """The tagger may read `Menteri Luar Negeri Rusia` as one organisation ending in a
    known place; a title is no part of a name, so the place and the person stand."""
    result = found("Menteri Luar Negeri Rusia Sergei Lavrov tiba di Pyongyang kemarin.")
    assert ("Rusia", "LOC") in result
    assert ("Sergei Lavrov", "PER") in result
    assert not any(text.startswith("Menteri") for text, _ in result)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mantan presiden Susilo B. Yudhoyono hadir di acara itu.", "Susilo B. Yudhoyono"),
        ("Film karya Arifin C. Noer diputar lagi di Cirebon.", "Arifin C. Noer"),
        ("Rumah itu milik Joko S. Prasetyo, kata warga.", "Joko S. Prasetyo"),
    ],
)
def test_a_middle_initial_does_not_end_the_sentence_or_the_name(text: str, name: str) -> None:
    assert (name, "PER") in found(text)


def test_a_capital_letter_before_a_sentence_is_no_initial() -> None:
    result = found("Ia rutin minum Vitamin C. Selain itu, tidurnya cukup.")
    assert not any("Selain" in name for name, _ in result)
    result = found("Rumahnya di Blok C. Budi Santoso lalu datang menjemput.")
    assert ("Budi Santoso", "PER") in result


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (
            "Kawasan Penyangga Hutan Lestari memiliki luas 2 juta hektare. "
            "Kawasan ini dijaga ketat oleh warga.",
            "Kawasan",
        ),
        ("Album Rindu Lama dirilis pada 2019. Album perdana itu laris di pasaran.", "Album"),
    ],
)
def test_a_word_is_no_person_for_a_name_the_reader_did_not_keep(text: str, word: str) -> None:
    """The rules guess a name from capitals (`Kawasan Penyangga`) and resolve the lone word
    from it; where the merge drops that guess, the lone word is no person either."""
    assert (word, "PER") not in found(text)


def test_a_lone_surname_still_borrows_from_a_kept_person() -> None:
    text = "Warga menyambut Rudi Hartawan di balai desa. Hartawan lalu berkeliling kampung."
    assert ("Hartawan", "PER") in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Korea Utara di bawah Kim Jong Un terus mengembangkan senjata nuklir.",
        "Rakyat Pyongyang menyambut Kim Jong Un dengan meriah.",
        "Presiden Rusia menyambut Kim Jong Un di stasiun Vladivostok.",
        "Tiongkok di bawah Xi Jinping makin berpengaruh di kawasan itu.",
    ],
)
def test_a_well_known_person_is_no_organisation_for_the_word_before(text: str) -> None:
    result = found(text)
    person = next(name for name in ("Kim Jong Un", "Xi Jinping") if name in text)
    assert (person, "PER") in result
    assert not any(person in name and label != "PER" for name, label in result)


def test_haji_and_ustaz_are_titles_not_part_of_the_name() -> None:
    result = found("Tanah itu dibeli oleh Haji Sulaiman Rasyid pada tahun 1980.")
    assert ("Sulaiman Rasyid", "PER") in result
    result = found("Pengajian itu dipimpin Ustaz Abdul Somad di masjid raya.")
    assert ("Abdul Somad", "PER") in result


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Presiden Perancis Emmanuel Macron tiba di Jakarta.", "Perancis"),
        ("Kebakaran hutan melanda wilayah utara Wisconsin pekan lalu.", "Wisconsin"),
        ("Banjir besar merendam Kelantan dan Terengganu sejak Senin.", "Kelantan"),
        ("Ia lahir di Hongkong dan besar di Singapura.", "Hongkong"),
    ],
)
def test_regions_and_spellings_the_news_names(text: str, place: str) -> None:
    result = found(text)
    assert (place, "LOC") in result
    assert not any(place in name and label == "PER" for name, label in result)


def test_an_organisation_head_opening_with_pers_is_no_club() -> None:
    text = "Sekolah itu dibantu Persatuan Orang Tua Murid yang dibentuk tahun lalu."
    result = found(text)
    assert ("Persatuan", "ORG") not in result
    assert not any(label == "PER" for _, label in result)


def test_a_numbered_company_after_kepada_is_no_person() -> None:
    text = "Pemerintah menyerahkan pengelolaan bandara itu kepada PT Angkasa Pura II."
    result = found(text)
    assert ("PT Angkasa Pura II", "ORG") in result
    assert not any(label == "PER" for _, label in result)


@pytest.mark.parametrize("title", ["Sunny Side Up", "Happy Go Lucky"])
def test_a_title_in_capitals_the_tagger_doubts_is_no_person(title: str) -> None:
    """The rules read several capitalised words as a person from capitals alone; where
    the tagger names none of them and gives that person less than even odds, it is no
    name (`UNKNOWN_PERSON_STANDS`)."""
    result = found(f'Dengan album mini perdana " {title} " ia memulai debutnya.')
    assert (title, "PER") not in result


def test_a_verb_with_a_stray_capital_ends_a_persons_name() -> None:
    result = found("Kemudian Lee Ji Eun Menerima penghargaan aktris terbaik.")
    assert ("Lee Ji Eun", "PER") in result
    assert not any("Menerima" in name for name, _ in result)


def test_a_word_that_only_acts_is_the_taggers_to_name() -> None:
    """`bahwa X telah ...` made any capitalised word a person (`actor`); a product is no
    person, so the tagger decides, except for a word of a well-known person's name."""
    assert ("Pertamax", "PER") not in found("Ia menyebut bahwa Pertamax telah menguasai pasar.")
    assert ("Putin", "PER") in found("Kemudian Putin menelepon Shoigu dari Moskow.")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Rombongan jemaah menginap di Asrama Haji Pondok Gede selama dua malam.", "Pondok Gede"),
        ("Petugas Kantor Urusan Haji Jeddah memeriksa paspor jemaah.", "Jeddah"),
        ("Kloter ketiga menunggu di Asrama Haji Embarkasi Surabaya sejak pagi.", "Surabaya"),
        ("Bus jemaah berangkat dari Asrama Haji Sudiang Makassar menuju bandara.", "Sudiang"),
        ("Kantornya di Jalan Haji Agus Salim Nomor 12.", "Agus Salim"),
        ("Warung itu di Jalan Haji Juanda Nomor 3.", "Juanda"),
    ],
)
def test_haji_inside_a_place_or_office_name_is_no_title(text: str, words: str) -> None:
    """`Haji` is a title where it opens a name; after another capitalised word it is a word
    of that place's or office's name (the pilgrimage), and nothing after it is a person."""
    result = found(text)
    assert not any(words in name and label == "PER" for name, label in result)


def test_haji_after_a_title_is_still_a_title() -> None:
    result = found("Acara itu dibuka Gubernur Haji Sulaiman Rasyid di pendopo.")
    assert ("Sulaiman Rasyid", "PER") in result


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Pemain Persib kalah dari Sarawak Gemilang Perkasa di kandang lawan.", "Gemilang Perkasa"),
        ("Lagu itu dinyanyikan oleh Nevada Hartono pada malam penutupan.", "Hartono"),
    ],
)
def test_a_region_opening_a_run_leaves_no_person_of_capitals_alone(text: str, rest: str) -> None:
    """A first-level region at the start of a capitalised run (`Sarawak`, `Nevada`) may be a
    word of the name it opens: the rules do not cut the run there and make the rest a person
    from capitals alone; the tagger reads the whole run."""
    mentions = recognise_with_bases([text]).mentions
    assert not any(m.text == rest and m.label == "PER" for m in mentions)
    assert not any(m.text in ("Sarawak", "Nevada") for m in mentions)


def test_a_region_ending_a_run_of_unknown_words_is_the_names_last_word() -> None:
    result = found("Lagu itu diciptakan oleh Derek Tasmania pada tahun 1990.")
    assert ("Derek Tasmania", "PER") in result
    assert ("Tasmania", "LOC") not in result


@pytest.mark.parametrize(
    ("text", "place", "person"),
    [
        ("Gubernur Ohio Mike DeWine meninjau lokasi banjir.", "Ohio", "Mike DeWine"),
        (
            "Peneliti Lembaga Kajian Ekonomi (LKE) Bali Made Sudarsa hadir di sana.",
            "Bali",
            "Made Sudarsa",
        ),
    ],
)
def test_a_place_after_a_title_or_a_unit_still_comes_before_the_person(
    text: str, place: str, person: str
) -> None:
    """A region of another country after a title, and an Indonesian place opening a run
    after a unit's acronym in brackets, still cut the run: the person follows them."""
    result = found(text)
    assert (place, "LOC") in result
    assert (person, "PER") in result


def test_a_region_right_before_another_place_leaves_no_person_of_the_rest() -> None:
    """`Penyanyi Florida Georgia Line` (a band): a region of another country right before
    another place is no title's place, and the word after them no person."""
    result = found("Penyanyi Kansas Oregon Ray tampil memukau di Jakarta.")
    assert not any(label == "PER" for _, label in result)
    assert ("Kansas", "LOC") not in result


@pytest.mark.parametrize(
    ("text", "region", "country", "person"),
    [
        (
            "Gubernur New Mexico AS Bill Richardson tiba di Pyongyang pekan lalu.",
            "New Mexico",
            "AS",
            "Bill Richardson",
        ),
        (
            "Kemarin Gubernur Ohio Amerika Serikat Mike DeWine berkunjung.",
            "Ohio",
            "Amerika Serikat",
            "Mike DeWine",
        ),
    ],
)
def test_a_titles_region_before_its_country_stays_a_place(
    text: str, region: str, country: str, person: str
) -> None:
    """A region of another country right before its country, after a title, is the title's
    place (only a region before another region is left to the tagger: `Florida Georgia`)."""
    result = found(text)
    assert {(region, "LOC"), (country, "LOC"), (person, "PER")} <= result


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Drama karya Tennessee Williams itu dipentaskan di Jakarta.", "Tennessee Williams"),
        ("Tennessee Williams menulis drama itu pada 1947.", "Tennessee Williams"),
        ("Drama itu bagus, kata Tennessee Williams.", "Tennessee Williams"),
        ("Hal itu disampaikan kepada Tennessee Williams.", "Tennessee Williams"),
        ("Menurut Tennessee Williams, drama itu ditulis dalam dua bulan.", "Tennessee Williams"),
        ("Menurut Virginia Woolf, menulis butuh ruang sendiri.", "Virginia Woolf"),
    ],
)
def test_a_region_opening_a_one_word_person_is_the_persons_first_name(
    text: str, person: str
) -> None:
    """A region of another country the tagger reads right before a one-word person, the run
    opening after an ordinary lowercase word, is the person's first name."""
    result = found(text)
    assert (person, "PER") in result
    assert not any(label == "LOC" and name in person for name, label in result)


@pytest.mark.parametrize(
    ("text", "place", "person"),
    [
        ("Langkah senator Ohio Vance disambut baik.", "Ohio", "Vance"),
        ("Sikap gubernur Kentucky Lombardo disambut baik.", "Kentucky", "Lombardo"),
        ("Langkah wali kota Texas Abbott disambut baik.", "Texas", "Abbott"),
    ],
)
def test_a_region_after_a_lowercase_title_stays_the_titles_place(
    text: str, place: str, person: str
) -> None:
    """The news writes titles lowercase mid-sentence: a region of another country after
    one (one word or two) is the title's place, not the first name of the person after it."""
    result = found(text)
    assert (place, "LOC") in result
    assert (person, "PER") in result
    assert not any(name.startswith(place + " ") for name, _ in result)


def test_a_region_after_a_place_preposition_stays_a_place() -> None:
    result = found("Kampanye di Texas Abbott tidak banyak didatangi pemilih.")
    assert ("Texas", "LOC") in result
    assert not any(name.startswith("Texas ") for name, _ in result)


@pytest.mark.parametrize(
    ("text", "parliament"),
    [
        ("Menurut anggota Komisi III DPR Bambang Soesatyo, hal itu wajar.", "DPR"),
        ("Rapat kerja dengan Komisi VII DPR RI berlangsung hingga malam.", "DPR RI"),
    ],
)
def test_a_numbered_commission_is_no_name_its_parliament_is(text: str, parliament: str) -> None:
    result = found(text)
    assert (parliament, "ORG") in result
    assert not any(name.startswith("Komisi") for name, _ in result)


def test_numbered_commissions_joined_by_dan_are_no_names() -> None:
    """Neither in the reader's answer nor in the rules' (the tagger's features)."""
    text = "Menteri Rini sering membuat Komisi VI dan XI menolak kehadirannya."
    rules = {m.text for m in recognise_with_bases([text]).mentions}
    for names in (rules, {name for name, _ in found(text)}):
        assert not names & {"Komisi VI", "XI", "Komisi VI dan XI"}


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        ("Kelompok Al-Qaeda mengaku bertanggung jawab atas serangan itu.", "Al-Qaeda", "ORG"),
        ("Ia pernah menjadi duta besar untuk Pilipina dan Thailand.", "Pilipina", "LOC"),
    ],
)
def test_added_gazetteer_names(text: str, name: str, label: str) -> None:
    assert (name, label) in found(text)


def test_common_noun_acronyms_are_no_organisations() -> None:
    result = found("Penjualan produk UKM dan dana PSO naik menjelang Pileg.")
    assert not any(name in ("UKM", "PSO", "Pileg") for name, _ in result)


@pytest.mark.parametrize(
    ("place", "takes"),
    [("Kebumen Darsono", True), ("Pantai Darsono", False), ("Kebumen Jawa", False)],
)
def test_a_place_reading_does_not_take_the_name_after_a_title(place: str, takes: bool) -> None:
    """After a title chain, a known place and one unknown word ending the person the rules
    read are the title's place and the person's name: the tagger's place over both does
    not overrule that person (`recogniser._gives_way`)."""
    from kabar_tui.core.language.entities.recogniser import _place_takes_the_name
    from kabar_tui.core.model import Mention

    text = f"kata Ketua Kelompok Pelestari Hutan Wanalestari {place}, di hutan."
    start = text.index("Kelompok")
    person = Mention(text[start : text.index(",")], "PER", 0, start, text.index(","))
    name = Mention(place, "LOC", 0, text.index(place), text.index(","))
    assert _place_takes_the_name(name, person) is takes


@pytest.mark.parametrize(
    ("text", "name", "label"),
    [
        (
            "Dia bertemu Presiden Mesir Abdel Fattah al-Sisi di Kairo.",
            "Abdel Fattah al-Sisi",
            "PER",
        ),
        ("Presiden Hosni al-Mubarak tiba di Jakarta, Senin.", "Hosni al-Mubarak", "PER"),
        ("Kabar itu dibantah Perdana Menteri Haidar al-Abadi kemarin.", "Haidar al-Abadi", "PER"),
        ("Tokoh itu bernama Yusuf al-Qaradawi, seorang ulama Mesir.", "Yusuf al-Qaradawi", "PER"),
        (
            "Kapal tanker itu ditahan di Selat Shatt al-Arab pekan lalu.",
            "Selat Shatt al-Arab",
            "LOC",
        ),
    ],
)
def test_a_family_name_opened_by_a_particle_is_part_of_the_name(
    text: str, name: str, label: str
) -> None:
    """`al-Sisi` starts in lowercase but is a family name: the name runs over it (after a
    title too), not cut at it or dropped as a name ending in a lowercase word."""
    result = found(text)
    assert (name, label) in result
    assert not any(other != name and other in name for other, _ in result if _ == label)


@pytest.mark.parametrize(
    ("text", "place", "person"),
    [
        ("Kebijakan itu dikritik wali kota Florida Ginther pekan lalu.", "Florida", "Ginther"),
        ("Hal itu dikatakan wali kota Texas Adler kemarin.", "Texas", "Adler"),
        ("Kata gubernur Arizona Hobbs, perbatasan aman.", "Arizona", "Hobbs"),
        ("Hal itu disampaikan gubernur Florida Ron DeSantis kemarin.", "Florida", "Ron DeSantis"),
        ("Hal itu disampaikan gubernur Oregon Tina Kotek kemarin.", "Oregon", "Tina Kotek"),
    ],
)
def test_a_place_the_tagger_reads_on_into_a_titles_person_is_split(
    text: str, place: str, person: str
) -> None:
    """After a lowercase title the tagger reads `Florida Ginther` as one place, `Florida Ron
    DeSantis` as one person, or only `Tina Kotek` after `Oregon`: a known place followed by
    words no list knows is the title's place and its holder."""
    result = found(text)
    assert {(place, "LOC"), (person, "PER")} <= result
    assert not any(name.startswith(place + " ") for name, _ in result)


def test_a_company_named_after_an_indonesian_place_after_a_title_is_not_split() -> None:
    """Only a region of another country, which the rules leave to the tagger, is split from
    the words after it: `Jakarta Propertindo` after `direktur` is a firm, not a place and
    a person."""
    result = found("Hal itu dikatakan direktur Jakarta Propertindo kemarin.")
    assert ("Propertindo", "PER") not in result


def test_a_firm_named_after_a_foreign_region_after_a_title_is_not_split() -> None:
    """A name the tagger reads as an organisation after a lowercase title stays one, even
    when it opens with a region of another country (`direktur Texas Instruments`): only a
    place or a person the tagger reads on is the title's place and its holder. Several
    paragraphs, as an article has them: with one alone the tagger happened to keep it."""
    paragraphs = [
        "Hal itu dikatakan direktur Texas Instruments kemarin.",
        "Cuaca di Jakarta cerah pada Senin pagi.",
        "Saham yang dijual direktur Arizona Beverages turun tajam.",
        "Laporan itu disusun direktur California Pizza kemarin.",
        "Hal itu disampaikan gubernur Florida Ron DeSantis kemarin.",
    ]
    result = {(m.text, m.label) for m in recognise(paragraphs)}
    for firm in ("Texas Instruments", "Arizona Beverages", "California Pizza"):
        assert (firm, "ORG") in result
        assert (firm.split()[1], "PER") not in result
    assert {("Florida", "LOC"), ("Ron DeSantis", "PER")} <= result


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Ketua panitia itu menjelaskan rencananya kepada detikcom, Senin (4/5/2020).", "detikcom"),
        ("Harga ponsel lipat itu naik lagi, seperti dilaporkan detikINET pekan lalu.", "detikINET"),
        ("Pemain muda itu resmi pindah klub, demikian dikutip Antara pada Kamis.", "Antara"),
    ],
)
def test_an_outlet_the_text_cites_is_an_organisation(text: str, outlet: str) -> None:
    """A news outlet written in lowercase (`detikcom`) or as an ordinary word (`Antara`,
    between) is an organisation where the tagger reads one: before, the merge dropped
    every name starting in lowercase or made of ordinary words."""
    assert (outlet, "ORG") in found(text)


def test_an_outlet_word_used_as_an_ordinary_word_is_no_name() -> None:
    """`Antara` opening a sentence as the word (among) is no outlet."""
    assert not any(name == "Antara" for name, _ in found("Antara lain, hujan turun di Bogor."))


def test_a_short_title_and_its_stop_end_no_sentence() -> None:
    """The stop of a title written short (`Dr.`, `Prof.`) ends no sentence: the name
    after it is read with the words before it, here a hospital named after a doctor."""
    result = found("Pasien itu dirujuk ke RSUP Dr. Kariadi Semarang pada malam harinya.")
    assert any(name.startswith("RSUP Dr. Kariadi") for name, _ in result)
    from kabar_tui.core.language.entities.recogniser import _sentences

    words = ["Ia", "menemui", "Prof", ".", "Sulastri", "kemarin", ".", "Ia", "pulang", "."]
    assert _sentences(words) == [(0, 7), (7, 10)]


@pytest.mark.parametrize(
    ("text", "name", "person"),
    [
        (
            "Penelitian itu dipimpin Dosen Fakultas Kedokteran Hewan Dr. Teguh Prasetyo.",
            ("Fakultas Kedokteran Hewan", "ORG"),
            "Teguh Prasetyo",
        ),
        (
            "Upacara itu dipimpin Kepala Sekolah Bapak Drs. Wahyu Hidayat pagi tadi.",
            None,  # `Sekolah Bapak` is no name: whatever is read there, it ends before `Drs`
            "Wahyu Hidayat",
        ),
    ],
)
def test_a_name_ends_before_the_short_title_of_the_person_after_it(
    text: str, name: tuple[str, str] | None, person: str
) -> None:
    """A head's name runs to the end of the capitalised words, but a short title there is
    the person's (titles are not part of a name)."""
    result = found(text)
    assert name is None or name in result
    assert (person, "PER") in result
    assert not any(n.endswith(("Dr", "Dr.", "Drs", "Drs.")) for n, _ in result)


def test_a_person_read_with_a_short_title_and_its_stop_loses_them() -> None:
    """The tagger may read `Mr.` into a person's name now that its stop ends no sentence."""
    from kabar_tui.core.language.entities.recogniser import _without_title

    text = "Ia berunding dengan Mr. Soebandrio Wirjosandjojo kemarin."
    start = text.index("Mr.")
    name = _without_title(Mention("Mr. Soebandrio Wirjosandjojo", Label.PER, 0, start, start + 28))
    assert text[name.start : name.end] == name.text == "Soebandrio Wirjosandjojo"


@pytest.mark.parametrize(
    ("text", "club"),
    [
        (
            "Stoke City menang 2-0 atas Burnley dalam lanjutan Liga Inggris akhir pekan lalu.",
            "Stoke City",
        ),
        (
            "Striker itu mencetak dua gol untuk Norwich City dalam laga melawan Everton.",
            "Norwich City",
        ),
        (
            "Gelandang asal Skotlandia itu resmi bergabung dengan Ipswich Town pada Senin.",
            "Ipswich Town",
        ),
    ],
)
def test_a_town_with_a_club_tail_in_a_sentence_about_football_is_the_club(
    text: str, club: str
) -> None:
    """`Stoke City` in a sentence with a football word that is no everyday word is the club,
    an organisation (a football club is an organisation, README)."""
    assert (club, "ORG") in found(text)


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Pelatih tim nasional itu tiba di Mexico City kemarin.", "Mexico City"),
        ("Wisatawan memadati Mexico City saat libur panjang.", "Mexico City"),
        # everyday words that also name football things: a pen, a trainer, a night club
        (
            "Kawasan Quezon City dilanda banjir; warga menyelamatkan ternak dari kandang"
            " yang terendam.",
            "Quezon City",
        ),
        (
            "Pesawat itu mendarat di bandara Mexico City setelah penerbangan panjang;"
            " pelatih tim basket ikut rombongan.",
            "Mexico City",
        ),
        (
            "Warga Vatican City memadati Lapangan Santo Petrus; paduan suara dan klub pemuda"
            " Katolik ikut hadir.",
            "Vatican City",
        ),
        (
            "Klub malam di kawasan New York City ditutup polisi karena melanggar aturan jam malam.",
            "New York City",
        ),
        # a city the place lists know, though the sentence is about football
        (
            "Presiden mengunjungi New York City; sebelumnya ia menonton final Liga Champions.",
            "New York City",
        ),
        # football in another sentence of the paragraph
        (
            "Hujan deras merendam Quezon City sejak pagi. Malam harinya warga menonton siaran"
            " Liga Champions di balai desa.",
            "Quezon City",
        ),
    ],
)
def test_a_city_named_with_city_stays_a_place(text: str, city: str) -> None:
    result = found(text)
    assert (city, "ORG") not in result
    assert any(city in name and label == "LOC" for name, label in result)


@pytest.mark.parametrize(
    "text",
    [
        "KH. Ma'ruf Amin membuka acara itu di Pondok Pesantren Tebuireng, Jombang.",
        "Acara dimulai pukul 08.00. KH. Mustofa Bisri lalu memberikan tausiah di Rembang.",
        "Prof. Dwikorita Karnawati dari BMKG memaparkan prakiraan cuaca di Jakarta.",
    ],
)
def test_a_short_title_alone_is_no_name(text: str) -> None:
    """`KH.` opening a sentence reads no organisation `KH`: a title is no name, the person
    after it is."""
    result = found(text)
    assert not any(name.rstrip(".") in TITLE_ABBREVIATIONS for name, _ in result)
    assert any(label == "PER" for _, label in result)


@pytest.mark.parametrize(
    ("text", "body", "person"),
    [
        (
            "Ketua PBNU KH. Yahya Cholil Staquf mengatakan hal itu di Jakarta.",
            "PBNU",
            "Yahya Cholil Staquf",
        ),
        (
            "Ketua PWNU Jawa Timur KH. Marzuki Mustamar membuka acara itu.",
            "PWNU",
            "Marzuki Mustamar",
        ),
    ],
)
def test_kh_before_a_name_is_the_persons_title(text: str, body: str, person: str) -> None:
    """`KH.` between a body and a person is the person's title: the body's name does not
    run into it (`PBNU KH` was read as a person)."""
    result = found(text)
    assert not any(name.endswith("KH") for name, _ in result)
    assert (body, "ORG") in result
    assert (person, "PER") in result


def test_kh_with_no_name_after_it_ends_a_name() -> None:
    assert ("Hadratusy Syaikh KH", "PER") in found(
        "Gelar itu diberikan kepada Hadratusy Syaikh KH."
    )


def test_a_word_that_opens_no_phrase_is_answered_0_by_the_look_ups():
    """`rules._segment` skips the name, title and head look-ups at a word that opens no
    phrase of their table (`lengths`) and takes 0: it must be their own answer there."""
    gaz = gazetteer()
    for table in (gaz.names, gaz.person_cues, gaz.org_heads, gaz.loc_heads):
        assert all(table.lengths.values())  # a listed first word opens some phrase
    tokens = tokenize(
        "Kepala Dinas Kesehatan Kota Bogor Sri Nowo Retno, Menteri Luar Negeri Retno "
        "Marsudi, Universitas Gadjah Mada dan Badan Pusat Statistik di Jakarta Selatan "
        "bersama Xyzzy Qwerty dan Presiden Joko Widodo."
    )
    keys, end = tokens.keys, len(tokens.keys)
    skipped = 0
    for k in range(end):
        if keys[k] not in gaz.names.lengths:
            skipped += 1
            assert _name_at(tokens, keys, k, end, gaz, {}) == (0, "")
        if keys[k] not in gaz.person_cues.lengths:
            assert _title_at(keys, k, 0, end, gaz) == 0
        for table in (gaz.org_heads, gaz.loc_heads):
            if keys[k] not in table.lengths:
                assert _longest(keys, k, end, table) == 0
    assert 0 < skipped < end


# Texts that take the paths `rules._segment` passes words by their class on: a title and
# its field after a comma (`bidang`), a numbered body, a club, a web address, a street, a
# byline, ordinary words alone and in names, a headline.
WORD_CLASS_TEXTS = [
    "Ketua MUI Bidang Fatwa, Asrorun Niam Sholeh mengatakan bahwa Xyzzy Qwerty hadir.",
    "Kepala Dinas Kesehatan Kota Bogor, Sri Nowo Retno dan Anggota Komisi III DPR Budi.",
    "Persib Bandung mengalahkan PSM Makassar pada Kamis (4/5) di Stadion Utama.",
    "Menurut REPUBLIKA.CO.ID, Pada Senin Budi Santoso tiba di jalan Medan Merdeka Barat.",
    "Editor: Linda Agnesia. Bidang, Kamis, Pers Dewan Pers dan Persatuan Guru hadir.",
    "Ketua KPUD Muna, Kubais menolak. Pada hari itu warga Garut dan Tasikmalaya datang.",
    "Menteri Luar Negeri, Xyzzy Qwerty hadir; Kamis.Id, Budi di SELASA.CO.ID.",
    "Wakil Gubernur Jawa Barat, Indonesia, Jakarta menolak; di jalan Bandung, PBB hadir.",
    "Warga Palu dan Serang pergi ke As, Johor dan Pyongyang bersama Polda dan BPBD.",
    "Presiden Joko Widodo Bertemu Xi Jinping Di Beijing Untuk Bahas Kerja Sama",
]


def test_words_passed_by_class_are_those_the_look_ups_answer_nothing_for(monkeypatch) -> None:
    """`rules._segment` passes a PLAIN word (in no table it reads, no club's name) and a
    lone ORDINARY word without its look-ups, and takes a lone NAMED word as its name: what
    it finds must be what it finds with every look-up asked (every word of class 0)."""
    gaz = gazetteer()
    for key in ("budi", "xyzzy", "qwerty", "kamis", "pada", "bidang", "komisi", "persib"):
        kind = rules._classify(gaz, key)
        known = (
            key in gaz.names.lengths
            or key in gaz.person_cues.lengths
            or key in gaz.org_heads.lengths
            or key in gaz.loc_heads.lengths
            or key in gaz.org_words
        )
        assert kind != rules.PLAIN or not (known or key in gaz.not_entities)
        assert kind != rules.ORDINARY or (key in gaz.not_entities and not known)
    classes = rules._word_classes(gaz)
    assert classes["xyzzy"] == rules.PLAIN
    assert classes["kamis"] == rules.ORDINARY
    assert classes["bidang"] == classes["komisi"] == 0
    assert classes["persib"] == classes["psxyz"] == 0  # a club's shape
    assert classes["pyongyang"] == rules.NAMED + rules._NAME_LABELS.index(Label.LOC)
    for key in ("as", "palu", "jalan"):  # a short acronym, a common word's place, no name
        assert classes[key] < rules.NAMED
    headline_only = ["Xyzzy Qwerty Bertemu Warga Pada Kamis Di Sini", "Pada Hari Itu Semua Hadir"]
    articles = [WORD_CLASS_TEXTS, headline_only] + [
        paragraphs(8, seed=seed) for seed in range(5)
    ]  # the headline is read with the body's names

    def read() -> list[tuple[list[Mention], dict[tuple[int, int, int], str]]]:
        return [(result.mentions, result.bases) for result in map(recognise_with_bases, articles)]

    passed = read()
    monkeypatch.setattr(rules, "_word_classes", lambda gaz: rules.Table(lambda key: 0))
    assert read() == passed


def test_runs_not_joinable_are_left_as_they_are_by_the_join() -> None:
    """`rules._runs` says a paragraph's runs are not joinable only where
    `_join_conjoined_names` would leave every run as it is."""
    gaz = gazetteer()
    texts = [
        *WORD_CLASS_TEXTS,
        "Badan Meteorologi, Klimatologi, dan Geofisika (BMKG) mencatat gempa.",
        "Pusat Vulkanologi dan Mitigasi Bencana Geologi mencatat gempa.",
        "Kementerian Keuangan dan Bank Indonesia, Kementerian Luar Negeri , Budi dan Ani.",
        *paragraphs(200, seed=7),
    ]
    joined = 0
    for text in texts:
        tokens = tokenize(text)
        runs, joinable = rules._runs(text, tokens)
        assert all(floor == start for start, _, floor in runs)
        result = rules._join_conjoined_names(text, tokens, runs, gaz)
        if not joinable:
            assert result == runs
        joined += len(result) < len(runs)
    assert joined == 2  # the two names joined over a comma list and over `dan`


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Saham PT Kaltim Prima Coal dibeli oleh investor asing pekan lalu.",
            "PT Kaltim Prima Coal",
        ),
        (
            "Perusahaan tambang PT Medco Energi Internasional Tbk MEDC berencana melepas saham.",
            "PT Medco Energi Internasional Tbk MEDC",
        ),
        (
            "Sejumlah warga Kabupaten Seram Bagian Barat mengungsi akibat banjir.",
            "Kabupaten Seram Bagian Barat",
        ),
    ],
)
def test_a_name_cut_into_by_a_curated_one_is_no_person_from_capitals(text: str, name: str) -> None:
    """The tagger reads the whole name; a curated name opens it (a head, a known place)
    and the rules read the rest from capitals alone as a person (`Prima Coal`, `Tbk
    MEDC`, `Bagian Barat`). With no title before it in the sentence that person is not
    kept, and the tagger's whole name replaces the curated one."""
    result = found(text)
    assert any(found_name == name for found_name, _ in result)
    assert not any(label == "PER" for _, label in result)


def test_capitals_inside_another_label_s_name_are_no_person() -> None:
    """`New York Mercantile Exchange`: the tagger reads one name, `New York` is known and
    cuts it; `Mercantile Exchange` is no person."""
    result = found("Kontrak minyak di New York Mercantile Exchange naik dua persen pada Senin.")
    assert ("Mercantile Exchange", "PER") not in result


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Kantor itu berada di Jalan Merdeka Barat No. 9, Jakarta Pusat.", "Jalan Merdeka Barat"),
        ("Rumah duka di Jalan Hayam Wuruk Nomor 12, Surabaya, ramai pelayat.", "Jalan Hayam Wuruk"),
    ],
)
def test_a_street_ends_before_the_word_for_its_number(text: str, street: str) -> None:
    """A head's name runs to the end of the capitalised words; `No`/`Nomor` before the
    house number is not part of the street's name."""
    assert (street, "LOC") in found(text)


def test_the_word_for_a_number_alone_is_no_name() -> None:
    """`Peraturan Menteri Keuangan No. 45`: `No` after a title was read as a person."""
    assert found("Aturan itu tertuang dalam Peraturan Menteri Keuangan No. 45 Tahun 2020.") == set()


def test_a_name_no_before_a_name_stays() -> None:
    """`No` is also a Korean family name: only before a number is it the number's word."""
    assert ("No Hong-chul", "PER") in found("Menteri Keuangan Korea Selatan No Hong-chul tiba.")
