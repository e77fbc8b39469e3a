"""Words as the entity rules read them: capitalisation, acronyms, sentence starts, headlines."""

from __future__ import annotations

import re

from kabar_tui.core.entities.gazetteer import token_key
from kabar_tui.core.lexicon import NAME_WORD

SENTENCE_BREAK = re.compile(r"[.!?]")
# The only words a Title Case headline leaves in lowercase.
HEADLINE_LOWERCASE = frozenset(
    {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "dalam", "pada", "akan", "atau"}
    | {"oleh", "bagi", "soal", "usai", "jadi", "hingga", "ini", "itu", "vs", "via"}
)


class Token:
    """One word. A plain slotted class: millions are made, so construction must be cheap."""

    __slots__ = ("acronym", "capital", "domain", "end", "key", "sentence_start", "start", "text")

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        key: str,
        capital: bool = False,
        acronym: bool = False,
        sentence_start: bool = False,
        domain: bool = False,  # part of a web address like REPUBLIKA.CO.ID
    ) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.key = key  # casefolded, hyphens as spaces
        self.capital = capital
        self.acronym = acronym
        self.sentence_start = sentence_start
        self.domain = domain


KEY_CACHE_LIMIT = 200_000
_keys: dict[str, str] = {}  # word -> token key: news repeats its words


def _key(word: str) -> str:
    key = _keys.get(word)
    if key is None:
        if len(_keys) >= KEY_CACHE_LIMIT:
            _keys.clear()
        key = word if word.islower() and "-" not in word else token_key(word)
        _keys[word] = key
    return key


def tokenize(text: str) -> list[Token]:
    """Words with what recognition needs; only capitalised words get the costly checks.
    Runs on every paragraph, so the loop is kept lean (positional arguments, cached keys)."""
    tokens: list[Token] = []
    append = tokens.append
    previous_end = 0
    size = len(text)
    for match in NAME_WORD.finditer(text):
        word = match.group()
        start, end = match.span()
        if word[0].isupper():
            append(
                Token(
                    word,
                    start,
                    end,
                    _key(word),
                    True,
                    len(word) >= 2 and word[1].isalpha() and word.isupper(),
                    not tokens or SENTENCE_BREAK.search(text, previous_end, start) is not None,
                    # part of a web address: a dot and a letter after it, or before it
                    (end + 1 < size and text[end] == "." and text[end + 1].isalpha())
                    or (start >= 2 and text[start - 1] == "." and text[start - 2].isalpha()),
                )
            )
        else:
            append(Token(word, start, end, _key(word)))
        previous_end = end
    return tokens


def is_headline(tokens: list[Token]) -> bool:
    """Title Case text (headlines, promo links), where capitals say nothing about names."""
    if len(tokens) < 5:
        return False
    capitals = sum(1 for t in tokens if t.capital)
    lowercase_ok = all(t.capital or t.key in HEADLINE_LOWERCASE or len(t.key) == 1 for t in tokens)
    return lowercase_ok and capitals >= 0.6 * len(tokens)
