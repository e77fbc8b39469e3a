"""The entity rules' and tagger's cheap token streams (issue 14) against plain per-word
readings of the same definitions: parallel lists, split offsets, trie look-ups and rule
tags by bisection must give exactly what one object or one tuple slice per word gave."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.textgen import paragraphs
from kabar_tui.core.language.entities.features import (
    BOUNDARY,
    OFFSETS,
    SHAPE_RUNS,
    form_attributes,
    rule_tags_at,
    shape,
    word_attributes,
)
from kabar_tui.core.language.entities.gazetteer import MAX_PHRASE_WORDS, gazetteer, token_key
from kabar_tui.core.language.entities.rules import _longest, _name_at
from kabar_tui.core.language.entities.tokens import tokenize
from kabar_tui.core.lexicon import (
    LOC,
    NAME_WORD,
    ORG,
    PER,
    PLAIN_MARKS,
    TAGGER_TOKEN,
    Label,
    name_words,
    tagger_tokens,
)

# Letters of both cases, digits, the marks the tokenizers treat specially, spaces.
ALPHABET = "aAbBkKiIéÉ’'-.,:!?_ 0\u00a0“”\n"
texts = st.text(alphabet=ALPHABET, max_size=60)
SENTENCE_STOP = re.compile(r"[.!?]")  # what opens a sentence, as the rules read it


def _matches(pattern, text: str) -> tuple[list[str], list[int], list[int]]:
    found = list(pattern.finditer(text))
    return [m.group() for m in found], [m.start() for m in found], [m.end() for m in found]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_split_offsets_equal_the_matches(text: str) -> None:
    assert name_words(text) == _matches(NAME_WORD, text)
    assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)


def _reference_token(text: str, found: list, index: int) -> tuple:
    """One word read the way the object-per-word tokenizer read it."""
    match = found[index]
    word, start, end = match.group(), match.start(), match.end()
    key = word if word.islower() and "-" not in word else token_key(word)
    if not word[0].isupper():
        return word, start, end, key, False, False, False, False
    previous_end = found[index - 1].end() if index else 0
    return (
        word,
        start,
        end,
        key,
        True,
        len(word) >= 2 and word[1].isalpha() and word.isupper(),
        not index or SENTENCE_STOP.search(text, previous_end, start) is not None,
        (end + 1 < len(text) and text[end] == "." and text[end + 1].isalpha())
        or (start >= 2 and text[start - 1] == "." and text[start - 2].isalpha()),
    )


@settings(max_examples=300, deadline=None)
@given(texts)
def test_parallel_token_lists_equal_one_reading_per_word(text: str) -> None:
    tokens = tokenize(text)
    found = list(NAME_WORD.finditer(text))
    columns = zip(
        tokens.words,
        tokens.starts,
        tokens.ends,
        tokens.keys,
        tokens.capital,
        tokens.acronym,
        tokens.sentence_start,
        tokens.domain,
        strict=True,
    )
    assert list(columns) == [_reference_token(text, found, i) for i in range(len(found))]


def _longest_by_slices(keys: list[str], i: int, j: int, table) -> int:
    for length in range(min(MAX_PHRASE_WORDS, j - i), 0, -1):
        if tuple(keys[i : i + length]) in table:
            return length
    return 0


def _name_at_by_slices(keys: list[str], i: int, j: int, acronym: list[bool]) -> tuple:
    gaz = gazetteer()
    for length in range(min(MAX_PHRASE_WORDS, j - i), 0, -1):
        entry = gaz.names.get(tuple(keys[i : i + length]))
        if entry and not (length == 1 and keys[i] in gaz.short_acronyms and not acronym[i]):
            return length, entry[0]
    return 0, ""


def test_phrase_look_ups_equal_tuple_slices_of_every_length() -> None:
    gaz = gazetteer()
    rng = random.Random(3)
    # real phrases of every table, cut and run together, and generated news
    phrases = [list(p) for p in (*gaz.person_cues, *gaz.org_heads, *gaz.directions)]
    phrases += [list(p) for p in gaz.names]
    keys = [k for p in rng.sample(phrases, 400) for k in p[: rng.randint(1, len(p))]]
    keys += tokenize(" ".join(paragraphs(40, seed=2))).keys
    tables = (gaz.person_cues, gaz.org_heads, gaz.loc_heads, gaz.directions, gaz.names)
    acronym = [rng.random() < 0.5 for _ in keys]
    tokens = SimpleNamespace(acronym=acronym)  # all that `_name_at` reads of the tokens
    for i in range(len(keys)):
        for j in (i, i + 1, i + 3, min(len(keys), i + 8)):
            for table in tables:
                assert _longest(keys, i, j, table) == _longest_by_slices(keys, i, j, table)
            found = _name_at(tokens, keys, i, j, gaz, {})  # type: ignore[arg-type]
            assert found == _name_at_by_slices(keys, i, j, acronym)


def _rule_tags_by_dict(spans, mentions) -> list[str]:
    tags = ["O"] * len(spans)
    starts = {start: i for i, (start, _) in enumerate(spans)}
    for start, end, label, basis in mentions:
        first = starts.get(start)
        if first is None:
            continue
        tags[first] = f"B-{label}/{basis}"
        index = first + 1
        while index < len(spans) and spans[index][1] <= end:
            tags[index] = f"I-{label}/{basis}"
            index += 1
    return tags


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), max_size=5))
def test_rule_tags_by_bisection_equal_a_lookup_by_start(text: str, cuts: list) -> None:
    _, starts, ends = tagger_tokens(text)
    mentions = [(start, start + width, "PER", "known") for start, width in cuts]
    spans = list(zip(starts, ends, strict=True))
    assert rule_tags_at(starts, ends, mentions) == _rule_tags_by_dict(spans, mentions)


# Plain text (ASCII and `PLAIN_MARKS`), where `name_words` takes the tagger's tokens that
# open with a letter: digits, joiners and what stops the fast way (`_`, apostrophes),
# and every one of `PLAIN_MARKS` (split there by a pattern of ASCII letters and digits).
PLAIN_ALPHABET = "aAbBkKzZ019-.,:!?_' \n" + PLAIN_MARKS
plain_texts = st.text(alphabet=PLAIN_ALPHABET, max_size=40)


@settings(max_examples=1000, deadline=None)
@given(plain_texts)
def test_one_split_for_both_tokenizers_equals_the_matches(text: str) -> None:
    """The rules' words taken from the tagger's tokens, then those tokens handed on once."""
    assert name_words(text) == _matches(NAME_WORD, text)
    assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)
    assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)  # the kept ones taken once


def test_news_text_is_split_once() -> None:
    """Generated news (plain, ASCII and curly quotes) is split once for both tokenizers;
    text the fast way cannot read is split by the name pattern."""
    from kabar_tui.core import lexicon

    lexicon._KEPT_TOKENS.clear()
    news = paragraphs(40, seed=2)
    for text in news:
        name_words(text)
    assert len(lexicon._KEPT_TOKENS) >= 30
    for text in news:
        assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)
    assert not lexicon._KEPT_TOKENS
    for text in ("Kim Jong-un’s", "Rp2.000", "19-an", "A_B", "Sukarnó"):
        assert name_words(text) == _matches(NAME_WORD, text)
        # the tagger's tokens of such a text are kept too (split by pieces, once)
        assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)
        assert text not in lexicon._KEPT_TOKENS
    for text in ("Kim  Jong-un’s", " Rp2.000", "19-an\n", "A_B\tC"):  # not single-spaced
        assert name_words(text) == _matches(NAME_WORD, text)
        assert text not in lexicon._KEPT_TOKENS


# Single-spaced text (`name_words` splits it by its pieces between spaces, `_pieces`):
# pieces of letters, digits, joiners and marks that the fast way reads, and those it
# does not (`’`, `_`, `é`, a digit before a letter), one space between them.
PIECE_ALPHABET = "aAbBkKéÉ019’'-.,:!?_“”"
single_spaced = st.lists(st.text(alphabet=PIECE_ALPHABET, min_size=1, max_size=8), max_size=8)


@settings(max_examples=1000, deadline=None)
@given(single_spaced)
def test_pieces_split_as_the_whole_text(pieces: list[str]) -> None:
    """A text split at its spaces, each piece split alone, gives the words and tokens of
    the whole text, each piece read the same wherever it stands."""
    text = " ".join(pieces)
    assert name_words(text) == _matches(NAME_WORD, text)
    assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)
    reversed_text = " ".join(reversed(pieces))  # the same pieces, now known, elsewhere
    assert name_words(reversed_text) == _matches(NAME_WORD, reversed_text)
    assert tagger_tokens(reversed_text) == _matches(TAGGER_TOKEN, reversed_text)


def test_pieces_are_forgotten_past_the_limit(monkeypatch) -> None:
    """The pieces' table is cleared when full, and reads the same after."""
    from kabar_tui.core import lexicon

    monkeypatch.setattr(lexicon._pieces, "limit", 5)
    monkeypatch.setattr(lexicon._agree, "limit", 5)
    lexicon._pieces.clear()
    lexicon._agree.clear()
    for text in paragraphs(20, seed=4):
        assert name_words(text) == _matches(NAME_WORD, text)
        assert tagger_tokens(text) == _matches(TAGGER_TOKEN, text)
        assert len(lexicon._pieces) <= 5 + len(text.split(" "))
        assert len(lexicon._agree) <= 5 + len(text.split(" "))
    lexicon._pieces.clear()
    lexicon._agree.clear()


