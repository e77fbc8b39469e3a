"""The entity view's questions on a stored corpus, timed: the counts and pages of the
most mentioned name, of a name of median count and of one mentioned once or twice.

    python benchmarks/entity_view.py CACHE_FILE [--repeat 5]
    python benchmarks/entity_view.py CACHE_FILE --convert   # a copy: written over

The cache's one corpus is opened as `StoredCatalog` directly, without checking a file,
so a cache another checkout made (another fingerprint) is timed as it is: run it with
`PYTHONPATH=CHECKOUT` from a copy of this file for the code before. Each figure is the
first call (the database's pages cold for this process) and the fastest of `--repeat`.

`--convert` turns a cache of layout 13 (a `mention_names` row per mention and its index
`mentions_by_entity`) into layout 14 in place: an article's names packed in one row
(`storage.pack_names`), `entities_by_name`, the `mention_names` parts' checksums and the
corpus checksum made again, the layout version set. It is how a 100k cache made by the
code before (17 minutes of indexing) is timed with the code after, on the same rows.
Layout 14 also packs the link state's passages (`ready_passages.py`): for a whole layout
14, run `ready_passages.py` on the copy first, then this `--convert` (the other order stops
at the version check).
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import sys
import time
from array import array
from collections.abc import Callable
from pathlib import Path

if not os.environ.get("PYTHONPATH"):  # else the checkout it names runs (a paired run)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.store.catalog_store import StoredCatalog
from kabar_tui.core.store.storage import Storage


def convert(path: Path) -> None:
    """Layout 13's `mention_names` rows as layout 14's, with their checksums."""
    from kabar_tui.core.store import storage, storage_sqlite

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("ALTER TABLE mention_names RENAME TO old_names")
    db.execute("DROP INDEX mentions_by_entity")
    for statement in storage_sqlite._statements():  # as written there: the layout check
        if "mention_names (" in statement or "entities_by_name" in statement:
            db.execute(statement)
    for (corpus,) in db.execute("SELECT id FROM corpora").fetchall():
        parts = storage._Parts()
        rows: list[tuple[int, bytes]] = []
        article, codes = -1, array("I")
        cursor = db.execute(
            "SELECT article, name FROM old_names WHERE corpus = ? ORDER BY article, position",
            (corpus,),
        )
        for at, name in cursor:
            if at != article:
                if codes:
                    rows.append((article, storage.pack_names(codes)))
                article, codes = at, array("I")
            codes.append(name)
        if codes:
            rows.append((article, storage.pack_names(codes)))
        parts.add("mention_names", rows)
        found = parts.done()
        db.executemany(
            "INSERT INTO mention_names (corpus, article, names) VALUES (?, ?, ?)",
            ((corpus, *row) for row in rows),
        )
        db.execute("DELETE FROM corpus_parts WHERE corpus = ? AND tab = 'mention_names'", (corpus,))
        db.executemany(
            "INSERT INTO corpus_parts (corpus, tab, block, sub, rows, checksum) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ((corpus, *part, *value) for part, value in found.items()),
        )
        every = storage._stored_parts(db, corpus, tuple(storage._CORPUS_TABLES))
        db.execute(
            "UPDATE corpora SET checksum = ? WHERE id = ?",
            (storage._corpus_checksum(every), corpus),
        )
    db.execute("DROP TABLE old_names")
    db.execute(
        "UPDATE meta SET value = ? WHERE key = 'schema'", (str(storage_sqlite.SCHEMA_VERSION),)
    )
    db.execute("COMMIT")
    db.close()


def timed(work: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The first call's seconds and the fastest of `repeat` more."""
    start = time.perf_counter()
    work()
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return first, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--convert", action="store_true")
    args = parser.parse_args()
    if args.convert:
        start = time.perf_counter()
        convert(args.cache)
        print(f"converted in {time.perf_counter() - start:.1f} s")
        return
    storage = Storage(args.cache)
    [(number, key)] = storage.select("SELECT id, key FROM corpora")
    catalog = StoredCatalog(storage, number, key)
    ranked = storage.select(
        "SELECT n.text, e.mentions FROM entities e JOIN names n ON n.corpus = e.corpus "
        "AND n.number = e.name WHERE e.corpus = ? ORDER BY e.mentions DESC, n.text",
        (number,),
    )
    picks = {"most mentioned": ranked[0], "median": ranked[len(ranked) // 2]}
    picks["least mentioned"] = ranked[-1]
    print(f"{len(catalog)} articles, {len(ranked)} entities")
    for what, (name, mentions) in picks.items():
        print(f"{what}: {name!r} ({mentions:,} mentions)")
        for label, work in (
            ("mention_count", functools.partial(catalog.mention_count, name)),
            ("first page of 100", functools.partial(catalog.mentions, name, 0, 100)),
            ("page at 5,000", functools.partial(catalog.mentions, name, 5000, 100)),
        ):
            first, best = timed(work, args.repeat)
            print(f"  {label}: first {first * 1000:.1f} ms, fastest {best * 1000:.1f} ms")
        print(f"  counts {catalog.mention_count(name)}")
    catalog.close()


if __name__ == "__main__":
    main()
