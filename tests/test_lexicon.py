"""The shared word lists and tokenizers."""

from __future__ import annotations

import json

from kabar_tui.core.lexicon import (
    NAME_WORD,
    TAGGER_TOKEN,
    Label,
    reporting_verbs,
    speech_stems,
    stopwords,
)


def test_word_lists_come_from_the_data_files() -> None:
    assert {"mengatakan", "menegaskan"} <= reporting_verbs()
    assert {"kata", "ujar"} <= speech_stems()
    assert {"yang", "dan"} <= stopwords()
    assert not reporting_verbs() & speech_stems()


def test_name_words_keep_hyphens_and_apostrophes_and_skip_numbers() -> None:
    text = "Kim Jong-un dan People's Party, 13 September 2023."
    assert NAME_WORD.findall(text) == ["Kim", "Jong-un", "dan", "People's", "Party", "September"]


def test_tagger_tokens_split_punctuation_but_not_numbers() -> None:
    assert TAGGER_TOKEN.findall("Bursa Efek Indonesia (BEI) naik 1.250,5 poin.") == [
        *["Bursa", "Efek", "Indonesia", "(", "BEI", ")", "naik", "1.250,5", "poin", "."]
    ]


def test_labels_are_their_strings() -> None:
    assert Label.PER == "PER"
    assert json.dumps([Label.LOC, Label.ORG]) == '["LOC", "ORG"]'
