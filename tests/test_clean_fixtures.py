"""Raw articles written in the style of other Indonesian outlets, each with its expected output.

`tests/fixtures/articles/NAME.txt` is the scrape, `NAME.json` what a careful editor keeps:
metadata, captions, paragraphs, and the line number and reason of every dropped line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source, read_source
from kabar_tui.core.model import Article
from kabar_tui.core.text import comparable, normalise

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.txt"))


def clean(name: str) -> tuple[Source, Article]:
    source = read_source(FIXTURES / f"{name}.txt")
    assert isinstance(source, Source)
    return source, clean_source(source)


def as_expected_shape(article: Article) -> dict:
    return {
        "title": article.title,
        "title_derived": article.title_derived,
        "outlet": article.outlet,
        "author": article.author,
        "editor": article.editor,
        "published": article.published.isoformat() if article.published else None,
        "dateline": article.dateline,
        "credited_source": article.credited_source,
        "captions": [{"text": c.text, "credit": c.credit} for c in article.captions],
        "paragraphs": [p.text for p in article.paragraphs],
        "removed": [[r.line, r.reason] for r in article.removed],
        "edits": [[e.line, e.kind] for e in article.edits],
    }


def test_at_least_ten_outlet_styles() -> None:
    assert len(NAMES) >= 10


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_expected(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    _, article = clean(name)
    actual = as_expected_shape(article)
    for key, value in expected.items():
        assert actual[key] == value, f"{name}: {key}"


@pytest.mark.parametrize("name", NAMES)
def test_nothing_silently_lost(name: str) -> None:
    source, article = clean(name)
    body = comparable(" ".join(p.text for p in article.paragraphs))
    recorded = {r.line for r in article.removed} | {c.line for c in article.captions}
    recorded |= {e.line for e in article.edits}  # kept, changed by a recorded repair
    for number, raw in enumerate(source.text.splitlines(), start=1):
        if not raw.strip(" \t\r\n"):
            continue
        text = comparable(normalise(raw))
        kept = text in body or text == comparable(article.title)
        assert kept or number in recorded, f"{name}: line {number} lost: {raw!r}"


@pytest.mark.parametrize("name", NAMES)
def test_published_is_timezone_aware(name: str) -> None:
    _, article = clean(name)
    assert article.published is None or article.published.utcoffset() is not None


def test_control_characters_and_escapes_are_stripped_but_markup_is_text() -> None:
    _, article = clean("messy_terminal")
    assert article.title.startswith("[bold]Warga Bandung[/bold]")
    for paragraph in article.paragraphs:
        assert "\x1b" not in paragraph.text and "\u200b" not in paragraph.text
    assert article.paragraphs[1].text.startswith("Kepala Disdukcapil Kota Bandung")


def test_split_sentences_are_rejoined_and_recorded() -> None:
    _, article = clean("detik_finance")
    texts = [p.text for p in article.paragraphs]
    assert texts[1].startswith("Menurut Kepala Ekonom Bank Central Asia David Sumual, penguatan")
    assert "Gubernur BI Perry Warjiyo menegaskan bank sentral" in texts[-1]
    assert [e.kind for e in article.edits].count("rejoined") == 4


def test_glued_words_are_split_and_repeats_dropped() -> None:
    _, article = clean("detik_news")
    text = " ".join(p.text for p in article.paragraphs)
    assert "kata Kapolrestabes" in text and "internasional. Tersangka" in text
    assert {e.kind for e in article.edits} >= {"unglued", "deduplicated"}
    assert sum(1 for p in article.paragraphs if p.text.startswith('"Tersangka kami')) == 1


def test_sentence_split_after_baca_juga_is_not_taken_for_a_promo() -> None:
    _, article = clean("kumparan")
    assert article.paragraphs[-1].text.startswith(
        "Dalam kesempatan itu, Menteri PUPR Basuki Hadimuljono, menyebut"
    )
    promos = [r.text for r in article.removed if r.reason == "related-link promo"]
    assert promos == ["Baca Juga:", "Jokowi Tinjau Irigasi di Kupang"]


def test_short_last_paragraph_with_initials_is_kept() -> None:
    _, article = clean("voa_no_title")
    assert article.title_derived and article.outlet is None
    assert article.paragraphs[-1].text == (
        "Rusia mengecam langkah tersebut dan menyebutnya sebagai eskalasi."
    )
    first = article.removed[0]
    assert (first.line, first.text, first.reason) == (4, "[ft/rs]", "signature")
