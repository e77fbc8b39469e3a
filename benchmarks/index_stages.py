"""`kabar index DIR` as the command runs it (articles streamed to the cache, none kept),
printing how long each stage took: for `bench_first_index.py --stages`.

    KABAR_CACHE_DIR=/tmp/empty python -m benchmarks.index_stages DIR [--workers N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kabar_tui.core.pipeline import index_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    started = time.perf_counter()
    report = index_corpus([args.folder], workers=args.workers, keep_articles=False)
    wall = {
        "per-file": round(report.process_seconds, 1),
        "cross-article": round(report.finish_seconds, 1),
        "whole": round(time.perf_counter() - started, 1),
    }
    timed = getattr(report, "stages", None)  # older code: none
    if timed is not None:
        wall.update((name, round(seconds, 1)) for name, seconds in timed.wall.items())
    cpu = {name: round(seconds, 1) for name, seconds in timed.cpu.items()} if timed else {}
    print(
        f"{report.articles} articles, {report.processed} processed; wall s {json.dumps(wall)}; "
        f"CPU s of the main process {json.dumps(cpu)}"
    )


if __name__ == "__main__":
    main()
