"""Whole-page `get_text("\\n")` dumps and body-only link-split text (issue 9), each rule on
a small article written here: pieces of a sentence cut where links were, headlines and
captions wrapped onto several lines, widgets inside a body, the story's block on a page.
"""

from __future__ import annotations

from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.ingest.stitch import stitch_groups


def article(text: str):
    return clean_source(Source("t", "t.txt", text, ""))


def body(result) -> str:
    return " ".join(p.text for p in result.paragraphs)


def reasons(result) -> dict[int, str]:
    return {r.line: r.reason for r in result.removed}


def rejoined(result) -> set[int]:
    return {e.line for e in result.edits if e.kind == "rejoined"}


# --- stitching the pieces of one sentence ------------------------------------------------


def test_link_split_pieces_of_a_sentence_are_one_line() -> None:
    lines = [
        "Bandung",
        "-",
        "Petugas pemadam kebakaran masih memeriksa",
        "gudang",
        "yang terbakar di dekat",
        "Stasiun Kiaracondong",
        ", Selasa pagi.",
        "Api padam setelah dua jam.",
    ]
    assert stitch_groups([*lines]) == [[0, 1, 2, 3, 4, 5, 6]]


def test_a_name_between_a_sentence_and_its_rest_is_stitched_only_when_it_resumes() -> None:
    goes_on = ["Dana itu disalurkan oleh Kepala Dinas", "Rina Maharani", "pada Senin lalu."]
    assert stitch_groups([*goes_on]) == [[0, 1, 2]]
    # A menu of capitalised entries is no sentence: nothing resumes after the names.
    menu = ["Berita Utama", "Ekonomi", "Olahraga", "Hiburan"]
    assert stitch_groups([*menu]) == []


def test_tags_and_headlines_are_not_stitched_to_what_follows() -> None:
    assert stitch_groups(["banjir rob", "pesisir", "cuaca ekstrem"]) == []
    headline = "Warga Desa Sukamaju Bangun Jembatan Bambu Sendiri"
    assert stitch_groups([headline, "beritadaerahNEWS", "Isi berita dimulai di sini."]) == []
    assert stitch_groups(["2025-02-03", "jakarta - Hujan turun sejak pagi."]) == []


def test_a_headline_wrapped_onto_lines_is_joined_when_it_spells_the_page_title() -> None:
    title = "Harga Cabai Rawit di Pasar Induk Turun Tajam Jelang Akhir Pekan"
    lines = [title, "Beranda", "Harga Cabai Rawit di Pasar Induk Turun", "Tajam Jelang Akhir Pekan"]
    assert stitch_groups([*lines], title) == [[2, 3]]


def test_a_hard_wrap_inside_prose_is_stitched_but_long_unpunctuated_lines_are_not() -> None:
    wrapped = [
        "Menurut warga, jalan desa itu sudah rusak sejak musim hujan tahun",
        "lalu dan belum pernah diperbaiki oleh pemerintah kabupaten.",
    ]
    assert stitch_groups([*wrapped]) == [[0, 1]]
    # A crawler that drops full stops writes whole sentences a line each, often over 100
    # characters and ending in a name: each is a paragraph of its own.
    sentences = [
        "Pemerintah kabupaten menyebut perbaikan jalan desa akan dimulai setelah anggaran "
        "perubahan disahkan oleh DPRD Kabupaten Garut",
        "Warga berharap perbaikan itu selesai sebelum musim hujan berikutnya tiba di desa",
    ]
    assert stitch_groups([*sentences]) == []


def test_an_abbreviation_in_brackets_is_part_of_the_sentence() -> None:
    lines = [
        "Serikat pekerja menolak",
        "Undang-Undang Cipta Kerja",
        "(UUCK)",
        "yang disahkan pekan lalu oleh parlemen.",
    ]
    assert stitch_groups([*lines]) == [[0, 1, 2, 3]]
    result = article("Judul Berita Tentang Aturan Baru\n" + "\n".join(lines) + "\n")
    assert body(result) == (
        "Serikat pekerja menolak Undang-Undang Cipta Kerja (UUCK) yang disahkan pekan lalu "
        "oleh parlemen."
    )


