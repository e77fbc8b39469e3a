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

import ctypes
import functools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.link_stage import _links_hash
from benchmarks.names_stage import _load, _measured, _status
from kabar_tui.core.corpus import linking, linking_arrays, linking_corpus, linking_passages
from kabar_tui.core.indexing import pipeline

_START = time.perf_counter()
_RANGES: list[int] = []  # the peak while each of the main process's ranges was linked


def mark(point: str) -> None:
    """Print the resident size now and the peak since the last mark, then reset it."""
    peak, now = _status("VmHWM"), _status("VmRSS")
    print(f"{time.perf_counter() - _START:7.1f} s  {now:6,} MB now  {peak:6,} MB peak  {point}")
    print(f"{'':9}{heap()}")
    Path("/proc/self/clear_refs").write_text("5")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def heap() -> str:
    """What the resident size is made of: anonymous and file pages (`/proc`), glibc's heap
    (in use, free inside it, mapped apart) and pymalloc's arenas (in use, and of them
    the bytes in live objects), in MB."""
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    with tempfile.TemporaryFile() as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        stats = out.read().decode()
    arenas = used = 0
    for line in stats.splitlines():
        if "arenas *" in line:
            arenas = int(line.split("=")[1].replace(",", ""))
        elif line.startswith("# bytes in allocated blocks"):
            used = int(line.split("=")[1].replace(",", ""))
    mb = 2**20
    return (
        f"anon {_status('RssAnon'):,} file {_status('RssFile'):,}; "
        f"malloc heap {info.arena // mb:,} (free {info.fordblks // mb:,}), "
        f"mmapped {info.hblkhd // mb:,}; pymalloc arenas {arenas // mb:,} "
        f"(objects {used // mb:,})"
    )


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


def _sizes_noted() -> None:
    """Print the size of each array pass 1 built, once built."""
    built = linking_corpus.CorpusArrays.__init__

    def noted(self: Any, *args: Any) -> None:
        built(self, *args)
        sizes = {"starts": self.starts, "content_offsets": self.content_offsets}
        sizes["content_ids"] = self.content_ids
        for kind in ("words", "fingerprints"):
            for name in ("keys", "offsets", "members", "full_at", "directory"):
                sizes[f"{kind}.{name}"] = getattr(getattr(self, kind), name)
        listed = ", ".join(f"{name} {array.nbytes / 2**20:,.1f}" for name, array in sizes.items())
        total = sum(array.nbytes for array in sizes.values()) / 2**20
        print(f"{'':9}arrays (MB): {listed}; in all {total:,.1f}")

    linking_corpus.CorpusArrays.__init__ = noted  # type: ignore[method-assign]


def main() -> None:
    folder = Path(sys.argv[1])
    work, _numbers = _load(folder)
    try:
        from kabar_tui.core.corpus import linking_workers
        from kabar_tui.core.processes import spawned
    except ImportError:
        linking_workers = spawned = None  # type: ignore[assignment]
    _sizes_noted()
    _around(linking_passages.PassageBuffer, "spill_texts", None, "texts moved to a file")
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
