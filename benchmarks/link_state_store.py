"""Storing the link state after a first index (`incremental.save_link_state`), alone:
its CPU, the rows it writes per link table and the cache file's size (docs/linking.md,
"postblob").

    nice python -m benchmarks.names_stage prepare CACHE_COPY FOLDER [--copies 10]
    nice python benchmarks/link_state_store.py FOLDER [--state-folder DIR]
    PYTHONPATH=OTHER_CHECKOUT nice python benchmarks/link_state_store.py FOLDER
    python benchmarks/link_state_store.py --convert CACHE_FILE

FOLDER is `names_stage prepare`'s (the digests as the first index holds them). The
corpus is linked as the first index links it (`pipeline._link`, not timed), then its
state stored into a fresh cache file in DIR (a temporary folder by default): CPU of this
process, the rows of each link table, the file's size once its WAL is checkpointed.

`--convert` (harness only: the product rebuilds such a file) rewrites, in place, a copy
of a layout-12 cache's postings (a row per passage) as this code stores them (a row per
key, `linking.posting_record`) and marks the file layout 13: so an update can be timed
on a cache made by older code without indexing 100k articles again (with
`bench_add_article.py --pin`).
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.names_stage import _load
from kabar_tui.core.corpus.incremental import save_link_state
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.store.storage import DB_NAME, Storage
from kabar_tui.core.store.storage_sqlite import LINK_TABLES, SCHEMA_VERSION, _statements

FULL = -1


def convert(path: Path) -> None:
    """Layout 12's posting rows (state, key, passage; -1 once too common) as a row per key."""
    from kabar_tui.core.corpus.linking import (
        posting_record,  # this code's (not an older checkout's)
    )

    db = sqlite3.connect(path, isolation_level=None)
    ((version,),) = db.execute("SELECT value FROM meta WHERE key = 'schema'")
    if version != "12":
        raise SystemExit(f"{path}: layout {version}, not 12")
    cpu = _cpu()
    db.execute("BEGIN")
    for table in ("link_fingerprints", "link_words"):
        db.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
        (create,) = [s for s in _statements() if f"CREATE TABLE {table} " in s]
        db.execute(create)
        rows = db.execute(f"SELECT * FROM old_{table} ORDER BY 1, 2, 3")
        db.executemany(
            f"INSERT INTO {table} VALUES (?, ?, ?, ?)",
            (
                (state, key, *posting_record(_posting([n for *_, n in group]), FULL))
                for (state, key), group in groupby(rows, itemgetter(0, 1))
            ),
        )
        db.execute(f"DROP TABLE old_{table}")
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))
    db.execute("COMMIT")
    db.close()
    print(f"{path}: postings a row per key, layout {SCHEMA_VERSION} ({_cpu() - cpu:.1f} s CPU)")


def _posting(numbers: list[int]) -> int | list[int] | None:
    if numbers == [FULL]:
        return None
    return numbers[0] if len(numbers) == 1 else numbers


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _TimedInserts:
    """The cache's connection, with the CPU of each `executemany` (making its rows and
    storing them) added up by the table it inserts into."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.cpu: dict[str, list] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def executemany(self, sql: str, rows: Any) -> Any:
        words = sql.split()
        table = words[words.index("INTO") + 1] if "INTO" in words else words[0] + " " + words[2]
        cpu = _cpu()
        try:
            return self._db.executemany(sql, rows)
        finally:
            found = self.cpu.setdefault(table, [0.0, 0])
            found[0] += _cpu() - cpu
            found[1] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--state-folder", type=Path, default=None)
    parser.add_argument("--convert", action="store_true", help="FOLDER is a layout-12 cache file")
    args = parser.parse_args()
    if args.convert:
        convert(args.folder)
        return
    work, _numbers = _load(args.folder)
    articles = list(work.digest.articles)
    with pipeline.collector_paused():
        index = pipeline.LinkIndex.build_prepared((a.id, a.passages) for a in articles)
    print(f"code: {Path(pipeline.__file__).resolve().parent.parent.parent}")
    print(f"{len(articles):,} articles, {len(index):,} passages", flush=True)
    with tempfile.TemporaryDirectory(dir=args.state_folder) as folder:
        path = Path(folder) / DB_NAME
        storage = Storage(path)
        assert storage._db is not None
        timed = _TimedInserts(storage._db)
        storage._db = timed  # type: ignore[assignment]
        empty = path.stat().st_size
        cpu, wall = _cpu(), time.perf_counter()
        with pipeline.collector_paused():
            save_link_state(storage, "bench", index, articles)
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
        storage.close()
        print(f"link state stored: CPU {cpu:.2f} s, wall {wall:.2f} s")
        for table, (seconds, calls) in sorted(timed.cpu.items(), key=lambda item: -item[1][0]):
            print(f"  inserts into {table:<20} {seconds:6.2f} s CPU ({calls} calls)")
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for table in LINK_TABLES:
                (rows,) = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
                print(f"  {table:<20} {rows:>12,} rows")
        print(f"cache file: {(path.stat().st_size - empty) / 2**20:,.1f} MB of link state")


if __name__ == "__main__":
    main()
