"""Reading a cache's stored digests as a whole stage does when it lets go of their rest
(docs/incremental.md, "Where a change or removal goes"): unpacked whole then let go of
(`unpack_digest` + `without_rest`, before) against `unpack_held_digest` (after), in
turn in this process, and the rest unpacked again after (`unpack_rest`).

    python benchmarks/bench_digest_read.py CACHE_DIR/kabar-cache.sqlite3 [--rounds 3]

Prints CPU seconds of each and the packed rests' size. The machine is shared: compare
the pairs.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import (
    unpack_digest,
    unpack_held_digest,
    unpack_rest,
    without_rest,
)

Row = tuple[int, str, str, bytes]


def let_go(rows: list[Row]) -> list[bytes]:
    held = []
    for number, content_hash, title, data in rows:
        digest, forms, _ = unpack_digest(data, str(number), content_hash, title, None)
        held.append(without_rest(digest, forms))
    return held


def held_as_stored(rows: list[Row]) -> list[bytes]:
    return [
        unpack_held_digest(data, str(number), content_hash, title, None)[1]
        for number, content_hash, title, data in rows
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with sqlite3.connect(args.cache) as db:
        rows: list[Row] = db.execute(
            "SELECT a.id, a.content_hash, a.title, d.data FROM articles a "
            "JOIN article_digests d ON d.article = a.id"
        ).fetchall()
    print(f"{len(rows)} stored digests")
    ways: tuple[tuple[str, Callable[[list[Row]], list[bytes]]], ...] = (
        ("before (unpack, let go)", let_go),
        ("after (held as stored)", held_as_stored),
    )
    for _ in range(args.rounds):
        for name, way in ways:
            started = time.process_time()
            held = way(rows)
            read = time.process_time() - started
            for rest in held:
                unpack_rest(rest)
            again = time.process_time() - started - read
            size = sum(map(len, held)) / 1e6
            print(f"{name}: read {read:.2f} s, rest unpacked {again:.2f} s CPU; {size:.1f} MB held")


if __name__ == "__main__":
    main()
