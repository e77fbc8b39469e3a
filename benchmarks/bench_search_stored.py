"""The stored search index against the in-memory one (issue 11), on generated corpora.

    python benchmarks/bench_search_stored.py --articles 10000 100000 --keep DIR

    KABAR_CACHE_DIR=DIR python benchmarks/bench_search_stored.py --folder FOLDER

measures the same keystrokes on the corpus cached for FOLDER instead (`kabar index
FOLDER`, or a 100k cache from `benchmarks/scale_cache.py`).

For each size, once (kept in DIR/search-N.sqlite3): `benchmarks/searchgen.py` articles
(mutated real sentences, a vocabulary that grows with the corpus) are stored as a cached
corpus, the search index is built and saved; the save time and the size it adds are
printed. Then, each in a fresh interpreter, the two ways to get a searcher are timed:

- memory (before): read the corpus back (`Storage.load_corpus`) and build `SearchIndex`,
  which is what every open did;
- stored (after): `open_search`, which reads one row; its first query reads the columns.

`--ways phrases` times instead one search of each of a set of quoted phrases of common
words (NAMED_PHRASES, and `--phrases N` windows of two or three words of stored
passages, each word in one document in 200 or more), on the stored index.

Both answer the same keystrokes: queries made of 3-7 word windows of stored passages
(exact, a typo, reordered, cut off as if still typed, some with an `outlet:` or `type:`
filter that keeps the source), typed a character at a time from the third. Per
keystroke wall and CPU time, p50 and p95, are printed, with recall@10 of the source
passage for the whole queries and a digest of every page, which must be the same for both.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import typo

from benchmarks.searchgen import Generator
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Corpus
from kabar_tui.core.search.search import SearchEngine, SearchIndex
from kabar_tui.core.search.search_store import open_search, save_search
from kabar_tui.core.store.storage import Storage, corpus_key
from kabar_tui.core.store.storage_sqlite import SEARCH_TABLES

QUERIES = 100  # by default; --queries
PAGE = 20
STYLES = ("exact", "typo", "typo+order", "unfinished", "filtered")


def database(folder: Path, size: int) -> Path:
    return folder / f"search-{size}.sqlite3"


def file_mb(path: Path) -> float:
    return (
        sum(
            Path(f"{path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{path}{suffix}").exists()
        )
        / 1e6
    )


def checkpoint(storage: Storage) -> None:
    with storage.guard("written") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def stored_corpus(storage: Storage, size: int) -> tuple[str, Corpus, float]:
    """The generated corpus, stored unless an earlier run stored it (then read back)."""
    started = time.process_time()
    with storage.guard("read") as db:
        row = db.execute("SELECT key FROM corpora").fetchone()
    corpus = None if row is None else storage.load_corpus(row[0])
    if corpus is not None:  # None too when stored by other code (another fingerprint)
        assert len(corpus.articles) == size
        return row[0], corpus, time.process_time() - started
    storage.warnings.clear()
    generator = Generator(seed=11)
    articles = []
    for start in range(0, size, 1000):
        batch = [generator.article(n) for n in range(start, min(start + 1000, size))]
        storage.save_articles((Source(a.id, a.path, "", a.content_hash), "", a) for a in batch)
        articles += batch
    corpus = Corpus(articles=articles)
    key = corpus_key(Source(a.id, a.path, "", a.content_hash) for a in articles)
    storage.save_corpus(key, corpus)
    return key, corpus, time.process_time() - started


def build(path: Path, size: int) -> None:
    """Store a generated corpus, then its search index, saying what each cost."""
    from bench_index import rss_mb  # imports the pipeline: not for `once`

    with Storage(path) as storage:
        key, corpus, stored = stored_corpus(storage, size)
        with storage.guard("written") as db:  # sizes without any search index
            for table in SEARCH_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("VACUUM")
        checkpoint(storage)
        before = file_mb(path)
        memory = rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        index = SearchIndex.build(corpus)
        built, built_cpu = time.perf_counter() - started, time.process_time() - cpu
        index_mb = rss_mb() - memory
        started, cpu = time.perf_counter(), time.process_time()
        saved = save_search(storage, key, index)
        save, save_cpu = time.perf_counter() - started, time.process_time() - cpu
        checkpoint(storage)
        after = file_mb(path)
        assert saved and not storage.warnings, storage.warnings
    per_10k = 10_000 / size
    print(
        f"{size:,} articles stored or read ({stored:.0f} s CPU): {len(index):,} documents, "
        f"{len(index.words):,} words, {len(index.postings):,} posting lists\n"
        f"  build SearchIndex {built:.1f} s ({built_cpu:.1f} s CPU), {index_mb:.0f} MB; "
        f"save it {save:.1f} s ({save_cpu:.1f} s CPU)\n"
        f"  database {before:.1f} MB without the search index, {after:.1f} MB with it: "
        f"+{(after - before) * per_10k:.1f} MB per 10k articles"
    )


def queries(
    storage: Storage, size: int, queries_asked: int = QUERIES, corpus: int | None = None
) -> list[tuple[str, str, int, int]]:
    """(query, source article id, paragraph number, style) from random stored passages
    (of `corpus`, when the database holds more than one)."""
    rng = random.Random(size)
    made = []
    with storage.guard("read") as db:
        while len(made) < queries_asked:
            position = rng.randrange(size)
            rows = db.execute(
                "SELECT c.article_id, p.number, p.text, a.outlet FROM corpus_articles c "
                "JOIN paragraphs p ON p.article = c.article "
                "JOIN articles a ON a.id = c.article WHERE c.position = ? "
                "AND (c.corpus = ? OR ? IS NULL)",
                (position, corpus, corpus),
            ).fetchall()
            if not rows:
                continue
            article_id, number, text, outlet = rng.choice(rows)
            outlet = outlet or "-"
            words = text.replace(".", "").replace(",", "").split()
            length = rng.randint(3, 7)
            start = rng.randrange(max(len(words) - length, 1))
            window = words[start : start + length]
            style = len(made) % len(STYLES)
            if style in (1, 2):
                at = rng.randrange(len(window))
                window[at] = typo(window[at], rng)
            if style == 2 and len(window) > 2:
                at = rng.randrange(len(window) - 1)
                window[at], window[at + 1] = window[at + 1], window[at]
            if style == 3 and len(window[-1]) > 4:
                window[-1] = window[-1][: rng.randint(2, len(window[-1]) - 1)]
            query = " ".join(window)
            if style == 4:
                outlet = outlet.split()[0].lower()
                query = rng.choice(("type:passage ", f"outlet:{outlet} ")) + query
            made.append((query, article_id, number, style))
    return made


def keystrokes(searcher: SearchEngine, asked: list[tuple[str, str, int, int]]) -> None:
    walls, cpus = [], []
    quoted: list[tuple[float, str]] = []  # keystrokes of queries holding a quote mark
    found = [0] * len(STYLES)
    counts = [0] * len(STYLES)
    digest = hashlib.blake2b(digest_size=8)
    first_wall = None
    for query, article_id, number, style in asked:
        for end in range(3, len(query) + 1):
            started, cpu = time.perf_counter(), time.process_time()
            page = searcher.search_page(query[:end], 0, PAGE)
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            if any(mark in query for mark in '"\u201c\u201d'):
                quoted.append((cpus[-1], query[:end]))
            if first_wall is None:
                first_wall = walls[-1]
        digest.update(repr((page.total, page.hits)).encode())
        counts[style] += 1
        found[style] += any(
            hit.article_id == article_id and hit.paragraph == number for hit in page.hits[:10]
        )
    walls.sort()
    cpus.sort()
    recall = ", ".join(
        f"{name} {hit / max(n, 1):.2f}" for name, hit, n in zip(STYLES, found, counts, strict=True)
    )
    print(
        f"  {len(walls)} keystrokes: wall p50 {statistics.median(walls):.1f} ms, p95 "
        f"{walls[int(len(walls) * 0.95)]:.1f} ms; CPU p50 {statistics.median(cpus):.1f} ms, "
        f"p95 {cpus[int(len(cpus) * 0.95)]:.1f} ms; first keystroke {first_wall:.1f} ms\n"
        f"  recall@10 of the source passage {sum(found) / len(asked):.2f} ({recall}); "
        f"pages digest {digest.hexdigest()}"
    )
    if quoted:
        quoted.sort()
        print(
            f"  quoted: {len(quoted)} keystrokes of queries holding a quote mark, CPU p50 "
            f"{statistics.median(cpu for cpu, _ in quoted):.1f} ms, p95 "
            f"{quoted[int(len(quoted) * 0.95)][0]:.1f} ms, max {quoted[-1][0]:.1f} ms "
            f"({quoted[-1][1]!r})"
        )


def measure(path: Path, size: int, way: str, asked_count: int) -> None:
    from bench_index import rss_mb

    base = rss_mb()
    with Storage(path) as storage:
        asked = queries(storage, size, asked_count)
        with storage.guard("read") as db:
            (key,) = db.execute("SELECT key FROM corpora").fetchone()
        base = rss_mb()
        started, cpu = time.perf_counter(), time.process_time()
        if way == "stored":
            searcher = open_search(storage, key)
        else:
            corpus = storage.load_corpus(key)
            assert corpus is not None
            searcher = SearchIndex.build(corpus)
        opened, opened_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert searcher is not None and not storage.warnings, storage.warnings
        opened_mb = rss_mb() - base
        print(
            f"{size:,} articles, {way}: open {opened * 1000:.0f} ms ({opened_cpu * 1000:.0f} ms "
            f"CPU), +{opened_mb:.1f} MB"
        )
        keystrokes(searcher, asked)
        print(f"  memory after the queries: +{rss_mb() - base:.1f} MB")


def measure_folder(folder: Path, asked_count: int) -> None:
    """Keystrokes on the search of the corpus cached for FOLDER (KABAR_CACHE_DIR), opened
    as the reader and `kabar search` open it (a corpus `kabar index` or
    `benchmarks/scale_cache.py` stored)."""
    from bench_index import rss_mb

    from kabar_tui.core.store.catalog_open import open_catalog

    catalog, problems = open_catalog([folder])
    assert catalog is not None, f"index {folder} into KABAR_CACHE_DIR first ({problems})"
    asked = queries(catalog.storage, len(catalog), asked_count, catalog.number)
    base = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    searcher = catalog.searcher()
    opened, opened_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{len(catalog):,} articles of {folder}: open {opened * 1000:.0f} ms "
        f"({opened_cpu * 1000:.0f} ms CPU), +{rss_mb() - base:.1f} MB"
    )
    keystrokes(searcher, asked)
    print(f"  memory after the queries: +{rss_mb() - base:.1f} MB, {rss_mb():.0f} MB in all")


# Phrases every benchmark run asks, besides those drawn from the corpus (issue 11).
NAMED_PHRASES = ("pada hari senin", "kata dia", "menteri keuangan", "yang akan", "di jakarta")


def common_phrases(storage: Storage, searcher: SearchEngine, size: int, count: int) -> list[str]:
    """NAMED_PHRASES and `count` more: windows of two or three words of random stored
    passages, each word in at least one document in 200 (common, whatever its id)."""
    from kabar_tui.core.textfold import words

    rng = random.Random(size + 1)
    floor = searcher._document_count() / 200
    made = list(NAMED_PHRASES)
    with storage.guard("read") as db:
        while len(made) < len(NAMED_PHRASES) + count:
            rows = db.execute(
                "SELECT p.text FROM corpus_articles c JOIN paragraphs p ON p.article = c.article "
                "WHERE c.position = ?",
                (rng.randrange(size),),
            ).fetchall()
            if not rows:
                continue
            found = words(rng.choice(rows)[0])
            length = 2 + len(made) % 2
            starts = range(max(len(found) - length + 1, 0))
            for start in rng.sample(starts, min(20, len(starts))):
                window = found[start : start + length]
                ids = [searcher._find_word(word) for word in window]
                if all(i is not None and searcher._frequency(i) >= floor for i in ids):
                    made.append(" ".join(window))
                    break
    return made


def phrases(path: Path, size: int, count: int) -> None:
    """CPU of one search of each common-word phrase, quoted, on the stored index (opened,
    its columns read by a first query), with the documents it matches."""
    from kabar_tui.core.search.search import EXACT_WORDS

    with Storage(path) as storage:
        with storage.guard("read") as db:
            (key,) = db.execute("SELECT key FROM corpora").fetchone()
        searcher = open_search(storage, key)
        assert searcher is not None
        searcher.search_page('"dan"', 0, PAGE)  # the columns and a common list read
        asked = common_phrases(storage, searcher, size, count)
        digest = hashlib.blake2b(digest_size=8)
        cpus = []
        for phrase in asked:
            ids = [searcher._find_word(word) or 0 for word in phrase.split()]
            cpu = time.process_time()
            page = searcher.search_page(f'"{phrase}"', 0, PAGE)
            cpus.append(time.process_time() - cpu)
            digest.update(repr((page.total, page.hits)).encode())
            common = "all ids < EXACT_WORDS" if max(ids) < EXACT_WORDS else "a later word"
            print(f"  {phrase!r}: {page.total:,} found, {cpus[-1] * 1000:.0f} ms CPU ({common})")
        cpus.sort()
        print(
            f"{size:,} articles, {len(asked)} phrases: CPU median "
            f"{statistics.median(cpus) * 1000:.0f} ms, p90 {cpus[int(len(cpus) * 0.9)] * 1000:.0f} "
            f"ms, max {cpus[-1] * 1000:.0f} ms, total {sum(cpus):.2f} s; "
            f"pages digest {digest.hexdigest()}"
        )


def once(path: Path, query: str) -> None:
    """One search in a fresh process, as `kabar search QUERY` makes it (time it whole:
    `farm-bench -- python benchmarks/bench_search_stored.py --keep DIR --once N QUERY`)."""
    with Storage(path) as storage:
        with storage.guard("read") as db:
            (key,) = db.execute("SELECT key FROM corpora").fetchone()
        searcher = open_search(storage, key)
        assert searcher is not None
        page = searcher.search_page(query, 0, 20)
        print(f"{page.total} found; {[hit.article_id for hit in page.hits[:3]]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="folder for the databases")
    parser.add_argument("--folder", type=Path, help="measure the cached corpus of this folder")
    parser.add_argument("--ways", nargs="+", default=["stored", "memory"])
    parser.add_argument("--queries", type=int, default=QUERIES, help="queries typed")
    parser.add_argument("--build", action="store_true", help="save the search index again")
    parser.add_argument("--phrases", type=int, default=40, help="phrases drawn (--ways phrases)")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--once", nargs=2, metavar=("ARTICLES", "QUERY"), help="one search")
    args = parser.parse_args()
    if args.folder:
        measure_folder(args.folder, args.queries)
        return
    if args.keep is None:
        parser.error("--keep or --folder is needed")
    if args.once:
        once(database(args.keep, int(args.once[0])), args.once[1])
        return
    if args.one:
        size, way = int(args.one[0]), args.one[1]
        path = database(args.keep, size)
        if way == "build":
            build(path, size)
        elif way == "phrases":
            phrases(path, size, args.phrases)
        else:
            measure(path, size, way, args.queries)
        return
    args.keep.mkdir(parents=True, exist_ok=True)
    for size in args.articles:
        steps = [] if database(args.keep, size).exists() and not args.build else ["build"]
        for way in steps + args.ways:
            command = [sys.executable, __file__, "--keep", str(args.keep), "--one", str(size), way]
            command += ["--queries", str(args.queries), "--phrases", str(args.phrases)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
