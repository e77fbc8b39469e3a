"""The five bundled seeds: every real paragraph kept, chrome gone, metadata as stated."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source, read_source
from kabar_tui.core.model import Article
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.text import comparable, normalise

WIB = timezone(timedelta(hours=7))
CHROME_WORDS = ("Advertisement", "Baca Juga", "Berita Terkait", "Follow WhatsApp", "Halaman:")


def seed(prefix: str) -> tuple[Source, Article]:
    path = next(seeds_dir().glob(f"{prefix}_*.txt"))
    source = read_source(path)
    assert isinstance(source, Source)
    return source, clean_source(source)


def accounted_lines(article: Article) -> set[int]:
    """Source lines that ended up somewhere: paragraph text, title, caption, or removed."""
    return {r.line for r in article.removed} | {c.line for c in article.captions}


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_non_blank_line_is_kept_or_recorded(prefix: str) -> None:
    source, article = seed(prefix)
    body = comparable(" ".join(p.text for p in article.paragraphs))
    recorded = accounted_lines(article)
    for number, raw in enumerate(source.text.splitlines(), start=1):
        if not raw.strip(" \t\r\n"):
            continue
        text = comparable(normalise(raw))
        in_body = text and text in body
        is_title = text == comparable(article.title)
        assert in_body or is_title or number in recorded, f"line {number} lost: {raw!r}"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_no_chrome_left_in_body(prefix: str) -> None:
    _, article = seed(prefix)
    for paragraph in article.paragraphs:
        assert not paragraph.text.startswith(CHROME_WORDS)
        assert len(paragraph.text.split()) >= 6, paragraph.text
        assert "[ah/ft]" not in paragraph.text


def test_okezone_seed_metadata() -> None:
    _, article = seed("000")
    assert article.title.startswith("Kim Jong-un Diskusikan Kerja Sama Militer")
    assert not article.title_derived
    assert article.outlet == "Okezone"
    assert article.author == "Rahman Asmardika"
    assert article.published == datetime(2023, 9, 17, 18, 44, tzinfo=WIB)
    assert article.published.utcoffset() == timedelta(hours=7)
    assert article.dateline == "MOSKOW"
    assert article.paragraphs[0].text.startswith("MOSKOW - Pemimpin Korea Utara")
    assert len(article.paragraphs) == 8
    assert article.paragraphs[-1].text.endswith("harga yang harus dibayar.")
    assert article.captions[0].credit == "KCNA via Reuters"
    reasons = {r.line: r.reason for r in article.removed}
    assert reasons[10] == "repeated title"
    assert reasons[9] == "byline"


def test_republika_seed_metadata_deck_and_caption() -> None:
    _, article = seed("001")
    assert article.title == "Korut Klaim Hasilkan Kesepakatan yang Memuaskan dengan Rusia"
    assert article.outlet == "Republika"
    assert article.published == datetime(2023, 9, 14, 15, 56, tzinfo=WIB)
    assert article.dateline == "BEIJING"
    assert article.credited_source == "Antara"
    reasons = {r.line: r.reason for r in article.removed}
    assert reasons[5] == "deck"
    assert reasons[7] == "caption" and reasons[9] == "repeated caption"
    assert article.captions[0].credit == "AP Photo/Mikhail Metzel"
    texts = [p.text for p in article.paragraphs]
    # the real paragraph after a bare "Baca Juga" marker stays
    assert "Perjanjian keduanya diyakini mencakup dukungan militer timbal balik." in texts
    assert texts[-1].endswith("armada militer Pasifik Rusia di Vladivostok")
    assert len(texts) == 11


def test_seed_without_title_gets_a_derived_one() -> None:
    _, article = seed("002")
    assert article.title_derived
    assert article.title.startswith("Pemimpin Korea Utara Kim Jong Un dan Menteri Pertahanan")
    assert article.outlet is None  # nothing in the text names it
    assert len(article.paragraphs) == 11
    assert article.paragraphs[-1].text.endswith("hingga saat itu.")
    assert {r.reason for r in article.removed} == {"signature", "navigation"}


def test_html_title_copy_is_removed() -> None:
    _, article = seed("003")
    assert article.title.startswith("Update Perang Rusia Ukraina")
    assert {r.line: r.reason for r in article.removed}[10] == "repeated title"
    assert article.published == datetime(2023, 9, 14, 12, 13, tzinfo=WIB)


def test_seed_with_editor_and_source_but_no_outlet() -> None:
    _, article = seed("004")
    assert article.title.startswith("Berencana Kunjungi Rusia")
    assert article.published == datetime(2023, 9, 5, 20, 37, tzinfo=WIB)
    assert article.editor == "Linda Agnesia"
    assert article.credited_source == "Reuters"
    assert article.outlet is None  # "Kabar Daerah" is a menu, not a name to guess from
    assert article.dateline is None
    assert len(article.paragraphs) == 8
    assert article.captions[0].text == "Pemimpin Korea Utara Kim Jong Un."
    assert article.captions[0].credit == "KCNA via REUTERS"
    reasons = [r.reason for r in article.removed]
    assert reasons.count("related-link promo") >= 2
