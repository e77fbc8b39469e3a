"""Rules for the shapes real scrapers dump (issue 9), each on a small article written here.

Field-by-field crawler records, inline page furniture, glued words, hard wraps and HTML
left in the text. Every cut and repair must be recorded, so each test also checks that.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kabar_tui.core.ingest.boilerplate import chrome_reason, looks_like_headline
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.dates import find_date
from kabar_tui.core.ingest.inline import cut_inline_junk
from kabar_tui.core.ingest.metadata import dateline_outlet, read_meta_line, site_suffix
from kabar_tui.core.ingest.repair import looks_glued, split_at_dot, unglue
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.ingest.vocabulary import known
from kabar_tui.core.text import normalise

WIB = timezone(timedelta(hours=7))
TITLE = "Pemerintah Kota Siapkan Taman Baru untuk Warga"
SENTENCE = "Pemerintah kota akan membuka taman baru di pinggir sungai pada bulan depan."


def article(text: str, name: str = "t"):
    return clean_source(Source(name, f"{name}.txt", text, ""))


def removed_reasons(result) -> dict[str, str]:
    return {r.text: r.reason for r in result.removed}


# --- hard wraps and crawler fields -------------------------------------------------------


def test_lone_carriage_return_is_a_hard_wrap_not_a_glue() -> None:
    assert normalise("taman baru di pinggir\rsungai") == "taman baru di pinggir sungai"
    result = article(
        f"{TITLE}\nPemerintah kota akan membuka\rtaman baru bulan depan, kata wali kota.\n"
    )
    assert result.paragraphs[0].text.startswith("Pemerintah kota akan membuka taman baru")


def test_crawler_date_fields_are_read() -> None:
    found = find_date("2024-05-06")
    assert found and found.moment == datetime(2024, 5, 6, tzinfo=WIB)
    found = find_date("2024-05-06T09:30:00+08:00")
    assert found and found.moment.utcoffset() == timedelta(hours=8)
    assert found.moment.hour == 9 and found.moment.minute == 30
    assert find_date("nomor 2024-99-06") is None and find_date("kode 12024-05-06") is None
    meta = read_meta_line("Senin, 6 Mei 2024 09:30 WIB | 2.314 Views")
    assert meta and meta.published == datetime(2024, 5, 6, 9, 30, tzinfo=WIB)


def test_crawler_record_fields_become_metadata_not_body() -> None:
    text = f"{TITLE}\nhttps://www.tempo.co/read/123/taman-baru\n2024-05-06 10:15:00\n{SENTENCE}\n"
    result = article(text)
    assert result.title == TITLE
    assert [p.text for p in result.paragraphs] == [SENTENCE]
    assert result.published == datetime(2024, 5, 6, 10, 15, tzinfo=WIB)
    assert result.outlet == "Tempo"  # named by the URL field
    assert removed_reasons(result)["https://www.tempo.co/read/123/taman-baru"] == "url"


def test_author_line_after_the_date_field_is_the_byline() -> None:
    text = f"{TITLE}\n2024-05-06 10:15:00\nRina Wulandari\n{SENTENCE}\n"
    result = article(text)
    assert result.author == "Rina Wulandari"
    assert removed_reasons(result)["Rina Wulandari"] == "byline"
    company = article(f"{TITLE}\n2024-05-06 10:15:00\nSinar Digital Media\n{SENTENCE}\n")
    assert company.author is None  # a company is no byline


# --- outlet from the dateline's opening ---------------------------------------------------


def test_outlet_from_the_opening_before_the_dateline_dash() -> None:
    assert dateline_outlet("jpnn.com , MEDAN - Warga berkumpul.") == "JPNN"
    assert dateline_outlet("tirto.id - Harga cabai naik.") == "Tirto"
    assert dateline_outlet("Surabaya, Beritasatu.com - Banjir surut.") == "Beritasatu"
    assert dateline_outlet("IDXChannel – Saham bank menguat.") == "IDX Channel"
    assert dateline_outlet("Bandung, CNBC Indonesia - Pasar ramai.") == "CNBC Indonesia"
    # a sentence that names an outlet before a dash is not a dateline
    assert dateline_outlet("Menurut laporan yang dikutip dari Kompas.com - ya") is None
    result = article(f"{TITLE}\ntirto.id - {SENTENCE}\n")
    assert result.outlet == "Tirto"


def test_source_credit_is_not_the_outlet() -> None:
    credits = "Reporter: Dewi Lestari,Sumber: Kompas.com"
    text = f"{TITLE}\n{SENTENCE} Warga menyambut baik rencana itu.,{credits}\n"
    result = article(text)
    assert result.author == "Dewi Lestari"
    assert result.credited_source == "Kompas.com"
    assert result.outlet is None
    assert "Sumber" not in result.paragraphs[0].text
    assert removed_reasons(result)["Reporter: Dewi Lestari,Sumber: Kompas.com"] == "byline"


# --- page furniture, whole lines and inside lines -----------------------------------------


def test_furniture_lines_seen_in_real_scrapes() -> None:
    assert chrome_reason("SCROLL TO RESUME CONTENT") == "advertisement"
    assert chrome_reason("[email protected]") == "signature"
    assert chrome_reason("SINAR HARIAN RESEARCH") == "signature"
    assert chrome_reason("(abc)") == "signature"
    assert chrome_reason("Baca selengkapnya: Taman Baru Dibuka Bulan Depan") == (
        "related-link promo"
    )
    assert chrome_reason("Selanjutnya: 1. Taman Baru....") == "pagination"
    assert chrome_reason("1 2 3 Selanjutnya") == "pagination"
    assert chrome_reason(SENTENCE) is None


def test_inline_furniture_is_cut_and_the_sentence_stays_whole() -> None:
    text, cuts = cut_inline_junk(
        "Warga datang pagi. ADVERTISEMENT SCROLL TO CONTINUE WITH CONTENT Mereka membawa "
        "bekal. Klik halaman selanjutnya Sore hari hujan turun."
    )
    assert text == "Warga datang pagi. Mereka membawa bekal. Sore hari hujan turun."
    assert [c.reason for c in cuts] == ["advertisement", "advertisement", "pagination"]


def test_baca_juga_title_inside_a_line_is_cut_up_to_where_the_story_resumes() -> None:
    text, cuts = cut_inline_junk(
        "Hujan turun sejak pagi. Baca juga: Banjir Rendam 20 Rumah di Tepi Kali Budi "
        "mengatakan air mulai surut."
    )
    assert text == "Hujan turun sejak pagi. Budi mengatakan air mulai surut."
    assert cuts[0].text == "Baca juga: Banjir Rendam 20 Rumah di Tepi Kali"
    quoted, cuts = cut_inline_junk('Baca juga: Jalan Tol Baru Dibuka   "Kami senang," kata Ani.')
    assert quoted == '"Kami senang," kata Ani.'
    assert cuts[0].reason == "related-link promo"
    # prose right after the marker is no headline: left alone
    prose = "Ia berkata, baca juga: aturan itu berlaku sejak lama."
    assert cut_inline_junk(prose) == (prose, [])


def test_page_counter_initials_tags_and_codes_at_the_end_are_cut() -> None:
    text, cuts = cut_inline_junk(
        "Taman dibuka pekan depan. Halaman 2 dari 3 (abc/def) taman kota ruang hijau"
    )
    assert text == "Taman dibuka pekan depan. (abc/def)"  # initials go as a signature later
    assert [(c.text, c.reason) for c in cuts] == [
        ("Halaman 2 dari 3", "pagination"),
        ("taman kota ruang hijau", "tags"),
    ]
    text, cuts = cut_inline_junk("Taman dibuka pekan depan. ( XYZ )")
    assert text == "Taman dibuka pekan depan." and cuts[0].reason == "signature"


def test_inline_cuts_are_recorded_in_the_article() -> None:
    text = f"{TITLE}\n{SENTENCE} ADVERTISEMENT Warga menyambut baik rencana itu.\n"
    result = article(text)
    assert "ADVERTISEMENT" not in result.paragraphs[0].text
    assert removed_reasons(result)["ADVERTISEMENT"] == "advertisement"
    assert any(e.kind == "cut" and e.line == 2 for e in result.edits)


# --- glued words ----------------------------------------------------------------------


def test_vocabulary_knows_roots_and_affixed_forms() -> None:
    assert known("taman") and known("menyatakan") and known("memperdalam")
    assert known("keberhasilan") and known("dipindahkan")
    assert not known("xqzt") and not known("tomtom")


def test_words_glued_to_function_words_are_split() -> None:
    assert unglue("kondisi negarayang lemah")[0] == "kondisi negara yang lemah"
    assert unglue("hal yangmenjadi sorotan")[0] == "hal yang menjadi sorotan"
    assert unglue("tidak pernahgagal bayardalam sejarah")[0] == (
        "tidak pernah gagal bayar dalam sejarah"
    )
    # strong glue words split off a foreign word too
    assert unglue("rapat denganexclusive panel")[0] == "rapat dengan exclusive panel"


def test_name_then_verb_is_split() -> None:
    # the name is written elsewhere in the article
    text, notes = unglue("Hartonomenyatakan setuju.", {"Hartono": 2, "menyatakan": 0})
    assert text == "Hartono menyatakan setuju." and len(notes) == 1
    # or the word after it is a verb with its prefix, which no name ends in
    assert unglue("Gubernur Wibisonomenegaskan hal itu")[0] == (
        "Gubernur Wibisono menegaskan hal itu"
    )


def test_capitalised_glue_needs_both_sides_to_be_words() -> None:
    assert unglue("kata MenteriSri Mulyani")[0] == "kata Menteri Sri Mulyani"
    assert unglue("warga BandungWarga setempat")[0] == "warga Bandung Warga setempat"
    assert unglue("aplikasi ZoomRoom baru")[0] == "aplikasi ZoomRoom baru"


def test_names_and_real_words_are_never_split() -> None:
    for text in (
        "pakai YouTube, iPhone, detikcom dan McDonald's",
        "peta TomTom dan TomTom lagi",  # written twice: a name
        "InsyaAllah, kata MarkPlus",  # listed brands and spellings
        "kerjasama itu memperdalam hubungan yang dipersiapkan",
    ):
        assert unglue(text) == (text, [])


def test_brackets_and_years_glued_to_words() -> None:
    assert unglue("Menteri (PUPR)Basuki hadir")[0] == "Menteri (PUPR) Basuki hadir"
    assert unglue("Program Gratis(MBG).Anggaran naik")[0] == "Program Gratis (MBG). Anggaran naik"
    assert unglue("selama Ramadan1447 H")[0] == "selama Ramadan 1447 H"
    assert unglue("Covid19 dan f(x)") == ("Covid19 dan f(x)", [])


# --- markup and repeats ----------------------------------------------------------------


def test_html_left_in_the_text_is_repaired_and_recorded() -> None:
    text = f"Taman &amp; Sungai Kota Dibenahi\n<div class='ads'></div>\n<p>{SENTENCE}</p>\n"
    result = article(text)
    assert result.title == "Taman & Sungai Kota Dibenahi"
    assert [p.text for p in result.paragraphs] == [SENTENCE]
    assert removed_reasons(result)["<div class='ads'></div>"] == "markup"
    assert {e.line for e in result.edits if e.kind == "markup"} == {1, 2, 3}


def test_paragraph_repeated_without_its_dateline_is_a_duplicate() -> None:
    text = f"{TITLE}\nBOGOR - {SENTENCE}\nWarga menyambut baik rencana itu kemarin.\n{SENTENCE}\n"
    result = article(text)
    assert [p.line for p in result.paragraphs] == [2, 3]
    assert removed_reasons(result)[SENTENCE] == "repeated paragraph"


def test_visible_glue_signs_and_a_domain_that_is_none() -> None:
    assert looks_glued("kata dia.Menurut polisi") and looks_glued("ujarHartono")
    assert looks_glued("Menteri (PUPR)Basuki")
    assert not looks_glued("TEMPO.CO, Jakarta - Hujan turun.")


# --- sentences split at every full stop ---------------------------------------------------


def test_prose_with_prefixed_verbs_is_no_headline() -> None:
    line = "Sebelumnya Dewan Kota Bogor telah menyatakan bahwa Taman Sempur telah memenuhi syarat"
    assert not looks_like_headline(line)
    assert looks_like_headline("Dewan Kota Tetapkan Taman Sempur Jadi Ruang Hijau")
    text = f"{TITLE}\n{SENTENCE}\n{line}\n"
    assert article(text).paragraphs[-1].text == line  # not dropped as a menu after the body


def test_numbers_and_web_addresses_cut_at_their_dots_are_rejoined() -> None:
    assert split_at_dot("tercatat sebanyak 12", "450 pelanggan baru") and split_at_dot(
        "dapat dilihat di www", "pemkot"
    )
    assert split_at_dot("di www.pemkot", "go") and not split_at_dot("kata dia", "pemkot")
    text = (
        f"{TITLE}\nWarga yang terdaftar dalam program taman kota mencapai 12\n"
        "450 orang pada bulan ini, kata petugas di kantor kelurahan.\n"
        "Pendaftaran dapat dilakukan melalui laman www\npemkot\ngo\nid\n"
    )
    texts = [p.text for p in article(text).paragraphs]
    assert texts[0] == (
        "Warga yang terdaftar dalam program taman kota mencapai 12.450 orang pada bulan ini, "
        "kata petugas di kantor kelurahan."
    )
    assert texts[-1] == "Pendaftaran dapat dilakukan melalui laman www.pemkot.go.id"


# --- page metadata: bylines, network sites, site names, header dates ------------------------

PAGE = """Senin, 2 Juni 2025
Beranda
Warga Klaten Bangun Taman Baca di Balai Desa - Tribun Solo
Laporan Wartawan TribunSolo.com, Rina Wulandari
Selasa, 3 Juni 2025 10:15 WIB
TRIBUNSOLO.COM, KLATEN - Warga Desa Sidomulyo membangun taman baca di balai desa untuk anak.
Menurut kepala desa, taman baca itu dibuka setiap sore dan gratis bagi semua warga.
"""


def test_network_site_byline_site_name_and_article_date_over_header_date() -> None:
    result = article(PAGE)
    assert result.title == "Warga Klaten Bangun Taman Baca di Balai Desa"
    assert any(e.kind == "title" and "Tribun Solo" in e.detail for e in result.edits)
    assert result.author == "Rina Wulandari"
    assert result.outlet == "Tribun Solo"
    assert result.published == datetime(2025, 6, 3, 10, 15, tzinfo=WIB)  # not the header's
    assert result.dateline == "KLATEN"


def test_laporan_wartawan_with_a_slash_and_site_suffixes() -> None:
    meta = read_meta_line("Laporan Wartawan Tribun Medan / Budi Santoso")
    assert meta and meta.author == "Budi Santoso"
    assert site_suffix("Harga Cabai Naik Lagi | Republika Online") == len("Harga Cabai Naik Lagi")
    assert site_suffix("Jokowi - Prabowo Bertemu di Solo") is None  # a dash inside a headline
    assert site_suffix("Kiat Hemat - Cermat Belanja Bulanan") is None


# --- a whole article on one line -------------------------------------------------------------


def test_one_line_article_is_split_into_paragraphs() -> None:
    sentence = "Warga kampung itu bergotong royong membersihkan saluran air setiap pekan."
    quote = '"Kami ingin kampung ini bebas banjir," kata Ketua RT Sumarno kepada wartawan.'
    line = " ".join([sentence] * 9 + [quote] + [sentence] * 9)
    result = article(f"{TITLE}\n{line}\n")
    texts = [p.text for p in result.paragraphs]
    assert len(texts) > 2 and " ".join(texts) == line
    assert any(t.startswith('"Kami ingin') for t in texts)  # a quotation opens a paragraph
    assert {p.line for p in result.paragraphs} == {2}
    assert any(e.kind == "split" and "between sentences" in e.detail for e in result.edits)


def test_paragraph_list_joined_with_commas_is_split_there() -> None:
    parts = [
        " ".join([f"Paragraf ke-{n} menjelaskan rencana taman kota secara panjang lebar."] * 4)
        for n in range(1, 6)
    ]
    line = ",".join(parts)
    result = article(f"{TITLE}\n{line}\n")
    assert [p.text for p in result.paragraphs] == parts
    assert any("commas" in e.detail for e in result.edits if e.kind == "split")


# --- a whole page's text ------------------------------------------------------------------

WHOLE_PAGE = """Kabar Kota
Beranda
Nasional
Daerah
Ekonomi
Olahraga
Teknologi
Hiburan
Indeks
Sabtu, 7 Juni 2025
Pemkot Bogor Buka Taman Baca Gratis untuk Anak di Tepi Sungai Ciliwung
Oleh: Rina Wulandari
Jumat, 6 Juni 2025 09:30 WIB
BOGOR - Pemerintah Kota Bogor membuka taman baca gratis untuk anak di tepi Sungai Ciliwung, Jumat.
Taman itu menyediakan ratusan buku cerita dan buku pelajaran yang bisa dibaca di tempat tanpa biaya.
Baca Juga:
Warga Tanam Seribu Pohon di Bantaran Sungai
Kepala dinas perpustakaan mengatakan taman baca akan dibuka setiap hari mulai pukul tujuh pagi.
Jadwal Kegiatan
Setiap Sabtu ada kelas mendongeng untuk anak usia empat sampai delapan tahun di taman itu.
"Kami ingin anak-anak di bantaran sungai punya tempat belajar yang nyaman," kata dia.
Berita Terkait
Harga Beras di Pasar Bogor Turun
Pedagang mengaku penjualan naik sejak pekan lalu.
Jalan Baru Menuju Puncak Dibuka
Macet di Simpang Gadog Mulai Terurai
Terpopuler
Lowongan Kerja Pemkot Dibuka
Jadwal Kereta Bogor Berubah
Cuaca Bogor Hari Ini
Tulis Komentar
0 Komentar
Kirim
Tentang Kami
Redaksi
Pedoman Media Siber
Kontak
Karir
Kebijakan Privasi
Ikuti Kami
Facebook
Instagram
"""


def test_whole_page_keeps_the_article_block_and_nothing_around_it() -> None:
    result = article(WHOLE_PAGE)
    assert result.title == "Pemkot Bogor Buka Taman Baca Gratis untuk Anak di Tepi Sungai Ciliwung"
    assert result.author == "Rina Wulandari"
    assert result.published == datetime(2025, 6, 6, 9, 30, tzinfo=WIB)
    texts = [p.text for p in result.paragraphs]
    assert texts[0].startswith("BOGOR - Pemerintah Kota Bogor")
    assert "Jadwal Kegiatan" in texts  # a subheading of the story stays
    assert texts[-1].startswith('"Kami ingin anak-anak')
    body = " ".join(texts)
    for junk in ("Warga Tanam Seribu", "Harga Beras", "Pedagang mengaku", "Lowongan", "Kontak"):
        assert junk not in body
    lines = WHOLE_PAGE.splitlines()
    recorded = {r.line for r in result.removed} | {p.line for p in result.paragraphs}
    title_line = lines.index(result.title) + 1
    assert recorded | {title_line} == {n for n, text in enumerate(lines, 1) if text.strip()}


# --- link-split lines, hard wraps, lists -----------------------------------------------------


def test_link_split_lines_are_rejoined_and_never_taken_for_navigation() -> None:
    text = (
        "Warga Temukan Dompet Berisi Uang Puluhan Juta di Pasar\n"
        "Ratna Sari\n"
        "ternyata sudah lama berjualan sayur di pasar itu dan dikenal jujur, kata pengelola.\n"
        "Dompet itu langsung ia serahkan ke pos polisi terdekat, kata pria itu kepada\n"
        "Kompas.com\n"
        ", Senin (2/6/2025).\n"
    )
    result = article(text)
    assert result.title == "Warga Temukan Dompet Berisi Uang Puluhan Juta di Pasar"
    assert [p.text for p in result.paragraphs] == [
        "Ratna Sari ternyata sudah lama berjualan sayur di pasar itu dan dikenal jujur, kata "
        "pengelola.",
        "Dompet itu langsung ia serahkan ke pos polisi terdekat, kata pria itu kepada "
        "Kompas.com, Senin (2/6/2025).",
    ]
    assert result.removed == []
    assert [e.kind for e in result.edits].count("rejoined") == 3


def test_hard_wrapped_text_is_rejoined_into_its_paragraphs() -> None:
    text = (
        "Siaran Pers Dinas Pariwisata Kota Semarang\n"
        "Dinas Pariwisata Kota Semarang menggelar festival kuliner di kawasan\n"
        "Kota Lama pada akhir pekan ini. Festival yang diikuti seratus pedagang\n"
        "itu dibuka oleh Wali Kota Semarang dan berlangsung selama tiga hari.\n"
        "\n"
        "Kepala dinas mengatakan festival diharapkan menarik wisatawan dari\n"
        "luar daerah sekaligus membantu pedagang kecil memasarkan produknya\n"
        "yang selama ini hanya dijual di sekitar rumah mereka masing-masing.\n"
    )
    result = article(text)
    assert [p.line for p in result.paragraphs] == [2, 6]
    assert result.paragraphs[0].text.endswith(
        "kawasan Kota Lama pada akhir pekan ini. Festival "
        "yang diikuti seratus pedagang itu dibuka oleh Wali "
        "Kota Semarang dan berlangsung selama tiga hari."
    )


def test_lists_and_subheadings_of_the_story_stay() -> None:
    text = (
        f"{TITLE}\n{SENTENCE}\nPrediksi:\nZona 1: hujan ringan sepanjang hari di pusat kota.\n"
        "Zona 2: cerah berawan di wilayah selatan kota.\n"
        "Menurut petugas, cuaca akan kembali normal pada akhir pekan, kata dia.\n"
    )
    texts = [p.text for p in article(text).paragraphs]
    assert texts[1:4] == [
        "Prediksi:",
        "Zona 1: hujan ringan sepanjang hari di pusat kota.",
        "Zona 2: cerah berawan di wilayah selatan kota.",
    ]


def test_two_content_words_glued_split_only_when_the_article_writes_both() -> None:
    text = "Kondisi keuangan daerah membaik. Namun kondisikeuangan desa masih lemah."
    assert unglue(text)[0] == (
        "Kondisi keuangan daerah membaik. Namun kondisi keuangan desa masih lemah."
    )
    # without the article writing both words on their own, nothing is split
    assert unglue("Namun kondisikeuangan desa masih lemah.")[1] == []
    # a compound with a short side is never tried
    assert unglue("kerja sama dan kerjasama")[1] == []


def test_a_list_inside_a_page_article_does_not_end_it() -> None:
    names = ["Budi Santoso", "Siti Aminah", "Joko Susilo", "Dewi Lestari", "Agus Salim"]
    story = (
        "BOGOR - Panitia lomba taman kota mengumumkan lima pemenang pada Sabtu sore.\n"
        "Para pemenang itu adalah:\n" + "\n".join(names) + "\n"
        "Ketua panitia mengatakan para pemenang akan menerima hadiah pekan depan di balai kota.\n"
        "Ia berharap lomba serupa digelar lagi tahun depan dengan peserta yang lebih banyak.\n"
    )
    page = WHOLE_PAGE.replace(
        "BOGOR - Pemerintah Kota Bogor membuka taman baca gratis untuk anak di tepi Sungai "
        "Ciliwung, Jumat.\n",
        story,
    )
    texts = [p.text for p in article(page).paragraphs]
    assert names[0] in texts and texts.index(names[-1]) < len(texts) - 1
    assert any(t.startswith("Ia berharap lomba") for t in texts)
    assert not any("Harga Beras" in t for t in texts)


def test_outlet_from_the_datelines_the_issue_lists() -> None:
    for opening, outlet in (
        ("Liputan6.com, Jakarta - ", "Liputan6.com"),
        ("TRIBUNSOLO.COM, KLATEN - ", "Tribun Solo"),
        ("Bisnis.com, JAKARTA — ", "Bisnis.com"),
        ("Mataram (ANTARA) - ", "ANTARA"),
        ("VIVA.co.id – ", "VIVA"),
        ("KOMPAS.com - ", "Kompas.com"),
    ):
        assert article(f"{TITLE}\n{opening}{SENTENCE}\n").outlet == outlet, opening


def test_a_price_table_closing_the_story_stays_and_menus_after_chrome_go() -> None:
    text = (
        f"{TITLE}\n{SENTENCE}\nBerikut harga tiket masuk taman itu:\n"
        "Tiket Dewasa: Rp 10.000\nTiket Pelajar: Rp 5.000\n"
        "1. Anak Balita Gratis\n"
        "Tags\nTaman Kota\nBogor\n"
    )
    result = article(text)
    texts = [p.text for p in result.paragraphs]
    assert texts[-3:] == [
        "Tiket Dewasa: Rp 10.000",
        "Tiket Pelajar: Rp 5.000",
        "1. Anak Balita Gratis",
    ]
    assert removed_reasons(result)["Taman Kota"] == "tags"


def test_clitics_brands_and_divine_pronouns_are_not_split() -> None:
    assert known("kulupakan") and known("kaubawa")
    for text in ("tak akan kulupakan", "video TikToknya ramai", "mohon ampun atas sifatMu"):
        assert unglue(text) == (text, [])


def test_clitics_after_suffixes_and_web_addresses_are_left_alone() -> None:
    assert known("kepadatannya") and known("kejadiannya")
    for text in (
        "karena kepadatannya tinggi",
        "Kejadiannya kemarin sore",
        "lihat https://contoh.go.id/berkas2024 ya",
    ):
        assert unglue(text) == (text, [])
