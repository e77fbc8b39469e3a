"""The reader's list on a stored corpus: its orders asked of the database, against every head.

Run: python -m benchmarks.bench_list_order FOLDER [--runs N]
FOLDER must be indexed and opened once (`KABAR_CACHE_DIR=... kabar search x FOLDER`, the
same cache folder in the environment here). Prints CPU and wall milliseconds (minimum and
median of N runs, each on a fresh connection) of what the catalog's thread does for the
list (docs/ui.md): the rows by date and by outlet (`list_order`: ids and title lengths,
sorted by SQL), a filter of one and two words, the heads and "also in" lines of a
screenful (120 rows), the files' content hashes and ids by path (read once the catalog is
handed over); and, for comparison, what the list did before: every head read and made
(`heads`) and sorted in Python (`sort_heads`).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from kabar_tui.core.store.catalog import sort_heads
from kabar_tui.core.store.catalog_open import recent_catalog
from kabar_tui.core.store.catalog_store import StoredCatalog


def timed(make: Callable[[], StoredCatalog], ask: Callable[[StoredCatalog], object], runs: int):
    cpu, wall = [], []
    for _ in range(runs):
        catalog = make()
        len(catalog)  # the count is cached by the catalog: not part of the question
        started, started_cpu = time.perf_counter(), time.thread_time()
        ask(catalog)
        cpu.append(time.thread_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        catalog.close()
    return cpu, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    opened = recent_catalog([args.folder])
    if opened is None:
        raise SystemExit("open the folder once first (kabar search x FOLDER)")
    first = opened.list_order("date").ids[:120]
    print(f"{len(opened)} articles")

    def again() -> StoredCatalog:
        return opened.opened_again()

    questions: list[tuple[str, Callable[[StoredCatalog], object]]] = [
        ("rows by date", lambda c: c.list_order("date")),
        ("rows by outlet", lambda c: c.list_order("outlet")),
        ("rows filtered 'harga'", lambda c: c.list_order("date", ["harga"])),
        ("rows filtered 'kim pyong'", lambda c: c.list_order("date", ["kim", "pyong"])),
        ("heads of 120 rows", lambda c: c.heads_of(first)),
        ("'also in' of 120 rows", lambda c: c.siblings_of(first)),
        ("content hashes", lambda c: c.content_hashes()),
        ("ids by path", lambda c: c.ids_by_path()),
        ("before: every head, sorted", lambda c: sort_heads(c.heads(), "date")),
    ]
    for name, ask in questions:
        cpu, wall = timed(again, ask, args.runs)
        cpu_ms = [x * 1000 for x in cpu]
        wall_ms = [x * 1000 for x in wall]
        print(
            f"{name:<28} cpu min {min(cpu_ms):7.1f} median {statistics.median(cpu_ms):7.1f} ms"
            f"   wall min {min(wall_ms):7.1f} median {statistics.median(wall_ms):7.1f} ms"
        )
    opened.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
