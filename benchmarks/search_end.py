"""The end of a first index alone (storing the results, building and saving the search
index: `pipeline._index` after the corpus stages) on a copy of a cache a first index
made: the main process's peak resident size there, above what it held when the end
began, its CPU, and a hash of the search tables it stored.

    nice python -m benchmarks.search_end run CACHE_DIR FOLDER
    python -m benchmarks.search_end hash CACHE_DIR      # the search tables' hash alone
    nice python -m benchmarks.search_end copies CACHE_DIR [--copies 10] [--before]

CACHE_DIR holds the cache `kabar index FOLDER` made (a copy: its corpus is stored again
under its key). `kabar index`'s own path runs (`index_corpus`, nothing kept): every
digest is read back from the cache, as when only the corpus stages are left to do, but
the corpus stages are replaced by one that takes the stored results (links, stories,
canonical names: what linking and resolution found, minutes at 100k) and leaves the
digests as those stages leave them (passages dropped, rests unpacked). Then the peak
(VmHWM) is reset and the end runs as `kabar index` runs it. The processing fingerprint is
pinned to the cache's (`storage.code_fingerprint` patched here, in the harness only), so
code that changed `kabar_tui/core` reads the same rows; run "before" with
`PYTHONPATH=EXPORT_OF_BASE` from outside the worktree (`python -m` puts the current
folder first, and with it the worktree's `kabar_tui`). The process is fresh: its peak
is the end's, or what was held before it when the end stays below that.

`copies` measures the end on a 100k-sized input made of a 10k cache's corpus stored
COPIES times (its `articles` rows stored again under "~N" paths, in CACHE_DIR: a copy),
from the moment the link state is stored: see `copies` below; `--before` runs it as
main's code before endmem did (every rest unpacked first). It prints the end's peak above
what was held, its CPU and the stored corpus's checksum and search tables' hashes, the
same with and without `--before`.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import os
import resource
import sqlite3
import sys
import time
from array import array
from pathlib import Path

from benchmarks.names_stage import stored_digests
from benchmarks.store_results import _status, by_position
from kabar_tui.core.corpus.resolve import Resolution
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.search.search_build import QuotedArticle
from kabar_tui.core.store import storage
from kabar_tui.core.store.storage import (
    DB_NAME,
    Storage,
    _corpus_tables,
    _entities,
    _links,
    _quote_groups,
    _stories,
    collector_paused,
    unpack_names,
)


def search_hash(cache: Path) -> dict[str, tuple[int, str]]:
    """Rows and hash of each `search_*` table, the corpus's number left out (it changes
    when the corpus is stored again), and the article numbers (given out in the order
    articles arrive from the workers) replaced by paths: the `articles` array, and the
    checksums covering it (its own, the header's)."""
    found = {}
    with sqlite3.connect(cache / DB_NAME) as db:
        paths = dict(db.execute("SELECT id, path FROM articles"))
        names = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'search%' "
            "ORDER BY name"
        ).fetchall()
        for (name,) in names:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info('{name}')")]
            kept = [column for column in columns if column != "corpus"]
            rows = db.execute(f"SELECT {', '.join(kept)} FROM '{name}'").fetchall()
            if name == "search_indexes":
                rows = [row[:2] + row[3:] for row in rows]  # the checksum
            elif name == "search_arrays":
                numbers = array("q")
                for row in rows:
                    if row[0] == "articles":
                        numbers.frombytes(row[1])
                rows = [row for row in rows if row[0] != "articles"]
                rows.append(("articles", [paths[number] for number in numbers]))
            rows.sort(key=repr)
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(row).encode())
            found[name] = (len(rows), digest.hexdigest()[:16])
    db.close()
    return found


