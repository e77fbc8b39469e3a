"""Linking as the first index runs it (`pipeline._link`), on the digests a first index
stored: what the main process holds before, when the link workers start and at its
peak, CPU, and a hash of the links (docs/indexing.md, "linkmem", "linkspawn").

    nice python -m benchmarks.names_stage prepare CACHE_COPY FOLDER [--copies 10]
    nice python -m benchmarks.link_stage FOLDER
    PYTHONPATH=OTHER_CHECKOUT nice python benchmarks/link_stage.py FOLDER
    nice python benchmarks/process_peaks.py python benchmarks/link_stage.py FOLDER

FOLDER is `names_stage prepare`'s (the digests as the first index holds them: passages
kept, the rest packed; `--copies 10` makes a 100k-sized input of a 10k cache). The link
workers' peaks are `process_peaks`'s: a spawned worker's own `ru_maxrss` counts this
process's size at exec (Linux keeps the high-water mark across exec), and a forked one's
(main's code before linkspawn) counts every page it shares with this process.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.names_stage import _load, _measured, _status
from kabar_tui.core.corpus import linking, linking_arrays, linking_passages
from kabar_tui.core.indexing import pipeline


def _links_hash(index: linking.LinkIndex, links: list) -> str:
    """The links in order, the deferred pairs with their words, and every passage's
    place: what the link tables are made of."""
    found = hashlib.sha256()
    for link in links:
        found.update(repr(link).encode("utf-8", "surrogatepass"))
    found.update(b"|")
    for row in index.deferred_words():
        found.update(repr(row).encode("utf-8", "surrogatepass"))
    found.update(b"|")
    for place in index.passage_places():
        found.update(repr(place).encode("utf-8", "surrogatepass"))
    return found.hexdigest()[:16]


def _noting_shared_sizes() -> list[int]:
    """The size of each file the workers map (none on main's code before linkspawn)."""
    sizes: list[int] = []
    try:
        from kabar_tui.core.corpus import linking_workers
    except ImportError:
        return sizes
    written = linking_workers.SharedCorpus.__init__

    def noted(self, arrays):  # type: ignore[no-untyped-def]
        written(self, arrays)
        sizes.append(os.fstat(self.file.fileno()).st_size)

    linking_workers.SharedCorpus.__init__ = noted  # type: ignore[method-assign]
    return sizes


def _noting_spilled_sizes() -> list[str]:
    """The size of each temporary file linking reads back in this process: pass 1's
    occurrences (`_Pieces`) and the passages' texts (`spill_texts`); none on code
    before them."""
    sizes: list[str] = []
    pieces = getattr(linking_arrays, "_Pieces", None)
    if pieces is not None:
        close = pieces.close

        def closed(self):  # type: ignore[no-untyped-def]
            if self._file is not None:
                size = os.fstat(self._file.fileno()).st_size
                sizes.append(f"pass 1's occurrences: {size / 2**20:,.0f} MB")
            close(self)

        pieces.close = closed
    spill = getattr(linking_passages.PassageBuffer, "spill_texts", None)
    if spill is not None:

        def spilled(self, folder):  # type: ignore[no-untyped-def]
            spill(self, folder)
            file = getattr(self._data, "_file", None)
            if file is not None:
                size = os.fstat(file.fileno()).st_size
                sizes.append(f"passages' texts: {size / 2**20:,.0f} MB")

        linking_passages.PassageBuffer.spill_texts = spilled
    return sizes


def main() -> None:
    folder = Path(sys.argv[1])
    work, _numbers = _load(folder)  # its stories are unused: linking comes before them
    at_fork: list[int] = []
    link_in_workers = linking._link_in_workers

    def noted(arrays, workers):  # type: ignore[no-untyped-def]
        at_fork.append(_status("VmRSS"))
        return link_in_workers(arrays, workers)

    linking._link_in_workers = noted
    shared_sizes = _noting_shared_sizes()
    spilled_sizes = _noting_spilled_sizes()
    with _measured():
        pipeline._link(work)
    print(f"{len(work.digest.articles):,} digests, {len(work.links):,} links")
    print(f"main process at the link workers' start: {at_fork[0]} MB" if at_fork else "no workers")
    for size in shared_sizes:
        print(f"file shared with the workers: {size / 2**20:,.0f} MB")
    for spilled in spilled_sizes:
        print(f"temporary file of {spilled}")
    assert work.index is not None
    print(f"links hash {_links_hash(work.index, work.links)}")


if __name__ == "__main__":
    main()
