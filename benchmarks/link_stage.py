"""Linking as the first index runs it (`pipeline._link`), on the digests a first index
stored: what the main process holds before, at the fork of the link workers and at its
peak, the link workers' peak, CPU, and a hash of the links (docs/indexing.md, "linkmem").

    nice python -m benchmarks.names_stage prepare CACHE_COPY FOLDER [--copies 10]
    nice python -m benchmarks.link_stage FOLDER
    PYTHONPATH=OTHER_CHECKOUT nice python benchmarks/link_stage.py FOLDER

FOLDER is `names_stage prepare`'s (the digests as the first index holds them: passages
kept, the rest packed; `--copies 10` makes a 100k-sized input of a 10k cache). The link
workers are forked (`ForkedCall`), so their own `ru_maxrss` is their peak, and it counts
the pages they share with this process: Linux copies a forked child's page tables, so a
worker starts at this process's resident size at the fork.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.names_stage import _load, _measured, _status
from kabar_tui.core import linking, pipeline


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


def main() -> None:
    folder = Path(sys.argv[1])
    work, _numbers = _load(folder)  # its stories are unused: linking comes before them
    at_fork: list[int] = []
    link_in_workers = linking._link_in_workers

    def noted(arrays, workers):  # type: ignore[no-untyped-def]
        at_fork.append(_status("VmRSS"))
        return link_in_workers(arrays, workers)

    linking._link_in_workers = noted
    with _measured():
        pipeline._link(work)
    print(f"{len(work.digest.articles):,} digests, {len(work.links):,} links")
    print(f"main process at the link workers' fork: {at_fork[0]} MB" if at_fork else "no fork")
    assert work.index is not None
    print(f"links hash {_links_hash(work.index, work.links)}")


if __name__ == "__main__":
    main()
