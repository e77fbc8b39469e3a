"""`kabar index DIR` as the command runs it (articles streamed to the cache, none kept),
printing how long each stage took: for `bench_first_index.py --stages`.

    KABAR_CACHE_DIR=/tmp/empty python -m benchmarks.index_stages DIR [--workers N]

Besides each stage's wall and main-process CPU, it splits the CPU by process (the kernel's
account, `getrusage`) at the end of the per-file stage and of the corpus stages: what the
main process spent (storing rows, coding digests; then the corpus stages and storing) and
what its children spent (the per-file workers; then the forked linking and quotation
grouping processes), to tell whether the main process or the workers hold up the wall.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from kabar_tui.core.indexing.pipeline import CORPUS_STAGES, CorpusWork, IndexOptions, index_corpus


class Marks:
    """Wall, main-process CPU and children's CPU, at named moments."""

    def __init__(self) -> None:
        self.at: list[tuple[str, float, float, float]] = []
        self.mark("start")

    def mark(self, name: str) -> None:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.at.append(
            (
                name,
                time.perf_counter(),
                own.ru_utime + own.ru_stime,
                children.ru_utime + children.ru_stime,
            )
        )

    def spans(self) -> dict[str, dict[str, float]]:
        return {
            f"{before[0]} -> {after[0]}": {
                "wall": round(after[1] - before[1], 1),
                "main CPU": round(after[2] - before[2], 1),
                "children CPU": round(after[3] - before[3], 1),
            }
            for before, after in zip(self.at, self.at[1:], strict=False)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    marks = Marks()

    def per_file_done(work: CorpusWork) -> None:  # the workers are reaped by now
        marks.mark("per-file stage done")

    def corpus_done(work: CorpusWork) -> None:
        marks.mark("corpus stages done")

    stages = (("per-file done", per_file_done), *CORPUS_STAGES, ("corpus done", corpus_done))
    options = IndexOptions(workers=args.workers, keep_articles=False, corpus_stages=stages)
    started = time.perf_counter()
    report = index_corpus([args.folder], options=options)
    marks.mark("stored")
    wall = {
        "per-file": round(report.process_seconds, 1),
        "cross-article": round(report.finish_seconds, 1),
        "whole": round(time.perf_counter() - started, 1),
    }
    timed = report.stages
    wall.update((name, round(seconds, 1)) for name, seconds in timed.wall.items())
    cpu = {name: round(seconds, 1) for name, seconds in timed.cpu.items()}
    print(
        f"{report.articles} articles, {report.processed} processed; wall s {json.dumps(wall)}; "
        f"CPU s of the main process {json.dumps(cpu)}"
    )
    for span, figures in marks.spans().items():
        print(f"{span}: {json.dumps(figures)}")


if __name__ == "__main__":
    main()
