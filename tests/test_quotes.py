"""Quotations: kind and speaker on every seed quote, and in other outlets' style."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.textgen import paragraphs
from kabar_tui.core.language.entities import recognise
from kabar_tui.core.language.quotes import SENTENCE_END, _sentence_ends, attribute, find_quotes
from kabar_tui.core.language.speakers import _name_in_body
from kabar_tui.core.lexicon import Label
from kabar_tui.core.model import Article, Mention, Paragraph, Quote
from kabar_tui.core.resources import seeds_dir


def quotes_of(paragraphs: list[str]) -> list[Quote]:
    return attribute(paragraphs, recognise(paragraphs))


def seed_quotes(name: str) -> list[tuple[str, str, str | None, str | None]]:
    """(start of quote, kind, speaker, via) for a seed file read line by line, uncleaned:
    the quotations in marks (reported speech is tested on its own)."""
    path = next(seeds_dir().glob(f"{name}_*.txt"))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    paragraphs = [line for line in lines if line]
    return [
        (q.text[:24], q.kind, q.speaker, q.via)
        for q in quotes_of(paragraphs)
        if q.kind != "indirect"
    ]


def test_seed_000_quotes() -> None:
    assert seed_quotes("000") == [
        ("masa kejayaan baru.", "partial", "Pyongyang", None),
        ("Dia tertarik pada berbag", "direct", "Alexander Matsegora", "RIA"),
        ("Sejauh yang saya pahami ", "direct", "Alexander Matsegora", None),
        ("masa kejayaan persahabat", "partial", "KCNA", None),
    ]


def test_seed_001_quotes() -> None:
    lead = ("kesepakatan yang memuask", "partial", "Korea Utara", None)
    assert seed_quotes("001") == [
        lead,
        lead,
        lead,
        ("kerja sama strategis dan", "partial", "KCNA", None),
    ]


def test_seed_002_quotes() -> None:
    assert seed_quotes("002") == [
        ("masa kejayaan baru.", "partial", "Pyongyang", None),
        ("Dia tertarik pada berbag", "direct", "Alexander Matsegora", "RIA"),
        ("Sejauh yang saya pahami ", "direct", "Alexander Matsegora", None),
        ("masa kejayaan persahabat", "partial", "KCNA", None),
        ("bertukar pendapat konstr", "partial", "KCNA", None),
    ]


def test_seed_003_quotes() -> None:
    assert seed_quotes("003") == [
        ("waktu yang tepat", "partial", None, None),
        ("Putin menerima undangan ", "direct", "KCNA", None),
        ("cukup jelas", "partial", "Leif-Eric Easley", None),
    ]


def test_seed_004_quotes() -> None:
    assert seed_quotes("004") == [
        ("Terutama, kerjasama mili", "direct", "seorang juru bicara", None),
        ("hubungan yang saling men", "partial", "Kremlin", None),
        ("cocok", "partial", "Alexander Matsegora", None),
        ("perdagangan senjata", "partial", None, None),
    ]


@pytest.mark.parametrize(
    ("paragraph", "kind", "speaker"),
    [
        (
            '"Kami sudah menyiapkan 3.000 personel untuk pengamanan," ujar Kapolda Metro Jaya '
            "Irjen Karyoto kepada wartawan, Senin (6/11/2023).",
            "direct",
            "Karyoto",
        ),
        (
            'Menurut Sri Mulyani, "defisit anggaran masih terkendali" hingga akhir tahun.',
            "partial",
            "Sri Mulyani",
        ),
        (
            'Presiden Joko Widodo menyebut proyek itu sebagai "lompatan besar" bagi ekonomi.',
            "partial",
            "Joko Widodo",
        ),
        (
            'Ketua KPU Hasyim Asy\'ari mengatakan, "Semua tahapan berjalan sesuai jadwal."',
            "direct",
            "Hasyim Asy'ari",
        ),
        (
            "“Harga beras akan turun pekan depan,” tutur Kepala Badan Pangan Nasional "
            "Arief Prasetyo Adi di Jakarta.",
            "direct",
            "Arief Prasetyo Adi",
        ),
        (
            'Warga menyebut banjir itu "yang terparah" dalam sepuluh tahun terakhir.',
            "partial",
            None,
        ),
    ],
)
def test_other_outlets_style(paragraph: str, kind: str, speaker: str | None) -> None:
    (quote,) = quotes_of([paragraph])
    assert (quote.kind, quote.speaker) == (kind, speaker)
    assert paragraph[quote.start : quote.end] == quote.text


def test_katanya_goes_to_the_last_named_speaker() -> None:
    quotes = quotes_of(
        [
            "“Kami menolak usulan itu,” kata Menteri Luar Negeri Retno Marsudi.",
            "“Posisi Indonesia sudah jelas,” katanya.",
        ]
    )
    assert [q.speaker for q in quotes] == ["Retno Marsudi", "Retno Marsudi"]


def test_katanya_without_a_named_speaker_stays_unknown() -> None:
    (quote,) = quotes_of(["“Semua sudah siap,” katanya."])
    assert quote.speaker is None


def test_unclosed_quote_at_paragraph_start_runs_to_the_end() -> None:
    (quote,) = quotes_of(["“Kami akan melanjutkan perundingan besok pagi"])
    assert quote.kind == "direct"
    assert quote.text == "Kami akan melanjutkan perundingan besok pagi"


def test_unnamed_speaker_keeps_its_organisation() -> None:
    (quote,) = quotes_of(
        ["“Semua persiapan sudah rampung,” ucap seorang pejabat Kementerian Perhubungan."]
    )
    assert quote.speaker == "seorang pejabat Kementerian Perhubungan"


def test_name_after_quote_without_verb_via_subject() -> None:
    (quote,) = quotes_of(
        ["“Dia tertarik pada berbagai isu,” RIA mengutip duta besar Alexander Matsegora."]
    )
    assert (quote.speaker, quote.via) == ("Alexander Matsegora", "RIA")


def speakers_of(paragraphs: list[str]) -> list[tuple[str, str | None]]:
    return [(q.kind, q.speaker) for q in quotes_of(paragraphs)]


# Opening marks as outlets print them: decided by position and pairing, not by character.


@pytest.mark.parametrize(
    "paragraph",
    [
        "”Kami akan menindak tegas,” ujar Budi Santoso.",  # Kompas: ” opens
        "“Kami akan menindak tegas,” ujar Budi Santoso.",
        '"Kami akan menindak tegas," ujar Budi Santoso.',
        "„Kami akan menindak tegas,“ ujar Budi Santoso.",  # „ opens, the closing “ a typo
        "«Kami akan menindak tegas,» ujar Budi Santoso.",
        "“Kami akan menindak tegas,“ ujar Budi Santoso.",  # a closing “ typed by mistake
        "” Kami akan menindak tegas, ” ujar Budi Santoso.",  # spaced marks take turns
        "”Kami akan menindak tegas, ”ujar Budi Santoso.",  # a closer typed against its cue
    ],
)
def test_opening_and_closing_marks_by_position(paragraph: str) -> None:
    (quote,) = quotes_of([paragraph])
    assert (quote.text, quote.kind, quote.speaker) == (
        "Kami akan menindak tegas",
        "direct",
        "Budi Santoso",
    )


def test_kompas_marks_pair_up_along_a_paragraph() -> None:
    quotes = quotes_of(
        ["”Harga naik,” kata Rina Wati. ”Stok beras cukup untuk tiga bulan,” tambahnya."]
    )
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Harga naik", "Rina Wati"),
        ("Stok beras cukup untuk tiga bulan", "Rina Wati"),
    ]


def test_quotation_over_paragraphs_reopened_takes_the_speaker_at_its_end() -> None:
    quotes = quotes_of(
        [
            "”Kami sudah bekerja keras sejak awal tahun.",
            "”Hasilnya akan terlihat pada panen berikutnya,” kata Sri Lestari.",
        ]
    )
    assert [(q.paragraph, q.kind, q.speaker) for q in quotes] == [
        (0, "direct", "Sri Lestari"),
        (1, "direct", "Sri Lestari"),
    ]


def test_quotation_over_paragraphs_not_reopened() -> None:
    quotes = quotes_of(
        [
            "”Kami sudah bekerja keras sejak awal tahun.",
            "Hasilnya akan terlihat pada panen berikutnya,” kata Sri Lestari.",
        ]
    )
    assert [(q.text, q.speaker) for q in quotes] == [
        ("Kami sudah bekerja keras sejak awal tahun.", "Sri Lestari"),
        ("Hasilnya akan terlihat pada panen berikutnya", "Sri Lestari"),
    ]


# Scare quotes, quoted names and titles are terms, not quotations.


@pytest.mark.parametrize(
    "paragraph",
    [
        "Polisi menutup “jalur tikus” di perbatasan Kalimantan Barat.",
        "Warga Kampung “Pelangi” menata gang mereka dengan cat warna-warni.",
        "Film “Gadis Kretek” tayang perdana di Jakarta pekan lalu.",
        "Diskusi bertajuk ”Pemulihan Ekonomi dan Peran UMKM: Tantangan ke Depan” digelar Senin.",
    ],
)
def test_terms_in_quotes_are_not_quotations(paragraph: str) -> None:
    assert quotes_of([paragraph]) == []


def test_a_short_quoted_phrase_someone_said_stays_a_quotation() -> None:
    (quote,) = quotes_of(["Menurut Budi Santoso, kebijakan itu “sangat tepat”."])
    assert (quote.text, quote.kind, quote.speaker) == ("sangat tepat", "partial", "Budi Santoso")


# Speakers: the person at the cue, the chain of titles kept as the role.


def test_title_unit_and_rank_chain_reduced_to_the_person() -> None:
    (quote,) = quotes_of(
        ["”Kami akan menindak tegas,” kata Kepala Polres Bogor Ajun Komisaris Besar Rudi Hartono."]
    )
    assert (quote.speaker, quote.role) == (
        "Rudi Hartono",
        "Kepala Polres Bogor Ajun Komisaris Besar",
    )


def test_chain_with_commas_reduced_to_the_person() -> None:
    (quote,) = quotes_of(
        ["”Belum tahu,” kata Kepala Dusun Nglahar, Kelurahan Sumbersari, Wahyu Wibowo, Jumat."]
    )
    assert quote.speaker == "Wahyu Wibowo"


def test_chain_with_dan_in_the_title() -> None:
    (quote,) = quotes_of(
        [
            "”Aturan itu berlaku besok,” kata Menteri Koordinator Bidang Politik, Hukum, dan "
            "Keamanan Mahfud MD di Jakarta."
        ]
    )
    assert quote.speaker == "Mahfud MD"


def test_a_place_after_a_title_is_not_the_speaker() -> None:
    (quote,) = quotes_of(["”Semua aman,” kata Kapolres Bogor."])
    assert quote.speaker == "Kapolres Bogor"


def test_a_title_alone_means_the_person_the_article_gave_it() -> None:
    quotes = quotes_of(
        [
            "Presiden Joko Widodo meninjau pasar di Bogor, Senin.",
            "”Harga beras harus turun,” kata Presiden.",
        ]
    )
    assert [(q.speaker, q.role) for q in quotes] == [("Joko Widodo", "Presiden")]


def test_a_capitalised_day_is_not_a_phrase_stop_for_a_name() -> None:
    (quote,) = quotes_of(["”Pemeriksaan dilanjutkan,” kata Hari Setiawan."])
    assert quote.speaker == "Hari Setiawan"


@pytest.mark.parametrize(
    "cue",
    ["lanjut", "harap", "tutup", "tegas", "imbuh", "tambah", "ditekankan", "jelas", "ungkap"],
)
def test_more_cue_verbs_before_a_name(cue: str) -> None:
    (quote,) = quotes_of([f"”Kami siap membantu warga,” {cue} Rina Wati."])
    assert quote.speaker == "Rina Wati"


@pytest.mark.parametrize(
    "cue", ["lanjutnya", "pesannya", "ungkapnya", "jelasnya", "harapnya", "tutupnya", "kata dia"]
)
def test_more_cue_forms_mean_the_last_speaker(cue: str) -> None:
    quotes = quotes_of(["”Kami siap,” kata Rina Wati.", f"”Warga jangan panik,” {cue}."])
    assert [q.speaker for q in quotes] == ["Rina Wati", "Rina Wati"]


# Pronoun cues: the person most recently introduced as a speaker or in reported speech.


def test_katanya_after_menurut_goes_to_the_person_just_introduced() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Menurut Siti Rahma, harga beras akan turun pekan depan.",
            "Pasokan dari daerah sudah mulai masuk.",
            "”Stok kami cukup sampai Lebaran,” katanya.",
        ]
    )
    direct = [(q.text[:10], q.speaker) for q in quotes if q.kind == "direct"]
    assert direct == [("Kami menol", "Budi Santoso"), ("Stok kami ", "Siti Rahma")]


def test_ujarnya_after_reported_speech_with_mengatakan() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Kepala Dinas Pertanian Kabupaten Garut Andi Wijaya mengatakan, panen membaik.",
            "”Hasilnya naik dua kali lipat,” ujarnya.",
        ]
    )
    assert quotes[-1].speaker == "Andi Wijaya"


def test_a_cue_inside_reported_speech_introduces_the_speaker() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Namun, lanjut Rina Wati, pasokan dari daerah belum lancar.",
            "”Kami menunggu kiriman,” ujarnya.",
        ]
    )
    assert quotes[-1].speaker == "Rina Wati"


def test_dia_as_subject_means_the_last_person() -> None:
    quotes = quotes_of(
        [
            "Menurut Siti Rahma, harga beras akan turun pekan depan.",
            "Ia menambahkan, ”Stok kami cukup sampai Lebaran.”",
        ]
    )
    assert quotes[-1].speaker == "Siti Rahma"


def test_telling_of_speech_does_not_change_who_katanya_means() -> None:
    quotes = quotes_of(
        [
            "Menurut Siti Rahma, harga beras akan turun pekan depan.",
            "Presiden Joko Widodo sudah menyampaikan data itu kepada publik.",
            "”Stok kami cukup sampai Lebaran,” katanya.",
        ]
    )
    assert quotes[-1].speaker == "Siti Rahma"


# Indirect speech.


@pytest.mark.parametrize(
    ("paragraph", "text", "speaker"),
    [
        (
            "Menteri Keuangan Sri Mulyani mengatakan, defisit anggaran masih aman tahun ini.",
            "defisit anggaran masih aman tahun ini",
            "Sri Mulyani",
        ),
        (
            "Budi Santoso mengatakan bahwa harga beras akan turun pekan depan.",
            "harga beras akan turun pekan depan",
            "Budi Santoso",
        ),
        (
            "Menurut Rina Wati, pasokan dari daerah belum lancar.",
            "pasokan dari daerah belum lancar",
            "Rina Wati",
        ),
    ],
)
def test_indirect_speech(paragraph: str, text: str, speaker: str) -> None:
    (quote,) = quotes_of([paragraph])
    assert (quote.kind, quote.text, quote.speaker) == ("indirect", text, speaker)
    assert paragraph[quote.start : quote.end] == quote.text


def test_told_speech_without_reported_words_is_not_indirect() -> None:
    assert quotes_of(["Presiden Joko Widodo sudah menyampaikan data itu kepada publik."]) == []


def test_reported_speech_with_a_quotation_is_not_indirect_too() -> None:
    quotes = quotes_of(["Budi Santoso mengatakan, ”Kami siap membantu warga.”"])
    assert [(q.kind, q.speaker) for q in quotes] == [("direct", "Budi Santoso")]


def test_seed_reported_speech_is_indirect() -> None:
    """Seed 004 reports the Kremlin's words without marks."""
    path = next(seeds_dir().glob("004_*.txt"))
    paragraphs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    quotes = quotes_of([p for p in paragraphs if p])
    indirect = [q for q in quotes if q.kind == "indirect"]
    assert indirect
    assert all(q.speaker for q in indirect)