def test_label_names_are_the_members() -> None:
    """The plain names the recogniser and quotes compare with (`lexicon.PER`) are the
    enum's members themselves: the same objects, stored and exported as before."""
    assert tuple(Label) == (PER, LOC, ORG)
    assert all(name is member for name, member in zip((PER, LOC, ORG), Label, strict=True))


def _shape_per_character(word: str) -> str:
    """`features.shape` as it was written first: a letter per character, runs collapsed by
    the pattern."""
    mapped = "".join(
        "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch for ch in word
    )
    return SHAPE_RUNS.sub(r"\1", mapped)


# ASCII and other cased letters, digits of both kinds, line breaks (which `SHAPE_RUNS`
# leaves in runs), title case, ligatures, marks.
SHAPE_ALPHABET = "aAzZ09éÉßİǅﬁ²½\n\n-–.’'“ \u00a0"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=SHAPE_ALPHABET, max_size=12))
def test_shape_equals_the_per_character_reading(word: str) -> None:
    assert shape(word) == _shape_per_character(word)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=ALPHABET, min_size=1, max_size=12) | st.sampled_from(sorted(BOUNDARY.values()))
)
def test_form_attributes_are_the_word_attributes_at_each_offset(word: str) -> None:
    assert form_attributes(word) == [word_attributes(word, offset) for offset in OFFSETS]


