"""Linking and name resolution of one added article, timed in-process on stored caches
(issue 14: within 2x at 1k, 10k and 100k).

    python benchmarks/bench_added_link.py CACHE_1K CACHE_10K CACHE_100K [--adds 40]

Each CACHE is a folder holding a cache made by `kabar index` of a corpus (its newest
stored link state is used). `--adds` new articles (`benchmarks.corpus` texts, another
seed than the corpora's, processed here once) are each, in turn, linked to the stored
state as an update links them (`incremental._link`: its postings, counts and candidate
passages read, scored) and their names merged into the stored ones (`resolve_digest`
of the article, `_merge_entities`, `_merge_quote_groups`; the spelling keys' cache emptied
first, as in a new process), with `time.process_time_ns`. Nothing is written: every add
runs `--repeat` times (its least time kept, against the load) against the same stored
state, each on a new connection (SQLite's page cache cold, as in a new `kabar index`
process; the file in the OS's), with the cyclic collector paused, as `kabar index` runs
the update.
The stored results an update reads first (`Storage.stored_results`) are read, not
timed: they are the update's, not linking's (docs/incremental.md).

The processing fingerprint is pinned to each cache's (as `bench_add_article --pin`), so
that a branch whose `core/` differs still opens caches made by other code. Prints, per
size, the median, minimum and p90 in ms of linking and of names (and of its parts:
`resolve_digest`, which reads no stored entity, and the merge), the rows and posting
members linking read, the stored candidates read and the CPU each took
(`_StoredPassages.fetch`, its least time over the runs), and the ratios to the first
size: of the medians, of the minimums, and the median of each article's own ratio (the
sizes are run in turn for each article, so the load weighs on all of them alike).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_add_article import cache_fingerprint, pin_fingerprint
from benchmarks.corpus import raw_articles

PARTS = ("link", "names", "resolve", "merge")


def _articles(count: int, seed: int) -> list:
    """One `CorpusDigest` per new article, each of its own (as an update of one file)."""
    from kabar_tui.core.corpus.digest import CorpusDigest
    from kabar_tui.core.indexing.pipeline import process_sources
    from kabar_tui.core.ingest.sources import Source

    texts = raw_articles(count, seed=seed)
    sources = [
        Source(
            f"zzz-added-{n:03d}",
            f"/nonexistent/zzz_added_{n:03d}_{name}.txt",
            text,
            hashlib.sha256(text.encode()).hexdigest(),
        )
        for n, (name, text) in enumerate(texts)
    ]
    digests = []
    for made in process_sources(sources):
        if isinstance(made, Exception):
            raise made
        digest = CorpusDigest()
        digest.articles = [digest.digest(made)]
        digests.append(digest)
    return digests


def _plan(storage):  # type: ignore[no-untyped-def]
    from kabar_tui.core.corpus.incremental import Plan

    rows = storage.select(
        "SELECT s.id, c.id, s.articles, s.passages FROM link_states s "
        "JOIN corpora c ON c.key = s.corpus_key ORDER BY c.last_used DESC LIMIT 1"
    )
    if not rows:
        raise SystemExit(f"{storage.path}: no stored link state")
    return Plan(*rows[0])


class _Rows:
    """Counts the rows `Storage.select` returns (every read of the link step)."""

    def __init__(self, storage) -> None:  # type: ignore[no-untyped-def]
        self.count = 0
        select = storage.select

        def counted(sql, parameters=()):  # type: ignore[no-untyped-def]
            rows = select(sql, parameters)
            self.count += len(rows)
            return rows

        storage.select = counted


def _once(cache: Path, plan, stored, digest, found: dict[str, list[float]]) -> None:  # type: ignore[no-untyped-def]
    """Link and resolve one added article on a new connection; append its times."""
    from kabar_tui.core.corpus import incremental
    from kabar_tui.core.corpus.resolve import resolve_digest, spelling_key
    from kabar_tui.core.store.storage import DB_NAME, Storage, collector_paused

    with contextlib.closing(Storage(cache / DB_NAME)) as storage, collector_paused():
        heads = stored.heads
        ids = [*(head[1] for head in heads), *(a.id for a in digest.articles)]
        rows = _Rows(storage)
        passages = incremental._StoredPassages(storage, plan, ids)
        started = time.process_time_ns()
        incremental._link(storage, plan, passages, digest.articles)
        found["link"].append((time.process_time_ns() - started) / 1e6)
        found["rows"].append(rows.count)
        spelling_key.cache_clear()  # as in a new process
        started = time.process_time_ns()
        resolution = resolve_digest(digest, [])
        resolved = time.process_time_ns()
        _, rename, _ = incremental._merge_entities(stored.entities, resolution.entities)
        incremental._merge_quote_groups(storage, plan.corpus, resolution.quote_groups, rename)
        ended = time.process_time_ns()
        found["names"].append((ended - started) / 1e6)
        found["resolve"].append((resolved - started) / 1e6)
        found["merge"].append((ended - resolved) / 1e6)


class _Cache:
    """A cache's stored state and what its adds found, part by part (least of the runs)."""

    def __init__(self, folder: Path) -> None:
        from kabar_tui.core.store.storage import DB_NAME, Storage

        self.folder = folder
        self.fingerprint = cache_fingerprint(folder)
        with contextlib.closing(Storage(folder / DB_NAME)) as storage:
            self.plan = _plan(storage)
            self.stored = storage.stored_results(self.plan.corpus)
            if self.stored is None:
                raise SystemExit(f"{folder}: stored results not read {storage.warnings}")
        self.found: dict[str, list[float]] = {
            part: [] for part in (*PARTS, "rows", "members", "fetch", "fetched")
        }


