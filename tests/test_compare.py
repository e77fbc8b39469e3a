"""Comparing two versions of a story: alignment by links, word diff, lonely quotes, CLI."""

from __future__ import annotations

import json

import pytest

from kabar_tui.cli import main
from kabar_tui.cli.common import find_article
from kabar_tui.cli.ids import shortest_unique_ids
from kabar_tui.core.corpus.compare import (
    compare_articles,
    compare_candidates,
    monotone_links,
    quotes_only_in,
    word_diff,
)
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.model import Article, Corpus, Link, Paragraph, Quote, Story


def make_article(article_id: str, texts: list[str], outlet: str) -> Article:
    paragraphs = [Paragraph(i, text, i + 1) for i, text in enumerate(texts)]
    return Article(article_id, f"{article_id}.txt", article_id, paragraphs, outlet=outlet)


def test_word_diff_marks_only_the_changed_words() -> None:
    left = "Kim bertemu Putin pada Rabu (13/9/2023) di Vostochny."
    right = "Kim bertemu Putin pada Rabu di kosmodrom Vostochny."
    left_spans, right_spans = word_diff(left, right)
    assert [left[a:b] for a, b in left_spans] == ["(13/9/2023)"]
    assert [right[a:b] for a, b in right_spans] == ["kosmodrom"]


def test_word_diff_ignores_case_and_diacritics_only() -> None:
    assert word_diff("Zélie datang", "zelie datang") == ([], [])


def test_monotone_links_drop_a_crossing_link_and_keep_the_heavier_chain() -> None:
    links = [
        Link("a", 0, "b", 0, 90, "same text"),
        Link("a", 1, "b", 3, 80, "same text"),
        Link("a", 2, "b", 1, 95, "same text"),
        Link("a", 3, "b", 2, 95, "same text"),
    ]
    chain = monotone_links(links)
    assert [(link.source_paragraph, link.target_paragraph) for link in chain] == [
        (0, 0),
        (2, 1),
        (3, 2),
    ]


def test_rows_keep_both_articles_in_order_and_mark_unmatched_and_moved_text() -> None:
    left = make_article("a", ["satu", "dua", "tiga", "empat"], "Kompas")
    right = make_article("b", ["SATU", "tiga", "lima", "dua"], "Tempo")
    corpus = Corpus(articles=[left, right])
    corpus.links = [
        Link("a", 0, "b", 0, 99, "same text"),
        Link("b", 1, "a", 2, 98, "same text"),  # stored the other way round
        Link("a", 1, "b", 3, 60, "similar"),  # crosses the others: moved
    ]
    rows = compare_articles(corpus, left, right).rows
    assert [(row.left, row.right) for row in rows] == [
        (0, 0),
        (1, None),
        (2, 1),
        (3, None),
        (None, 2),
        (None, 3),
    ]
    assert rows[1].moved_to == 3 and rows[5].moved_to == 1
    assert rows[3].moved_to is None
    assert rows[2].kind == "same text"


def test_quotes_in_one_version_only_are_listed() -> None:
    shared = Quote("Kami puas dengan hasilnya", "direct", "Shoigu", 0, 0, 10)
    same_reworded = Quote("kami puas dengan hasilnya.", "direct", "Shoigu", 1, 0, 10)
    alone = Quote("Ini belum selesai", "direct", "Matsegora", 2, 0, 10)
    assert quotes_only_in([shared, alone], [same_reworded]) == [alone]
    assert quotes_only_in([same_reworded], [shared, alone]) == []


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    return build_corpus(None)


def seed(corpus: Corpus, prefix: str) -> Article:
    found = find_article(corpus, prefix)
    assert found is not None
    return found


def test_seed_republication_aligns_every_paragraph_in_order(seeds) -> None:
    left, right = seed(seeds, "000"), seed(seeds, "002")
    comparison = compare_articles(seeds, left, right)
    pairs = [(row.left, row.right) for row in comparison.rows if row.left is not None]
    assert pairs == [(i, i) for i in range(len(left.paragraphs))]
    first = comparison.rows[0]
    changed = [left.paragraphs[0].text[a:b] for a, b in first.left_changes]
    assert "Jong-un" in changed  # the other version spells it Jong Un
    only_right = [row.right for row in comparison.rows if row.left is None]
    assert only_right == list(range(len(left.paragraphs), len(right.paragraphs)))
    assert compare_candidates(seeds, left.id)[0][0].id == right.id


def test_seed_different_reports_are_mostly_unmatched(seeds) -> None:
    left, right = seed(seeds, "001"), seed(seeds, "003")
    comparison = compare_articles(seeds, left, right)
    assert comparison.aligned < len(comparison.rows) // 2
    lefts = [row.left for row in comparison.rows if row.left is not None]
    rights = [row.right for row in comparison.rows if row.right is not None]
    assert lefts == list(range(len(left.paragraphs)))
    assert rights == list(range(len(right.paragraphs)))
    assert comparison.only_left_quotes and comparison.only_right_quotes


def test_prefixes_and_shortest_unique_ids(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = Corpus(
        articles=[make_article(i, ["x"], "o") for i in ("000_abc", "001_abd", "0012_x")]
    )
    found = find_article(corpus, "000")
    assert found is not None and found.id == "000_abc"
    assert find_article(corpus, "001") is None
    assert "001_abd, 0012_x" in capsys.readouterr().err
    assert find_article(corpus, "9") is None
    assert "no article with id '9'" in capsys.readouterr().err
    assert shortest_unique_ids(["000_abc", "001_abd", "0012_x"]) == {
        "000_abc": "000",
        "001_abd": "001_",
        "0012_x": "0012",
    }


def test_compare_command_piped_json_and_bad_id(capsys) -> None:
    assert main(["compare", "000", "002"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("0\t0\tsame text")
    assert "[-Jong-un-]" in lines[0] and "{+Jong Un+}" in lines[0]
    assert all(len(line.split("\t")) in (4, 5) for line in lines)
    assert main(["compare", "000", "002", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["left"]["id"].startswith("000") and data["rows"][0]["left"]["changed"]
    assert main(["compare", "000", "nope"]) == 1
    assert capsys.readouterr().err.strip() == "kabar: error: no article with id 'nope'"


def test_comparing_an_article_with_itself_is_refused_in_one_line(capsys) -> None:
    """`kabar compare 000 000_59e` printed every paragraph twice as "only in Okezone"."""
    assert main(["compare", "000", "000_59e"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "kabar: error: '000' and '000_59e' are the same article, 000_59e454f0b43af36c"
    )


def test_story_candidates_rank_by_links() -> None:
    a, b, c = (make_article(i, ["x", "y"], i) for i in "abc")
    corpus = Corpus(articles=[a, b, c], stories=[Story("s", ["a", "b", "c"], "a")])
    corpus.links = [Link("c", 0, "a", 0, 90, "similar"), Link("a", 1, "c", 1, 90, "similar")]
    assert [(x.id, n) for x, n in compare_candidates(corpus, "a")] == [("c", 2), ("b", 0)]