def test_indirect_speech_stops_before_a_source_named_after_it() -> None:
    (quote,) = quotes_of(
        ["Dmitry Peskov mengatakan pada Rabu bahwa kunjungan itu belum direncanakan, menurut Tass."]
    )
    assert (quote.text, quote.speaker) == ("kunjungan itu belum direncanakan", "Dmitry Peskov")


def test_the_subject_is_the_body_nearest_the_verb() -> None:
    (quote,) = quotes_of(
        [
            "Budi Santoso tiba di Seoul, dengan Badan Intelijen Nasional mengatakan bahwa "
            "pertemuan itu tertutup."
        ]
    )
    assert quote.speaker == "Badan Intelijen Nasional"


def test_a_cue_inside_reported_speech_with_a_lowercase_title_chain() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Oleh karena itu, kata ahli epidemiologi Universitas Airlangga, Windhu Purnomo, di "
            "Surabaya, pemerintah daerah menegakkan kembali aturan itu.",
            "”Penegakan aturan itu penting,” ujarnya.",
        ]
    )
    assert quotes[-1].speaker == "Windhu Purnomo"


def test_short_name_after_a_cue_is_the_person_just_introduced_not_an_earlier_longer_name() -> None:
    quotes = quotes_of(
        [
            "Kejaksaan menahan Wali Kota Malang Hendra Wijaya Putra dalam kasus suap proyek.",
            "Kepala Seksi Penerangan Hukum Kejati Jatim Putra Kurniawan mengatakan penahanan "
            "dilakukan setelah penyidik memeriksa tiga saksi. “Tersangka kami tahan selama "
            "20 hari,” kata Putra di Surabaya, Rabu (3/7/2024).",
            "“Kami tidak akan berhenti di sini,” ujar Putra.",
            "Pengacara Hendra Wijaya Putra, Agus Salim, menyebut kliennya kooperatif. "
            "“Klien kami menghormati proses hukum,” kata Agus.",
        ]
    )
    assert [(q.text[:20], q.kind, q.speaker) for q in quotes] == [
        ("penahanan dilakukan ", "indirect", "Putra Kurniawan"),
        ("Tersangka kami tahan", "direct", "Putra Kurniawan"),
        ("Kami tidak akan berh", "direct", "Putra Kurniawan"),
        ("Klien kami menghorma", "direct", "Agus Salim"),
    ]


