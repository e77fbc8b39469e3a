"""What the screens ask of a corpus: entity and story groupings, related passages, search.

Analysis modules are imported when first used so the first frame does not wait for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kabar_tui.core.model import Article, Corpus, Link, Mention

if TYPE_CHECKING:
    from kabar_tui.core.search import SearchIndex


def build_searcher(corpus: Corpus) -> SearchIndex:
    """The corpus search index (built in a worker: it reads every paragraph)."""
    from kabar_tui.core.search import SearchIndex

    return SearchIndex.build(corpus)


def related_links(corpus: Corpus, article_id: str, paragraph: int | None) -> list[Link]:
    """Links from this paragraph (or article) to other articles, best first."""
    from kabar_tui.core.linking import related

    return related(corpus, article_id, paragraph)


def story_siblings(corpus: Corpus) -> dict[str, list[Article]]:
    """For each article in a story, the story's other articles, for "also in ..." lines."""
    by_id = {article.id: article for article in corpus.articles}
    siblings: dict[str, list[Article]] = {}
    for story in corpus.stories:
        members = [by_id[a] for a in story.articles if a in by_id]
        for article in members:
            siblings.setdefault(article.id, [o for o in members if o.id != article.id])
    return siblings


def entity_key(mention: Mention) -> str:
    """The name an entity is grouped under: its resolved name, else its surface text."""
    return mention.canonical or mention.text


def entity_counts(article: Article) -> list[tuple[str, str, int]]:
    """(name, label, mentions) for each entity of the article, most mentioned first."""
    counts: dict[tuple[str, str], int] = {}
    for mention in article.entities:
        key = (entity_key(mention), mention.label)
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][0].casefold()))
    return [(name, label, count) for (name, label), count in ranked]


def mentions_of(corpus: Corpus, name: str) -> list[tuple[Article, list[Mention]]]:
    """Every mention of the named entity, grouped by article in corpus order."""
    grouped: list[tuple[Article, list[Mention]]] = []
    for article in corpus.articles:
        found = [m for m in article.entities if entity_key(m) == name]
        if found:
            grouped.append((article, found))
    return grouped


def corpus_entity_names(corpus: Corpus) -> list[tuple[str, str]]:
    """(name, label) of every entity in the corpus, resolved records first."""
    if corpus.entities:
        return [(record.canonical, record.label) for record in corpus.entities]
    seen: dict[str, str] = {}
    for article in corpus.articles:
        for mention in article.entities:
            seen.setdefault(entity_key(mention), mention.label)
    return sorted(seen.items(), key=lambda item: item[0].casefold())
