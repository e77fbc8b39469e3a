"""Bylines, dates, datelines, credits and outlets as Indonesian sites write them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kabar_tui.core.ingest.dates import MONTHS, find_date
from kabar_tui.core.ingest.metadata import (
    credited_in_text,
    find_dateline,
    outlet_in,
    read_meta_line,
)


def zone(hours: int) -> timezone:
    return timezone(timedelta(hours=hours))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tayang: Selasa, 10 Juni 2025 07:37 WITA", datetime(2025, 6, 10, 7, 37, tzinfo=zone(8))),
        ("Jum'at, 06 Juni 2025 - 20:25 WIB", datetime(2025, 6, 6, 20, 25, tzinfo=zone(7))),
        ("Jum’at, 06 Juni 2025 - 20:25 WIB", datetime(2025, 6, 6, 20, 25, tzinfo=zone(7))),
        ("Diperbarui 06 Jun 2025, 14:15 WIB", datetime(2025, 6, 6, 14, 15, tzinfo=zone(7))),
        ("18 Juni 2025 | 20.04 WIB", datetime(2025, 6, 18, 20, 4, tzinfo=zone(7))),
        ("Kamis 14 Sep 2023 15:56 WIB", datetime(2023, 9, 14, 15, 56, tzinfo=zone(7))),
        ("- 5 September 2023, 20:37 WIB", datetime(2023, 9, 5, 20, 37, tzinfo=zone(7))),
        ("Sunday, 17 September 2023 18:44 WIT", datetime(2023, 9, 17, 18, 44, tzinfo=zone(9))),
        ("Sep 17, 2023 09:00 WIB", datetime(2023, 9, 17, 9, 0, tzinfo=zone(7))),
        ("Rabu, 16 Agt 2023 08:00 WIB", datetime(2023, 8, 16, 8, 0, tzinfo=zone(7))),
        ("Kompas.com - 05/06/2025, 10:12 WIB", datetime(2025, 6, 5, 10, 12, tzinfo=zone(7))),
    ],
)
def test_dates_in_outlet_formats(line: str, expected: datetime) -> None:
    found = find_date(line)
    assert found is not None
    assert found.moment == expected
    assert found.moment.utcoffset() == expected.utcoffset()


def test_month_names_come_from_cldr_in_both_languages() -> None:
    for name, number in [("januari", 1), ("mei", 5), ("agustus", 8), ("desember", 12)]:
        assert MONTHS[name] == number
    for name, number in [("may", 5), ("august", 8), ("okt", 10), ("oct", 10), ("des", 12)]:
        assert MONTHS[name] == number


def test_impossible_dates_and_passing_mentions_are_not_dates() -> None:
    assert find_date("31 Februari 2025 10:00 WIB") is None
    assert find_date("pada 4 September, kata dia") is None
    assert find_date("kata dia, Rabu (4/6/2025).") is None


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        (
            "Rahman Asmardika , Jurnalis-Minggu, 17 September 2023 |18:44 WIB",
            "author",
            "Rahman Asmardika",
        ),
        ("Anisa Indraini - detikFinance", "author", "Anisa Indraini"),
        ("Penulis: Fika Nurul Ulya | Editor: Bagus Santosa", "editor", "Bagus Santosa"),
        ("Laporan Wartawan Tribunnews.com, Reynas Abdila", "author", "Reynas Abdila"),
        ("Pewarta: Penina Fiolana Mayaut", "author", "Penina Fiolana Mayaut"),
        ("Editor: Linda Agnesia", "editor", "Linda Agnesia"),
        ("sumber : Antara", "credited_source", "Antara"),
        ("Sumber: Reuters", "credited_source", "Reuters"),
    ],
)
def test_byline_and_credit_lines(line: str, field: str, value: str) -> None:
    meta = read_meta_line(line)
    assert meta is not None
    assert getattr(meta, field) == value


def test_a_sentence_with_a_date_is_not_a_byline() -> None:
    assert read_meta_line("Acara itu digelar pada 5 September 2023.") is None
    assert read_meta_line("Presiden Joko Widodo tiba di Bandung pada 5 September 2023") is None


@pytest.mark.parametrize(
    ("paragraph", "place", "outlet"),
    [
        ("MOSKOW - Pemimpin Korea Utara ...", "MOSKOW", None),
        ("REPUBLIKA.CO.ID, BEIJING -- Korea Utara ...", "BEIJING", "Republika"),
        ("JAKARTA, KOMPAS.com - Pemerintah ...", "JAKARTA", "Kompas.com"),
        ("Jakarta, CNN Indonesia -- Harga ...", "Jakarta", "CNN Indonesia"),
        ("Ambon (ANTARA) - Gempa ...", "Ambon", "ANTARA"),
        ("TEMPO.CO, Jakarta - Komisi ...", "Jakarta", "Tempo"),
        ("Liputan6.com, Jakarta - Kementerian ...", "Jakarta", "Liputan6.com"),
        ("Jakarta - Nilai tukar rupiah ...", "Jakarta", None),
    ],
)
def test_datelines(paragraph: str, place: str, outlet: str | None) -> None:
    dateline = find_dateline(paragraph)
    assert dateline is not None and dateline.place == place
    assert (outlet_in(dateline.cue_text) if dateline.cue_text else None) == outlet


def test_an_ordinary_sentence_has_no_dateline() -> None:
    assert (
        find_dateline("Pemimpin Korea Utara Kim Jong Un dan Menteri Pertahanan Rusia bertemu.")
        is None
    )


def test_outlet_cues_and_credited_sources() -> None:
    assert outlet_in("Follow WhatsApp Channel Okezone untuk update berita terbaru") == "Okezone"
    assert outlet_in("Kabar Daerah") is None
    assert credited_in_text("katanya sebagaimana dilansir dari VOA Indonesia.") == "VOA Indonesia"
    assert credited_in_text("Kim bertemu Putin di Vladivostok.") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Selasa, 10/06/2025 07:37 WIB", datetime(2025, 6, 10, 7, 37, tzinfo=zone(7))),
        ("Senin, 9 Juni 2025 pukul 14.30 WIB", datetime(2025, 6, 9, 14, 30, tzinfo=zone(7))),
        ("Updated: Sunday, 17 Sep 2023 10:00 WIT", datetime(2023, 9, 17, 10, 0, tzinfo=zone(9))),
    ],
)
def test_date_lines_with_day_names_and_labels(line: str, expected: datetime) -> None:
    meta = read_meta_line(line)
    assert meta is not None and meta.published == expected


def test_a_sentence_starting_with_oleh_is_not_a_byline() -> None:
    assert read_meta_line("Oleh: Siti Nurhaliza").author == "Siti Nurhaliza"
    assert read_meta_line("Oleh karena itu, ia mundur.") is None
