"""Line-level text helpers: normalising scraped text and measuring how much it reads like prose."""

from __future__ import annotations

import re

from kabar_tui.core.lexicon import PROSE_WORD, data_lines, stopwords
from kabar_tui.core.safe import strip_escapes

_SPACES = re.compile(r"[ \t\u00a0\u0085\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
CLOSERS = "\"”’')]"
STOPS = (".", "!", "?", "…")


def data_pairs(name: str) -> list[tuple[str, str]]:
    """`key <TAB> value` rows of a bundled data file."""
    rows = []
    for line in data_lines(name):
        key, _, value = line.partition("\t")
        rows.append((key.strip(), value.strip()))
    return rows


def normalise(line: str) -> str:
    """Display text of a raw line: escapes and control characters gone, spaces single.

    Quotes, dashes and letters stay exactly as written; only invisible things change.
    """
    if line.isprintable():  # the common case: no escapes, controls or odd spaces
        line = line.strip()
        return " ".join(line.split()) if "  " in line else line
    # A lone carriage return inside a line is a hard wrap (Media Indonesia's e-paper
    # text): it separates two words, so it becomes a space instead of vanishing.
    line = strip_escapes(line.replace("\r", " "))
    line = _ZERO_WIDTH.sub("", line)
    return _SPACES.sub(" ", line).strip()


def strip_tags(text: str) -> str:
    """`<i>Update</i> Perang` -> `Update Perang` (HTML left over from the scrape)."""
    return _TAG.sub("", text) if "<" in text else text


def comparable(text: str) -> str:
    """A key for "is this the same line again": no tags, no case, single spaces.

    Expects normalised text (single spaces already), so only tags need re-spacing.
    """
    if "<" in text:
        return " ".join(strip_tags(text).casefold().split())
    return text.casefold()


def words(text: str) -> list[str]:
    return PROSE_WORD.findall(text)


def stopword_density(tokens: list[str]) -> float:
    if not tokens:
        return 0.0
    common = stopwords()
    return sum(1 for t in tokens if t.lower() in common) / len(tokens)


def capitalised_share(tokens: list[str]) -> float:
    """Share of content words starting upper case: high for headlines and promo titles."""
    common = stopwords()
    content = [t for t in tokens if t.lower() not in common]
    if not content:
        return 0.0
    return sum(1 for t in content if t[0].isupper()) / len(content)


def ends_sentence(text: str) -> bool:
    return text.rstrip(CLOSERS).endswith(STOPS)


VERB_PREFIXES = ("me", "ber", "ter", "di")
MIN_VERB_CHARS = 6


def prefixed_verbs(tokens: list[str]) -> int:
    """Lower-case verbs with their prefix (`menyatakan`, `berharap`, `diperiksa`): prose
    has them; Indonesian headlines drop the prefix (`tetapkan`) or capitalise the word."""
    common = stopwords()
    return sum(
        1
        for t in tokens
        if len(t) >= MIN_VERB_CHARS
        and t.startswith(VERB_PREFIXES)
        and t.islower()
        and t not in common
    )
