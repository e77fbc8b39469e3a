"""`plain_text`: a text of ASCII and `PLAIN_MARKS` has the same words under every
folding, so linking and search split it without folding it (docs/entities.md, wordpass)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from kabar_tui.core.corpus.linking import _LOWERCASE_WORD, STOPWORDS, _passage, words_of
from kabar_tui.core.lexicon import PLAIN_MARKS, WORD, plain_text
from kabar_tui.core.textfold import fold, strip_diacritics, words


def test_each_plain_mark_is_part_of_no_word_however_folded() -> None:
    for mark in PLAIN_MARKS:
        assert not WORD.search(mark)
        assert mark.lower() == mark
        assert len(fold(mark)) == 1 and not WORD.search(fold(mark))
        stripped = strip_diacritics(mark)
        assert not WORD.search(stripped.casefold())
        assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", mark))


def test_other_characters_are_not_plain() -> None:
    for text in ("Sukarnó", "Straße", "İstanbul", "a\u0301b", "ﬁnal", "Ａ", "×"):
        assert not plain_text(text)
    assert plain_text("“Kami siap,” kata Budi — 10\u00a0km…")


_PLAIN_TEXT = st.text(
    alphabet=st.sampled_from([chr(c) for c in range(32, 127)] + list(PLAIN_MARKS) + ["\n", "\t"]),
    max_size=60,
)


@given(_PLAIN_TEXT)
def test_plain_text_has_the_same_words_under_each_folding(text: str) -> None:
    assert plain_text(text)
    assert words(text) == WORD.findall(fold(text))
    assert words_of(text) == WORD.findall(strip_diacritics(text).casefold())
    assert _LOWERCASE_WORD.findall(text) == _LOWERCASE_WORD.findall(strip_diacritics(text))


@given(_PLAIN_TEXT, st.text(max_size=30))
def test_a_passage_is_the_same_either_way(plain: str, other: str) -> None:
    for text in (plain, other + plain):
        stripped = strip_diacritics(text)
        expected = (
            " ".join(WORD.findall(stripped.casefold())),
            {w.casefold() for w in _LOWERCASE_WORD.findall(stripped)},
        )
        passage = _passage("a", 0, text, [])
        assert passage.text == expected[0]
        assert set(passage.content) == expected[1] - STOPWORDS
