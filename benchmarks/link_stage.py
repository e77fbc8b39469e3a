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
import pickle
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.names_stage import _cpu, _status
from kabar_tui.core import digest as digest_module
from kabar_tui.core import linking, pipeline
from kabar_tui.core.digest import CorpusDigest

INPUT = "names_input.pickle"


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
    with (folder / INPUT).open("rb") as file:
        articles, held, paths, _stories, _numbers = pickle.load(file)
    for article in articles:  # a pickle makes new empty ones: marked let go of again
        article.quotes = digest_module._NOT_HELD
        article.mentions = digest_module._NO_MENTIONS
    digest = CorpusDigest()
    digest.articles = articles
    kept: list[linking.LinkIndex] = []
    work = pipeline.CorpusWork(digest, on_linked=kept.append)
    work.read_rest = pipeline._HeldRest(held, paths)
    del articles, held
    at_fork: list[int] = []
    link_in_workers = linking._link_in_workers

    def noted(arrays, workers):  # type: ignore[no-untyped-def]
        at_fork.append(_status("VmRSS"))
        return link_in_workers(arrays, workers)

    linking._link_in_workers = noted
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the resident size now
    held_mb = _status("VmRSS")
    own, children, wall = (
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
        time.perf_counter(),
    )
    with pipeline.collector_paused():
        pipeline._link(work)
    wall = time.perf_counter() - wall
    own = _cpu(resource.RUSAGE_SELF) - own
    children = _cpu(resource.RUSAGE_CHILDREN) - children
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"code: {Path(pipeline.__file__).resolve().parent.parent.parent}")
    print(f"{len(digest.articles):,} digests, {len(work.links):,} links")
    fork = f"{at_fork[0]} MB" if at_fork else "no fork"
    print(
        f"main process: held {held_mb} MB, at the fork {fork}, peak {_status('VmHWM')} MB,"
        f" after {_status('VmRSS')} MB"
    )
    print(f"link workers' peak (ru_maxrss): {child_peak} MB")
    print(f"CPU: main {own:.1f} s, children {children:.1f} s; wall {wall:.1f} s")
    assert work.index is not None
    print(f"links hash {_links_hash(work.index, work.links)}")


if __name__ == "__main__":
    main()
