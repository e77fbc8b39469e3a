"""The quick reporting-verb pattern (`speakers.VERB_SHAPE`) finds exactly what its plain
form finds, as `Cues` uses it: scans of a stretch, a match at a position, whole words;
the passive cues' pattern (`Cues.passive_agent`) likewise."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.textgen import paragraphs
from kabar_tui.core.language.speakers import VERB_SHAPE, VERB_SHAPE_PLAIN, cues
from kabar_tui.core.lexicon import speech_cues

PLAIN = re.compile(VERB_SHAPE_PLAIN)
# Pieces that make verb-shaped words, words glued to them, and the marks around them.
PIECES = ["me", "Me", "ber", "Ber", "yakin", "optimistis", "khawatir", "kata", "nya"]
PIECES += ["a", "B", "_", "0", "é", " ", "-", ".", ",", "\n", "\u00a0", "'"]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def _spans(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, start, end)]


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(0, 45), st.integers(0, 45))
def test_verb_shape_finds_what_the_plain_pattern_finds(text: str, start: int, end: int) -> None:
    assert _spans(VERB_SHAPE, text, start, end) == _spans(PLAIN, text, start, end)
    for pos in range(len(text) + 1):
        quick, plain = VERB_SHAPE.match(text, pos), PLAIN.match(text, pos)
        assert (quick and quick.span()) == (plain and plain.span())
    assert bool(VERB_SHAPE.fullmatch(text)) == bool(PLAIN.fullmatch(text))


def test_verb_shape_on_news_text() -> None:
    words = ["mengatakan", "Berkata", "yakin", "optimistis", "khawatir", "menurutnya"]
    text = " ".join(paragraphs(200, seed=5)) + " " + " ".join(words) + " xmengatakan ber"
    found = _spans(VERB_SHAPE, text, 0, len(text))
    assert found == _spans(PLAIN, text, 0, len(text))
    assert {text[a:b] for a, b in found} >= set(words)


# The passive cues' plain form, as `cues()` wrote it before (`speakers.passive_agent_pattern`).
PASSIVE = sorted(speech_cues()["passive"], key=len, reverse=True)
PASSIVE_PLAIN = re.compile(rf"\b(?:{'|'.join(PASSIVE)})\s+(?:oleh\s+)?(?=[A-Z])")
PASSIVE_PIECES = ["di", "Di", "sampaikan", "katakan", "disampaikan", "ditegaskan", "oleh"]
PASSIVE_PIECES += ["Budi", "a", "_", "0", "é", " ", "-", ".", ",", "\n", "\u00a0", "“"]
passive_texts = st.lists(st.sampled_from(PASSIVE_PIECES), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(passive_texts)
def test_passive_agent_finds_what_the_plain_pattern_finds(text: str) -> None:
    quick = [m.span() for m in cues().passive_agent.finditer(text)]
    assert quick == [m.span() for m in PASSIVE_PLAIN.finditer(text)]


def test_passive_agent_on_news_text() -> None:
    text = " ".join(paragraphs(200, seed=6)) + " Hal itu disampaikan oleh Budi. xdikatakan Ani"
    found = [m.span() for m in cues().passive_agent.finditer(text)]
    assert found == [m.span() for m in PASSIVE_PLAIN.finditer(text)]
    assert "disampaikan oleh " in {text[a:b] for a, b in found}


def test_a_passive_cue_must_be_a_di_word(monkeypatch) -> None:
    """The quick pattern opens with `di` (and quotes.py looks for it only where `di` is)."""
    from kabar_tui.core.language import speakers

    words = {kind: set(found) for kind, found in speech_cues().items()}
    words["passive"].add("terungkap")
    monkeypatch.setattr(speakers, "speech_cues", lambda: words)
    with pytest.raises(ValueError, match="passive verb must start with di-"):
        speakers.cues.__wrapped__()


def _speech_by_the_shape(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Cues.speech` as it read every VERB_SHAPE word (before tagspeed3)."""
    verbs = cues().speech_verbs
    return [
        m.span() for m in VERB_SHAPE.finditer(text, start, end) if m.group().casefold() in verbs
    ]


SPEECH_PIECES = [*PIECES, "mengatakan", "Mengatakan", "berkata", "ngatakan", "rkata", "e", "M"]
speech_texts = st.lists(st.sampled_from(SPEECH_PIECES), max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(speech_texts, st.integers(0, 60), st.integers(0, 60))
def test_speech_finds_the_listed_verbs_of_the_shape(text: str, start: int, end: int) -> None:
    found = [m.span() for m in cues().speech(text, start, end)]
    assert found == _speech_by_the_shape(text, start, end)
    assert [m.span() for m in cues().speech(text)] == _speech_by_the_shape(text, 0, len(text))


def test_speech_on_news_text() -> None:
    texts = [*paragraphs(300, seed=9), "Ia yakin menang, katanya. Budi mengatakan, ya."]
    for text in texts:
        assert [m.span() for m in cues().speech(text)] == _speech_by_the_shape(text, 0, len(text))
    assert any(next(cues().speech(text), None) for text in texts)


def test_speech_in_every_stretch() -> None:
    """A stretch may start or end inside a verb (`quotes` reads the words before a mark)."""
    text = "Mengatakan, Budi mengatakan: Ani berkata lalu menyampaikannya; Me berkata"
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            found = [m.span() for m in cues().speech(text, start, end)]
            assert found == _speech_by_the_shape(text, start, end), (start, end)
