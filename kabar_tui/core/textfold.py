"""Case and diacritic folding: `fold` for search keeps every character where it was;
`strip_diacritics` (linking, comparing quotes) drops the marks only.

Search compares folded text, so "Jokowi" finds "JOKOWI" and "Sukarno" finds
"Sukarnó". Folding maps each character to exactly one character, so a match found
in folded text is at the same offsets in the original (needed for highlighting).
"""

from __future__ import annotations

import re
import unicodedata

from kabar_tui.core.lexicon import WORD, plain_text

_QUOTE_MARKS = {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'"}


def _fold_char(char: str) -> str:
    lowered = char.lower()
    source = lowered if len(lowered) == 1 else char
    base = "".join(c for c in unicodedata.normalize("NFKD", source) if not unicodedata.combining(c))
    if len(base) == 1:
        return base.lower() if len(base.lower()) == 1 else base
    return lowered if len(lowered) == 1 else char


_FOLDED_RANGE = range(0x41, 0x2000)  # characters below and above fold to themselves


class _FoldTable(dict[int, str]):
    """Each character's folding by its code, made the first time the character is met
    (`str.translate` asks the table for every character; a code it has not seen is
    folded and kept): making the whole range at import was a tenth of `kabar search`'s
    own imports, and a text meets few of its 8,000 characters."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _QUOTE_MARKS.get(char) or (_fold_char(char) if code in _FOLDED_RANGE else char)
        self[code] = folded
        return folded


_TABLE = _FoldTable()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_match(match: re.Match[str]) -> str:
    return _TABLE[ord(match.group())]


def fold(text: str) -> str:
    """Lower-case `text` and strip diacritics, one output character per input character."""
    if text.isascii():
        return text.lower()
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lower-cases to two characters
        return text.translate(_TABLE)
    return _NON_ASCII.sub(_fold_match, lowered)  # mostly ASCII: faster than translate


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_diacritics(text: str) -> str:
    """`text` without diacritics, case kept ("é" -> "e"), through NFKD: the length may
    change (ligatures), so for comparing words (linking, quotes), never for offsets."""
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The folded words of `text` (letters and digits, punctuation dropped). Those of plain
    text (`lexicon.plain_text`) are its ASCII lower-cased, without folding: each of its
    marks is part of no word either way (tests/test_textfold.py), and the same holds for
    `strip_diacritics` then `casefold` (linking)."""
    return WORD.findall(text.lower() if plain_text(text) else fold(text))
