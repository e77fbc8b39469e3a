"""Repairs a careful editor makes to scraped text: split sentences rejoined, glued words split."""

from __future__ import annotations

import re
from functools import cache

from kabar_tui.core.text import data_lines, ends_sentence, words

# `mengatakanPrabowo`, `KeuanganSri`: a link's text glued to the word before it.
_GLUED = re.compile(r"(?<![A-Za-z])([a-z]{3,}|[A-Z][a-z]{2,})([A-Z][a-z]+)(?![A-Za-z])")
# `kata dia.Menurut`: a sentence glued to the next one.
_PUNCT_THEN_CAPITAL = re.compile(r"[.!?][A-Z]")
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")
_SUSPECT = re.compile(r"[a-z.!?][A-Z]")
MAX_NAME_WORDS = 5


@cache
def _camelcase() -> tuple[frozenset[str], tuple[str, ...]]:
    names, prefixes = set(), []
    for line in data_lines("camelcase_names.txt"):
        name = line.strip()
        if name.endswith("*"):
            prefixes.append(name[:-1])
        else:
            names.add(name)
    return frozenset(names), tuple(prefixes)


def open_ended(text: str) -> bool:
    """The line stops mid-sentence (no closing punctuation, no colon)."""
    return not ends_sentence(text) and not text.endswith(":")


def continues(text: str) -> bool:
    """The line starts mid-sentence: lower case, or punctuation that follows a word."""
    first = text[0]
    return first.islower() or first in ",;:)]”’"


def is_name_fragment(text: str) -> bool:
    """`Sri Mulyani` alone on a line: the text of a link, cut out of its sentence."""
    tokens = words(text)
    return (
        0 < len(tokens) <= MAX_NAME_WORDS
        and open_ended(text)
        and all(t[0].isupper() for t in tokens)
    )


def join_text(left: str, right: str) -> str:
    return left + right if right[0] in ",;:.)]”’" else f"{left} {right}"


def unglue(text: str) -> tuple[str, list[str]]:
    """Split words glued where a link was; returns the text and one note per repair."""
    notes: list[str] = []
    if not _SUSPECT.search(text):  # one scan settles the common, clean case
        return text, notes
    for match in reversed(list(_PUNCT_THEN_CAPITAL.finditer(text))):
        at = match.start()
        before, after = text[max(at - 2, 0) : at], text[at + 2 : at + 3]
        if len(before) == 2 and before.isalpha() and before.islower() and after.islower():
            notes.insert(0, f"space after {text[at]!r} before {text[at + 1 :][:12]!r}")
            text = f"{text[: at + 1]} {text[at + 1 :]}"
    if not _LOWER_UPPER.search(text):
        return text, notes
    names, prefixes = _camelcase()

    def split_word(match: re.Match[str]) -> str:
        word = match[0]
        if word in names or word.startswith(prefixes):
            return word
        notes.append(f"{word!r} -> '{match[1]} {match[2]}'")
        return f"{match[1]} {match[2]}"

    return _GLUED.sub(split_word, text), notes
