"""Is this an Indonesian word? Root words (`words_id.txt`) plus the affixes that make words.

Used to split words glued where a scraper lost a space: a split is made only when both
sides are words. Affixed forms are checked by peeling the common prefixes and suffixes
(`menyatakan` -> `nyata`, with the nasal sound rules), not listed, to keep the data small.
"""

from __future__ import annotations

from functools import cache

from kabar_tui.core.text import data_lines, stopwords

SUFFIXES = ("", "kan", "an", "i")
CLITICS = ("", "nya", "lah", "kah", "pun", "ku", "mu")
# Prefix -> the letters its nasal sound replaced at the root's start (`meny` + `sata`).
PREFIXES: dict[str, tuple[str, ...]] = {
    "me": ("",),
    "mem": ("", "p"),
    "men": ("", "t"),
    "meng": ("", "k"),
    "meny": ("s",),
    "pe": ("",),
    "pem": ("", "p"),
    "pen": ("", "t"),
    "peng": ("", "k"),
    "peny": ("s",),
    "per": ("",),
    "ber": ("",),
    "be": ("",),
    "ter": ("",),
    "di": ("",),
    "ke": ("",),
    "se": ("",),
    # two prefixes at once: `memperdalam`, `diperpanjang`, `keberhasilan`, `mengebom`
    "memper": ("",),
    "diper": ("",),
    "keber": ("",),
    "keter": ("",),
    "pember": ("",),
    "menge": ("",),
    "penge": ("",),
    # pronoun clitics before a verb: `kulupakan`, `kaubawa`
    "ku": ("",),
    "kau": ("",),
    "": ("",),
}
MIN_ROOT = 3


@cache
def roots() -> frozenset[str]:
    return frozenset(data_lines("words_id.txt"))


@cache
def known(word: str) -> bool:
    """`word` (lower case) is a root, a function word, or a root with common affixes."""
    if word in stopwords():
        return True
    vocabulary = roots()
    for clitic in CLITICS:  # `kepadatannya` = `kepadatan` + `nya`
        if clitic and (not word.endswith(clitic) or len(word) - len(clitic) < MIN_ROOT):
            continue
        stem = word[: len(word) - len(clitic)] if clitic else word
        if _affixed(stem, vocabulary):
            return True
    return False


def _affixed(word: str, vocabulary: frozenset[str]) -> bool:
    """`word` is a root with at most one suffix and one (or a double) prefix."""
    for suffix in SUFFIXES:
        if suffix and not word.endswith(suffix):
            continue
        base = word[: len(word) - len(suffix)] if suffix else word
        for prefix, restored in PREFIXES.items():
            if not base.startswith(prefix):
                continue
            stem = base[len(prefix) :]
            for letter in restored:
                root = letter + stem
                if len(root) >= MIN_ROOT and root in vocabulary:
                    return True
    return False
