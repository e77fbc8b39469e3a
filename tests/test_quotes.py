"""Quotations: kind and speaker on every seed quote, and in other outlets' style."""

from __future__ import annotations

import pytest

from kabar_tui.core.entities import recognise
from kabar_tui.core.model import Quote
from kabar_tui.core.quotes import attribute
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
