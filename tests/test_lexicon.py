"""The shared word lists and tokenizers."""

from __future__ import annotations

import json

from kabar_tui.core.corpus import linking
from kabar_tui.core.language.speakers import cues
from kabar_tui.core.lexicon import (
    NAME_WORD,
    TAGGER_TOKEN,
    Label,
    link_stopwords,
    reporting_verbs,
    speech_cues,
    speech_stems,
    stopwords,
)
from kabar_tui.core.textfold import fold, strip_diacritics


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


def test_linking_stopwords_are_the_function_words_speech_words_and_honorifics() -> None:
    words = link_stopwords()
    assert stopwords() <= words and reporting_verbs() <= words and speech_stems() <= words
    assert {"katanya", "ujarnya", "tuturnya", "pak", "bu"} <= words
    assert not {"banjir", "presiden", "jakarta"} & words  # content words stay evidence
    assert words == linking.STOPWORDS


def test_speaker_cues_are_the_lexicon_lists() -> None:
    assert cues().speech_verbs == reporting_verbs()
    assert cues().cue_verbs == speech_stems()
    assert cues().roles == speech_cues()["role"]


def test_one_diacritic_fold_keeps_case_and_search_fold_keeps_offsets() -> None:
    assert strip_diacritics("Sukarnó Café") == "Sukarno Cafe"
    assert strip_diacritics("ﬁnal") == "final"  # may change the length: never for offsets
    assert fold("Sukarnó ﬁnal") == "sukarno ﬁnal"
    assert len(fold("İstanbul")) == len("İstanbul")
