"""Group articles into stories: near-duplicates and articles about the same event.

Built on paragraph links: two articles belong together when a large share of the
shorter one's text is linked to the other (republished, edited), or when several of
their paragraphs are linked and they were published close together (same event).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from kabar_tui.core.corpus.linking import SAME_TEXT
from kabar_tui.core.model import Article, Corpus, Link, Story

NEAR_DUPLICATE_SHARE = 0.3  # of the shorter article's words inside same-text links
SAME_EVENT_PARAGRAPHS = 2  # distinct linked paragraphs on each side...
SAME_EVENT_MIN_WORDS = 15  # ...each long enough to be news, not a shared footer line
SAME_EVENT_WINDOW = timedelta(days=3)


class StoryArticle(Protocol):
    """What grouping needs of an article: an `Article`'s fields, or its digest's
    (`core.corpus.digest`), which keeps word counts instead of paragraph texts."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def published(self) -> datetime | None: ...
    def word_counts(self) -> Iterable[tuple[int, int]]: ...


@dataclass(slots=True)
class _Counted:
    """An `Article` as a StoryArticle."""

    article: Article

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def title(self) -> str:
        return self.article.title

    @property
    def published(self) -> datetime | None:
        return self.article.published

    def word_counts(self) -> Iterable[tuple[int, int]]:
        return ((p.index, len(p.text.split())) for p in self.article.paragraphs)


def _within_window(a: StoryArticle, b: StoryArticle) -> bool:
    """Unknown dates do not keep articles apart; known dates far apart do."""
    if a.published is None or b.published is None:
        return True
    first, second = a.published, b.published
    if (first.tzinfo is None) != (second.tzinfo is None):
        first, second = first.replace(tzinfo=None), second.replace(tzinfo=None)
    return abs(first - second) <= SAME_EVENT_WINDOW


def _share(article: StoryArticle, paragraphs: set[int]) -> float:
    """Fraction of the article's words that lie in the given paragraphs."""
    total = linked = 0
    for index, count in article.word_counts():
        total += count
        if index in paragraphs:
            linked += count
    return linked / total if total else 0.0


def _belong_together(a: StoryArticle, b: StoryArticle, links: list[Link]) -> bool:
    same_text: dict[str, set[int]] = {a.id: set(), b.id: set()}
    linked: dict[str, set[int]] = {a.id: set(), b.id: set()}
    lengths = {article.id: dict(article.word_counts()) for article in (a, b)}
    for link in links:
        for article, paragraph in (
            (link.source_article, link.source_paragraph),
            (link.target_article, link.target_paragraph),
        ):
            if lengths[article].get(paragraph, 0) >= SAME_EVENT_MIN_WORDS:
                linked[article].add(paragraph)
            if link.kind == SAME_TEXT:
                same_text[article].add(paragraph)
    if max(_share(a, same_text[a.id]), _share(b, same_text[b.id])) >= NEAR_DUPLICATE_SHARE:
        return True
    enough = min(len(linked[a.id]), len(linked[b.id])) >= SAME_EVENT_PARAGRAPHS
    return enough and _within_window(a, b)


def _sort_key(article: StoryArticle) -> tuple[bool, datetime, str]:
    published = article.published.replace(tzinfo=None) if article.published else datetime.max
    return (article.published is None, published, article.id)


def group_stories(corpus: Corpus) -> list[Story]:
    """Stories of two or more articles, from corpus.links; an article is in at most one."""
    return stories_of(corpus.links, [_Counted(article) for article in corpus.articles])


def stories_of(links: list[Link], corpus_articles: Sequence[StoryArticle]) -> list[Story]:
    """`group_stories` of the articles (in corpus order) and their links."""
    by_pair: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for link in links:
        first, second = sorted((link.source_article, link.target_article))
        by_pair[first, second].append(link)
    parent: dict[str, str] = {}

    def root(article_id: str) -> str:
        while parent.get(article_id, article_id) != article_id:
            article_id = parent[article_id]
        return article_id

    articles = {article.id: article for article in corpus_articles}
    for (first, second), links in by_pair.items():
        if (
            first in articles
            and second in articles
            and _belong_together(articles[first], articles[second], links)
        ):
            parent.setdefault(first, first)
            parent[root(second)] = root(first)
    groups: dict[str, list[StoryArticle]] = defaultdict(list)
    for article in corpus_articles:
        if article.id in parent:
            groups[root(article.id)].append(article)
    stories = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=_sort_key)
        original = members[0]
        stories.append(Story(original.id, [m.id for m in members], original.title))
    stories.sort(key=lambda story: _sort_key(articles[story.id]))
    return stories


def story_of(stories: list[Story], article_id: str) -> Story | None:
    """The story an article belongs to, None when it stands alone."""
    for story in stories:
        if article_id in story.articles:
            return story
    return None
