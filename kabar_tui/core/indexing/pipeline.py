"""Build a Corpus from paths.

The stages, in order (each listed as data below, `ARTICLE_STAGES` and `CORPUS_STAGES`):

1. per file (`process_source`, in worker processes when there are many, cached by
   content hash): read, clean, then `ARTICLE_STAGES` (entities, quotes);
2. per corpus, once every article is processed (`finish_digest` on the articles'
   digests, `finish_corpus` on articles kept in memory): `CORPUS_STAGES` (quotation
   grouping started in a spawned process, linking, stories, name resolution);
3. storing: the articles as they arrive, the corpus's results, then its search index.

`index_corpus` runs them with the cache (kabar_tui.core.store.storage): an unchanged corpus is
one cache read, a changed or added file is processed alone, then the cross-article stage
runs again over the whole corpus, or, for a few files added after the stored ones, updates
the stored results (core.corpus.incremental). How it runs (workers, batch sizes, the stages
themselves) is one `IndexOptions` passed to it.

Stopping (docs/processes.md): a caller's `cancel` event stops indexing at the next file or
batch (IndexCancelled); the processed articles are stored first, the worker processes
return after their current article. They also die with their parent, however it ends.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import multiprocessing.connection
import os
import sys
import tempfile
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import IO, TYPE_CHECKING, Generic, NamedTuple, TypeVar

from kabar_tui.core.corpus.digest import (
    ArticleDigest,
    CorpusDigest,
    DigestUnreadable,
    MentionForm,
    StoredRest,
    held_apart,
    held_back,
    pack_digest,
    packed_rest,
    uncoded_digest,
    unpack_digest,
    unpack_held_digest,
    unpack_rest,
    without_rest,
)
from kabar_tui.core.corpus.incremental import commit, plan_update, save_link_state, update
from kabar_tui.core.corpus.linking import LinkIndex
from kabar_tui.core.corpus.names_process import SpawnedNames
from kabar_tui.core.corpus.quotes_process import QuotesSent, SpawnedQuoteGroups
from kabar_tui.core.corpus.resolve import (
    Resolution,
    apply_resolution,
    caption_people_many,
    resolve_digest,
    resolved_articles,
)
from kabar_tui.core.corpus.stories import stories_of
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import (
    Source,
    article_ids,
    discover_paths,
    display_path,
    key_path,
    path_key,
    read_source,
)
from kabar_tui.core.language.entities import find_entities, find_entities_many
from kabar_tui.core.language.quotes import find_quotes
from kabar_tui.core.model import Article, Corpus, Link, Problem, Story
from kabar_tui.core.processes.scratch import read_span
from kabar_tui.core.processes.spawned import ChildFailed
from kabar_tui.core.processes.workers import prepare_worker_process
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.safe import safe_record
from kabar_tui.core.store.catalog_open import remember_indexed
from kabar_tui.core.store.storage import (
    ArticleRecord,
    CacheUnavailable,
    CorpusResults,
    DigestRow,
    Storage,
    article_record,
    cache_disabled,
    collector_paused,
    corpus_key,
    digest_row,
    file_signature,
    unchanged_by_metadata,
)

if TYPE_CHECKING:  # imported where used: starting the reader loads no numpy
    from kabar_tui.core.search.search_build import ArticleTerms, SearchTerms, TermIndex
    from kabar_tui.core.search.search_process import SpawnedSearch

T = TypeVar("T")

Progress = Callable[[int, int], None]
# Receives articles as they become available, before the cross-article stage has run.
ArticlesReady = Callable[[list[Article]], None]

_CANCEL_POLL_SECONDS = 0.1  # how often waiting for workers looks at the cancel event
# In a worker process: new container objects between two runs of the cyclic collector's
# youngest generation (CPython's default is 700; see _start_worker).
WORKER_COLLECT_EVERY = 10_000
# In a worker process: set by the parent when it stops (see _stop_workers).
_worker_stop: EventType | None = None


class IndexCancelled(Exception):
    """The caller asked indexing to stop; what is already in the cache stays there."""


def default_paths() -> list[Path]:
    return [seeds_dir()]


# --- the stages --------------------------------------------------------------------------

# A stage may also take several articles at once: a `many(articles)` method (see
# process_sources).
ArticleStage = Callable[[Article], None]


class _EntityStage:
    """Entities of one article, or (`many`) of several at once: the tagger decodes their
    sentences in one pass, fewer and larger numpy calls, with the same answer."""

    def __call__(self, article: Article) -> None:
        article.entities = find_entities(article)

    def many(self, articles: Sequence[Article]) -> None:
        for article, found in zip(articles, find_entities_many(articles), strict=True):
            article.entities = found


_find_entities = _EntityStage()


def _find_quotes(article: Article) -> None:
    article.quotes = find_quotes(article)


# Per article, after cleaning, in this order (in the worker processes).
ARTICLE_STAGES: tuple[tuple[str, ArticleStage], ...] = (
    ("entities", _find_entities),
    ("quotes", _find_quotes),
)


@dataclass(frozen=True, slots=True)
class SpawnMinimums:
    """Below these sizes a corpus stage's process is not started and its work is done in
    this one: starting an interpreter costs more than the work it would take over."""

    quotes: int = 2_000  # quotations to group (articles, when theirs are held packed)
    names: int = 2_000  # articles whose names are resolved
    search: int = 2_000  # articles whose search index a first index builds


@dataclass(slots=True)
class CorpusWork:
    """What the corpus stages read and fill in, in order."""

    digest: CorpusDigest
    links: list[Link] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    resolution: Resolution | None = None
    # given the link index once built: the state an incremental update goes on from
    on_linked: Callable[[LinkIndex], None] | None = None
    # the link index, from linking until `on_linked` has it (while names are resolved)
    index: LinkIndex | None = None
    # which quotations are one (`quote_grouping.quote_group_numbers`), while the others run
    quote_numbers: SpawnedQuoteGroups | None = None
    # unpacks the rest of the digests that let go of it (`digest.without_rest`)
    read_rest: _HeldRest | None = None
    spawn_min: SpawnMinimums = SpawnMinimums()

    def refill(self) -> None:
        """The rest of every digest held back, unpacked."""
        if self.read_rest is not None:
            self.read_rest(self.digest)


CorpusStage = Callable[[CorpusWork], None]


def _start_quote_grouping(work: CorpusWork) -> None:
    """Which quotations are one depends on the quotations alone: worked out in a spawned
    process (`quotes_process`) while this one links and resolves names, so the stage uses
    a second core even where linking does not. It is sent the digests' quotations, those
    held packed as they are (unpacked there, not here); a small corpus's are grouped
    where names are resolved, and so are all when the process cannot start."""
    articles = work.digest.articles
    held = work.read_rest is not None and any(map(held_back, articles))
    if held:
        many = len(articles) >= work.spawn_min.quotes
    else:
        many = sum(len(article.quotes) for article in articles) >= work.spawn_min.quotes
    if many:
        with contextlib.suppress(OSError):
            work.quote_numbers = SpawnedQuoteGroups(len(articles), _quotes_sent(work))


def _quotes_sent(work: CorpusWork) -> Iterator[QuotesSent]:
    """Each digest's quotations' texts, or the packed rest holding them (`_HeldRest`)."""
    return _held_or(work, lambda article: [quote[0] for quote in article.quotes])


def _held_or(work: CorpusWork, made: Callable[[ArticleDigest], T]) -> Iterator[bytes | T]:
    """Per digest in order: the packed rest held for it (`_HeldRest`), or `made(digest)`
    for one holding its rest."""
    held = work.read_rest
    for at, article in enumerate(work.digest.articles):
        yield held.packed(at) if held is not None and held_back(article) else made(article)


def _grouped(work: CorpusWork) -> array[int] | None:
    """The quotation group numbers from their process, asked for once; None when there
    is none, or it failed or died (then grouped where names are resolved)."""
    spawned, work.quote_numbers = work.quote_numbers, None
    if spawned is None:
        return None
    try:
        return spawned.result()
    except ChildFailed:
        return None
    finally:
        spawned.cancel()


def _link(work: CorpusWork) -> None:
    """The passages are handed to the link index and dropped from the digests with it,
    so the stages after run without them. Their texts are read from a temporary file
    meanwhile (`PassageBuffer.spill_texts`)."""
    from kabar_tui.core.corpus.linking_workers import spill_folder

    work.digest.passages.spill_texts(spill_folder())
    index = LinkIndex.build_prepared((a.id, a.passages) for a in work.digest.articles)
    work.digest.drop_passages()
    work.links = index.links
    if work.on_linked is not None:
        work.index = index  # handed to `on_linked` while names are resolved (`_resolve`)


def _group_stories(work: CorpusWork) -> None:
    work.stories = stories_of(work.links, work.digest.articles)


def _resolve(work: CorpusWork) -> None:
    """Name resolution, after stories: a lone surname is expanded within its story.

    With a link index waiting for `on_linked` (which stores it: the cache's writes are
    this process's, one core), names are resolved meanwhile in a spawned process that
    never held the passages or the index (`names_process`); a small corpus's here, and
    all of them here when that process cannot start, fails or dies.

    The names process is started before the quotation groups are asked for: their process
    may still be running (at 100k articles it outlasts linking), and resolution needs
    them last, so they are sent to it once the link index is stored and they are in."""
    if work.index is None or work.on_linked is None:
        work.refill()
        # asked for last, once resolution needs them
        work.resolution = resolve_digest(work.digest, work.stories, partial(_grouped_here, work))
        return
    resolving = _spawned_names(work)
    try:
        index, work.index = work.index, None
        work.on_linked(index)
        del index
        if work.read_rest is not None:  # the index's pages given back
            from kabar_tui.core.corpus.linking_arrays import release_free_memory

            release_free_memory()
        grouped = _grouped(work)
        numbers = None if grouped is None else partial(_given, grouped)
        resolution = None
        if resolving is not None:
            resolving.send_numbers(grouped)
            # Killed (out of memory) or failed: resolved here, as on a process never
            # started (an error of resolution itself then comes from here).
            with contextlib.suppress(ChildFailed):
                resolution = resolving.result()
        if resolution is None:
            work.refill()  # resolved here: the rest is needed whole
            resolution = resolve_digest(work.digest, work.stories, numbers)
        work.resolution = resolution
    finally:
        if resolving is not None:
            resolving.cancel()  # stopped meanwhile: the process goes too


def _grouped_here(work: CorpusWork) -> array[int]:
    """The quotation group numbers from their process, or worked out here (the digests
    hold their rest by then)."""
    grouped = _grouped(work)
    if grouped is not None:
        return grouped
    from kabar_tui.core.corpus.quote_grouping import quote_group_numbers  # numpy: not at start

    return quote_group_numbers(work.digest.articles)


def _spawned_names(work: CorpusWork) -> SpawnedNames | None:
    """Names resolved in a spawned process, sent its articles and stories now (the
    quotation group numbers later, `SpawnedNames.send_numbers`); None for a small corpus
    or when no process can be started (then here)."""
    if len(work.digest.articles) < work.spawn_min.names:
        return None
    try:
        return SpawnedNames(work.digest.articles, _packed_rests(work), work.stories)
    except OSError:
        return None


def _packed_rests(work: CorpusWork) -> Iterator[bytes]:
    """Each digest's rest packed (`digest.packed_rest`): as held, or packed now."""
    forms = work.digest.forms
    return _held_or(
        work, lambda article: packed_rest(article, [forms[code] for code in article.mentions])
    )


def _given(value: T) -> T:
    return value


# Per corpus, once every article is processed, in this order.
CORPUS_STAGES: tuple[tuple[str, CorpusStage], ...] = (
    ("quote groups", _start_quote_grouping),
    ("link", _link),
    ("stories", _group_stories),
    ("resolve", _resolve),
)


def process_source(
    source: Source, stages: Sequence[tuple[str, ArticleStage]] = ARTICLE_STAGES
) -> Article:
    """Everything that depends on one file alone, every string safe to show (`core.safe`)."""
    [result] = process_sources([source], stages)
    if isinstance(result, Exception):
        raise result
    return result


def process_sources(
    sources: Sequence[Source], stages: Sequence[tuple[str, ArticleStage]] = ARTICLE_STAGES
) -> list[Article | Exception]:
    """`process_source` of each source, a stage with a `many` method given the articles
    all at once; a file whose processing fails is the exception raised (the others go on:
    a stage that fails on several articles is run again one article at a time)."""
    results: list[Article | Exception] = []
    for source in sources:
        try:
            results.append(clean_source(source))
        except Exception as error:
            results.append(error)
    for _name, stage in stages:
        many = getattr(stage, "many", None)
        articles = [result for result in results if isinstance(result, Article)]
        if many is not None and len(articles) > 1:
            try:
                many(articles)
                continue
            except Exception:
                pass  # one at a time below, to tell which file it was
        for position, result in enumerate(results):
            if isinstance(result, Article):
                try:
                    stage(result)
                except Exception as error:
                    results[position] = error
    for position, (source, result) in enumerate(zip(sources, results, strict=True)):
        if isinstance(result, Article):
            try:
                result.path = display_path(source.path)
                results[position] = safe_record(result)
            except Exception as error:  # this file's problem, not the batch's
                results[position] = error
    return results


def finish_corpus(corpus: Corpus) -> None:
    """Everything that depends on several articles, done once all are processed."""
    links, stories, resolution = finish_digest(CorpusDigest.of(corpus.articles))
    corpus.links, corpus.stories = links, stories
    apply_resolution(corpus, resolution)


@dataclass(slots=True)
class StageTimes:
    """Seconds of each stage timed, by name: wall, and CPU of this process (not of the
    worker processes it may start)."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def timing(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu


def finish_digest(
    digest: CorpusDigest,
    stages: Sequence[tuple[str, CorpusStage]] = CORPUS_STAGES,
    times: StageTimes | None = None,
    on_linked: Callable[[LinkIndex], None] | None = None,
    read_rest: _HeldRest | None = None,
    spawn_min: SpawnMinimums = SpawnMinimums(),
) -> tuple[list[Link], list[Story], Resolution]:
    """The corpus stages on the digests of a corpus's articles (core.corpus.digest), each timed
    in `times` when given. `read_rest` unpacks the rest of the digests that let go
    of it (`digest.without_rest`) where a stage needs it whole (names resolved here); with
    names resolved in their process it stays packed, for the end of the index to unpack
    an article at a time (`search_build.DigestQuotations`).

    They make millions of short-lived objects beside the million long-lived ones of a big
    corpus and hardly any cycles: the cyclic collector would walk the whole corpus again
    and again for nothing, so it waits until the end.
    """
    work = CorpusWork(digest, on_linked=on_linked, read_rest=read_rest, spawn_min=spawn_min)
    times = times or StageTimes()
    try:
        with collector_paused():
            for name, stage in stages:
                with times.timing(name):
                    stage(work)
        if work.index is not None and work.on_linked is not None:  # stages without `_resolve`
            work.on_linked(work.index)
        work.index = None
    finally:
        work.index = None
        if work.quote_numbers is not None:
            work.quote_numbers.cancel()  # when stopped before resolution asked for it
    if work.resolution is None:
        raise ValueError("the corpus stages must resolve names")
    return work.links, work.stories, work.resolution


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How `index_corpus` runs, in one object: tests pass small batches or a stage of
    their own here instead of patching the module."""

    workers: int | None = None  # worker processes for the per-file stage; None: every core
    # False: each article is stored as it arrives and only its digest kept (`index_corpus`)
    keep_articles: bool = True
    # Below this many files to process, starting worker processes costs more than it saves.
    parallel_min_files: int = 200
    max_chunk: int = 64  # files per task: small enough for smooth progress and a quick Ctrl-C
    # files processed together (`process_sources`: their entities recognised in one pass)
    batch: int = 8
    save_every: int = 256  # processed articles written per cache transaction
    # Texts of files to process kept from reading them to processing them; beyond, each
    # is read again where it is processed (see _read).
    kept_text_chars: int = 8_000_000
    load_every: int = 2_000  # cached articles read at a time when the articles are not kept
    # False (`kabar index`): a corpus found stored whole is only counted, not read back and
    # checked (at 100k articles that took 97 s and 7 GB); the reader checks what it reads.
    read_stored: bool = True
    search_every: int = 500  # stored articles read at a time to build the search index
    # document numbers of its postings held in memory meanwhile (beyond: scratch files)
    search_postings: int = 4_000_000
    # the stages (module docstring); `read` also runs in the worker processes
    read: Callable[[Path], Source | Problem] = read_source
    article_stages: tuple[tuple[str, ArticleStage], ...] = ARTICLE_STAGES
    corpus_stages: tuple[tuple[str, CorpusStage], ...] = CORPUS_STAGES
    # the corpus stages for articles kept in memory (`keep_articles`)
    finish: Callable[[Corpus], None] = finish_corpus
    # below these sizes the corpus stages start no process of their own (on the digests;
    # `finish`, for articles kept in memory, is given the defaults)
    spawn_min: SpawnMinimums = SpawnMinimums()


@dataclass(slots=True)
class IndexReport:
    """A built corpus and how it was obtained, for `kabar index` and benchmarks."""

    corpus: Corpus  # without its articles when they were not kept (`keep_articles`)
    articles: int = 0  # in the corpus
    processed: int = 0  # files run through process_source now
    from_cache: int = 0  # articles taken from the cache instead
    corpus_from_cache: bool = False  # the cross-article results came from the cache too
    workers: int = 1
    process_seconds: float = 0.0  # processing and storing the files not in the cache
    finish_seconds: float = 0.0  # the cross-article stage
    # of each corpus stage and of storing ("results", "search"), when timed
    stages: StageTimes = field(default_factory=StageTimes)
    cache_error: str | None = None  # why the cache could not be used or written, if so
    updated: int = 0  # articles added to stored cross-article results (core.corpus.incremental)
    key: str = ""  # of the corpus (`storage.corpus_key`), when every file was indexed


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def build_corpus(
    paths: Iterable[str | Path] | None = None,
    progress: Progress | None = None,
    cache: Storage | bool = True,
    on_articles: ArticlesReady | None = None,
    cancel: threading.Event | None = None,
) -> Corpus:
    """Read and process every article under `paths` (the bundled seeds when None).

    `cache` is True for the user's cache (unless KABAR_NO_CACHE is set), False for none,
    or an open Storage. `on_articles` is given every article once, in batches as they are
    read from the cache or processed, so a reader can show them before the end; their
    cross-article results (canonical names, links, stories) come only with the corpus.
    Once `cancel` is set, IndexCancelled is raised at the next file or batch.
    """
    return index_corpus(paths, progress, cache, on_articles=on_articles, cancel=cancel).corpus


def index_corpus(
    paths: Iterable[str | Path] | None = None,
    progress: Progress | None = None,
    cache: Storage | bool = True,
    workers: int | None = None,
    on_articles: ArticlesReady | None = None,
    cancel: threading.Event | None = None,
    keep_articles: bool | None = None,
    options: IndexOptions | None = None,
    incremental: bool = True,
) -> IndexReport:
    """`build_corpus`, saying what was processed, run as `options` say (IndexOptions);
    `workers` and `keep_articles`, when given, replace theirs.

    With `keep_articles` False the corpus comes back without its articles (they are in
    the cache): each is stored as it arrives and only its digest is kept for the
    cross-article stage, so memory grows with the digests, not the articles
    (docs/indexing.md). `kabar index` needs no more. Then, when the cache holds the
    cross-article results of the corpus minus a few files added after the others
    (`incremental` and not `keep_articles`), they are updated instead of recomputed
    (kabar_tui.core.corpus.incremental, docs/incremental.md).
    """
    options = options or IndexOptions()
    if workers is not None:
        options = dataclasses.replace(options, workers=workers)
    if keep_articles is not None:
        options = dataclasses.replace(options, keep_articles=keep_articles)
    roots = list(paths) if paths else default_paths()
    statuses: dict[str, os.stat_result] = {}
    files, problems = discover_paths(roots, statuses)
    storage, warnings = _open_cache(cache)
    keys = list(map(path_key, files))
    try:
        if storage is not None:
            storage.prune([os.path.realpath(Path(root).expanduser()) for root in roots], keys)
        sources, signatures = _read(files, keys, statuses, storage, problems, cancel, options)
        if storage is not None:  # linked in the order files arrived (docs/incremental.md)
            sources = storage.arrival_order(sources)
        report = _index(
            sources,
            signatures,
            storage,
            progress,
            problems,
            on_articles,
            cancel,
            dataclasses.replace(
                options,
                workers=options.workers or available_cores(),
                keep_articles=options.keep_articles or storage is None,
            ),
            incremental,
        )
        if storage is not None and paths and not problems and report.key:
            # The next open (the reader's, after a change it watched) finds it by the
            # folders' snapshot, taken before the files were read.
            remember_indexed(storage, roots, files, statuses, report.key)
    finally:
        if storage is not None:
            warnings.extend(storage.warnings)
            if cache is True:
                storage.close()
    where = str(storage.path) if storage is not None else "cache"
    report.corpus.problems = problems + [Problem(where, warning) for warning in warnings]
    report.cache_error = storage.write_error if storage is not None else next(iter(warnings), None)
    return report


def _stored_size(storage: Storage, key: str) -> int | None:
    """The number of articles of the corpus stored under `key` (None if there is none),
    without reading it (`IndexOptions.read_stored`)."""
    number = storage.find_corpus(key)
    if number is None:
        return None
    rows = storage.select("SELECT count(*) FROM corpus_articles WHERE corpus = ?", (number,))
    return int(rows[0][0]) if rows else None


def _stop_if_asked(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise IndexCancelled


def _read(
    files: list[str],
    keys: list[str],
    statuses: dict[str, os.stat_result],
    storage: Storage | None,
    problems: list[Problem],
    cancel: threading.Event | None = None,
    options: IndexOptions = IndexOptions(),
) -> tuple[list[Source], dict[str, str]]:
    """Read the files, and their signatures; skip what the cache already has an article for.

    A file whose metadata (size, times, inode: `unchanged_by_metadata`, which the change
    time makes safe; its `statuses` from the walk, not a second `stat`; `keys` its
    `path_key`) is that of its stored signature is not read at all; the others are
    read for their signature and content hash. No text is kept: reading 10k files was most of
    the time of a second open, holding their texts a third of its memory, and the text of a
    file to process is read again where it is processed (`_with_text`, in the worker),
    so it is never in this process nor sent to a worker. `read_source` never returns an
    empty text, so an empty one means "not kept".
    """
    known = storage.known_articles() if storage is not None else {}
    sources: list[Source] = []
    signatures: dict[str, str] = {}
    touched: list[tuple[str, str]] = []
    kept = 0  # characters of text kept
    for file, path, article_id in zip(files, keys, article_ids(files), strict=True):
        _stop_if_asked(cancel)
        known_hash, known_signature = known.get(path, ("", ""))
        if unchanged_by_metadata(file, known_signature, statuses.get(file)):
            sources.append(Source(article_id, path, "", known_hash))
            continue
        signature = file_signature(Path(file))
        if signature and signature == known_signature:
            sources.append(Source(article_id, path, "", known_hash))
            continue
        source = options.read(Path(file))
        if isinstance(source, Problem):
            problems.append(source)
            continue
        signatures[path] = signature
        if source.content_hash == known_hash:
            sources.append(Source(article_id, path, "", source.content_hash))
            if signature:
                touched.append((path, signature))
        elif kept + len(source.text) <= options.kept_text_chars:
            kept += len(source.text)
            sources.append(dataclasses.replace(source, id=article_id))
        else:
            sources.append(Source(article_id, path, "", source.content_hash))
    if storage is not None and touched:
        storage.update_signatures(touched)
    return sources, signatures


def _with_text(source: Source, read: Callable[[Path], Source | Problem]) -> Source | Problem:
    """The source with its text, read again (`_read` keeps none).

    A file changed since it was hashed is processed as it is now, and stored under the
    hash read first, which no longer matches the file: the next run processes it again.
    """
    if source.text:
        return source
    reread = read(key_path(source.path))
    return reread if isinstance(reread, Problem) else dataclasses.replace(reread, id=source.id)


def _open_cache(cache: Storage | bool) -> tuple[Storage | None, list[str]]:
    if isinstance(cache, Storage):
        return cache, []
    if not cache or cache_disabled():
        return None, []
    try:
        return Storage.open_default(), []
    except CacheUnavailable as error:
        return None, [str(error)]


def _index(
    sources: list[Source],
    signatures: dict[str, str],
    storage: Storage | None,
    progress: Progress | None,
    problems: list[Problem],
    on_articles: ArticlesReady | None,
    cancel: threading.Event | None,
    options: IndexOptions,
    incremental: bool = False,
) -> IndexReport:
    keep_articles = options.keep_articles
    total = len(sources)
    key = corpus_key(sources)
    if storage is not None and not keep_articles and not options.read_stored:
        stored = _stored_size(storage, key)
        _stop_if_asked(cancel)
        if stored is not None:  # nothing to do: the reader opens it as stored, unread
            if progress:
                progress(total, total)
            return IndexReport(
                Corpus(), articles=stored, from_cache=total, corpus_from_cache=True, key=key
            )
    if storage is not None:
        corpus = storage.load_corpus(key)
        _stop_if_asked(cancel)
        if corpus is not None:
            if on_articles and corpus.articles:
                on_articles(list(corpus.articles))
            if progress:
                progress(total, total)
            return IndexReport(
                corpus,
                articles=len(corpus.articles),
                from_cache=total,
                corpus_from_cache=True,
                key=key,
            )
    plan = plan_update(storage, sources) if incremental and not keep_articles and storage else None
    if plan is not None:  # only the new files are read: the stored results are updated
        whole, sources = sources, sources[plan.kept :]
    compact = CorpusDigest()
    # Each article as it arrives, or only its digest once it is stored (not keep_articles).
    arrived: dict[str, Article | ArticleDigest] = {}
    # The words of the search index's documents, when it is built from them at the end
    # (a scratch file, gone when closed or when the process ends).
    searched = storage is not None and not keep_articles and plan is None
    terms = _search_terms() if searched else None

    def take(path: str, article: Article) -> None:
        arrived[path] = article if keep_articles else compact.digest(article)
        if terms is not None:
            terms.add(path, _article_terms(article))

    # Streamed digests let go of what only resolution and the search index need
    # (`without_rest`), held packed in a temporary file (`_RestFile`) until unpacked after
    # linking (`_HeldRest`): never read back from the cache, which another kabar may
    # change, or a failed write close, meanwhile.
    slim = searched
    held = _RestFile()

    def take_stored(path: str, stored: StoredArticle) -> None:
        if stored.rest is not None:  # let go of already: by a worker, or as stored
            held[path] = stored.rest
            arrived[path] = compact.held(held_apart(stored.digest))
        else:
            arrived[path] = compact.coded(stored.digest, stored.forms)
        if terms is not None and stored.terms is not None:
            terms.add(path, stored.terms)

    # Streamed with nobody to show the articles to: stored articles are read as their
    # stored digests, and the workers send each new article's rows and digest instead
    # (StoredArticle), so this process only writes and gathers.
    digested = not keep_articles and on_articles is None
    cached_batches = _cached(sources, storage, keep_articles, options.load_every, digested, slim)
    for cached in cached_batches:
        unstored: list[tuple[Source, DigestRow]] = []  # digests made now, to store
        shown: list[Article] = []
        for source, article in cached:
            _stop_if_asked(cancel)
            if isinstance(article, StoredArticle):
                take_stored(source.path, article)
                continue
            # Ids depend on the whole corpus: a file added since may share this one's name.
            article.id = source.id
            if not digested:
                take(source.path, article)
                shown.append(article)
                continue
            made = _stored_article(
                source, article, pack=True, searched=terms is not None, held=slim
            )
            take_stored(source.path, made)
            if made.packed is not None:
                unstored.append((source, made.packed))
        if storage is not None and unstored:
            storage.save_digests(unstored)
        if on_articles and shown:
            on_articles(shown)
    from_cache = len(arrived)
    missing: list[Source] = []
    for source in sources:
        _stop_if_asked(cancel)
        if source.path not in arrived:
            if source.path not in signatures:  # its stored signature matched, its row did not
                signatures[source.path] = file_signature(key_path(source.path))
            missing.append(source)
    done = total - len(missing)
    if progress:
        progress(done, total)
    workers = options.workers or 1
    used = workers if len(missing) >= options.parallel_min_files and workers > 1 else 1
    started = time.perf_counter()
    pending: list[tuple[Source, str, ArticleRecord, DigestRow | None]] = []
    shape = _Shape(digested=digested, recorded=storage is not None, searched=searched, held=slim)
    # Closed on the way out, so an exception (a cancel, a signal) ends the workers now.
    with (
        _collector_paused_if_alone(),
        contextlib.closing(_process(missing, used, problems, cancel, options, shape)) as batches,
    ):
        try:
            for batch in batches:
                for source, outcome in batch:
                    packed = None
                    if isinstance(outcome, StoredArticle):
                        take_stored(source.path, outcome)
                        rows, packed = outcome.record, outcome.packed
                    else:
                        take(source.path, outcome)
                        rows = article_record(source, outcome) if storage is not None else None
                    if rows is not None:
                        pending.append((source, signatures.get(source.path, ""), rows, packed))
                if storage is not None and len(pending) >= options.save_every:
                    storage.save_records(pending)
                    pending.clear()
                done += len(batch)
                if on_articles and batch:
                    on_articles([a for _, a in batch if isinstance(a, Article)])
                del batch  # not kept: the articles go once stored
                if progress:
                    progress(done, total)
        finally:  # also when stopped: the work done is kept for the next run
            if storage is not None and pending:
                storage.save_records(pending)
            pending.clear()
    _stop_if_asked(cancel)
    paths = [source.path for source in sources if source.path in arrived]
    processed_at = time.perf_counter()
    times = StageTimes()
    if plan is not None and storage is not None:
        compact.articles = [arrived.pop(path) for path in paths]  # type: ignore[misc]
        # Linking one article makes passages, postings and counters by the thousand, none
        # of them cycles, and the collector walked them (and what the process held) again
        # and again: 7 collections, 3.4 ms of the update's 63 ms of CPU at 10k, 2 ms of
        # linking at 100k (docs/incremental.md, "addlink").
        with _collector_paused_if_alone():
            found = update(storage, plan, compact, paths) if len(paths) == len(sources) else None
        finished_at = time.perf_counter()
        with times.timing("results"):
            stored = found is not None and storage.update_results(
                plan.corpus, key, plan.kept, found.ids, found.changes
            )
        if found is None or not stored:
            # The new files are stored now: the whole stage runs on all (or finds the
            # corpus another kabar stored meanwhile under the same key).
            return _index(whole, signatures, storage, progress, problems, None, cancel, options)
        times.wall.update(found.seconds)
        with times.timing("results"):
            commit(storage, found, key)
        corpus = found.corpus
        with times.timing("search"):
            _append_search(storage, key, corpus, options)
        return IndexReport(
            corpus,
            articles=total,
            processed=len(missing),
            from_cache=from_cache + plan.kept,
            workers=used,
            process_seconds=processed_at - started,
            finish_seconds=finished_at - processed_at,
            stages=times,
            updated=len(paths),
            key=key,
        )
    if keep_articles:
        corpus = Corpus(articles=[arrived.pop(path) for path in paths])  # type: ignore[misc]
        options.finish(corpus)
    else:
        compact.articles = [arrived.pop(path) for path in paths]  # type: ignore[misc]

        def record(index: LinkIndex) -> None:
            if storage is not None and len(paths) == total:
                with times.timing("link state"):  # within "link"
                    save_link_state(storage, key, index, compact.articles, let_go=True)

        rest = _HeldRest(held, paths) if held else None
        corpus, results = _finish_digested(
            compact, options.corpus_stages, times, record, rest, options.spawn_min
        )
    finished_at = time.perf_counter()
    _stop_if_asked(cancel)
    if storage is not None and len(paths) == total:
        # Neither makes cycles (the collector found 40 objects at 1k), yet it walked the
        # stored articles' objects again and again: 3 s of CPU at 10k, on one core.
        with _collector_paused_if_alone():
            if keep_articles:
                with times.timing("results"):
                    storage.save_corpus(key, corpus, paths)
                with times.timing("search"):
                    _save_search(storage, key, corpus)
            else:
                building = searching = None
                if terms is not None:  # made while the results are stored, saved after them
                    with times.timing("search"):
                        searching = _spawned_search(
                            terms, paths, compact, results, corpus, options, rest
                        )
                        if searching is None:
                            building = _build_search(
                                terms, paths, compact, results, corpus, options, rest
                            )
                del compact, rest  # the search index took what it needs of the digests
                try:
                    with times.timing("results"):
                        storage.save_results(key, results, paths)
                    del results
                    with times.timing("search"):
                        if searching is not None:
                            _save_spawned_search(storage, key, searching, corpus, options)
                        elif building is not None and terms is not None:
                            _save_built_search(storage, key, building, terms)
                        else:  # from the stored articles a batch at a time (docs/indexing.md)
                            _save_stored_search(storage, key, corpus, options)
                finally:
                    if searching is not None:
                        searching.cancel()
    held.close()  # the search index, the last to read the rests, is stored
    return IndexReport(
        corpus,
        articles=len(paths),
        processed=len(missing),
        from_cache=from_cache,
        workers=used,
        process_seconds=processed_at - started,
        finish_seconds=finished_at - processed_at,
        stages=times,
        key=key if len(paths) == total else "",
    )


def _collector_paused_if_alone() -> contextlib.AbstractContextManager[None]:
    """The cyclic collector paused while the articles arrive, and while the corpus is
    stored, in a process that does nothing else (`kabar index`: no other thread). The
    digests gathered meanwhile are long-lived and hold no cycles, yet the collector walked
    them all again and again: 2 s of the main process's 8 s of CPU during the per-file
    stage at 10k articles, on the 2 cores the workers need. Where other threads run (the
    reader), it is left alone: pausing it is global, and their garbage would wait too."""
    return collector_paused() if threading.active_count() == 1 else contextlib.nullcontext()


def _finish_digested(
    digest: CorpusDigest,
    stages: Sequence[tuple[str, CorpusStage]] = CORPUS_STAGES,
    times: StageTimes | None = None,
    on_linked: Callable[[LinkIndex], None] | None = None,
    read_rest: _HeldRest | None = None,
    spawn_min: SpawnMinimums = SpawnMinimums(),
) -> tuple[Corpus, CorpusResults]:
    """`finish_digest`, as a corpus without articles and the results to store."""
    links, stories, resolution = finish_digest(
        digest, stages, times, on_linked, read_rest, spawn_min
    )
    return corpus_results(digest, links, stories, resolution)


def corpus_results(
    digest: CorpusDigest, links: list[Link], stories: list[Story], resolution: Resolution
) -> tuple[Corpus, CorpusResults]:
    """What the corpus stages found, as a corpus without articles and the results to
    store."""
    corpus = Corpus(
        entities=resolution.entities,
        links=links,
        stories=stories,
        quote_groups=resolution.quote_groups,
    )
    results = CorpusResults(
        articles=resolved_articles(digest, resolution),
        entities=corpus.entities,
        links=links,
        stories=stories,
        quote_groups=corpus.quote_groups,
    )
    return corpus, results


class _RestFile:
    """The packed rests of the digests that let go of them (`digest.without_rest`), by
    path, in a temporary file in the cache's folder (`linking_workers.spill_folder`):
    written a batch at a time as the articles arrive, each read back with `os.pread`
    when asked for. Held in memory they were about 110 MB of the main process at 100k
    articles, from the per-file stage to the names' process, though linking, which runs
    meanwhile, never reads them (docs/indexing.md, "peaksum"). Those no file takes
    (none can be made, no `os.pread`, the disk full) are held in memory, as are all
    after them. A rest popped stays on disk until the file goes with this object."""

    _BATCH = 1 << 20  # bytes gathered before they are written

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._size = 0  # bytes written to the file
        self._spans: dict[str, tuple[int, int]] = {}  # in the file: where, how long
        self._pending: list[tuple[str, bytes]] = []  # not written yet
        self._pending_size = 0
        self._memory: dict[str, bytes] = {}  # held: no file took them
        self._writing = hasattr(os, "pread")  # until a write fails

    def __len__(self) -> int:
        return len(self._spans) + len(self._pending) + len(self._memory)

    def __setitem__(self, path: str, data: bytes) -> None:
        if not self._writing:
            self._memory[path] = data
            return
        self._pending.append((path, data))
        self._pending_size += len(data)
        if self._pending_size >= self._BATCH:
            self._write()

    def __getitem__(self, path: str) -> bytes:
        self._write()
        if path in self._memory:
            return self._memory[path]
        at, size = self._spans[path]
        assert self._file is not None  # a span is in the file
        return read_span(self._file.fileno(), at, size, "the packed rests' temporary file")

    def pop(self, path: str) -> bytes:
        data = self[path]
        if self._memory.pop(path, None) is None:
            del self._spans[path]
        return data

    def close(self) -> None:
        """The temporary file closed (and so gone) once nothing will be read from it."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self._spans.clear()

    def _write(self) -> None:
        """The pending rests written at the file's end, or held (no file takes them)."""
        if not self._pending:
            return
        pending, self._pending, self._pending_size = self._pending, [], 0
        if self._file is None:
            from kabar_tui.core.corpus.linking_workers import spill_folder

            with contextlib.suppress(OSError):
                self._file = tempfile.TemporaryFile(dir=spill_folder())  # noqa: SIM115
        data = b"".join(packed for _, packed in pending)
        written = 0
        if self._file is not None:
            with contextlib.suppress(OSError):
                written = os.pwrite(self._file.fileno(), data, self._size)
        if self._file is None or written != len(data):  # held, and those after too
            self._writing = False
            self._memory.update(pending)
            return
        at = self._size
        for path, packed in pending:
            self._spans[path] = (at, len(packed))
            at += len(packed)
        self._size = at


class _HeldRest:
    """Unpacks the rest of the digests that let go of it (`digest.without_rest`) from the
    bytes held for each (`held`, by path; `paths`: one per digest, in corpus order), an
    article at a time, letting go of the bytes once unpacked. The quotation groups' and
    the names' spawned processes are sent them (`packed`)."""

    def __init__(self, held: _RestFile | dict[str, bytes], paths: Sequence[str]) -> None:
        self._held = held
        self._paths = paths

    def packed(self, at: int) -> bytes:
        """The packed rest of the `at`th digest, still held."""
        return self._held[self._paths[at]]

    def take(self, at: int) -> StoredRest:
        """The rest of the `at`th digest unpacked, its bytes let go of."""
        return unpack_rest(self._held.pop(self._paths[at]))

    def __call__(self, digest: CorpusDigest) -> None:
        articles = digest.articles
        if len(articles) != len(self._paths):
            raise ValueError("the rest of another corpus's digests")
        for path, article in zip(self._paths, articles, strict=True):
            if held_back(article):
                digest.refill(article, unpack_rest(self._held.pop(path)))


def _cached(
    sources: list[Source],
    storage: Storage | None,
    keep_articles: bool,
    batch: int,
    digested: bool = False,
    slim: bool = False,
) -> Iterator[Iterable[tuple[Source, Article | StoredArticle]]]:
    """The cached articles of `sources`, in batches of `batch` when they are not kept
    (each batch is digested and dropped before the next is read), at once when they are.
    `digested`: an article's stored digest (a StoredArticle) instead of the article, when
    it has one (`Storage.load_digests`); `slim`: let go of its rest (`unpack_held_digest`)."""
    if storage is None:
        return
    size = len(sources) if keep_articles else batch
    for start in range(0, len(sources), max(1, size)):
        part = sources[start : start + size]
        if digested:
            yield _stored_digests(storage, part, slim)
            continue
        found = storage.load_articles(part)
        yield [(source, found[source.path]) for source in part if source.path in found]


def _stored_digests(
    storage: Storage, sources: Sequence[Source], slim: bool = False
) -> Iterator[tuple[Source, Article | StoredArticle]]:
    """The stored digests of `sources`, each unpacked for its id in this corpus as it is
    taken (unpacked all at once, a batch's search terms were held together, and the
    process kept their 30 MB at 10k); then the articles of those without a usable digest,
    read whole. `slim`: each digest let go of its rest, held packed (`StoredArticle.rest`)."""
    stored = storage.load_digests(sources)
    rest: list[Source] = []
    unreadable = 0
    for source in sources:
        row = stored.pop(source.path, None)
        if row is None:
            rest.append(source)
            continue
        try:
            if slim:
                digest, held, terms = unpack_held_digest(
                    row.data, source.id, source.content_hash, row.title, row.published
                )
                unpacked = StoredArticle(None, digest, [], terms, rest=held)
            else:
                digest, forms, terms = unpack_digest(
                    row.data, source.id, source.content_hash, row.title, row.published
                )
                unpacked = StoredArticle(None, digest, forms, terms)
        except DigestUnreadable:
            unreadable += 1
            rest.append(source)
            continue
        yield source, unpacked
    if unreadable:
        storage.warnings.append(
            f"cache rows of {unreadable} article digest(s) could not be read; "
            "digested the articles again"
        )
    if rest:
        found = storage.load_articles(rest)
        yield from ((source, found[source.path]) for source in rest if source.path in found)


def _save_search(storage: Storage, key: str, corpus: Corpus) -> None:
    """Store the corpus's search index with it: never built again at start. Imported
    here, so that starting the reader loads no numpy."""
    from kabar_tui.core.search.search import SearchIndex
    from kabar_tui.core.search.search_store import save_search

    save_search(storage, key, SearchIndex.build(corpus))


def _save_stored_search(storage: Storage, key: str, corpus: Corpus, options: IndexOptions) -> None:
    """`_save_search` for a corpus stored without its articles in memory: built from
    its stored articles a batch at a time, its postings in scratch files beyond a bound."""
    from kabar_tui.core.search.search_store import save_stored_search

    save_stored_search(storage, key, corpus.entities, options.search_every, options.search_postings)


def _search_terms() -> SearchTerms:
    from kabar_tui.core.search.search_build import SearchTerms

    return SearchTerms()


def _article_terms(article: Article) -> ArticleTerms:
    from kabar_tui.core.search.search_build import article_terms

    return article_terms(article)


def _build_search(
    terms: SearchTerms,
    paths: Sequence[str],
    digest: CorpusDigest,
    results: CorpusResults,
    corpus: Corpus,
    options: IndexOptions,
    rest: _HeldRest | None = None,
) -> _InThread[TermIndex]:
    """The search index made of the words the workers found (`search_build`), in a thread:
    most of it is numpy's sorting, which lets go of the interpreter, so it takes the
    second core while this one stores the corpus's results. The rests `rest` holds
    packed are unpacked there, an article at a time (`DigestQuotations`)."""
    from kabar_tui.core.search.search_build import DigestQuotations

    rests = DigestQuotations(digest, results.articles, None if rest is None else rest.take)
    return _InThread(
        partial(
            terms.index, paths, rests, rests.mentions(), corpus.entities, options.search_postings
        )
    )


def _save_built_search(
    storage: Storage, key: str, building: _InThread[TermIndex], terms: SearchTerms
) -> None:
    """Store the index `_build_search` made: the one `_save_search` stores."""
    from kabar_tui.core.search.search_store import save_search

    try:
        index = building.result()
        try:
            save_search(storage, key, index)
        finally:
            index.close()
    finally:
        terms.close()


class _SearchProcess(NamedTuple):
    """The search index prepared in its process (`search_process`), its rows in `rows`."""

    spawned: SpawnedSearch
    rows: IO[bytes]

    def cancel(self) -> None:
        self.spawned.cancel()
        self.rows.close()


def _spawned_search(
    terms: SearchTerms,
    paths: Sequence[str],
    digest: CorpusDigest,
    results: CorpusResults,
    corpus: Corpus,
    options: IndexOptions,
    rest: _HeldRest | None = None,
) -> _SearchProcess | None:
    """`_build_search` in a spawned process (`search_process`), which takes the other core
    while this one stores the results: the build in a thread held the interpreter most of
    the time, and the two took turns on one core (docs/indexing.md, "searchproc"). It is
    sent the terms (their scratch file inherited; closed here once sent) and each
    article's packed rest, mention codes and speakers. None for a small corpus, or when
    no process can be started (then built in a thread)."""
    if len(paths) < options.spawn_min.search:
        return None
    from kabar_tui.core.corpus.linking_workers import spill_folder
    from kabar_tui.core.search.search_process import SpawnedSearch, coded

    resolved = coded(results.articles)
    if resolved is None:  # not a resolution's codes (another names stage)
        return None

    rows = tempfile.TemporaryFile(prefix="kabar-search-rows-", dir=spill_folder())  # noqa: SIM115
    work = CorpusWork(digest, read_rest=rest)
    try:
        spawned = SpawnedSearch(
            terms,
            paths,
            _packed_rests(work),
            resolved,
            corpus.entities,
            options.search_postings,
            rows,
        )
    except OSError:
        rows.close()
        return None
    terms.close()
    return _SearchProcess(spawned, rows)


def _save_spawned_search(
    storage: Storage, key: str, searching: _SearchProcess, corpus: Corpus, options: IndexOptions
) -> None:
    """Store the index its process prepared; built from the stored articles when that
    process failed or died."""
    from kabar_tui.core.search.search_store import save_recorded

    try:
        prepared = searching.spawned.result()
    except ChildFailed:
        _save_stored_search(storage, key, corpus, options)
        return
    save_recorded(storage, key, prepared, searching.rows)


class _InThread(Generic[T]):
    """A call run in a thread of its own; `result` waits for it and raises what it raised."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kabar-search", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as error:  # handed to the caller of `result`
            self._error = error

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _append_search(storage: Storage, key: str, corpus: Corpus, options: IndexOptions) -> None:
    """The articles added to a stored corpus, added to its stored search index (a new
    segment, docs/search.md); the index built whole when it cannot take them."""
    from kabar_tui.core.search.search_store import append_search

    if not append_search(storage, key, corpus.entities):
        _save_stored_search(storage, key, corpus, options)


# In a worker process: how to process a file, given once by the parent (_start_worker).
_worker_options = IndexOptions()


class StoredArticle(NamedTuple):
    """A processed article as a streamed index needs it (`_Shape.digested`): its rows to
    store (None without a cache) and its digest, made in the worker that processed it.
    Cheaper to send than the article, and the main process, which every worker waits on,
    is left only writing the rows and coding the digest's mentions."""

    record: ArticleRecord | None
    digest: ArticleDigest
    forms: list[MentionForm]
    # its documents' words for the search index (`search_build`), when it is built so
    terms: ArticleTerms | None
    # the digest and terms packed to store with the article (`digest.pack_digest`)
    packed: DigestRow | None = None
    # the rest of a digest let go of it, packed (`digest.without_rest`, by the worker, or
    # `digest.unpack_held_digest`); `forms` is then empty
    rest: bytes | None = None


class _Shape(NamedTuple):
    """What a worker sends back of a processed article: the `Article`, or (`digested`) a
    StoredArticle, with its rows if `recorded`, its search terms if `searched`, and its
    digest let go of its rest, sent packed, if `held` (`digest.without_rest`: in the
    workers, not serially in the main process, which shares their two cores)."""

    digested: bool = False
    recorded: bool = False
    searched: bool = False
    held: bool = False


_WHOLE = _Shape()  # the articles themselves

Processed = list[tuple[Source, Article | StoredArticle]]
# the article, or why the file could not be processed
Outcome = Article | StoredArticle | Problem | str


def _process(
    sources: Sequence[Source],
    workers: int,
    problems: list[Problem],
    cancel: threading.Event | None = None,
    options: IndexOptions = IndexOptions(),
    shape: _Shape = _WHOLE,
) -> Generator[Processed, None, None]:
    """Yield batches of (source, article), in any order.

    A file that makes processing fail becomes a Problem; if the worker processes die,
    the rest is processed here.
    """
    if workers <= 1:  # one file at a time: each article is shown as soon as it is ready
        for source in sources:
            _stop_if_asked(cancel)
            [outcome] = _process_many([source], options, shape)
            yield _accept([(source, outcome)], problems)
        return
    chunk = max(8, min(options.max_chunk, len(sources) // (workers * 8)))
    chunks = [list(sources[i : i + chunk]) for i in range(0, len(sources), chunk)]
    context = _process_context()
    if context.get_start_method() != "fork":
        _start_resource_tracker()
    stop = context.Event()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(stop, options),
    )
    finished_paths: set[str] = set()
    try:
        running: set[Future[list[tuple[Source, Outcome]]]] = {
            pool.submit(_process_chunk, part, shape) for part in chunks
        }
        while running:
            finished, running = wait(
                running, timeout=_CANCEL_POLL_SECONDS, return_when=FIRST_COMPLETED
            )
            _stop_if_asked(cancel)
            for future in finished:
                outcomes = future.result()
                finished_paths.update(source.path for source, _ in outcomes)
                yield _accept(outcomes, problems)
    except BrokenProcessPool:
        pool.shutdown(wait=False, cancel_futures=True)
        problems.append(Problem("kabar", "worker processes failed; processed the rest here"))
        rest = [source for source in sources if source.path not in finished_paths]
        yield from _process(rest, 1, problems, cancel, options, shape)
        return
    except BaseException:  # stopped (a cancel, a signal, the caller closed us): stop now
        _stop_workers(pool, stop)
        raise
    pool.shutdown()


def _stop_workers(pool: ProcessPoolExecutor, stop: EventType) -> None:
    """Cancel the chunks not started; running ones end after their current article.

    `shutdown(wait=False)` alone lets every running chunk (up to 64 files) finish, and the
    interpreter waits for them at exit. Terminating the workers instead can cut one off
    while it sends a result, and the pool's thread then waits for the rest of that message
    for ever (the interpreter with it): so they are asked, through `stop`, to return early.
    """
    stop.set()
    pool.shutdown(wait=False, cancel_futures=True)


def _accept(outcomes: list[tuple[Source, Outcome]], problems: list[Problem]) -> Processed:
    batch: Processed = []
    for source, outcome in outcomes:
        if isinstance(outcome, Problem):
            problems.append(outcome)
        elif isinstance(outcome, str):
            problems.append(Problem(display_path(source.path), outcome))
        else:
            batch.append((source, outcome))
    return batch


def _process_many(
    sources: Sequence[Source], options: IndexOptions, shape: _Shape = _WHOLE
) -> list[Outcome]:
    """`process_sources` of each source's text, sent back as `shape` says; a crash on one
    odd file must not end the whole run."""
    read = [_with_text(source, options.read) for source in sources]
    readable = [source for source in read if not isinstance(source, Problem)]
    results = process_sources(readable, options.article_stages)
    people = _caption_people(results) if shape.digested else {}
    processed = iter(results)
    return [
        source
        if isinstance(source, Problem)
        else _outcome(source, result := next(processed), shape, people.get(id(result)))
        for source in read
    ]


def _caption_people(results: Sequence[Article | Exception]) -> dict[int, Counter[str]]:
    """`resolve.caption_people` of the processed articles with captions, by `id()`, their
    captions recognised in one pass; none if that fails (each is then found alone in
    `_outcome`, so a file that breaks it is its own problem)."""
    captioned = [result for result in results if isinstance(result, Article) and result.captions]
    try:
        return dict(zip(map(id, captioned), caption_people_many(captioned), strict=True))
    except Exception:
        return {}


def _outcome(
    source: Source,
    result: Article | Exception,
    shape: _Shape,
    people: Counter[str] | None = None,
) -> Outcome:
    try:
        if isinstance(result, Exception):
            raise result
        if not shape.digested:
            return result
        return _stored_article(
            source, result, shape.recorded, shape.recorded, shape.searched, people, shape.held
        )
    except Exception as error:
        return f"could not be processed ({type(error).__name__}: {error})"


def _stored_article(
    source: Source,
    article: Article,
    record: bool = False,
    pack: bool = False,
    searched: bool = False,
    people: Counter[str] | None = None,
    held: bool = False,
) -> StoredArticle:
    """An article as a streamed index takes it: its rows if `record`, its digest, its
    search terms if `searched`, digest and terms packed to store if `pack`, and the
    digest let go of its rest, packed, if `held` (`digest.without_rest`)."""
    digest, forms = uncoded_digest(article, people)
    terms = _article_terms(article) if searched or pack else None
    packed = None
    if pack and terms is not None:
        data = pack_digest(digest, forms, terms)
        packed = digest_row(source, article.title, article.published, data)
    rest = None
    if held:
        rest = without_rest(digest, forms)
        forms = []
    return StoredArticle(
        article_record(source, article) if record else None,
        digest,
        forms,
        terms if searched else None,
        packed,
        rest,
    )


def _process_context() -> multiprocessing.context.BaseContext:
    """Fork is cheapest, but forking a threaded process (the reader's worker) can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _start_resource_tracker() -> None:
    """Start multiprocessing's tracker process with a real stderr to hand it.

    It passes on `sys.stderr.fileno()`, and a host that captures stderr (the reader: Textual
    answers -1) makes starting it fail, and with it the worker processes. Its rare
    warnings would write over the screen, so they go nowhere.
    """
    from multiprocessing import resource_tracker

    try:
        if sys.stderr.fileno() >= 0:
            return
    except (AttributeError, OSError, ValueError):
        pass
    captured = sys.stderr
    with open(os.devnull, "w") as nowhere:
        sys.stderr = nowhere
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = captured


def _start_worker(stop: EventType, options: IndexOptions) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle (workers must not each
    print a traceback), SIGTERM and SIGHUP end it (it may have inherited the parent's
    handlers), it dies with its parent, it returns early once `stop` is set, and it
    runs the stages `options` name (given once here, not with every chunk).

    Processing an article makes some hundred thousand short-lived lists, tuples and
    mentions and hardly a cycle, so the cyclic collector at its default pace ran every
    700 of them and was 6% of the worker's CPU, walking the gazetteer and the tagger's
    tables over and over: it runs far less often here, and never over what the worker
    inherited (frozen: a forked worker then also leaves those pages shared)."""
    global _worker_stop, _worker_options
    _worker_stop = stop
    _worker_options = options
    prepare_worker_process()
    gc.enable()  # forked from a parent that may have paused it
    gc.freeze()
    gc.set_threshold(WORKER_COLLECT_EVERY, 10, 10)


def _process_chunk(sources: list[Source], shape: _Shape) -> list[tuple[Source, Outcome]]:
    outcomes: list[tuple[Source, Outcome]] = []
    size = _worker_options.batch
    for start in range(0, len(sources), size):
        if _worker_stop is not None and _worker_stop.is_set():
            break  # the parent stopped: what is left of the chunk is not wanted
        group = sources[start : start + size]
        outcomes += zip(group, _process_many(group, _worker_options, shape), strict=True)
    return outcomes