def test_reported_words_right_after_mengatakan_without_bahwa_are_indirect_speech() -> None:
    quotes = quotes_of(
        [
            "Sekretaris Dewi Lestari mengatakan pendaftaran peserta dibuka hingga akhir bulan.",
            "Ia sudah mengatakan hal itu kepada panitia.",
            "Rapat itu menyatakan dukungan.",
        ]
    )
    assert [(q.text, q.kind, q.speaker) for q in quotes] == [
        ("pendaftaran peserta dibuka hingga akhir bulan", "indirect", "Dewi Lestari"),
    ]


# A unit or a rank is never the speaker: the person ends the chain.


@pytest.mark.parametrize(
    ("paragraph", "speaker", "role"),
    [
        (
            "”Kami masih menelusuri penyebab tabrakan itu,” kata Kepala Satuan Lalu Lintas"
            " Polres Sleman Ajun Komisaris Mega Tetuka, Sabtu (3/10/2020).",
            "Mega Tetuka",
            "Kepala Satuan Lalu Lintas Polres Sleman Ajun Komisaris",
        ),
    ],
)
def test_the_name_after_units_and_ranks_is_the_speaker(
    paragraph: str, speaker: str, role: str
) -> None:
    (quote,) = quotes_of([paragraph])
    assert (quote.speaker, quote.role) == (speaker, role)


