"""Open a corpus the cache already holds, reading no article file and loading no article.

The fast path of every command: find the files, check each against its stored signature
by its metadata alone (`storage.unchanged_by_metadata`), compute the corpus key, and when
the cache holds that corpus answer its `StoredCatalog`. Anything else (a new, changed or
gone file, a corpus never linked, no cache) answers None, and the caller indexes
(`pipeline.index_corpus`), which reads, processes and stores what changed. This module
does not import the processing stages, so a cached command starts without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kabar_tui.core.catalog_store import StoredCatalog
from kabar_tui.core.model import Problem
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.sources import Source, article_ids, discover_paths, path_key, read_source
from kabar_tui.core.storage import (
    CacheUnavailable,
    Storage,
    cache_disabled,
    corpus_key,
    unchanged_by_metadata,
)


def open_catalog(
    paths: Iterable[str | Path] | None = None, cache: Storage | bool = True
) -> tuple[StoredCatalog | None, list[Problem]]:
    """The stored catalog of the articles under `paths` (the bundled seeds when None).

    With a catalog come the problems indexing would have said (paths that do not exist,
    files that are not articles). Without one come only the cache's own warnings: the
    indexing that follows says the rest again. `cache` is True for the user's cache, or
    an open Storage, which the catalog then uses (and closes with `close`).
    """
    roots = list(paths) if paths else [seeds_dir()]
    if cache is False or (cache is True and cache_disabled()):
        return None, []
    try:
        storage = cache if isinstance(cache, Storage) else Storage.open_default()
    except CacheUnavailable as error:
        return None, [Problem("cache", str(error))]
    files, problems = discover_paths(roots)
    sources = _unchanged_sources(files, storage, problems)
    key = corpus_key(sources) if sources is not None else ""
    number = storage.find_corpus(key) if key else None
    warnings = [Problem(str(storage.path), warning) for warning in storage.warnings]
    storage.warnings.clear()
    if number is None:
        if cache is True:
            storage.close()
        return None, warnings
    return StoredCatalog(storage, number, key, problems + warnings), []


def _unchanged_sources(
    files: list[str], storage: Storage, problems: list[Problem]
) -> list[Source] | None:
    """The files as sources without text, when every one is stored and unchanged since.

    A file the cache has no row for is read only to tell a file that is not an article (a
    problem, as indexing says it) from a new article (None: indexing is needed).
    """
    known = storage.known_articles()
    sources = []
    for file, article_id in zip(files, article_ids(files), strict=True):
        path = path_key(file)
        content_hash, signature = known.get(path, ("", ""))
        if unchanged_by_metadata(file, signature):
            sources.append(Source(article_id, path, "", content_hash))
            continue
        if content_hash:
            return None  # changed, or only touched: indexing looks
        unread = read_source(Path(file))
        if not isinstance(unread, Problem):
            return None
        problems.append(unread)
    return sources
