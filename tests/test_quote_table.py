"""Quotation groups held in numbers (`quote_table`, docs/indexing.md "resolpieces"): read
back as the records they were made of, whatever their texts and speakers."""

from __future__ import annotations

import pickle
import tracemalloc

import pytest

from kabar_tui.core.corpus.quote_table import QuoteTable
from kabar_tui.core.model import QuoteOccurrence, QuoteRecord

GROUPS = [
    QuoteRecord(
        "“Kami siap,” katanya",
        "Joko Widodo",
        [
            QuoteOccurrence("a1", 0, 12, 31, "Jokowi"),
            QuoteOccurrence("b7", 3, 400_000, 400_019, None),
        ],
    ),
    QuoteRecord("", None, [QuoteOccurrence("a1", 2, 0, 0, "")]),
    QuoteRecord("sans \ud800 pair, 東京, émoji 🙂", "Jokowi", []),
    QuoteRecord("Kami siap", None, [QuoteOccurrence("c3", 1, 5, 14, "Joko Widodo")]),
]


def test_a_table_reads_back_the_groups_it_was_made_of() -> None:
    table = QuoteTable.of(GROUPS)
    assert len(table) == len(GROUPS)
    assert list(table) == GROUPS
    assert [table[n] for n in range(len(GROUPS))] == GROUPS
    assert table[-1] == GROUPS[-1]
    assert table[1:3] == GROUPS[1:3]
    assert table == GROUPS and list(GROUPS) == table  # a list compared with it too
    assert table != GROUPS[:-1] and GROUPS[::-1] != table
    assert table != ["a", "b", "c", "d"] and table != "abcd"  # records, not any items
    assert repr(table) == repr(GROUPS)
    with pytest.raises(IndexError):
        table[len(GROUPS)]
    with pytest.raises(IndexError):
        table[-len(GROUPS) - 1]
    assert not QuoteTable.of([]) and QuoteTable.of([]) == []


def _held(value: object) -> tuple[object, int]:
    """`value` sent pickled, and the memory the copy received holds."""
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    tracemalloc.start()
    try:
        again = pickle.loads(data)
        return again, tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def test_a_table_received_holds_a_fraction_of_its_records() -> None:
    """Sent pickled from the names process: a copy that reads the same, in less than 40%
    of the memory of the records (texts of a quotation's length, as in news; 3.4x less
    here, 338 -> 99 MB on the real 100k)."""
    groups = [
        QuoteRecord(
            f"{group.text} {n} " + "kata " * 18,
            group.speaker_canonical,
            [
                QuoteOccurrence(f"{o.article}-{n}", o.paragraph, o.start + n, o.end + n, o.speaker)
                for o in group.occurrences
            ],
        )
        for n in range(2000)
        for group in GROUPS
    ]
    table, table_held = _held(QuoteTable.of(groups))
    records, records_held = _held(groups)
    assert isinstance(table, QuoteTable)
    assert list(table) == records == groups
    assert table_held < records_held * 0.4
