"""CPU per article of handing a processed article from an indexing worker to the main
process in `kabar index` (`pipeline.StoredArticle`), split by side: the digest sent whole
and let go of its rest in the main process (`without_rest` there, before tailoverlap),
against let go of in the worker and sent with its rest packed (`_Shape.held`).

    python -m benchmarks.bench_sent_digest DIR [FIRST] [END] [--rounds N]

The articles are processed once (as a worker does, 8 at a time); then, per round, each
side's part is timed alone (`time.process_time`): the worker's `without_rest` and
pickling of the batch, the main process's unpickling and `without_rest` or re-marking
(`digest.held_apart`). What both sides do alike (processing, rows, terms) is left out.
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

from kabar_tui.core.corpus.digest import held_apart, without_rest
from kabar_tui.core.indexing.pipeline import IndexOptions, StoredArticle, _process_many, _Shape
from kabar_tui.core.ingest.sources import Source, read_source
from kabar_tui.core.language.entities import recognise


def _processed(folder: Path, first: int, end: int) -> list[list[StoredArticle]]:
    recognise(["Budi Santoso tiba di Jakarta."])
    files = sorted(folder.iterdir())[first:end]
    sources = [s for s in map(read_source, files) if isinstance(s, Source)]
    shape = _Shape(digested=True, recorded=True, searched=True)
    size = IndexOptions().batch
    batches = []
    for start in range(0, len(sources), size):
        done = _process_many(sources[start : start + size], IndexOptions(), shape)
        batches.append([item for item in done if isinstance(item, StoredArticle)])
    return batches


def _whole(blobs: list[bytes]) -> tuple[float, float]:
    """(worker, main) CPU seconds with the digest sent whole (before)."""
    worker = main = 0.0
    for blob in blobs:
        batch = pickle.loads(blob)  # a fresh copy, as the worker holds it
        started = time.process_time()
        sent = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
        worker += time.process_time() - started
        started = time.process_time()
        for stored in pickle.loads(sent):
            without_rest(stored.digest, stored.forms)
        main += time.process_time() - started
    return worker, main


def _held(blobs: list[bytes]) -> tuple[float, float]:
    """(worker, main) CPU seconds with the rest let go of in the worker (after)."""
    worker = main = 0.0
    for blob in blobs:
        batch = pickle.loads(blob)
        started = time.process_time()
        slim = [
            stored._replace(forms=[], rest=without_rest(stored.digest, stored.forms))
            for stored in batch
        ]
        sent = pickle.dumps(slim, pickle.HIGHEST_PROTOCOL)
        worker += time.process_time() - started
        started = time.process_time()
        for stored in pickle.loads(sent):
            held_apart(stored.digest)
        main += time.process_time() - started
    return worker, main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("first", type=int, nargs="?", default=0)
    parser.add_argument("end", type=int, nargs="?", default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    end = args.first + 800 if args.end is None else args.end
    batches = _processed(args.folder, args.first, end)
    count = sum(map(len, batches))
    blobs = [pickle.dumps(batch, pickle.HIGHEST_PROTOCOL) for batch in batches]
    slim = 0
    for blob in blobs:
        batch = [
            stored._replace(forms=[], rest=without_rest(stored.digest, stored.forms))
            for stored in pickle.loads(blob)
        ]
        slim += len(pickle.dumps(batch, pickle.HIGHEST_PROTOCOL))
    whole = sum(map(len, blobs))
    print(
        f"{count} articles; pickled bytes per article: whole {whole / count:.0f}, "
        f"held {slim / count:.0f}"
    )
    for name, run in (("whole", _whole), ("held", _held)) * args.rounds:
        worker, main_side = run(blobs)
        print(
            f"{name}: worker {worker / count * 1000:.3f} ms, "
            f"main {main_side / count * 1000:.3f} ms per article"
        )


if __name__ == "__main__":
    main()