def measure(caches: list[_Cache], digests: list, repeat: int) -> None:
    """Each added article linked and resolved `repeat` times on every cache in turn (so
    that the load weighs on every size alike), its least time kept per part."""
    from kabar_tui.core.corpus import incremental

    members = incremental._postings
    fetch = incremental._StoredPassages.fetch
    runs: dict[str, list[float]] = {}

    def timed_fetch(self, numbers):  # type: ignore[no-untyped-def]
        before, started = len(self.made), time.process_time_ns()
        fetch(self, numbers)
        runs["fetch"][-1] += (time.process_time_ns() - started) / 1e6
        runs["fetched"][-1] += len(self.made) - before

    def counted_postings(*args):  # type: ignore[no-untyped-def]
        postings = members(*args)
        runs["members"][-1] += sum(
            1 if isinstance(p, int) else len(p) for p in postings.values() if p is not None
        )
        return postings

    incremental._postings = counted_postings
    incremental._StoredPassages.fetch = timed_fetch  # type: ignore[method-assign]
    try:
        for digest in digests:
            for cache in caches:
                pin_fingerprint(cache.fingerprint)
                runs = {part: [] for part in cache.found}
                for _ in range(repeat):
                    for part in ("members", "fetch", "fetched"):
                        runs[part].append(0)
                    _once(cache.folder, cache.plan, cache.stored, digest, runs)
                for part, values in runs.items():
                    cache.found[part].append(min(values))
    finally:
        incremental._postings = members
        incremental._StoredPassages.fetch = fetch  # type: ignore[method-assign]


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("caches", nargs="+", type=Path)
    parser.add_argument("--adds", type=int, default=40)
    parser.add_argument("--seed", type=int, default=990)
    parser.add_argument("--repeat", type=int, default=3, help="runs per article (least kept)")
    args = parser.parse_args()
    import kabar_tui.core.indexing.pipeline  # noqa: F401  (every module that imports the fingerprint)

    digests = _articles(args.adds, args.seed)
    caches = [_Cache(folder) for folder in args.caches]
    measure(caches, digests, args.repeat)
    print(f"{args.adds} adds, least of {args.repeat} runs each, fingerprints pinned; ms")
    for cache in caches:
        print(f"{cache.folder.name}: {cache.plan.kept} articles, {cache.plan.passages} passages")
        for part in PARTS:
            values = cache.found[part]
            print(
                f"  {part:<7} median {statistics.median(values):7.2f}  min "
                f"{min(values):7.2f}  p90 {_p90(values):7.2f}"
            )
        for part in ("rows", "members"):
            values = cache.found[part]
            print(
                f"  {part} read by linking: median {statistics.median(values):.0f}, "
                f"{min(values):.0f}-{max(values):.0f}"
            )
        read = zip(cache.found["fetch"], cache.found["fetched"], strict=True)
        each = [ms * 1e3 / count for ms, count in read if count]
        if each:
            print(
                f"  stored candidates read: median {statistics.median(cache.found['fetched']):.0f}"
                f" an article, {statistics.median(each):.1f} us each (median of the articles'"
                f" `_StoredPassages.fetch` CPU / passages it read)"
            )
    first = caches[0]
    for cache in caches[1:]:
        ratios = []
        for part in PARTS:
            mine, theirs = cache.found[part], first.found[part]
            paired = statistics.median(a / b for a, b in zip(mine, theirs, strict=True))
            ratios.append(
                f"{part} {statistics.median(mine) / statistics.median(theirs):.2f}x "
                f"(min {min(mine) / min(theirs):.2f}x, per article {paired:.2f}x)"
            )
        print(f"{cache.folder.name} / {first.folder.name} (medians): " + ", ".join(ratios))


if __name__ == "__main__":
    main()
