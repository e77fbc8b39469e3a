"""The Catalog contract: every backing answers like the corpus it was made from.

`catalogs` is parametrised over the backings; each test compares a catalog's answers
with what the corpus itself holds, so a new backing is checked by adding it there.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kabar_tui.core.catalog import ArticleHead, Catalog, MemoryCatalog, entity_key
from kabar_tui.core.linking import related
from kabar_tui.core.model import Corpus
from kabar_tui.core.pipeline import build_corpus


@pytest.fixture(scope="module")
def seed_corpus() -> Corpus:
    return build_corpus(cache=False)


def memory(corpus: Corpus) -> Catalog:
    return MemoryCatalog(corpus)


BACKINGS: list[Callable[[Corpus], Catalog]] = [memory]


@pytest.fixture(params=BACKINGS, ids=lambda make: make.__name__)
def catalog(request: pytest.FixtureRequest, seed_corpus: Corpus) -> Catalog:
    return request.param(seed_corpus)


def test_heads_follow_the_corpus(catalog: Catalog, seed_corpus: Corpus) -> None:
    assert len(catalog) == len(seed_corpus.articles)
    assert catalog.heads() == [ArticleHead.of(a) for a in seed_corpus.articles]


def test_one_article_is_whole(catalog: Catalog, seed_corpus: Corpus) -> None:
    for article in seed_corpus.articles:
        assert catalog.article(article.id) == article
    assert catalog.article("no such article") is None
    assert list(catalog.articles()) == seed_corpus.articles


def test_related_links_match_the_linker(catalog: Catalog, seed_corpus: Corpus) -> None:
    assert seed_corpus.links, "the seeds republish passages: they must link"
    for article in seed_corpus.articles:
        assert catalog.related(article.id) == related(seed_corpus, article.id)
        for paragraph in range(len(article.paragraphs)):
            assert catalog.related(article.id, paragraph) == related(
                seed_corpus, article.id, paragraph
            )


def test_links_between_are_oriented_left_to_right(catalog: Catalog, seed_corpus: Corpus) -> None:
    link = seed_corpus.links[0]
    forward = catalog.links_between(link.source_article, link.target_article)
    backward = catalog.links_between(link.target_article, link.source_article)
    assert len(forward) == len(backward) > 0
    assert all(one.source_article == link.source_article for one in forward)
    assert all(one.source_article == link.target_article for one in backward)


def test_story_siblings_and_compare_candidates(catalog: Catalog, seed_corpus: Corpus) -> None:
    story = next(s for s in seed_corpus.stories if len(s.articles) > 1)
    first = story.articles[0]
    siblings = catalog.story_siblings()[first]
    assert [head.id for head in siblings] == story.articles[1:]
    candidates = catalog.compare_candidates(first)
    assert {head.id for head, _count in candidates} == set(story.articles[1:])
    counts = [count for _head, count in candidates]
    assert counts == sorted(counts, reverse=True)


def test_entity_mentions_page_through_every_mention(catalog: Catalog, seed_corpus: Corpus) -> None:
    name, _label = catalog.entity_names()[0]
    expected = [
        (article.id, mention.paragraph, mention.start)
        for article in seed_corpus.articles
        for mention in article.entities
        if entity_key(mention) == name
    ]
    mentions, articles = catalog.mention_count(name)
    assert mentions == len(expected)
    assert articles == len({article for article, _, _ in expected})
    seen = []
    offset = 0
    while page := catalog.mentions(name, offset, 2):
        for occurrence in page:
            paragraph = catalog.article(occurrence.article.id).paragraphs[occurrence.paragraph]
            assert occurrence.text == paragraph.text
            seen += [(occurrence.article.id, m.paragraph, m.start) for m in occurrence.mentions]
        offset += len(page)
    assert sorted(seen) == sorted(expected)


def test_quotes_come_with_their_article(catalog: Catalog, seed_corpus: Corpus) -> None:
    expected = [(a.id, q) for a in seed_corpus.articles for q in a.quotes]
    assert [(head.id, quote) for head, quote in catalog.quotes()] == expected


def test_prefix_matching(catalog: Catalog, seed_corpus: Corpus) -> None:
    first = seed_corpus.articles[0].id
    assert [head.id for head in catalog.matching(first)] == [first]
    assert catalog.matching("\x00none") == []


def test_search_answers(catalog: Catalog) -> None:
    page = catalog.searcher().search_page("kim jong", 0, 5)
    assert page.total > 0 and page.hits


def test_articles_arriving_show_at_once() -> None:
    corpus = build_corpus(cache=False)
    catalog = MemoryCatalog(linked=False)
    catalog.add_articles(corpus.articles[:2])
    assert [head.id for head in catalog.heads()] == [a.id for a in corpus.articles[:2]]
    assert catalog.article(corpus.articles[1].id) is corpus.articles[1]
    assert not catalog.linked
