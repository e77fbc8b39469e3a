"""What the main process of `kabar index DIR` holds when the per-file stage ends, just
before linking (docs/indexing.md, "plateau"): its resident size by kind of memory, the
objects of what holds it, and what giving freed memory back returns there.

    KABAR_CACHE_DIR=EMPTY nice python benchmarks/held_before_linking.py DIR [--workers N]

Object sizes are `sys.getsizeof` summed over each object reached once (a string shared
by two parts counts in the first); the C heaps' figures are `link_peaks.heap`'s.
"""

from __future__ import annotations

import argparse
import os
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from benchmarks.link_peaks import heap
from benchmarks.names_stage import _status
from kabar_tui.core.corpus.linking_arrays import release_free_memory
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import CORPUS_STAGES, CorpusWork, IndexOptions, index_corpus

_ATOMS = (str, bytes, bytearray, int, float, bool, array, type(None))


def _deep(roots: Iterable[Any], seen: set[int]) -> int:
    """Bytes of the objects reachable from `roots` not counted before (`seen`)."""
    total = 0
    stack = list(roots)
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, _ATOMS):
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        else:
            for name in getattr(type(item), "__slots__", ()):
                stack.append(getattr(item, name, None))
            stack.extend(getattr(item, "__dict__", {}).values())
    return total


def _report(work: CorpusWork, terms: list[Any]) -> None:
    mb = 2**20
    print(f"main process after the per-file stage: {_status('VmRSS'):,} MB")
    print(f"  {heap()}")
    digest = work.digest
    buffer = digest.passages
    seen: set[int] = {id(buffer)}
    parts = {
        "passage buffer (texts, content numbers, ends)": _deep(
            [getattr(buffer, name) for name in type(buffer).__slots__], seen
        ),
        "digests (without their passages' share objects)": _deep(
            [
                [getattr(a, f) for f in type(a).__slots__ if f != "passages"]
                for a in digest.articles
            ],
            seen,
        ),
        "passages' share of each digest (BufferedPassages)": _deep(
            [a.passages for a in digest.articles], seen
        ),
        "list of digests": _deep([digest.articles], seen),
        "mention forms and their codes": _deep([digest.forms, digest._codes], seen),
        "rests held packed (bytes by path)": _deep(
            [work.read_rest._held] if work.read_rest is not None else [], seen
        ),
        "search terms (words, their numbers, per article)": _deep(
            [vars(t) if hasattr(t, "__dict__") else t for t in terms], seen
        ),
    }
    for name, size in parts.items():
        print(f"  {size / mb:8,.1f} MB  {name}")
    print(f"  {sum(parts.values()) / mb:8,.1f} MB  in all")
    release_free_memory()
    print(f"after giving freed memory back (malloc_trim): {_status('VmRSS'):,} MB")
    print(f"  {heap()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    terms: list[Any] = []
    made = pipeline._search_terms

    def noted() -> Any:
        terms.append(made())
        return terms[-1]

    pipeline._search_terms = noted
    stages = (("held", lambda work: _report(work, terms)), *CORPUS_STAGES)
    options = IndexOptions(workers=args.workers, keep_articles=False, corpus_stages=stages)
    report = index_corpus([args.folder], options=options)
    print(f"{report.articles} articles; main process at the end {_status('VmRSS'):,} MB")


if __name__ == "__main__":
    main()