def test_form_attributes_of_news_words() -> None:
    for word in {w for text in paragraphs(40, seed=5) for w in text.split()}:
        assert shape(word) == _shape_per_character(word)
        assert form_attributes(word) == [word_attributes(word, offset) for offset in OFFSETS]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "ǅΣσ1", min_size=1, max_size=6), max_size=20))
def test_first_character_tests_by_word_equal_the_test_of_its_first_character(words) -> None:
    """`opens_capitalised` (a table by word) answers as `str.isupper` of the first
    character, for title-case and non-ASCII letters too, and again once known."""
    from kabar_tui.core.lexicon import opens_capitalised

    for _ in range(2):
        assert list(map(opens_capitalised, words)) == [w[0].isupper() for w in words]


@settings(max_examples=300, deadline=None)
@given(texts)
def test_stop_tokens_found_in_the_text_are_the_stop_tokens(text: str) -> None:
    """`_stop_tokens` (each stop found by `str.find`, its token by bisection) names the
    tagger's tokens that are a sentence stop, in order, as a test of every token did; and
    `_sentences` given them reads the same sentences."""
    from kabar_tui.core.language.entities.recogniser import SENTENCE_END, _sentences, _stop_tokens

    words, starts, ends = tagger_tokens(text)
    stops = _stop_tokens(text, starts, ends)
    assert stops == [i for i, word in enumerate(words) if word in SENTENCE_END]
    assert _sentences(words, stops) == _sentences(words)


