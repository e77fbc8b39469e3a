"""The benchmark's generated raw articles: deterministic, and cleaned without loss."""

from __future__ import annotations

from benchmarks.corpus import raw_articles
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.text import comparable, normalise


def test_generator_is_deterministic() -> None:
    assert raw_articles(5) == raw_articles(5)
    assert raw_articles(5, seed=1) != raw_articles(5)


def test_generated_articles_clean_fully() -> None:
    for name, text in raw_articles(40):
        article = clean_source(Source(name, f"{name}.txt", text, ""))
        assert not article.title_derived and article.published and article.dateline
        assert article.outlet is not None and article.editor is not None
        assert [e.kind for e in article.edits].count("deduplicated") == 1
        assert [e.kind for e in article.edits].count("rejoined") == 2
        body = comparable(" ".join(p.text for p in article.paragraphs))
        recorded = {r.line for r in article.removed} | {e.line for e in article.edits}
        recorded |= {c.line for c in article.captions}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = comparable(normalise(raw))
            if line and line not in body and line != comparable(article.title):
                assert number in recorded, f"{name} line {number}: {raw!r}"
        for paragraph in article.paragraphs:
            assert len(paragraph.text.split()) >= 6, paragraph.text
