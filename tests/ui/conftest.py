"""A small hand-built corpus so UI tests do not depend on the analysis heuristics."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar_tui.core.model import (
    Article,
    Corpus,
    EntityRecord,
    Link,
    Mention,
    Paragraph,
    Quote,
    RemovedLine,
    Story,
)
from kabar_tui.core.resources import seeds_dir
from kabar_tui.ui.app import KabarApp

WIB = timezone(timedelta(hours=7))


def mention(paragraph: Paragraph, text: str, label: str, canonical: str = "") -> Mention:
    start = paragraph.text.index(text)
    return Mention(text, label, paragraph.index, start, start + len(text), canonical or text)


def article(
    article_id: str, outlet: str, day: int, title: str, texts: list[str], **extra
) -> Article:
    paragraphs = [Paragraph(i, text, 10 + 2 * i) for i, text in enumerate(texts)]
    return Article(
        id=article_id,
        path=f"/news/{article_id}.txt",
        title=title,
        paragraphs=paragraphs,
        outlet=outlet,
        published=datetime(2023, 9, day, 9, 30, tzinfo=WIB),
        content_hash=article_id,
        **extra,
    )


def build_corpus() -> Corpus:
    a = article(
        "detik-1",
        "detikNews",
        17,
        "Kim Jong Un bertemu Shoigu di Vladivostok",
        [
            "VLADIVOSTOK - Pemimpin Korea Utara Kim Jong Un bertemu Menteri Pertahanan "
            "Rusia Sergei Shoigu di Vladivostok pada Sabtu.",
            "Keduanya membahas kerja sama militer dan latihan gabungan, kata KCNA.",
            '"Kami puas dengan hasil kunjungan ini," kata Alexander Matsegora kepada RIA.',
            "Text with [bold]markup[/] that must stay literal.",
        ]
        + [f"Paragraf tambahan nomor {n} tentang kunjungan itu." for n in range(1, 13)],
        author="Rahman Asmardika",
        dateline="VLADIVOSTOK",
        credited_source="KCNA",
        removed=[
            RemovedLine(3, "Advertisement", "advertisement"),
            RemovedLine(5, "Baca juga: Putin terima undangan", "related-article link"),
        ],
    )
    b = article(
        "kompas-1",
        "Kompas.com",
        16,
        "Shoigu sambut Kim Jong Un di Rusia",
        [
            "MOSKWA, KOMPAS.com - Menteri Pertahanan Rusia Sergei Shoigu menyambut Kim Jong Un.",
            "Mereka membahas kerja sama militer, menurut kantor berita KCNA.",
        ],
    )
    c = article(
        "antara-1",
        "ANTARA",
        14,
        "Harga beras naik di Jakarta",
        ["JAKARTA - Harga beras di pasar Jakarta naik lagi pekan ini."],
    )
    pa, pb, pc = a.paragraphs, b.paragraphs, c.paragraphs
    a.entities = [
        mention(pa[0], "Kim Jong Un", "PER"),
        mention(pa[0], "Sergei Shoigu", "PER"),
        mention(pa[0], "Vladivostok", "LOC"),
        mention(pa[1], "KCNA", "ORG"),
        mention(pa[2], "Alexander Matsegora", "PER"),
    ]
    start = pa[2].text.index('"')
    end = pa[2].text.index('"', start + 1) + 1
    a.quotes = [
        Quote(pa[2].text[start:end], "direct", "Alexander Matsegora", 2, start, end),
    ]
    b.entities = [
        mention(pb[0], "Sergei Shoigu", "PER"),
        mention(pb[0], "Kim Jong Un", "PER"),
        mention(pb[1], "KCNA", "ORG"),
    ]
    c.entities = [mention(pc[0], "Jakarta", "LOC")]
    corpus = Corpus(articles=[a, b, c])
    corpus.links = [Link("detik-1", 1, "kompas-1", 1, 87.5, "similar")]
    corpus.stories = [
        Story("story-1", ["detik-1", "kompas-1"], a.title),
        Story("story-2", ["antara-1"], c.title),
    ]
    corpus.entities = [
        EntityRecord("Kim Jong Un", "PER", [], 2, ["detik-1", "kompas-1"]),
        EntityRecord("Sergei Shoigu", "PER", [], 2, ["detik-1", "kompas-1"]),
        EntityRecord("KCNA", "ORG", [], 2, ["detik-1", "kompas-1"]),
    ]
    return corpus


@pytest.fixture
def corpus() -> Corpus:
    return build_corpus()


def make_app(corpus: Corpus | None = None, **options) -> KabarApp:
    return KabarApp(corpus=corpus or build_corpus(), **options)


def indexed_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held_back: str | None = None
) -> Path:
    """The seeds (but those whose name starts with `held_back`) copied to a folder and
    indexed into a cache of the test's own (the suite runs without one)."""
    # Imported here: test_startup's fresh interpreters import this module and check that
    # a cached corpus imports no analysis code.
    from kabar_tui.core.indexing.pipeline import index_corpus

    monkeypatch.delenv("KABAR_NO_CACHE", raising=False)
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    news = tmp_path / "news"
    news.mkdir()
    for seed in sorted(seeds_dir().glob("*.txt")):
        if held_back is None or not seed.name.startswith(held_back):
            shutil.copy(seed, news / seed.name)
    index_corpus([news], keep_articles=False)
    return news
