"""Filter values matched against the names a corpus has: `by:matsegra` is Matsegora.

A value is matched as it always was first: every name holding it at a word start
(`by:putin` keeps `Vladimir Putin` and `Putin`, `outlet:oke` keeps `Okezone`), the name
also read as its words (`outlet:detik.com`, typed as `detik com`, keeps `detik.com`). Only when
no name does is it compared, folded, with every run of as many words in every name
(`matsegra` with `alexander`, `matsegora`), by rapidfuzz's `ratio`, and taken as the
closest run scoring at least MIN_SCORE, or within `allowed_typos` edits of it (one for a
value of 4 to 7 letters, two from 8: `hero` is one letter from `heru` but scores only 75,
a short value's every letter weighing much); the names holding that run are kept, and
the front end says what the value was taken as. When another run scores within
CLOSE_MARGIN of it, the closest is still taken and the others are named, so the user
sees the choice. MIN_SCORE and the edits were tuned on typed-wrong names
(docs/search.md: `benchmarks/tune_filter_values.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kabar_tui.core.textfold import WORD, fold

MIN_SCORE = 80.0  # rapidfuzz ratio (0-100) of a value to a run of a name's words
CLOSE_MARGIN = 3.0  # runs this close to the best are named as alternatives
MIN_FUZZY_CHARS = 4  # shorter values are matched as typed only: too many names are near
CANDIDATES = 8  # runs read past the best, to find the close ones


def allowed_typos(value: str) -> int:
    """Edits a typed value may be from the name meant: none under 4 characters, one up
    to 7, two from 8 (as the search's words are widened)."""
    return 0 if len(value) < 4 else 1 if len(value) < 8 else 2


@dataclass(frozen=True, slots=True)
class ValueMatch:
    """What one filter value (`key:typed`, folded) kept: the numbers of the names it
    matched; `taken_as` the run of a name it was read as when it matched none as typed
    (None: as typed, or nothing); `also` runs as close, not taken."""

    key: str
    typed: str
    names: frozenset[int]
    taken_as: str | None = None
    also: tuple[str, ...] = ()


def holds_at_word_start(name: str, wanted: str) -> bool:
    """`wanted` (folded words) is in `name` at a word start: `oke` matches `okezone`."""
    at = name.find(wanted)
    while at >= 0:
        if at == 0 or not name[at - 1].isalnum():
            return True
        at = name.find(wanted, at + 1)
    return False


@dataclass(slots=True)
class _Runs:
    """The distinct runs of `size` words in the names: folded text, as written, holders."""

    texts: list[str]
    shown: list[str]
    holders: list[list[int]]


class NameMatcher:
    """The distinct names one filter chooses among (the speakers of quotes, the outlets),
    matched with the values typed; runs of words are made once per run length."""

    def __init__(
        self, names: Sequence[str], min_score: float = MIN_SCORE, by_typos: bool = True
    ) -> None:
        self.names = list(names)
        self.min_score = min_score
        self.by_typos = by_typos
        self.folded = [fold(name) for name in self.names]
        # A typed value reaches the matcher as its words (`detik.com` as `detik com`), so
        # each name is also compared as its words, and `outlet:detik.com` holds as typed.
        self.worded = [" ".join(WORD.findall(name)) for name in self.folded]
        self._runs: dict[int, _Runs] = {}
        self._matches: dict[tuple[str, str], ValueMatch] = {}

    def match(self, key: str, typed: str) -> ValueMatch:
        found = self._matches.get((key, typed))
        if found is None:
            if len(self._matches) > 256:
                self._matches.clear()
            found = self._matches[(key, typed)] = self._match(key, typed)
        return found

    def _match(self, key: str, typed: str) -> ValueMatch:
        if not typed.strip():
            return ValueMatch(key, typed, frozenset())  # every name holds the empty text
        exact = frozenset(
            number
            for number, (name, worded) in enumerate(zip(self.folded, self.worded, strict=True))
            if holds_at_word_start(name, typed) or holds_at_word_start(worded, typed)
        )
        if exact or len(typed) < MIN_FUZZY_CHARS:
            return ValueMatch(key, typed, exact)
        # Here, not at the top: the reader's screens import this module on the event loop,
        # and rapidfuzz must be imported under its lock (core.threaded_imports).
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        runs = self._runs_of(len(typed.split()))
        best = process.extract(
            typed, runs.texts, scorer=fuzz.ratio, score_cutoff=self.min_score, limit=CANDIDATES
        )
        typos = allowed_typos(typed) if self.by_typos else 0
        if typos:
            listed = {place for _, _, place in best}
            near = process.extract(
                typed, runs.texts, scorer=OSA.distance, score_cutoff=typos, limit=CANDIDATES
            )
            best += [
                (text, fuzz.ratio(typed, text), place)
                for text, _, place in near
                if place not in listed
            ]
        if not best:
            return ValueMatch(key, typed, frozenset())
        best.sort(key=lambda found: (-found[1], found[2]))  # ties: the first name listed
        _, top, place = best[0]
        also = tuple(runs.shown[at] for _, score, at in best[1:] if score >= top - CLOSE_MARGIN)
        return ValueMatch(key, typed, frozenset(runs.holders[place]), runs.shown[place], also)

    def _runs_of(self, size: int) -> _Runs:
        runs = self._runs.get(size)
        if runs is not None:
            return runs
        places: dict[str, int] = {}
        runs = self._runs[size] = _Runs([], [], [])
        for number, (name, folded) in enumerate(zip(self.names, self.folded, strict=True)):
            spans = [match.span() for match in WORD.finditer(folded)]
            for first in range(len(spans) - size + 1):
                last = first + size - 1
                text = " ".join(folded[start:end] for start, end in spans[first : last + 1])
                place = places.get(text)
                if place is None:
                    place = places[text] = len(runs.texts)
                    runs.texts.append(text)
                    runs.shown.append(name[spans[first][0] : spans[last][1]])
                    runs.holders.append([])
                if not runs.holders[place] or runs.holders[place][-1] != number:
                    runs.holders[place].append(number)
        return runs
