"""A cache of COPIES x an indexed corpus, in minutes instead of hours, to measure queries at scale.

    python benchmarks/scale_cache.py SOURCE COPIES TARGET --cache DIR

SOURCE must be indexed in the cache at DIR already (`KABAR_CACHE_DIR=DIR kabar index
SOURCE`). Its files are copied into TARGET/r0 ... TARGET/r{COPIES-1}, and their processed
articles and cross-article results are stored for the copies as indexing would store
them (same tables, checksums and signatures, ids told apart by folder as `article_ids`
does), without processing or linking again: links, stories and quote groups stay within
a copy, entities gather every copy's mentions. Processing 100k articles takes hours on a
loaded 2-core machine; the queries only need tables of that size. Not for measuring
processing, linking or search recall.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
from pathlib import Path

from kabar_tui.core.model import Corpus, EntityRecord, QuoteRecord, Story
from kabar_tui.core.pipeline import index_corpus
from kabar_tui.core.sources import Source, article_ids, discover, display_path, path_key
from kabar_tui.core.storage import Storage, corpus_key, file_signature

_SAVED_TOGETHER = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("copies", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    args = parser.parse_args()
    os.environ["KABAR_CACHE_DIR"] = str(args.cache)
    report = index_corpus([args.source])
    assert report.corpus_from_cache, "index SOURCE into the cache first"
    original = report.corpus
    files: list[Path] = []
    for copy in range(args.copies):
        folder = args.target / f"r{copy}"
        folder.mkdir(parents=True, exist_ok=True)
        for article in original.articles:
            copied = folder / Path(article.path).name
            if not copied.exists():
                shutil.copyfile(article.path, copied)
    files, problems = discover([args.target])
    assert not problems and len(files) == args.copies * len(original.articles), problems
    ids = article_ids(files)
    count = len(original.articles)
    sources = [
        Source(article_id, path_key(file), "", original.articles[n % count].content_hash)
        for n, (file, article_id) in enumerate(zip(files, ids, strict=True))
    ]
    articles = [
        dataclasses.replace(
            original.articles[n % count], id=source.id, path=display_path(source.path)
        )
        for n, source in enumerate(sources)
    ]
    with Storage(args.cache / "kabar-cache.sqlite3") as storage:
        for start in range(0, len(sources), _SAVED_TOGETHER):
            end = start + _SAVED_TOGETHER
            storage.save_articles(
                (source, file_signature(file), article)
                for source, file, article in zip(
                    sources[start:end], files[start:end], articles[start:end], strict=True
                )
            )
            print(f"{end} articles stored", flush=True)
        corpus = _replicated(original, [a.id for a in articles], args.copies)
        corpus.articles = articles
        storage.save_corpus(corpus_key(sources), corpus, [source.path for source in sources])
        print("corpus stored", storage.warnings or "")


def _replicated(original: Corpus, ids: list[str], copies: int) -> Corpus:
    """The cross-article results of `original` for each copy (ids in copy order)."""
    count = len(original.articles)
    position = {article.id: n for n, article in enumerate(original.articles)}

    def in_copy(article_id: str, copy: int) -> str:
        return ids[copy * count + position[article_id]]

    corpus = Corpus()
    for copy in range(copies):
        corpus.links += [
            dataclasses.replace(
                link,
                source_article=in_copy(link.source_article, copy),
                target_article=in_copy(link.target_article, copy),
            )
            for link in original.links
        ]
        corpus.stories += [
            Story(f"{story.id}-{copy}", [in_copy(a, copy) for a in story.articles], story.title)
            for story in original.stories
        ]
        corpus.quote_groups += [
            QuoteRecord(
                group.text,
                group.speaker_canonical,
                [
                    dataclasses.replace(occurrence, article=in_copy(occurrence.article, copy))
                    for occurrence in group.occurrences
                ],
            )
            for group in original.quote_groups
        ]
    corpus.entities = [
        EntityRecord(
            entity.canonical,
            entity.label,
            entity.aliases,
            entity.mentions * copies,
            [in_copy(a, copy) for copy in range(copies) for a in entity.articles],
        )
        for entity in original.entities
    ]
    return corpus


if __name__ == "__main__":
    main()
