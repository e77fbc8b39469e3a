"""Cleaning rules on small made-up articles: what stays, what goes, and what is recorded."""

from __future__ import annotations

from kabar_tui.core.ingest.boilerplate import chrome_reason, looks_like_headline, title_case
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.repair import unglue
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.text import normalise

PARAGRAPH = "Pemerintah akan menaikkan anggaran pendidikan tahun depan, kata menteri di Jakarta."


def article(text: str, name: str = "t"):
    return clean_source(Source(name, f"{name}.txt", text, ""))


def test_chrome_labels_and_patterns() -> None:
    assert chrome_reason("Advertisement") == "advertisement"
    assert chrome_reason("Baca Juga:") == "related-link promo"
    assert chrome_reason("Baca juga: Harga Emas Naik Lagi") == "related-link promo"
    assert chrome_reason("[Gambas:Video 20detik]") == "embed"
    assert chrome_reason('Simak Video "Rupiah Menguat"') == "video promo"
    assert chrome_reason("[ah/ft]") == "signature"
    assert chrome_reason("(fbr/wes)") == "signature"
    assert chrome_reason("Telusuri berita news lainnya") == "navigation"
    assert chrome_reason(PARAGRAPH) is None


def test_scores_separate_prose_from_headlines() -> None:
    assert not looks_like_headline(PARAGRAPH) and not title_case(PARAGRAPH)
    assert title_case("Harga Emas Antam Naik, Cek Rinciannya")
    assert looks_like_headline("Daftar Bank yang Buka Layanan Saat Libur Panjang")
    assert not looks_like_headline("Perjanjian keduanya diyakini mencakup dukungan militer.")


def test_paragraph_after_baca_juga_marker_stays_and_promo_goes() -> None:
    text = (
        "Anggaran Pendidikan Naik pada Tahun Depan\n\n"
        f"{PARAGRAPH}\n\nBaca Juga\n\nDaftar Sekolah Favorit di Jakarta Tahun Ini\n\n"
        "Kenaikan itu sudah disetujui oleh DPR dalam rapat paripurna pekan lalu.\n\n"
        "Baca Juga\n\nMenurut menteri, dana itu akan dipakai untuk memperbaiki gedung sekolah.\n"
    )
    result = article(text)
    texts = [p.text for p in result.paragraphs]
    assert texts == [
        PARAGRAPH,
        "Kenaikan itu sudah disetujui oleh DPR dalam rapat paripurna pekan lalu.",
        "Menurut menteri, dana itu akan dipakai untuk memperbaiki gedung sekolah.",
    ]
    reasons = {r.text: r.reason for r in result.removed}
    assert reasons["Daftar Sekolah Favorit di Jakarta Tahun Ini"] == "related-link promo"


def test_no_title_derives_one_from_the_first_sentence() -> None:
    result = article(f"{PARAGRAPH} Kalimat kedua juga ada di sini.\n")
    assert result.title_derived
    assert result.title == PARAGRAPH


def test_unknown_outlet_is_none_not_a_guess() -> None:
    result = article(f"Judul Berita yang Cukup Panjang Sekali\n\n{PARAGRAPH}\n\nKabar Daerah\n")
    assert result.outlet is None


def test_conflicting_chrome_cues_give_no_outlet() -> None:
    text = (
        f"Judul Berita yang Cukup Panjang Sekali\n\n{PARAGRAPH}\n\n"
        "Follow WhatsApp Channel Okezone untuk update berita\n"
        "Follow Berita SINDOnews di Google News\n"
    )
    assert article(text).outlet is None


def test_normalise_keeps_quotes_and_drops_invisible_things() -> None:
    assert normalise("\u201cKami\u201d  kata\u00a0dia \x1b[1mtegas\x1b[0m\x07") == (
        "\u201cKami\u201d kata dia tegas"
    )
    assert normalise("\"lurus\" dan 'tunggal'") == "\"lurus\" dan 'tunggal'"


def test_unglue_leaves_brand_names_alone() -> None:
    text, notes = unglue("Video di YouTube dan WhatsApp, kata detikFinance dan iPhone.")
    assert notes == [] and text.startswith("Video di YouTube")
    text, notes = unglue("kata MenteriSri Mulyani")
    assert text == "kata Menteri Sri Mulyani" and len(notes) == 1


def test_empty_and_chrome_only_articles_do_not_fail() -> None:
    only_chrome = article("Advertisement\nBaca Juga\nTags\n")
    assert only_chrome.paragraphs == []
    assert only_chrome.title == "t" and only_chrome.title_derived
    assert len(only_chrome.removed) == 3
    assert article("").paragraphs == []


def test_nbsp_only_lines_are_recorded() -> None:
    result = article(f"Judul Berita yang Cukup Panjang Sekali\n\u00a0\u00a0\n{PARAGRAPH}\n")
    assert [(r.line, r.reason) for r in result.removed] == [(2, "invisible characters")]


def test_crlf_and_odd_separators_keep_editor_line_numbers() -> None:
    text = "Judul Berita yang Cukup Panjang Sekali\r\n\r\nAdvertisement\r\n" + PARAGRAPH + "\r\n"
    result = article(text)
    assert [p.text for p in result.paragraphs] == [PARAGRAPH]
    assert [(r.line, r.reason) for r in result.removed] == [(3, "advertisement")]
    result = article(f"Judul Berita yang Cukup Panjang Sekali\n{PARAGRAPH}\u2028Lagi\x0c pula.\n")
    assert result.paragraphs[0].line == 2
    assert result.paragraphs[0].text == f"{PARAGRAPH} Lagi pula."


def test_detik_caption_with_foto_label_and_credit_in_brackets() -> None:
    text = (
        "Banjir Rendam Ratusan Rumah di Kampung Melayu\n\n"
        "Foto: Banjir di Kampung Melayu (Ari Saputra/detikcom)\n\n"
        f"{PARAGRAPH}\n"
    )
    result = article(text)
    assert [(c.text, c.credit) for c in result.captions] == [
        ("Banjir di Kampung Melayu", "Ari Saputra/detikcom")
    ]
    assert [p.text for p in result.paragraphs] == [PARAGRAPH]
    assert {r.text: r.reason for r in result.removed}[
        "Foto: Banjir di Kampung Melayu (Ari Saputra/detikcom)"
    ] == "caption"
