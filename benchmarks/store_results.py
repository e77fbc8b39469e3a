"""Storing a corpus's cross-article results (`Storage.save_results`) alone, on a corpus a
first index stored: its peak memory above what the process held before, its CPU, and
whether it stores the same rows (the corpus checksum, which covers every per-corpus row,
read before and after).

    nice python -m benchmarks.store_results CACHE_FILE [--fresh]

CACHE_FILE is written over (the corpus is stored again under its key): give it a copy.
With `--fresh` the stored corpus is deleted first, outside the figures, so what is timed
is what a first index does (no rows of the same key to delete). Each per-corpus table's
CPU is printed too: making, checksumming and inserting its rows (`_corpus_rows`' batches
taken to the end).
The results are read back from the stored tables, as `Storage.save_results` is given
them by a first index (per article its canonical names, then entities, links, stories,
quotation groups); the process's peak (VmHWM) is reset once they are held.
"""

from __future__ import annotations

import functools
import gc
import itertools
import operator
import os
import resource
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # else the checkout it names runs (a paired run)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.store import storage as storage_module
from kabar_tui.core.store.storage import (
    CorpusResults,
    Storage,
    StoredNames,
    _corpus_tables,
    _entities,
    _links,
    _quote_groups,
    _stories,
    collector_paused,
)
from kabar_tui.core.store.storage_sqlite import transaction


def _status(field: str) -> int:
    """A `/proc/self/status` figure, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


def by_position(
    rows: list[tuple[int, int | None]], names: list[str]
) -> dict[int, list[str | None]]:
    """Stored (article position, name number) rows, sorted by position: each article's
    names in order (a speaker row's number may be None: no speaker)."""
    return {
        position: [None if name is None else names[name] for _, name in group]
        for position, group in itertools.groupby(rows, key=operator.itemgetter(0))
    }


def _mention_names(rows: list[tuple], names: list[str]) -> dict[int, list[str]]:
    """Each article's mentions' names, from either layout of `mention_names`: a row per
    mention (article, name), or an article's names packed (layout 14), so that the
    checkout before the change runs this file too (`PYTHONPATH`, from a copy of it)."""
    if not rows or not isinstance(rows[0][1], bytes):
        return by_position(rows, names)
    from kabar_tui.core.store.storage import unpack_names

    return {position: [names[code] for code in unpack_names(packed)] for position, packed in rows}


def _results(db: sqlite3.Connection, corpus: int) -> tuple[CorpusResults, list[str]]:
    """The stored results of `corpus`, and the paths of its articles in order."""
    tables = _corpus_tables(db, corpus)
    heads = db.execute(
        "SELECT a.path, a.content_hash FROM corpus_articles w JOIN articles a "
        "ON a.id = w.article WHERE w.corpus = ? ORDER BY w.position",
        (corpus,),
    ).fetchall()
    shared: dict[object, object] = {}
    names = [text for _, text in tables["names"]]
    ids = [article_id for _, _, article_id in tables["corpus_articles"]]
    mentions = _mention_names(tables.pop("mention_names"), names)
    speakers = by_position(tables.pop("quote_speakers"), names)
    articles = [
        StoredNames(ids[n], content_hash, mentions.get(n, []), speakers.get(n, []))
        for n, (_, content_hash) in enumerate(heads)
    ]
    results = CorpusResults(
        articles,
        _entities(tables, names, ids, shared),
        _links(tables, ids),
        _stories(tables, ids),
        _quote_groups(tables, names, ids, shared),
    )
    return results, [path for path, _ in heads]


class _TableClock:
    """CPU of each table's batches, from the first asked for to the last: what
    `save_results` does with them (digest, insert) happens between the two."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self._made = storage_module._corpus_rows

    def __call__(self, *args: object, **kwargs: object) -> object:
        made = self._made(*args, **kwargs)  # type: ignore[arg-type]
        if made is not None:
            for table, batches in list(made.tables.items()):
                made.tables[table] = functools.partial(self._timed, table, batches)
        return made

    def _timed(self, table: str, batches: Callable[[], Iterator[list]]) -> Iterator[list]:
        start = time.process_time()
        yield from batches()
        self.cpu[table] = time.process_time() - start


def main() -> None:
    cache = Path(sys.argv[1])
    with sqlite3.connect(cache) as db:
        [(corpus, key, checksum)] = db.execute("SELECT id, key, checksum FROM corpora")
        with collector_paused():
            results, paths = _results(db, corpus)
    db.close()
    if "--fresh" in sys.argv[2:]:
        with Storage(cache) as storage, storage.guard("written") as db, transaction(db):
            Storage._delete_corpus(db, corpus)
    clock = _TableClock()
    storage_module._corpus_rows = clock
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the resident size now
    held = _status("VmRSS")
    print(
        f"results held: {held} MB ({len(paths):,} articles, "
        f"{sum(len(g.occurrences) for g in results.quote_groups):,} quotation occurrences, "
        f"{sum(len(e.articles) for e in results.entities):,} entity articles)"
    )
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    with Storage(cache) as storage:
        storage.save_results(key, results, paths)
        assert storage.warnings == [], storage.warnings
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = _status("VmHWM")
    with sqlite3.connect(cache) as db:
        [(stored,)] = db.execute("SELECT checksum FROM corpora WHERE key = ?", (key,))
    print(
        f"save_results: peak {peak} MB, {peak - held} MB above the results held; "
        f"{cpu:.1f} s CPU, {time.perf_counter() - start:.1f} s wall"
    )
    print("per table, CPU s: " + ", ".join(f"{t} {s:.2f}" for t, s in clock.cpu.items()))
    print(
        f"corpus checksum before {checksum}, after {stored}: "
        f"{'the same' if stored == checksum else 'DIFFERENT'}"
    )


if __name__ == "__main__":
    main()