class _Stored:
    """The corpus stage that takes the stored results instead of linking and resolving."""

    def __init__(self, cache: Path) -> None:
        with sqlite3.connect(cache / DB_NAME) as db:
            [(corpus,)] = db.execute("SELECT id FROM corpora")
            with collector_paused():
                self.resolution, self.links, self.stories = self._read(db, corpus)
        db.close()
        self.marks: dict[str, float] = {}

    @staticmethod
    def _read(db: sqlite3.Connection, corpus: int) -> tuple[Resolution, list, list]:
        tables = _corpus_tables(db, corpus)
        shared: dict[object, object] = {}
        names = [text for _, text in tables["names"]]
        ids = [article_id for _, _, article_id in tables["corpus_articles"]]
        codes = {
            position: array("I", unpack_names(packed))
            for position, packed in tables.pop("mention_names")
        }
        speakers = by_position(tables.pop("quote_speakers"), names)
        resolution = Resolution(
            names,
            [codes.get(n, array("I")) for n in range(len(ids))],
            [speakers.get(n, []) for n in range(len(ids))],
            _entities(tables, names, ids, shared),
            _quote_groups(tables, names, ids, shared),
        )
        return resolution, _links(tables, ids), _stories(tables, ids)

    def __call__(self, work: pipeline.CorpusWork) -> None:
        for article in work.digest.articles:
            article.passages = []  # as linking leaves them
        work.refill()
        work.links, work.stories, work.resolution = self.links, self.stories, self.resolution
        del self.links, self.stories, self.resolution
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM reset to the resident size
        self.marks["held"] = _status("VmRSS")
        self.marks["cpu"] = time.process_time()
        self.marks["wall"] = time.perf_counter()


def run(cache: Path, folder: Path, postings: int | None = None) -> None:
    with sqlite3.connect(cache / DB_NAME) as db:
        fingerprints = db.execute("SELECT DISTINCT fingerprint FROM articles").fetchall()
    db.close()
    [(fingerprint,)] = fingerprints
    storage.code_fingerprint = lambda: fingerprint  # pinned: the cache's rows are read
    stage = _Stored(cache)
    pipeline._stored_size = lambda storage, key: None  # type: ignore[assignment]
    Storage.load_corpus = lambda self, key: None  # type: ignore[assignment,method-assign]
    options = pipeline.IndexOptions(
        keep_articles=False, read_stored=False, corpus_stages=(("stored", stage),)
    )
    if postings is not None:
        options = dataclasses.replace(options, search_postings=postings)
    os.environ["KABAR_CACHE_DIR"] = str(cache)
    report = pipeline.index_corpus([folder], options=options)
    cpu = time.process_time() - stage.marks["cpu"]
    wall = time.perf_counter() - stage.marks["wall"]
    peak, held = _status("VmHWM"), stage.marks["held"]
    assert report.processed == 0, "articles processed: not the cache of this folder's index"
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"{report.articles:,} articles; end: peak {peak} MB, {peak - held:+} MB above the "
        f"{held} MB held when it began; {cpu:.1f} s CPU, {wall:.1f} s wall "
        f"(results {report.stages.cpu.get('results', 0):.1f} s CPU, search "
        f"{report.stages.cpu.get('search', 0):.1f} s CPU); "
        f"process maxrss {usage.ru_maxrss // 1024} MB"
    )
    for name, (rows, digest) in search_hash(cache).items():
        print(f"  {name}: {rows} rows, {digest}")


def _copied_rows(db: sqlite3.Connection, corpus: int, copies: int) -> None:
    """The `articles` rows of the corpus's articles stored again for copies 1 ..
    `copies` - 1 (path + "~N"), for `save_results` to find; done once per cache copy."""
    if db.execute("SELECT 1 FROM articles WHERE path LIKE '%~1' LIMIT 1").fetchone():
        return
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)") if row[1] != "id"]
    picked = ", ".join("path || ?" if c == "path" else c for c in columns)
    with db:
        for copy in range(1, copies):
            db.execute(
                f"INSERT INTO articles ({', '.join(columns)}) SELECT {picked} FROM articles "
                "WHERE id IN (SELECT article FROM corpus_articles WHERE corpus = ?)",
                (f"~{copy}", corpus),
            )


