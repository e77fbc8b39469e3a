"""The byte-table shortcuts in `repair` decide exactly what the regexes they replace do."""

from __future__ import annotations

import pytest

from kabar_tui.core.ingest.repair import _SUSPECT, _suspect, looks_glued

WRITTEN = [
    "Warga berkumpul di balai desa sejak pagi.",
    "kata dia.Menurut warga, jalan itu rusak",
    "ujar Budi yang mengatakanPrabowo datang",
    "Situs TEMPO.CO melaporkan hal itu",
    "Ketua (PKP)Maruarar hadir",
    "Café Éclair dibuka di Bandung",  # non-ASCII letters are no glue
    "naïveÉ dan çaÇ tidak cocok",
    "selesai!Lalu dan tanya?Kenapa",
    "kalimat terakhir.",
    "",
    "A",
    "aB",
    "\ud800B",  # a lone surrogate left by a bad decode
]


@pytest.mark.parametrize("text", WRITTEN)
def test_suspect_matches_the_regex(text: str) -> None:
    assert _suspect(text) == (_SUSPECT.search(text) is not None)


def test_looks_glued_still_reads_the_signs() -> None:
    assert looks_glued("kata dia.Menurut warga")
    assert looks_glued("ujar mengatakanPrabowo datang")
    assert looks_glued("Ketua (PKP)Maruarar hadir")
    assert not looks_glued("Situs TEMPO.CO melaporkan hal itu.")
    assert not looks_glued("Café Éclair dibuka di Bandung.")


def test_unglue_notes_come_in_reading_order() -> None:
    """The same article gives the same edits, in the order a reader meets them, whatever
    the process's hash seed."""
    from kabar_tui.core.ingest.repair import unglue

    text, notes = unglue("Dia menyebut bahwakebijakan itu untuk rakyatdan negarayang lemah.")
    assert text == "Dia menyebut bahwa kebijakan itu untuk rakyat dan negara yang lemah."
    assert notes == [
        "'bahwakebijakan' -> 'bahwa kebijakan'",
        "'rakyatdan' -> 'rakyat dan'",
        "'negarayang' -> 'negara yang'",
    ]
