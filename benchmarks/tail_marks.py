"""`kabar index` with a time stamp on standard error at each step of a first index's tail:
the corpus stages, the link state, the names' answer, the results stored, the search
index built (its own thread's or process's CPU) and saved.

    KABAR_CACHE_DIR=C python -m benchmarks.tail_marks index /tmp/corpus100k

Each line: seconds since the start, the step, the main process's CPU (user + system)
then, and for the search index's build its own CPU. Run under
`benchmarks/process_peaks.py` for the processes' memory on the same time line.
"""

from __future__ import annotations

import functools
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from kabar_tui.core.indexing import pipeline
from kabar_tui.core.search import search_build, search_store
from kabar_tui.core.store import storage

_START = time.perf_counter()
_LOCK = threading.Lock()


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def mark(what: str, extra: str = "") -> None:
    with _LOCK:
        seconds = time.perf_counter() - _START
        print(f"[tail] {seconds:8.1f} s  {what}  main CPU {_cpu():.1f} s {extra}", file=sys.stderr)


def _timed(owner: Any, name: str, label: str | None = None) -> None:
    """`owner.name` wrapped with a mark at its start and end (and its thread's CPU)."""
    called: Callable[..., Any] = getattr(owner, name)
    label = label or name

    @functools.wraps(called)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        mark(f"{label} starts")
        cpu = time.thread_time()
        try:
            return called(*args, **kwargs)
        finally:
            mark(f"{label} ends", f"(its thread's CPU {time.thread_time() - cpu:.1f} s)")

    setattr(owner, name, wrapper)


def main() -> None:
    _timed(pipeline, "_grouped")
    finish = pipeline._finish_digested

    def finished(digest: Any, stages: Any = pipeline.CORPUS_STAGES, *args: Any) -> Any:
        timed = []
        for name, stage in stages:
            holder = type("Stage", (), {"call": staticmethod(stage)})
            _timed(holder, "call", name)
            timed.append((name, holder.call))
        return finish(digest, tuple(timed), *args)

    pipeline._finish_digested = finished
    _timed(pipeline, "save_link_state")
    _timed(pipeline.SpawnedNames, "result", "names' answer")
    _timed(storage.Storage, "save_results")
    _timed(search_build.SearchTerms, "index", "search index built")
    _timed(search_store, "save_search", "search index saved")
    for name in ("_build_search", "_save_built_search", "_spawned_search", "_save_spawned_search"):
        if hasattr(pipeline, name):
            _timed(pipeline, name)
    if hasattr(search_store, "save_recorded"):
        _timed(search_store, "save_recorded", "search index's rows saved")
    from kabar_tui.cli import main as cli

    mark("start")
    try:
        cli(sys.argv[1:])
    finally:
        mark("end")


if __name__ == "__main__":
    main()