def test_a_place_after_a_unit_followed_by_a_day_is_no_name() -> None:
    (quote,) = quotes_of(["”Kami siaga penuh,” kata Kapolres Sleman Senin lalu."])
    assert quote.speaker != "Senin"


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        (
            "Deputi Bidang Pembiayaan Kementerian Koperasi dan UKM Hendy Saputra mengatakan,"
            " aturan baru itu berlaku bulan depan.",
            "Hendy Saputra",
        ),
        (
            "Chief Economist Bank DBS Rahul Oswald optimistis, tahun depan ekonomi akan pulih.",
            "Rahul Oswald",
        ),
    ],
)
def test_a_name_merged_into_its_organisation_is_the_speaker(paragraph: str, speaker: str) -> None:
    (quote,) = quotes_of([paragraph])
    assert quote.speaker == speaker


def test_a_company_after_the_name_it_describes_is_no_person() -> None:
    (quote,) = quotes_of(
        [
            "”Produksi vaksin kami tambah,” ujar Santi Wulandari, Direktur Utama PT Rekso"
            " Farmaka, melalui keterangan tertulis."
        ]
    )
    assert quote.speaker == "Santi Wulandari"


def test_a_body_named_after_a_person_keeps_its_name() -> None:
    (quote,) = quotes_of(
        ["Universitas Sanata Dharma mengatakan, kuliah tatap muka belum dibuka semester ini."]
    )
    assert quote.speaker != "Sanata Dharma"