def test_a_body_only_dump_is_rejoined_and_its_fragments_are_never_a_title() -> None:
    text = (
        "SURABAYA\n"
        "- Wali kota meresmikan\n"
        "taman kota\n"
        "di kawasan\n"
        "Ketintang\n"
        ", Minggu (4/5/2025). Taman seluas dua hektare itu dibuka gratis untuk warga.\n"
        "Ia berharap taman itu dirawat bersama oleh warga sekitar.\n"
    )
    result = article(text)
    assert result.paragraphs[0].text.startswith("SURABAYA - Wali kota meresmikan taman kota")
    assert "di kawasan Ketintang, Minggu (4/5/2025)." in body(result)
    assert result.title_derived  # no line of the dump was taken as the headline
    assert {3, 4, 5, 6} <= rejoined(result)
    assert not result.removed  # nothing dropped as navigation or a deck


# --- whole pages -------------------------------------------------------------------------

MENU = "\n".join(
    ["Beranda", "Nasional", "Daerah", "Ekonomi", "Olahraga", "Teknologi", "Hiburan", "Indeks"]
)
STORY = (
    "Panen Raya Padi di Karawang Melimpah, Harga Gabah Turun\n"
    "Dewi Lestari - kabarsawahNEWS\n"
    "Senin, 12 Mei 2025 10:15 WIB\n"
    "Karawang\n"
    "-\n"
    "Petani di Karawang memanen padi lebih awal tahun ini. Hasil panen naik hampir\n"
    "sepertiga dibanding musim lalu, kata kepala dinas pertanian setempat.\n"
    "Harga gabah kering panen turun menjadi Rp 5.800 per kilogram di tingkat petani.\n"
    "Dinas pertanian meminta Bulog menyerap gabah petani agar harga tidak jatuh lagi.\n"
    "(dls/dls)\n"
)
WIDGET = (
    "Ayo bagikan cerita liburanmu dan unggah foto perjalananmu di\n"
    "sini. Silakan\n"
    "Daftar\n"
    "atau\n"
    "Masuk\n"
)
FOOTER = "\n".join(
    ["Berita Terkait", "Harga Beras Naik Lagi", "Petani Bawang Gagal Panen", "Redaksi", "Karir"]
)


def test_on_a_page_the_story_block_is_chosen_over_a_widget_s_prose() -> None:
    story = STORY.replace("kabarsawahNEWS", "detikNews")
    page = f"{MENU}\n{WIDGET}{MENU}\n{story}{FOOTER}\n{MENU}\n"
    result = article(page)
    assert result.title == "Panen Raya Padi di Karawang Melimpah, Harga Gabah Turun"
    text = body(result)
    assert text.startswith("Karawang - Petani di Karawang memanen padi lebih awal tahun ini.")
    assert text.endswith("agar harga tidak jatuh lagi.")
    assert "bagikan cerita" not in text and "Berita Terkait" not in text


def test_a_byline_naming_its_desk_names_the_outlet_among_network_menus() -> None:
    network = "Jaringan Kami\nCNN Indonesia\nCNBC Indonesia\n"
    page = f"{MENU}\n{network}{MENU}\n{STORY.replace('kabarsawahNEWS', 'detikNews')}{FOOTER}\n"
    result = article(page)
    assert result.outlet == "detik.com"
    assert result.author == "Dewi Lestari"


def test_a_caption_cut_into_short_pieces_around_its_credit_is_one_caption() -> None:
    text = (
        "Judul Berita Tentang Lomba Perahu Naga\n"
        "Jakarta - Lomba perahu naga digelar di Danau Sunter pada Minggu pagi.\n"
        "Peserta\n"
        "mendayung di\n"
        "lintasan utama\n"
        "danau. (Foto: Ari\n"
        "Saputra)\n"
        "Foto: Ari\n"
        "Saputra\n"
        "Panitia mencatat ada dua puluh tim yang ikut lomba tahun ini.\n"
    )
    result = article(text)
    assert body(result) == (
        "Jakarta - Lomba perahu naga digelar di Danau Sunter pada Minggu pagi. "
        "Panitia mencatat ada dua puluh tim yang ikut lomba tahun ini."
    )
    why = reasons(result)
    assert all(why.get(n) == "caption" for n in (3, 4, 5, 9)), why  # 6, 7 joined onto 5
    assert why[8] == "caption credit"


