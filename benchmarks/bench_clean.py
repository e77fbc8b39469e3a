"""Cleaning plus metadata throughput, in articles per second on one core.

Run: `python -m benchmarks.bench_clean [N ...]` (default 1000 10000). Single process, so
the figure is per core. Corpus generation is outside the timed part; CPU time
of this process is measured, so other load on a shared machine does not skew it.
"""

from __future__ import annotations

import sys
import time

from benchmarks.corpus import raw_articles
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source


def bench(count: int) -> float:
    sources = [Source(name, f"{name}.txt", text, "") for name, text in raw_articles(count)]
    clean_source(sources[0])  # warm-up: module-level tables, regex caches
    started = time.process_time()
    for source in sources:
        clean_source(source)
    return count / (time.process_time() - started)


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [1000, 10000]
    for count in sizes:
        rate = bench(count)
        print(f"clean+metadata  {count:>6} articles  {rate:>8.0f} articles/s/core")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