@pytest.mark.parametrize(
    "body",
    [
        "Rumah Sakit Cipto Mangunkusumo",
        "Rumah Sakit Hasan Sadikin",
        "Universitas Islam Negeri Syarif Hidayatullah",
        "Stadion Gelora Bung Karno",
        "Bandara Internasional Sultan Hasanuddin",
    ],
)
def test_a_body_of_several_words_named_after_a_person_keeps_its_name(body: str) -> None:
    (quote,) = quotes_of([f"{body} menyatakan, layanan berjalan normal sepanjang pekan ini."])
    assert quote.speaker == body


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        (
            "Rektor Universitas Islam Negeri Amany Lubis menyatakan, kuliah dimulai pekan depan.",
            "Amany Lubis",
        ),
        (
            "Direktur Rumah Sakit Joni Wahyuhadi menyatakan, layanan berjalan normal pekan ini.",
            "Joni Wahyuhadi",
        ),
    ],
)
def test_a_name_after_a_titled_body_is_the_person(paragraph: str, speaker: str) -> None:
    (quote,) = quotes_of([paragraph])
    assert quote.speaker == speaker


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Rumah Sakit Cipto Mangunkusumo", None),
        ("Stadion Gelora Bung Karno", None),
        ("Bandara Internasional Sultan Hasanuddin", None),
        ("Universitas Islam Negeri Syarif Hidayatullah", None),
        ("Kementerian Koperasi dan UKM Eddy Satriya", "Eddy Satriya"),
    ],
)
def test_a_name_in_a_body_is_a_person_unless_the_body_is_named_after_one(
    body: str, name: str | None
) -> None:
    speaker = _name_in_body(body, Mention(body, Label.ORG, 0, 0, len(body)))
    assert (speaker.name if speaker else None) == name