def copies(cache: Path, count: int, before: bool) -> None:
    """The end on `count` copies of the stored corpus (a 100k-sized input from a 10k
    cache), called as `pipeline._index` calls it once the corpus stages are done: the
    digests without passages, their rests packed (`_HeldRest`), the search terms of
    every copy, and per article its resolved names (copy 0's entities, links, stories and
    quotation groups: the corpus-wide results are not copied). `before`: as main's code
    before endmem ran it: every rest unpacked at once first (`_resolve`'s refill), the
    quotations and mention names made before the search index's thread starts."""
    from kabar_tui.core.corpus.digest import CorpusDigest, unpack_held_digest
    from kabar_tui.core.corpus.linking_arrays import release_free_memory

    db = sqlite3.connect(cache / DB_NAME)
    [(fingerprint,)] = db.execute("SELECT DISTINCT fingerprint FROM articles").fetchall()
    storage.code_fingerprint = lambda: fingerprint  # pinned: the cache's rows are read
    [(corpus_number,)] = db.execute("SELECT id FROM corpora WHERE key != 'copies'")
    _copied_rows(db, corpus_number, count)
    with collector_paused():
        stored, links, stories = _Stored._read(db, corpus_number)
    terms = pipeline._search_terms()
    digest = CorpusDigest()
    held: dict[str, bytes] = {}
    paths: list[str] = []
    mention_names, speakers = [], []
    with collector_paused():
        for copy in range(count):
            tail = f"~{copy}" if copy else ""
            for article_id, path, content_hash, title, data in stored_digests(db, corpus_number):
                article, rest, found = unpack_held_digest(
                    data, article_id + tail, content_hash, title, None
                )
                article.passages = []  # as linking leaves them
                digest.articles.append(article)
                held[path + tail] = rest
                paths.append(path + tail)
                terms.add(path + tail, found)
            mention_names += [array("I", codes) for codes in stored.mention_names]
            speakers += [list(names) for names in stored.speakers]
    db.close()
    resolution = Resolution(
        stored.names, mention_names, speakers, stored.entities, stored.quote_groups
    )
    del stored, mention_names, speakers
    corpus, results = pipeline.corpus_results(digest, links, stories, resolution)
    del resolution
    rest = pipeline._HeldRest(held, paths)
    del held
    options = pipeline.IndexOptions(keep_articles=False, read_stored=False)
    cache_file = Storage(cache / DB_NAME)
    release_free_memory()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM reset to the resident size
    held_mb = _status("VmRSS")
    cpu, wall = time.process_time(), time.perf_counter()
    key = "copies"
    with pipeline._collector_paused_if_alone():
        if before:
            rest(digest)
            forms = digest.forms
            quotations = [
                QuotedArticle(article.quotes, names.speakers())
                for article, names in zip(digest.articles, results.articles, strict=True)
            ]
            mentions: dict[tuple[str, str, str], None] = {}
            for article, names in zip(digest.articles, results.articles, strict=True):
                for (text, label), name in zip(
                    map(forms.__getitem__, article.mentions), names.mention_names(), strict=True
                ):
                    mentions[name or text, label, text] = None
            building = pipeline._InThread(
                functools.partial(
                    terms.index,
                    paths,
                    quotations,
                    mentions,
                    corpus.entities,
                    options.search_postings,
                )
            )
            del quotations, mentions
        else:
            building = pipeline._build_search(terms, paths, digest, results, corpus, options, rest)
        del digest, rest
        cache_file.save_results(key, results, paths)
        del results
        pipeline._save_built_search(cache_file, key, building, terms)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = _status("VmHWM")
    print(
        f"{len(paths):,} articles ({count} copies), {'before' if before else 'after'}: "
        f"end's peak {peak} MB, {peak - held_mb:+} MB above the {held_mb} MB held when it "
        f"began; {cpu:.1f} s CPU (both threads), {wall:.1f} s wall"
    )
    cache_file.close()
    with sqlite3.connect(cache / DB_NAME) as db:
        [(checksum,)] = db.execute("SELECT checksum FROM corpora WHERE key = ?", (key,))
    db.close()
    print(f"  corpus checksum {checksum}")
    for name, (rows, hashed) in search_hash(cache).items():
        print(f"  {name}: {rows} rows, {hashed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("run", "hash", "copies"))
    parser.add_argument("cache", type=Path)
    parser.add_argument("folder", type=Path, nargs="?")
    parser.add_argument("--postings", type=int, help="IndexOptions.search_postings")
    parser.add_argument("--copies", type=int, default=10, help="copies: how many")
    parser.add_argument("--before", action="store_true", help="copies: as main ran it")
    args = parser.parse_args()
    if args.what == "hash":
        for name, (rows, digest) in search_hash(args.cache).items():
            print(f"  {name}: {rows} rows, {digest}")
    elif args.what == "copies":
        copies(args.cache, args.copies, args.before)
    elif args.folder is None:
        sys.exit("run: which folder was indexed?")
    else:
        run(args.cache, args.folder, args.postings)


if __name__ == "__main__":
    main()
