"""Words as the entity rules read them: capitalisation, acronyms, sentence starts, headlines."""

from __future__ import annotations

import re
from itertools import compress
from operator import itemgetter

from kabar_tui.core.entities.gazetteer import token_key
from kabar_tui.core.lexicon import name_words

SENTENCE_BREAK = re.compile(r"[.!?]")
# The only words a Title Case headline leaves in lowercase.
HEADLINE_LOWERCASE = frozenset(
    {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "dalam", "pada", "akan", "atau"}
    | {"oleh", "bagi", "soal", "usai", "jadi", "hingga", "ini", "itu", "vs", "via"}
)


KEY_CACHE_LIMIT = 200_000


class _Keys(dict[str, str]):
    """word -> token key, made on first sight: news repeats its words, so `keys` maps a
    paragraph's words in one C-level pass and computes only the new ones."""

    def __missing__(self, word: str) -> str:
        if len(self) >= KEY_CACHE_LIMIT:
            self.clear()
        key = word if word.islower() and "-" not in word else token_key(word)
        self[word] = key
        return key


_keys = _Keys()


class Tokens:
    """The words of one paragraph as parallel lists, one entry per word (index i is the
    i-th word): no object per word, since recognition reads millions of them. Only
    capitalised words get the costly checks (acronym, sentence start, web address)."""

    __slots__ = (
        "acronym",
        "capital",
        "domain",
        "ends",
        "keys",
        "sentence_start",
        "starts",
        "words",
    )

    def __init__(self, text: str) -> None:
        words, self.starts, self.ends = name_words(text)
        self.words = words
        self.keys = list(map(_keys.__getitem__, words))  # casefolded, hyphens as spaces
        self.capital = list(map(str.isupper, map(itemgetter(0), words)))
        count = len(words)
        self.acronym = [False] * count
        self.sentence_start = [False] * count
        self.domain = [False] * count  # part of a web address like REPUBLIKA.CO.ID
        size = len(text)
        for i in compress(range(count), self.capital):
            word, start, end = words[i], self.starts[i], self.ends[i]
            self.acronym[i] = len(word) >= 2 and word[1].isalpha() and word.isupper()
            self.sentence_start[i] = (
                i == 0 or SENTENCE_BREAK.search(text, self.ends[i - 1], start) is not None
            )
            # a dot and a letter after it, or before it
            self.domain[i] = (end + 1 < size and text[end] == "." and text[end + 1].isalpha()) or (
                start >= 2 and text[start - 1] == "." and text[start - 2].isalpha()
            )

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str) -> Tokens:
    """The words of a paragraph with what recognition needs."""
    return Tokens(text)


def is_headline(tokens: Tokens) -> bool:
    """Title Case text (headlines, promo links), where capitals say nothing about names."""
    if len(tokens) < 5:
        return False
    capitals = sum(tokens.capital)
    lowercase_ok = all(
        capital or key in HEADLINE_LOWERCASE or len(key) == 1
        for capital, key in zip(tokens.capital, tokens.keys, strict=True)
    )
    return lowercase_ok and capitals >= 0.6 * len(tokens)
