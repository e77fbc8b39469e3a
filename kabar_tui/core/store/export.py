"""The versioned JSON export schema: everything the core knows, for scripts."""

from __future__ import annotations

from typing import Any

from kabar_tui.core.model import Article, Corpus, Link, Story

SCHEMA_VERSION = 1


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "title_derived": article.title_derived,
        "outlet": article.outlet,
        "author": article.author,
        "editor": article.editor,
        "published": article.published.isoformat() if article.published else None,
        "dateline": article.dateline,
        "credited_source": article.credited_source,
        "captions": [
            {"text": c.text, "credit": c.credit, "line": c.line} for c in article.captions
        ],
        "paragraphs": [
            {"index": p.index, "text": p.text, "line": p.line} for p in article.paragraphs
        ],
        "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in article.removed],
        "edits": [{"line": e.line, "kind": e.kind, "detail": e.detail} for e in article.edits],
        "entities": [
            {
                "text": m.text,
                "label": m.label,
                "canonical": m.canonical,
                "paragraph": m.paragraph,
                "start": m.start,
                "end": m.end,
            }
            for m in article.entities
        ],
        "quotes": [
            {
                "text": q.text,
                "kind": q.kind,
                "speaker": q.speaker,
                "speaker_canonical": q.speaker_canonical,
                "via": q.via,
                "role": q.role,
                "paragraph": q.paragraph,
                "start": q.start,
                "end": q.end,
            }
            for q in article.quotes
        ],
    }


def link_to_dict(link: Link) -> dict[str, Any]:
    return {
        "source": {"article": link.source_article, "paragraph": link.source_paragraph},
        "target": {"article": link.target_article, "paragraph": link.target_paragraph},
        "score": link.score,
        "kind": link.kind,
    }


def story_to_dict(story: Story) -> dict[str, Any]:
    return {"id": story.id, "title": story.title, "articles": list(story.articles)}


def corpus_to_dict(corpus: Corpus) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "articles": [article_to_dict(a) for a in corpus.articles],
        "entities": [
            {
                "canonical": e.canonical,
                "label": e.label,
                "aliases": e.aliases,
                "mentions": e.mentions,
                "articles": e.articles,
            }
            for e in corpus.entities
        ],
        "quote_groups": [
            {
                "text": g.text,
                "speaker_canonical": g.speaker_canonical,
                "occurrences": [
                    {
                        "article": o.article,
                        "paragraph": o.paragraph,
                        "start": o.start,
                        "end": o.end,
                        "speaker": o.speaker,
                    }
                    for o in g.occurrences
                ],
            }
            for g in corpus.quote_groups
        ],
        "related": [link_to_dict(link) for link in corpus.links],
        "stories": [story_to_dict(story) for story in corpus.stories],
    }
