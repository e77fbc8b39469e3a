"""Stories: republished copies and reports of one event belong together, others do not."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from benchmarks.textgen import edit_words, paragraphs
from kabar_tui.core.corpus.linking import link_corpus
from kabar_tui.core.corpus.stories import group_stories, story_of
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.model import Article, Corpus, Paragraph
from kabar_tui.core.store.export import corpus_to_dict

OKEZONE, VOA = "000_59e454f0b43af36c", "002_38d6ff41fa904c66"
WIB = timezone(timedelta(hours=7))


def article(
    article_id: str, texts: list[str], published: datetime | None = None, outlet: str = ""
) -> Article:
    return Article(
        id=article_id,
        path=f"{article_id}.txt",
        title=f"Judul {article_id}",
        paragraphs=[Paragraph(i, text, i + 1) for i, text in enumerate(texts)],
        published=published,
        outlet=outlet or None,
    )


def grouped(articles: list[Article]) -> list[list[str]]:
    corpus = Corpus(articles=articles)
    corpus.links = link_corpus(corpus)
    return [story.articles for story in group_stories(corpus)]


def test_okezone_and_voa_seed_articles_are_one_story() -> None:
    corpus = build_corpus()
    story = story_of(corpus.stories, OKEZONE)
    assert story is not None
    assert set(story.articles) == {OKEZONE, VOA}
    assert story.title


def test_republished_copy_with_edits_joins_the_original() -> None:
    rng = random.Random(4)
    texts = paragraphs(14, seed=2)
    wire = article("antara", texts[:8], datetime(2024, 3, 1, 9, tzinfo=WIB), "Antara")
    copy = article(
        "tribun",
        [edit_words(t, 0.1, rng) for t in texts[:5]] + texts[8:10],
        datetime(2024, 3, 1, 14, tzinfo=WIB),
        "Tribunnews",
    )
    other = article("kompas", texts[10:14], datetime(2024, 3, 1, 10, tzinfo=WIB), "Kompas")
    stories = grouped([copy, other, wire])
    assert stories == [["antara", "tribun"]]  # the original (earliest) first


def test_story_title_is_the_earliest_articles_title() -> None:
    texts = paragraphs(6, seed=5)
    later = article("later", texts, datetime(2024, 5, 2, tzinfo=WIB))
    first = article("first", texts, datetime(2024, 5, 1, tzinfo=WIB))
    corpus = Corpus(articles=[later, first])
    corpus.links = link_corpus(corpus)
    [story] = group_stories(corpus)
    assert (story.id, story.title, story.articles) == ("first", "Judul first", ["first", "later"])


def test_one_shared_footer_line_does_not_make_a_story() -> None:
    footer = "Follow WhatsApp Channel Okezone untuk update berita terbaru setiap hari"
    texts = paragraphs(8, seed=6)
    a = article("okezone-a", [*texts[:4], footer])
    b = article("okezone-b", [*texts[4:], footer])
    assert grouped([a, b]) == []


def two_reports(days_apart: int) -> list[list[str]]:
    """Two articles sharing two of their twelve paragraphs (too few for a copy)."""
    texts = paragraphs(22, seed=7)
    a = article("first", texts[:12], datetime(2024, 1, 1, 8, tzinfo=WIB))
    b = article("second", [*texts[:2], *texts[12:22]], a.published + timedelta(days=days_apart))
    return grouped([a, b])


def test_reports_sharing_paragraphs_on_the_same_days_are_one_story() -> None:
    assert two_reports(days_apart=1) == [["first", "second"]]


def test_reports_sharing_paragraphs_months_apart_are_not_one_story() -> None:
    assert two_reports(days_apart=150) == []


def test_unrelated_articles_make_no_story() -> None:
    texts = paragraphs(30, seed=10)
    articles = [article(f"x{i}", texts[i * 5 : i * 5 + 5]) for i in range(6)]
    assert grouped(articles) == []


def test_export_has_related_and_stories() -> None:
    data = corpus_to_dict(build_corpus())
    assert data["version"] == 1
    link = data["related"][0]
    assert set(link) == {"source", "target", "score", "kind"}
    assert set(link["source"]) == {"article", "paragraph"}
    assert any(
        {s["article"] for s in (r["source"], r["target"])} == {OKEZONE, VOA}
        for r in data["related"]
    )
    assert {OKEZONE, VOA} <= set(data["stories"][0]["articles"])
    json.dumps(data)


def kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_related_command_prints_links_of_one_paragraph_plainly_when_piped() -> None:
    corpus = build_corpus()
    voa = corpus.article(VOA)
    assert voa is not None
    index = next(p.index for p in voa.paragraphs if p.text.startswith("Selama kunjungannya"))
    result = kabar("related", VOA, str(index))
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(r[0], r[1], r[4]) for r in rows] == [(str(index), OKEZONE, "same text")]


def test_related_command_rejects_unknown_article_and_paragraph_in_one_line() -> None:
    unknown = kabar("related", "nope")
    assert unknown.returncode == 1
    assert "no article with id" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing = kabar("related", VOA, "99")
    assert missing.returncode == 1
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "no paragraph 99" in missing.stderr
