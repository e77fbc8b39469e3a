"""Where linking's pass 1 holds memory at 100k: the resident size of this process after
each step of `LinkIndex.build_prepared`'s index build (docs/linking.md, mem100k).

    python -m benchmarks.link_memory D.pickle 10    # D: `bench_cross_article save` digests

Loads the digests, makes `copies` renamed copies as `bench_cross_article` does, then
builds the flat postings and prints VmRSS and VmHWM (peak since the step before) after
listing the passages, before and after each set of postings, and after each part of the
fingerprint postings. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import gc
import pickle
import time
from array import array
from pathlib import Path

from benchmarks.bench_cross_article import replicated
from kabar_tui.core.corpus import linking_arrays
from kabar_tui.core.corpus.linking import LinkIndex
from kabar_tui.core.corpus.linking_corpus import CorpusArrays


def _memory() -> dict[str, int]:
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            found[line[:5]] = int(line.split()[1]) // 1024
    return found


def _report(step: str) -> None:
    print(f"{time.process_time():7.1f} s CPU  {step}: {_memory()} MB", flush=True)
    Path("/proc/self/clear_refs").write_text("5")  # the next peak is the next step's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("digests", type=Path)
    parser.add_argument("copies", type=int)
    args = parser.parse_args()
    with args.digests.open("rb") as file:
        digest = replicated(pickle.load(file), args.copies)
    gc.disable()
    gc.collect()
    _report("digests")
    build = linking_arrays.FlatPostings.build.__func__  # type: ignore[attr-defined]
    make_part = linking_arrays._part

    def timed_build(cls, batches, cap, part_of):  # type: ignore[no-untyped-def]
        _report(f"before the postings of cap {cap}")
        built = build(cls, batches, cap, part_of)
        _report(f"postings of cap {cap} built")
        return built

    def timed_part(keys, passages, cap):  # type: ignore[no-untyped-def]
        made = make_part(keys, passages, cap)
        _report(f"  a part of {len(keys)} occurrences")
        return made

    linking_arrays.FlatPostings.build = classmethod(timed_build)  # type: ignore[method-assign, assignment]
    linking_arrays._part = timed_part
    index = LinkIndex()
    starts = array("q")
    for article in digest.articles:
        starts.extend([len(index.passages)] * len(article.passages))
        index.passages.extend(article.passages)
    _report("passages listed")
    arrays = CorpusArrays(index, starts)
    _report("pass 1 done")
    linking_arrays.release_free_memory()
    _report("freed memory given back")
    fingerprints = arrays.fingerprints
    print(f"{len(fingerprints.keys)} fingerprint keys, {len(fingerprints.members)} numbers")


if __name__ == "__main__":
    main()