def test_a_promo_headline_cut_into_words_after_a_marker_goes_whole_and_alone() -> None:
    text = (
        "Judul Berita Tentang Jalan Tol Baru\n"
        "Jakarta - Jalan tol baru itu dibuka untuk umum mulai pekan depan.\n"
        "Baca juga:\n"
        "Tarif\n"
        "Tol Naik\n"
        "Bulan Depan\n"
        "Petugas menyebut antrean di gerbang tol masih normal pada hari pertama.\n"
    )
    result = article(text)
    assert "Tarif Tol Naik" not in body(result)
    assert "Petugas menyebut antrean di gerbang tol masih normal" in body(result)
    assert all(reasons(result).get(n) == "related-link promo" for n in range(4, 7))


# --- widgets inside a body-only dump -----------------------------------------------------


def test_widgets_inside_a_body_are_dropped_and_sponsored_teasers_end_the_story() -> None:
    text = (
        "JAKARTA - Pemerintah membuka pendaftaran beasiswa untuk mahasiswa baru mulai hari "
        "ini hingga akhir bulan depan melalui laman resmi kementerian.\n"
        "Promo Spesial\n"
        "DISKON 50%\n"
        "S & K\n"
        "SALIN\n"
        "KODE\n"
        "Berakhir Besok\n"
        "Pendaftar wajib melampirkan rapor dan surat keterangan dari sekolah asal, kata "
        "pejabat kementerian yang mengurus program itu kepada wartawan.\n"
        "Pause\n"
        "Unmute\n"
        "Loaded: 12.5%\n"
        "Remaining Time -3:20\n"
        "Close Player\n"
        "Kuota beasiswa tahun ini naik dua kali lipat dibanding tahun lalu.\n"
        "(abc)\n"
        "Topik Terkait\n"
        "Beasiswa Kuliah\n"
        "Mahasiswa Baru\n"
        "Rekomendasi Untukmu\n"
        "Wajah jadi kencang dalam seminggu tanpa operasi? Dokter kaget melihat cara yang "
        "sederhana ini!\n"
        "Sponsor (IklanKu)\n"
    )
    result = article(text)
    text_kept = body(result)
    assert "Pendaftar wajib melampirkan rapor" in text_kept
    assert text_kept.endswith("naik dua kali lipat dibanding tahun lalu.")
    assert "DISKON" not in text_kept and "Unmute" not in text_kept
    assert "Dokter kaget" not in text_kept
    why = reasons(result)
    assert why[3] == "widget" and why[11] == "video player" and why[20] == "widget"


def test_a_list_in_the_story_is_no_widget() -> None:
    text = (
        "JAKARTA - Panitia mengumumkan harga tiket konser akhir pekan ini di Gelora.\n"
        "Berikut daftar harganya:\n"
        "1. Festival: Rp 350.000\n"
        "2. Tribun: Rp 500.000\n"
        "3. VIP: Rp 1.200.000\n"
        "4. VVIP: Rp 2.500.000\n"
        "5. Platinum: Rp 3.000.000\n"
        "Tiket dapat dibeli di laman resmi panitia mulai Senin pukul 10.00 WIB.\n"
    )
    result = article(text)
    assert "5. Platinum: Rp 3.000.000" in body(result)
    assert not result.removed


def test_a_syndication_note_cut_into_pieces_is_dropped_whole() -> None:
    text = (
        "Judul Berita Tentang Pasar Malam\n"
        "Semarang - Pasar malam kembali dibuka di alun-alun kota sejak Jumat.\n"
        "Artikel ini telah tayang di\n"
        "kabarjatengNEWS dan bisa\n"
        "dibaca\n"
        "di sini.\n"
    )
    result = article(text)
    assert body(result) == "Semarang - Pasar malam kembali dibuka di alun-alun kota sejak Jumat."
    assert reasons(result)[3] == "syndication note"
