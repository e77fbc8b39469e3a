"""The stored catalog on an indexed corpus: the fast open, each query, and whole commands.

    python benchmarks/bench_catalog.py FOLDER [--cache DIR] [--repeat 5] [--no-commands]

FOLDER is indexed into the cache first if it is not there (`KABAR_CACHE_DIR` or --cache).
In-process figures are the fastest of `--repeat` runs after one untimed run; the commands
are whole processes (`kabar list`, `show`, `related`, `search`), CPU and wall seconds of
the child, fastest of `--repeat` (for their memory use farm-bench or /usr/bin/time: a
child's peak as the kernel counts it starts at this process's size). The entity paged is
the most mentioned.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.store.catalog_open import open_catalog
from kabar_tui.core.store.catalog_store import StoredCatalog


def fastest(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    work()
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def command_figures(arguments: list[str], repeat: int) -> tuple[float, float]:
    """(CPU s, wall s) of the fastest of `repeat` runs of `kabar ARGUMENTS`."""
    runs = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "kabar_tui", *arguments],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"kabar {' '.join(arguments)} exited {child.returncode}")
        runs.append((usage.ru_utime + usage.ru_stime, wall))
    return min(runs[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cache", type=Path, help="the cache folder (KABAR_CACHE_DIR)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-commands", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    if args.cache:
        os.environ["KABAR_CACHE_DIR"] = str(args.cache)
    catalog, problems = open_catalog([args.folder])
    if catalog is None:
        print(f"indexing {args.folder} ...", flush=True)
        index_corpus([args.folder])
        catalog, problems = open_catalog([args.folder])
    assert isinstance(catalog, StoredCatalog), problems
    seconds, _ = fastest(lambda: open_catalog([args.folder])[0], args.repeat)
    print(f"{len(catalog)} articles; open_catalog {seconds * 1000:.1f} ms")
    heads = catalog.heads()
    linked = catalog.storage.select(
        "SELECT w.article_id FROM links l JOIN corpus_articles w ON w.corpus = l.corpus "
        "AND w.position = l.source_article WHERE l.corpus = ? LIMIT 1",
        (catalog.number,),
    )
    article_id = linked[0][0] if linked else heads[len(heads) // 2].id
    name, _ = max(
        ((record.canonical, record.mentions) for record in catalog.entities()),
        key=lambda item: item[1],
    )
    queries: list[tuple[str, Callable[[], object]]] = [
        ("heads (every row of the list)", lambda: StoredCatalog.heads(_fresh(catalog))),
        ("article (one, checked)", lambda: catalog.article(article_id)),
        ("related (one article)", lambda: catalog.related(article_id)),
        (f"mention_count {name!r}", lambda: catalog.mention_count(name)),
        (f"mentions {name!r}, first page of 100", lambda: catalog.mentions(name, 0, 100)),
        (f"mentions {name!r}, page at 5,000", lambda: catalog.mentions(name, 5000, 100)),
        ("quotes (all, streamed)", lambda: sum(1 for _ in catalog.quotes())),
    ]
    for label, work in queries:
        seconds, _ = fastest(work, args.repeat)
        print(f"  {label}: {seconds * 1000:.1f} ms")
    if args.no_commands:
        return
    print("whole commands:")
    for arguments in (
        ["list"],
        ["show", article_id],
        ["related", article_id],
        ["search", name],
    ):
        cpu, wall = command_figures([*arguments, str(args.folder)], args.repeat)
        print(f"  kabar {' '.join(arguments)}: {cpu:.3f} s CPU, {wall:.3f} s wall")


def _fresh(catalog: StoredCatalog) -> StoredCatalog:
    """The same catalog without its remembered heads, so they are read again."""
    return StoredCatalog(catalog.storage, catalog.number, catalog.key)


if __name__ == "__main__":
    main()