def test_katanya_after_a_name_merged_into_its_organisation() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Chief Economist Bank DBS Rahul Oswald optimistis, tahun depan ekonomi akan pulih.",
            "”Konsumsi rumah tangga mulai naik,” katanya.",
        ]
    )
    assert quotes[-1].speaker == "Rahul Oswald"


def test_a_quotation_standing_alone_goes_on_with_the_last_speaker() -> None:
    quotes = quotes_of(
        [
            "Menurut Siti Rahma, harga beras akan turun pekan depan.",
            "Pasokan dari daerah sudah mulai masuk.",
            "”Kalau cuaca bagus, panen raya bisa maju dua minggu. Kami sudah siap?”",
        ]
    )
    assert quotes[-1].speaker == "Siti Rahma"


def test_a_quotation_inside_a_sentence_without_a_cue_gets_no_speaker() -> None:
    quotes = quotes_of(
        [
            "Menurut Siti Rahma, harga beras akan turun pekan depan.",
            "Spanduk bertuliskan ”Beras murah untuk semua warga desa kami” dipasang di pasar.",
        ]
    )
    assert quotes[-1].speaker is None


# A pronoun cue means the last speaker, not a person the article narrated since: news
# narrates suspects, players and officials between the words of whoever is quoted.


@pytest.mark.parametrize(
    "sentence",
    [
        "Wali Kota Magelang Hendra Kusuma melarang warga menggelar hajatan bulan ini.",
        "Secara terpisah, Wali Kota Magelang Hendra Kusuma juga menutup alun-alun kota.",
        "Hendra Kusuma, Wali Kota Magelang, yang ditemui di balai kota, membenarkan kabar itu.",
        "Polisi kemudian memeriksa Hendra Kusuma di kantornya.",
        "Menurut Budi, Hendra Kusuma menemukan kejanggalan pada data itu.",
        "Pandemi Covid-19 membuat pesanan turun tajam.",
    ],
)
def test_katanya_means_the_last_speaker_not_a_person_narrated_since(sentence: str) -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            sentence,
            "”Semua kegiatan yang mengundang kerumunan kami larang,” katanya.",
        ]
    )
    assert quotes[-1].speaker == "Budi Santoso"


