"""Where linking a whole corpus spends its CPU and memory, step by step, on saved digests
(docs/linking.md, linkflat): passages listed, word and fingerprint postings, look-ups
and scoring, the links judged, the link state stored.

    python -m benchmarks.link_steps D.pickle [--workers N] [--state-folder DIR]

D: digests from `bench_cross_article save` or `save_digests`. Each step prints the CPU of
this process and its children, the resident size after it and the peak during it
(VmHWM, reset before each step; Linux only). The link state is stored as the pipeline
stores it, into a fresh cache file in DIR (a temporary folder by default).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import pickle
import resource
import sys
import tempfile
import time
from array import array
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus import linking, linking_corpus
from kabar_tui.core.corpus.digest import CorpusDigest
from kabar_tui.core.corpus.incremental import save_link_state
from kabar_tui.core.corpus.linking import LinkIndex
from kabar_tui.core.store.storage import DB_NAME, Storage


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def step(name: str) -> Any:
    Path("/proc/self/clear_refs").write_text("5")
    cpu, wall = _cpu(), time.perf_counter()
    yield
    print(
        f"{name:<34} cpu {_cpu() - cpu:7.1f} s  wall {time.perf_counter() - wall:7.1f} s  "
        f"rss {_status('VmRSS'):6} MB  peak {_status('VmHWM'):6} MB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("digests", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--state-folder", type=Path, default=None)
    args = parser.parse_args()
    gc.disable()  # as the pipeline's corpus stage runs (collector_paused)
    with step("digests loaded"), args.digests.open("rb") as file:
        digest: CorpusDigest = pickle.load(file)
    articles = digest.articles
    arrays_class = linking_corpus.CorpusArrays

    class Timed(arrays_class):  # type: ignore[misc, valid-type]
        def __init__(self, index: LinkIndex, starts: array[int]) -> None:
            with step("postings (words and fingerprints)"):
                super().__init__(index, starts)

    linking_corpus.CorpusArrays = Timed  # type: ignore[misc]
    workers = args.workers
    link_in_workers = linking._link_in_workers

    def timed_workers(arrays: Any, count: int) -> Any:
        with step(f"look-ups and scoring ({count} processes)"):
            return link_in_workers(arrays, count)

    linking._link_in_workers = timed_workers
    with step("link (whole build)"):
        index = LinkIndex.build_prepared(((a.id, a.passages) for a in articles), workers)
    with step("links judged"):
        links = index.links
    print(
        f"{len(articles)} articles, {len(index)} passages, {len(links)} links, "
        f"{len(index.deferred) // 2} deferred, workers {index.workers}; "
        f"links sha256 {hashlib.sha256(repr(links).encode()).hexdigest()[:16]}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=args.state_folder) as folder:
        storage = Storage(Path(folder) / DB_NAME)
        with step("link state stored"):
            save_link_state(storage, "bench", index, articles)
        storage.close()


if __name__ == "__main__":
    main()
