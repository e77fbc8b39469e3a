"""Where linking's main process peaks: its high-water mark (`VmHWM`) read and reset at
points inside `pipeline._link` on the digests a first index stored (docs/indexing.md,
"linkpeak"). A peak shorter than `process_peaks`'s half second shows here.

    nice python benchmarks/link_peaks.py FOLDER
    PYTHONPATH=OTHER_CHECKOUT nice python benchmarks/link_peaks.py FOLDER

FOLDER is `names_stage prepare`'s. Each line: the point reached, seconds since the
start, the resident size there, and the peak since the line before (the mark is reset
at each point: `/proc/self/clear_refs`). The functions are wrapped, not changed; on code
without one of them its points are left out.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.link_stage import _links_hash
from benchmarks.names_stage import _load, _measured, _status
from kabar_tui.core import linking, linking_arrays, linking_corpus, pipeline

_START = time.perf_counter()
_RANGES: list[int] = []  # the peak while each of the main process's ranges was linked


def mark(point: str) -> None:
    """Print the resident size now and the peak since the last mark, then reset it."""
    peak, now = _status("VmHWM"), _status("VmRSS")
    print(f"{time.perf_counter() - _START:7.1f} s  {now:6,} MB now  {peak:6,} MB peak  {point}")
    Path("/proc/self/clear_refs").write_text("5")


def _around(owner: Any, name: str, before: str | None, after: str) -> None:
    """Mark before and after each call of `owner.name` (left alone when absent)."""
    function = getattr(owner, name, None)
    if function is None:
        return

    @functools.wraps(function)
    def marked(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            mark(before)
        result = function(*args, **kwargs)
        mark(after)
        return result

    setattr(owner, name, marked)


def _ranges_marked() -> None:
    """The main process's own ranges: the highest peak of any one, not a line each."""
    link = linking_corpus.CorpusArrays.link

    def marked(self: Any, first: int, end: int) -> Any:
        result = link(self, first, end)
        _RANGES.append(_status("VmHWM"))
        Path("/proc/self/clear_refs").write_text("5")
        return result

    linking_corpus.CorpusArrays.link = marked  # type: ignore[method-assign]
    take = getattr(linking, "_take_ranges", None)
    if take is None:
        return

    def taken(*args: Any) -> Any:
        mark("the main process's first range to take")
        result = take(*args)
        highest = max(_RANGES, default=0)
        print(f"{'':9}ranges linked here: {len(_RANGES)}, highest peak {highest:,} MB")
        mark("the main process's ranges linked")
        return result

    linking._take_ranges = taken


def main() -> None:
    folder = Path(sys.argv[1])
    work, _numbers = _load(folder)
    try:
        from kabar_tui.core import linking_workers, spawned
    except ImportError:
        linking_workers = spawned = None  # type: ignore[assignment]
    _around(linking_corpus.CorpusArrays, "__init__", "passages taken", "arrays built")
    if linking_workers is not None:
        _around(linking_workers.SharedCorpus, "__init__", None, "file written")
        _around(linking_workers.SharedCorpus, "close", None, "file closed")
        _around(linking_workers.SpawnedLinks, "__init__", None, "a worker started")
        _around(spawned.SpawnedCall, "result", "waiting for a worker", "a worker's part received")
    _ranges_marked()
    _around(linking, "_link_in_workers", None, "parts gathered")
    # before linkpeak the parts were joined and the links judged before the FlatViews
    _around(linking_arrays, "FlatView", "before a FlatView", "a FlatView made")
    _around(linking, "_join_parts", "parts to join", "parts joined")
    _around(linking_arrays, "release_free_memory", None, "free memory released")
    with _measured():
        mark("digests held")
        _around(linking.LinkIndex, "build_prepared", None, "build_prepared returned")
        pipeline._link(work)
        mark("passages dropped (stage done)")
    print(f"{len(work.digest.articles):,} digests, {len(work.links):,} links")
    assert work.index is not None
    print(f"links hash {_links_hash(work.index, work.links)}")


if __name__ == "__main__":
    main()
