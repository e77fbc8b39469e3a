"""Words as the entity rules read them: capitalisation, acronyms, sentence starts, headlines."""

from __future__ import annotations

import re
from bisect import bisect_right

from kabar_tui.core.language.entities.gazetteer import gazetteer, token_key
from kabar_tui.core.lexicon import Table, name_words

SENTENCE_STOPS = ".!?"
_DOT_BEFORE_MARK = re.compile(r"\.(?=\S)")  # a dot with no space after it
# The only words a Title Case headline leaves in lowercase.
HEADLINE_LOWERCASE = frozenset(
    {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "dalam", "pada", "akan", "atau"}
    | {"oleh", "bagi", "soal", "usai", "jadi", "hingga", "ini", "itu", "vs", "via"}
)


# Entries of the table by word (`_words`), cleared when full: at most about 13 MB
# (tracemalloc, 100,000 words; main's key table of 200,000 words held as much).
KEY_CACHE_LIMIT = 100_000


def is_middle_initial(before: str, initial: str, after: str) -> bool:
    """One capital letter and a stop between two capitalised words that are no ordinary
    words: a name's middle initial (`Susilo B. Yudhoyono`, `Arifin C. Noer`), not a
    sentence's end (`Vitamin C. Selain itu`)."""
    if len(initial) != 1 or not initial.isupper():
        return False
    ordinary = gazetteer().not_entities
    return (
        before[:1].isupper()
        and after[:1].isupper()
        and token_key(before) not in ordinary
        and token_key(after) not in ordinary
    )


def _word_entry(word: str) -> tuple[str, bool, bool]:
    """A word's token key, whether it opens with a capital and whether it is an acronym
    (`Tokens`): kept in a table by word (`_words`), since news repeats its words, so a
    paragraph's words are looked up in one C-level pass and only the new ones computed
    (one look-up a word for the three, not a pass for each)."""
    key = word if word.islower() and "-" not in word else token_key(word)
    capital = word[0].isupper()  # as `opens_capitalised`
    acronym = capital and word.isupper() and len(word) >= 2 and word[1].isalpha()
    return key, capital, acronym


_words: Table[str, tuple[str, bool, bool]] = Table(_word_entry, KEY_CACHE_LIMIT)


class Tokens:
    """The words of one paragraph as parallel lists (index i is the i-th word): no object
    per word, since recognition reads millions of them. Flags other than `capital` are
    set for capitalised words only (a word in lowercase is never an acronym, sentence
    start or web-address part here)."""

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
        count = len(words)
        # keys: casefolded, hyphens as spaces; the three lists from one look-up a word
        keys: list[str]
        capital: list[bool]
        acronym: list[bool]
        keys, capital, acronym = (
            map(list, zip(*map(_words.__getitem__, words), strict=True)) if count else ([], [], [])
        )
        self.keys, self.capital, self.acronym = keys, capital, acronym
        # The checks below each look only where their marks are, not at every word.
        opens = self.sentence_start = [False] * count
        if count:
            opens[0] = capital[0]
        starts = self.starts
        # words hold no stops; `find` skips to each in C (a regex scan for them tried its
        # pattern at every character: 1.65x the instructions of this pass)
        for mark in SENTENCE_STOPS:
            stop = text.find(mark)
            while stop != -1:
                after = bisect_right(starts, stop)
                if after < count:
                    opens[after] = capital[after]
                stop = text.find(mark, stop + 1)
        self.domain = self._web_address_words(text, capital)

    def _web_address_words(self, text: str, capital: list[bool]) -> list[bool]:
        """Capitalised words that are part of a web address like REPUBLIKA.CO.ID: a dot and a
        letter right after the word, or a letter and a dot right before it."""
        domain = [False] * len(capital)
        ending_at: dict[int, int] | None = None
        starting_at: dict[int, int] | None = None
        indexes = range(len(capital))
        for mark in _DOT_BEFORE_MARK.finditer(text):
            # the word is capitalised: it ends at the dot with a letter after it, or starts
            # right after it; after most dots (a space, the end) neither can be
            dot = mark.start()
            following = text[dot + 1]
            if following.isalpha():
                ending_at = ending_at or dict(zip(self.ends, indexes, strict=True))
                i = ending_at.get(dot)
                if i is not None and capital[i]:
                    domain[i] = True
            if (
                (following.isalpha() or following.isupper())
                and dot >= 1
                and text[dot - 1].isalpha()
            ):
                starting_at = starting_at or dict(zip(self.starts, indexes, strict=True))
                i = starting_at.get(dot + 1)
                if i is not None and capital[i]:
                    domain[i] = True
        return domain

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
