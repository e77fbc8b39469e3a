"""Indexing and cache figures: first index on 1 and 2 cores, second open, one changed file, RSS.

    python benchmarks/bench_index.py [--articles 10000] [--keep DIR]

The corpus is written to disk as article files (a title line, paragraphs, a little scraped
boilerplate) from benchmarks/textgen.py. The second open and the memory figure run in a
fresh interpreter, as a user's next `kabar` would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.textgen import paragraph  # noqa: E402
from kabar_tui.core.indexing.pipeline import index_corpus  # noqa: E402
from kabar_tui.core.store.export import corpus_to_dict  # noqa: E402
from kabar_tui.core.store.storage import Storage  # noqa: E402

try:  # the shared raw-article generator, once it has landed in main
    from benchmarks.corpus import raw_articles
except ImportError:
    raw_articles = None

BOILERPLATE = ["Advertisement", "Baca juga: Harga beras naik lagi di pasar induk", "A", "A"]


def write_corpus(folder: Path, count: int, seed: int = 7) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if raw_articles is not None:
        for name, text in raw_articles(count, seed):
            (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        return
    # Until then: a title line and textgen paragraphs with a little scraped chrome.
    rng = random.Random(seed)
    for n in range(count):
        title = paragraph(rng).split(".")[0][:90]
        lines = [rng.choice(BOILERPLATE), title, ""]
        for _ in range(rng.randint(5, 14)):
            lines += [paragraph(rng), ""]
            if rng.random() < 0.15:
                lines += [rng.choice(BOILERPLATE), ""]
        (folder / f"{n:06d}_bench.txt").write_text("\n".join(lines), encoding="utf-8")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def open_once(corpus: Path, cache: Path) -> dict[str, float]:
    """Runs in a fresh interpreter: time a cached open and the memory it holds."""
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with Storage(cache) as storage:
        report = index_corpus([corpus], cache=storage)
    ready = time.perf_counter()
    figures = {
        "open_s": ready - started,
        "cpu_s": time.process_time() - cpu,
        "articles": len(report.corpus.articles),
        "all_from_cache": report.corpus_from_cache,
        "rss_mb": rss_mb(),
        "corpus_mb": rss_mb() - before,
    }
    # Every article's mentions, quotes, removed lines and edits, as the reader would use them.
    started = time.perf_counter()
    for article in report.corpus.articles:
        for name in ("entities", "quotes", "removed", "edits"):
            len(getattr(article, name))
    figures["all_loaded_s"] = time.perf_counter() - started
    figures["all_loaded_mb"] = rss_mb() - before
    return figures


def fresh_open(corpus: Path, cache: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--open-once", str(corpus), str(cache)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout)
    figures["process_s"] = time.perf_counter() - started
    return figures


def timed_index(corpus: Path, cache: Path, workers: int) -> tuple[float, object]:
    with Storage(cache) as storage:
        started = time.perf_counter()
        report = index_corpus([corpus], cache=storage, workers=workers)
        return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--rate-sample",
        type=int,
        default=2_000,
        help="articles for the 1-versus-2-process comparison (processing all twice is slow)",
    )
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--open-once", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.open_once:
        print(json.dumps(open_once(*args.open_once)))
        return
    with tempfile.TemporaryDirectory(prefix="kabar-bench-") as scratch:
        work = Path(scratch)
        corpus = args.keep or work / "corpus"
        started = time.perf_counter()
        write_corpus(corpus, args.articles)
        size = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
        generator = "benchmarks/corpus.py" if raw_articles else "textgen paragraphs"
        print(
            f"corpus: {args.articles} articles from {generator}, {size:.1f} MB on disk "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        sample_size = min(args.rate_sample, args.articles)
        write_corpus(work / "sample", sample_size)
        results = {}
        for workers in (1, 2):
            own, children = time.process_time(), children_cpu()
            report = index_corpus([work / "sample"], cache=False, workers=workers)
            results[workers] = report
            print(
                f"per-file stage on {sample_size} articles, {workers} process(es): "
                f"{report.process_seconds:.2f} s, "
                f"{sample_size / report.process_seconds:,.0f} articles/s "
                f"(CPU: this process {time.process_time() - own:.2f} s, "
                f"workers {children_cpu() - children:.2f} s; os.getloadavg "
                f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
            )
        same = corpus_to_dict(results[1].corpus) == corpus_to_dict(results[2].corpus)
        print(f"parallel result identical to serial: {same}")
        cache = work / "cache.sqlite3"
        elapsed, report = timed_index(corpus, cache, 2)
        print(
            f"first index of {args.articles}: {elapsed:.2f} s in all; per-file stage "
            f"{report.process_seconds:.2f} s ({report.workers} processes), "
            f"cross-article stage {report.finish_seconds:.2f} s; "
            f"cache file {cache.stat().st_size / 1e6:.1f} MB"
        )
        opens = [fresh_open(corpus, cache) for _ in range(3)]
        assert all(o["all_from_cache"] for o in opens), "the second open processed something"
        print(
            "second open (fresh interpreter, median of 3): "
            f"ready {statistics.median(o['open_s'] for o in opens):.3f} s "
            f"(CPU {statistics.median(o['cpu_s'] for o in opens):.3f} s; "
            f"whole process with interpreter start and imports "
            f"{statistics.median(o['process_s'] for o in opens):.3f} s)"
        )
        print(
            f"memory: {opens[0]['corpus_mb']:.0f} MB for the processed corpus, "
            f"{opens[0]['rss_mb']:.0f} MB resident in all; "
            f"{opens[0]['all_loaded_mb']:.0f} MB once every article's mentions, quotes and "
            f"removed lines are loaded too (that takes {opens[0]['all_loaded_s']:.2f} s)"
        )
        changed = next(iter(sorted(corpus.iterdir())))
        changed.write_text(changed.read_text(encoding="utf-8") + "\nParagraf tambahan.\n")
        elapsed, changed_report = timed_index(corpus, cache, 2)
        print(
            f"one file changed: {elapsed:.3f} s ({changed_report.processed} processed, "
            f"{changed_report.from_cache} from cache; "
            f"cross-article stage {changed_report.finish_seconds:.2f} s)"
        )


if __name__ == "__main__":
    main()
