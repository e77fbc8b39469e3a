"""CPU per article of what an indexing worker does for `kabar index`: read, clean,
entities, quotes, then the rows to store, the digest and the search terms
(`pipeline._process_many`, the
indexing batch at a time), in one process set up as a worker is (`_start_worker`'s
collector settings), on files of a folder.

    python -m benchmarks.bench_per_file DIR [FIRST] [END]

Prints milliseconds of CPU per article (`time.process_time`), the tagger's model loaded
before. Pair it with other code through `farm-bench --vs` (PYTHONPATH) for a ratio. With
`--clean`, the same files are then cleaned alone (`clean.clean_source`: the body,
captions and the metadata read from the lines), for cleaning's share of the stage.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import IndexOptions, _process_many, _Shape
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source, read_source
from kabar_tui.core.language.entities import recognise


def main() -> None:
    arguments = [a for a in sys.argv[1:] if a != "--clean"]
    folder = Path(arguments[0])
    first = int(arguments[1]) if len(arguments) > 1 else 0
    end = int(arguments[2]) if len(arguments) > 2 else first + 800
    recognise(["Budi Santoso tiba di Jakarta."])  # numpy and the model, once a worker
    files = sorted(folder.iterdir())[first:end]
    sources = [s for s in map(read_source, files) if isinstance(s, Source)]
    collect_every = getattr(pipeline, "WORKER_COLLECT_EVERY", None)  # older code: none
    if collect_every is not None:
        gc.freeze()
        gc.set_threshold(collect_every, 10, 10)
    options = IndexOptions()
    # what `kabar index` asks of a worker (older code: no search terms, the rest kept)
    asked = {name: True for name in ("searched", "held") if name in _Shape._fields}
    shape = _Shape(digested=True, recorded=True, **asked)
    started = time.process_time()
    for start in range(0, len(sources), options.batch):
        _process_many(sources[start : start + options.batch], options, shape)
    seconds = time.process_time() - started
    print(f"{len(sources)} articles: {seconds / len(sources) * 1000:.3f} ms CPU per article")
    if "--clean" in sys.argv:
        started = time.process_time()
        for source in sources:
            clean_source(source)
        cleaning = time.process_time() - started
        print(
            f"cleaning alone: {cleaning / len(sources) * 1000:.3f} ms CPU per article "
            f"({cleaning / seconds:.1%} of the stage)"
        )


if __name__ == "__main__":
    main()
