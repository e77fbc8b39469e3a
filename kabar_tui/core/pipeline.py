"""Build a Corpus from paths.

Two stages: `process_source` is the per-file work (cleaning, per-article analysis),
independent per file so it can run in parallel and be cached by content hash;
`finish_corpus` is the cross-article work (entity resolution, linking, stories).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kabar_tui.core.clean import clean_source
from kabar_tui.core.entities import find_entities
from kabar_tui.core.linking import link_corpus
from kabar_tui.core.model import Article, Corpus
from kabar_tui.core.quotes import find_quotes
from kabar_tui.core.resolve import resolve_corpus
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.sources import Source, read_sources
from kabar_tui.core.stories import group_stories

Progress = Callable[[int, int], None]


def default_paths() -> list[Path]:
    return [seeds_dir()]


def process_source(source: Source) -> Article:
    """Everything that depends on one file alone."""
    article = clean_source(source)
    article.entities = find_entities(article)
    article.quotes = find_quotes(article)
    return article


def finish_corpus(corpus: Corpus) -> None:
    """Everything that depends on several articles, done once all are processed."""
    resolve_corpus(corpus)
    corpus.links = link_corpus(corpus)
    corpus.stories = group_stories(corpus)


def build_corpus(
    paths: Iterable[str | Path] | None = None, progress: Progress | None = None
) -> Corpus:
    """Read and process every article under `paths` (the bundled seeds when None)."""
    sources, problems = read_sources(list(paths) if paths else default_paths())
    corpus = Corpus(problems=problems)
    total = len(sources)
    for done, source in enumerate(sources, start=1):
        corpus.articles.append(process_source(source))
        if progress:
            progress(done, total)
    finish_corpus(corpus)
    return corpus