def test_the_word_table_of_the_rules_tokens_reads_again_once_cleared(monkeypatch) -> None:
    """`Tokens`' keys, capitals and acronyms come from a table by word, cleared when full:
    the same lists with the table emptied at every new word."""
    from kabar_tui.core.language.entities import tokens as tokens_module

    text = " ".join(paragraphs(3, seed=8)) + " KPK dan A.S. serta Jong-un, PT ABC."
    before = tokenize(text)
    monkeypatch.setattr(tokens_module._words, "limit", 1)
    after = tokenize(text)
    for column in ("words", "keys", "capital", "acronym", "sentence_start", "domain"):
        assert getattr(after, column) == getattr(before, column)


def test_askable_tags_are_the_sure_and_capitals_only_mentions_tags() -> None:
    """`recogniser.ASKABLE_TAGS` holds exactly the rule tags of a mention only a sure name
    overrules or of a name the rules read from capitals alone, for every basis."""
    from kabar_tui.core.language.entities.features import _RULE_TAGS
    from kabar_tui.core.language.entities.recogniser import ASKABLE_TAGS, SURE_TAGS, WEIGHED_TAG

    bases = ("known", "head", "titled", "unknown", "acronym", "club", "context", "tail")
    bases += ("region", "resolved", "holder", "actor")
    for label in Label:
        for basis in bases:
            for tag in _RULE_TAGS[label, basis]:
                assert (tag in ASKABLE_TAGS) == (tag.endswith(WEIGHED_TAG) or tag in SURE_TAGS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "ǅ", min_size=1, max_size=8), max_size=12))
def test_word_tables_of_the_tagger_answer_as_their_tests(words) -> None:
    """`_tag_articles`' tables by word answer as the tests they keep: whether a token
    could open a name (capitalised and no ordinary word, or an outlet) and `_carries`."""
    from kabar_tui.core.language.entities.gazetteer import media_names
    from kabar_tui.core.language.entities.recogniser import _CARRIES, _carries, _opener

    ordinary, media = gazetteer().not_entities, media_names()
    opener = _opener()
    news = ["Antara", "detikcom", "Kota", "Jakarta", "Soekarno-Hatta", "al-Assad", "(", "2024"]
    for word in [*words, *news, *sorted(media)[:5], *sorted(ordinary)[:5]]:
        capitalised = word[0].isupper()
        assert opener[word] == (
            (capitalised or word in media) and (word.casefold() not in ordinary or word in media)
        )
        for tag in ("O", "B-PER/known", "I-ORG/head", "B-LOC/context", "I-ORG/unknown"):
            assert _CARRIES[word, tag] == _carries(word, tag)


NAME_PIECES = ["Dr", "Dr.", "KH", "KH.", "Prof.", "Ir", "Budi", "Leicester", "City", "Town"]
NAME_PIECES += ["Mr.", "Hj", "Santoso", "Rovers", "FC", "H.", "dr", "Ny.", "No", "Nomor"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=4),
    st.sampled_from(["Yahya di", "9 di", ". 12", ""]),
)
def test_a_plain_name_is_left_as_it_is_by_the_end_of_the_merge(pieces, after) -> None:
    """`_merge` returns its mentions as they are where every text is a `_plain_name`
    (`_PLAIN_NAMES`, a table by text): the titles, `KH`, number words and clubs' tails its
    last step (`_merge_end`) takes off or reads leave those mentions unchanged too, whatever
    their label and whatever follows them."""
    from kabar_tui.core.language.entities.recogniser import _PLAIN_NAMES, _merge_end, _plain_name
    from kabar_tui.core.model import Mention

    name = " ".join(pieces)
    paragraph = f"Kata {name} {after} sepak bola Premier League." if after else f"Kata {name}"
    assert _PLAIN_NAMES[name] == _plain_name(name)
    for label in Label:
        mention = Mention(name, label, 0, 5, 5 + len(name))
        if _plain_name(name):
            assert _merge_end([mention], paragraph) == [mention]
