"""The digests of a corpus as the per-file stage makes them, saved to a file, without
running the cross-article stage (for `bench_cross_article run` on real 100k digests,
where `bench_cross_article save` needs the whole first index run first).

    nice python -m benchmarks.save_digests /tmp/corpus100k D.pickle SCRATCH

The articles are stored in a cache in the folder SCRATCH (made if missing; never the
user's own cache) as `kabar index` stores them (that is what
makes the workers send digests); the stage after them is replaced by writing the digest.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import CorpusDigest
from kabar_tui.core.indexing import pipeline


class _Saved(Exception):
    pass


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit("usage: python -m benchmarks.save_digests CORPUS OUT.pickle SCRATCH_FOLDER")
    source, out, scratch = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    scratch.mkdir(parents=True, exist_ok=True)
    os.environ["KABAR_CACHE_DIR"] = str(scratch)

    def save(
        digest: CorpusDigest,
        stages: object = None,
        times: object = None,
        on_linked: object = None,
        read_rest: Callable[[CorpusDigest], None] | None = None,
    ) -> None:
        if read_rest is not None:  # the digests let go of their rest once stored
            read_rest(digest)
        with out.open("wb") as file:
            pickle.dump(digest, file, protocol=pickle.HIGHEST_PROTOCOL)
        print(f"{len(digest.articles)} digests saved to {out}", flush=True)
        raise _Saved

    pipeline._finish_digested = save  # type: ignore[assignment]
    started = time.perf_counter()
    with contextlib.suppress(_Saved):
        pipeline.index_corpus([source], keep_articles=False)
    print(f"{time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