@pytest.mark.parametrize("cue", ["katanya", "kata dia", "ujarnya"])
def test_katanya_in_crime_news_means_the_official_not_the_suspect(cue: str) -> None:
    quotes = quotes_of(
        [
            "”Pelaku kami tangkap di rumahnya tanpa perlawanan,” kata Kapolres Malang AKBP"
            " Rudi Hermawan kepada wartawan, Selasa (3/5/2022).",
            "Tersangka Joko Susilo mencuri dua sepeda motor milik tetangganya pada Minggu"
            " malam, lalu menjualnya kepada seorang penadah di Pasuruan.",
            f"”Dia akan kami jerat dengan pasal pencurian dengan pemberatan,” {cue}.",
        ]
    )
    assert [q.speaker for q in quotes] == ["Rudi Hermawan", "Rudi Hermawan"]


def test_a_quotation_standing_alone_goes_to_the_last_speaker_not_a_person_narrated() -> None:
    quotes = quotes_of(
        [
            "”Tiga pelaku sudah kami tangkap,” kata Kapolda Metro Jaya Irjen Karyoto.",
            "Pelaku Andi Saputra melukai korban dengan senjata tajam sebelum membawa kabur"
            " sepeda motornya.",
            "”Korban mengalami luka di lengan dan masih dirawat di rumah sakit.”",
        ]
    )
    assert [q.speaker for q in quotes] == ["Karyoto", "Karyoto"]


def test_the_subject_before_a_description_set_off_by_commas() -> None:
    (quote,) = quotes_of(
        [
            "Rina Lestari, Koordinator Perahu Cepat Lombok untuk Gili Trawangan, mengatakan,"
            " penumpang mulai naik sejak pekan lalu."
        ]
    )
    assert quote.speaker == "Rina Lestari"


