"""A cache of COPIES x an indexed corpus, in minutes instead of hours, to measure queries at scale.

    python -m benchmarks.scale_cache SOURCE COPIES TARGET --cache DIR

SOURCE must be indexed in the cache at DIR already (`KABAR_CACHE_DIR=DIR kabar index
SOURCE`). Its files are copied into TARGET/r0 ... TARGET/r{COPIES-1}, and their processed
articles and cross-article results are stored for the copies as indexing would store
them (same tables, checksums and signatures, ids told apart by folder as `article_ids`
does), without processing or linking again: links, stories and quote groups stay within
a copy, entities gather every copy's mentions. The search index is built from the stored
copies as `kabar index` builds it. Processing 100k articles takes hours on a loaded 2-core
machine; the queries only need tables of that size. Not for measuring processing, linking
or search recall.

Copies differ: in every copy but the first, about a third of the lowercase words of four
letters or more (outside names and quotations) are replaced by words of the same length
from `searchgen`'s Zipf-drawn lexicon (`--same-text` keeps them identical). Identical
copies would make every passage ten times over, so each query's first page would be one
passage's copies, every posting list exactly COPIES times longer and the vocabulary no
bigger than the source's: not what 100k different articles give. Lengths are kept, so
names' and quotations' offsets stay right. The stored text then differs from the copied
files (which the queries do not read).

`--rekey` labels a cache made by other code as this code's (the articles' processing
fingerprint and the corpus key of the folder at TARGET), so the query code can be edited
and measured again without processing anything: only valid while the processing code and
data are those the cache was made with (edits to query code, storage reading, the UI).

    python -m benchmarks.scale_cache --rekey TARGET --cache DIR

Not replicated: the link state `kabar index` keeps for incremental updates (`link_*`
tables, built by linking the whole corpus). Adding a file to the scaled folder links the
whole corpus again, as a cache without that state does.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import re
import shutil
from pathlib import Path

from benchmarks.searchgen import LEXICON, MUTATED, _zipf, lexicon
from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.ingest.sources import (
    Source,
    article_ids,
    discover,
    discover_paths,
    display_path,
    path_key,
)
from kabar_tui.core.model import Article, Corpus, EntityRecord, QuoteRecord, Story
from kabar_tui.core.search.search_store import save_stored_search
from kabar_tui.core.store.storage import Storage, code_fingerprint, corpus_key, file_signature

_SAVED_TOGETHER = 1000
_LOWER_WORD = re.compile(r"(?<!\w)[a-z]{4,}(?!\w)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, nargs="?")
    parser.add_argument("copies", type=int, nargs="?")
    parser.add_argument("target", type=Path, nargs="?")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--same-text", action="store_true", help="copies keep identical text")
    parser.add_argument("--rekey", type=Path, metavar="TARGET", help="relabel for this code")
    args = parser.parse_args()
    os.environ["KABAR_CACHE_DIR"] = str(args.cache)
    if args.rekey:
        rekey(args.rekey, args.cache)
        return
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
    mutation = None if args.same_text else Mutation()
    articles = [
        (
            mutation.article(original.articles[n % count], n // count)
            if mutation and n >= count
            else original.articles[n % count]
        )
        for n in range(len(sources))
    ]
    articles = [
        dataclasses.replace(article, id=source.id, path=display_path(source.path))
        for article, source in zip(articles, sources, strict=True)
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
        print("corpus stored", storage.warnings or "", flush=True)
        key = corpus_key(sources)
        assert save_stored_search(storage, key, corpus.entities), "search index not stored"
        print("search index stored", storage.warnings or "")


def rekey(target: Path, cache: Path) -> None:
    """Label every stored article and the corpus of the files under `target` (its
    article count) as made by this code (module docstring)."""
    files, _ = discover_paths([target])
    with Storage(cache / "kabar-cache.sqlite3") as storage, storage.guard("written") as db:
        db.execute("UPDATE articles SET fingerprint = ?", (code_fingerprint(),))
        hashes = dict(db.execute("SELECT path, content_hash FROM articles"))
        keys = [path_key(file) for file in files]
        sources = [
            Source(article_id, key, "", hashes[key])
            for key, article_id in zip(keys, article_ids(files), strict=True)
        ]
        (corpus,) = db.execute(
            "SELECT corpus FROM corpus_articles GROUP BY corpus HAVING COUNT(*) = ?",
            (len(files),),
        ).fetchone()
        db.execute("UPDATE corpora SET key = ? WHERE id = ?", (corpus_key(sources), corpus))
        db.commit()
    print(f"corpus {corpus}: {len(files)} articles relabelled for this code")


class Mutation:
    """Words of a copy replaced by lexicon words of the same length (module docstring)."""

    def __init__(self, seed: int = 11) -> None:
        self.by_length: dict[int, list[str]] = {}
        for word in lexicon(LEXICON, seed):  # in rank order: Zipf draws favour the first
            self.by_length.setdefault(len(word), []).append(word)

    def article(self, article: Article, copy: int) -> Article:
        rng = random.Random(f"{copy}/{article.id}")
        kept: dict[int, list[tuple[int, int]]] = {}
        for span in [*article.entities, *article.quotes]:
            kept.setdefault(span.paragraph, []).append((span.start, span.end))
        paragraphs = [
            dataclasses.replace(p, text=self.text(p.text, rng, kept.get(p.index, [])))
            for p in article.paragraphs
        ]
        return dataclasses.replace(
            article, title=self.text(article.title, rng, []), paragraphs=paragraphs
        )

    def text(self, text: str, rng: random.Random, kept: list[tuple[int, int]]) -> str:
        def replace(match: re.Match[str]) -> str:
            word = match.group()
            bucket = self.by_length.get(len(word))
            inside = any(start < match.end() and match.start() < end for start, end in kept)
            if bucket is None or inside or rng.random() >= MUTATED:
                return word
            return bucket[_zipf(rng, len(bucket))]

        return _LOWER_WORD.sub(replace, text)


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
