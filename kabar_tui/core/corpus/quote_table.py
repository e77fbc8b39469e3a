"""A corpus's quotation groups held in numbers: the `QuoteRecord`s made one at a time as
they are read.

At 100k articles resolution finds about 700k groups (nearly one a quotation), and as
objects (a record, its text, a list, an occurrence, its ints) they were 338 MB of the
684 MB the main process held for the names process's `Resolution` from its arrival to
the end of a first index (docs/indexing.md, "resolpieces"). Here they are the texts in
one UTF-8 buffer, and every other field a code or number in arrays: 99 MB, and what
the cache's rows are made of is the same.
"""

from __future__ import annotations

import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from kabar_tui.core.model import QuoteOccurrence, QuoteRecord

# Any str, as the articles' own rows take it.
_ENCODING, _ERRORS = "utf-8", "surrogatepass"
_NONE = -1  # the code of None: the last of the strings


class QuoteTable(Sequence[QuoteRecord]):
    """The groups `of` was given, read back as equal `QuoteRecord`s, in order."""

    __slots__ = ("_ends", "_occurrences", "_places", "_said", "_speakers", "_strings", "_texts")

    def __init__(self) -> None:
        self._texts = bytearray()  # every group's text, one after the other
        self._ends = array("q")  # where each group's text ends in `_texts`
        self._speakers = array("i")  # each group's speaker_canonical, a code into `_strings`
        self._occurrences = array("i", [0])  # where each group's occurrences start and end
        self._places = array("i")  # per occurrence: its article (a code), paragraph, start, end
        self._said = array("i")  # per occurrence: its speaker as written, a code
        # article ids and speakers' names, each once (codes, in the order first met), and
        # None last: the code -1 (an article's code is never that: ignored types below)
        self._strings: list[str | None] = [None]

    @classmethod
    def of(cls, groups: Iterable[QuoteRecord]) -> QuoteTable:
        table = cls()
        codes: dict[str, int] = {}
        strings: list[str | None] = []

        def code(text: str | None) -> int:
            if text is None:
                return _NONE
            found = codes.get(text)
            if found is None:
                found = codes[text] = len(strings)
                strings.append(text)
            return found

        for group in groups:
            table._texts += group.text.encode(_ENCODING, _ERRORS)
            table._ends.append(len(table._texts))
            table._speakers.append(code(group.speaker_canonical))
            for place in group.occurrences:
                table._places.extend((code(place.article), place.paragraph, place.start, place.end))
                table._said.append(code(place.speaker))
            table._occurrences.append(len(table._said))
        table._strings = [*strings, None]
        return table

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, at: int) -> QuoteRecord: ...
    @overload
    def __getitem__(self, at: slice) -> list[QuoteRecord]: ...
    def __getitem__(self, at: int | slice) -> QuoteRecord | list[QuoteRecord]:
        if isinstance(at, slice):
            return [self._record(n) for n in range(len(self))[at]]
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError("quotation group out of range")
        return self._record(at)

    def __iter__(self) -> Iterator[QuoteRecord]:
        """The records in order, walking the arrays once (1.6x `_record` of each)."""
        strings, texts = self._strings, self._texts
        places, said = iter(self._places), iter(self._said)
        start = first = 0
        occurrences_ends = self._occurrences[1:]
        for end, speaker, last in zip(self._ends, self._speakers, occurrences_ends, strict=True):
            occurrences = [
                QuoteOccurrence(
                    strings[next(places)],  # type: ignore[arg-type]
                    next(places),
                    next(places),
                    next(places),
                    strings[next(said)],
                )
                for _ in range(last - first)
            ]
            yield QuoteRecord(
                texts[start:end].decode(_ENCODING, _ERRORS), strings[speaker], occurrences
            )
            start, first = end, last

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of equal records (a list `resolve_digest` made)."""
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(self))

    def _record(self, at: int) -> QuoteRecord:
        strings, places = self._strings, self._places
        start = self._ends[at - 1] if at else 0
        text = self._texts[start : self._ends[at]].decode(_ENCODING, _ERRORS)
        occurrences = []
        for n in range(self._occurrences[at], self._occurrences[at + 1]):
            article, paragraph, begin, end = places[4 * n : 4 * n + 4]
            occurrences.append(
                QuoteOccurrence(
                    strings[article],  # type: ignore[arg-type]
                    paragraph,
                    begin,
                    end,
                    strings[self._said[n]],
                )
            )
        return QuoteRecord(text, strings[self._speakers[at]], occurrences)