def test_katanya_does_not_mean_a_person_only_placed_somewhere() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Hendra Kusuma berada di Surabaya ketika banjir datang.",
            "”Air naik cepat sekali,” katanya.",
        ]
    )
    assert quotes[-1].speaker == "Budi Santoso"


def test_katanya_after_hal_itu_disampaikan_means_its_agent() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Hal itu disampaikan Kepala Dinas Kesehatan Kabupaten Garut Intan Permatasari di"
            " Garut, Senin (1/2/2021).",
            "”Stok vaksin cukup untuk sebulan,” ujarnya.",
        ]
    )
    assert [q.speaker for q in quotes if q.kind == "direct"] == [
        "Budi Santoso",
        "Intan Permatasari",
    ]


def test_a_body_after_dengan_is_no_subject_of_the_reporting_verb() -> None:
    quotes = quotes_of(
        [
            "”Kami menolak usulan itu,” kata Budi Santoso.",
            "Menteri Keuangan Ratna Dewanti dalam wawancara khusus dengan Kompas menyampaikan,"
            " anggaran cukup sampai akhir tahun.",
            "”Defisit masih terjaga,” katanya.",
        ]
    )
    assert [q.speaker for q in quotes] == ["Budi Santoso", "Ratna Dewanti", "Ratna Dewanti"]


def test_a_body_after_a_comma_inside_a_closing_mark_and_dengan_is_the_subject() -> None:
    quotes = quotes_of(
        [
            "Menteri Pertahanan Rusia Sergei Shoigu bertemu Kim Jong Un pada bulan Juli.",
            "Shoigu mengunjungi Korea Utara untuk peringatan yang dirayakan sebagai"
            ' "Hari Kemenangan," dengan Badan Intelijen Nasional Korea Selatan mengatakan'
            " bahwa dia tampaknya telah bertemu dengan Kim secara pribadi.",
        ]
    )
    assert [q.speaker for q in quotes if q.kind == "indirect"] == [
        "Badan Intelijen Nasional Korea Selatan"
    ]


# Stops, the marks and spaces the pattern looks at after them (and others), letters.
SENTENCE_ALPHABET = 'a.!?,:B \n\t\u00a0\u2003“”"„«»’'


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=SENTENCE_ALPHABET, max_size=40))
def test_sentence_ends_equal_the_pattern(text: str) -> None:
    assert _sentence_ends(text) == [m.end() for m in SENTENCE_END.finditer(text)]


def test_sentence_ends_of_news_text() -> None:
    for text in [*paragraphs(300, seed=8), "Ia pergi.\n", "Selesai!“Ya?” katanya..."]:
        assert _sentence_ends(text) == [m.end() for m in SENTENCE_END.finditer(text)]


def test_find_quotes_reads_the_entities_by_position_however_paragraphs_are_numbered() -> None:
    """`find_quotes` takes an article's entities as they are where its paragraphs are
    numbered by position (as cleaning numbers them) and moves them to positions where not:
    the same quotes either way, at the paragraphs' own numbers, the entities untouched."""
    texts = paragraphs(6, seed=3)
    numbered = []
    for indices in (range(len(texts)), [0, 2, 3, 7, 8, 11]):
        article = Article(
            "a", "", texts[0], [Paragraph(i, t, i) for i, t in zip(indices, texts, strict=True)]
        )
        article.entities = [
            Mention(m.text, m.label, indices[m.paragraph], m.start, m.end) for m in recognise(texts)
        ]
        before = [dataclasses.astuple(m) for m in article.entities]
        quotes = find_quotes(article)
        assert [dataclasses.astuple(m) for m in article.entities] == before
        back = {index: position for position, index in enumerate(indices)}
        numbered.append([(back[q.paragraph], q.text, q.speaker, q.kind) for q in quotes])
    assert numbered[0] == numbered[1]
    assert numbered[0]
