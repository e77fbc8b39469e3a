"""Cache figures: cached reopen time, memory and database size at given corpus sizes.

    python benchmarks/bench_storage.py [--articles 1000 10000] [--keep DIR] [--runs 3]

For each size, writes a corpus of raw articles (benchmarks/corpus.py), indexes it once on
2 cores into a fresh cache file, then reopens it in fresh interpreters (as a user's next
`kabar` would) and prints the median of `--runs` opens: the whole corpus from the cache
(`corpus`), every article's own rows without the cross-article results (`articles`:
what a run with one changed file reads), memory, and the size of the cache file with its
-wal. With `--keep DIR` the corpora and caches stay in DIR and are reused next time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_index import rss_mb  # noqa: E402
from benchmarks.corpus import raw_articles  # noqa: E402
from kabar_tui.core.indexing.pipeline import index_corpus  # noqa: E402
from kabar_tui.core.ingest.sources import Source  # noqa: E402
from kabar_tui.core.store.storage import Storage  # noqa: E402

PER_ARTICLE_LISTS = ("paragraphs", "captions", "entities", "quotes", "removed", "edits")


def open_once(corpus: Path, cache: Path) -> dict[str, float]:
    """Runs in a fresh interpreter: a cached open, then every article's lists touched."""
    before = rss_mb()
    started, cpu = time.perf_counter(), time.process_time()
    with Storage(cache) as storage:
        report = index_corpus([corpus], cache=storage)
    figures: dict[str, float] = {
        "corpus_s": time.perf_counter() - started,
        "corpus_cpu_s": time.process_time() - cpu,
        "from_cache": float(report.corpus_from_cache),
        "articles": len(report.corpus.articles),
    }
    started, cpu = time.perf_counter(), time.process_time()
    items = sum(len(getattr(a, name)) for a in report.corpus.articles for name in PER_ARTICLE_LISTS)
    figures["touch_all_s"] = time.perf_counter() - started
    figures["touch_all_cpu_s"] = time.process_time() - cpu
    figures["items"] = items
    figures["corpus_mb"] = rss_mb() - before
    sources = [Source(a.id, a.path, "", a.content_hash) for a in report.corpus.articles]
    queries = [  # two words of a paragraph, then the first letters of one: what a user types
        " ".join(words[:2]) if n % 2 else words[2][:4]
        for n, article in enumerate(report.corpus.articles[:: max(1, len(sources) // 40)])
        if len(words := article.paragraphs[0].text.split()) > 2
    ]
    del report
    if hasattr(Storage, "search_passages"):
        with Storage(cache) as storage:
            times, hits = [], []
            for query in queries:
                started = time.perf_counter()
                hits.append(len(storage.search_passages(query, limit=200)))
                times.append(time.perf_counter() - started)
        figures["search_ms"] = statistics.median(times) * 1000
        figures["search_max_ms"] = max(times) * 1000
        figures["search_hits"] = statistics.median(hits)
    started, cpu = time.perf_counter(), time.process_time()
    with Storage(cache) as storage:
        articles = storage.load_articles(sources)
        sum(len(getattr(a, name)) for a in articles.values() for name in PER_ARTICLE_LISTS)
    figures["articles_s"] = time.perf_counter() - started
    figures["articles_cpu_s"] = time.process_time() - cpu
    figures["loaded_articles"] = len(articles)
    return figures


def fresh_open(corpus: Path, cache: Path) -> dict[str, float]:
    command = [sys.executable, __file__, "--open-once", str(corpus), str(cache)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def prepare(folder: Path, count: int) -> tuple[Path, Path, float]:
    corpus, cache = folder / f"corpus-{count}", folder / f"cache-{count}.sqlite3"
    if not corpus.exists():
        corpus.mkdir(parents=True)
        for name, text in raw_articles(count, seed=7):
            (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with Storage(cache) as storage:
        index_corpus([corpus], cache=storage, workers=2)
    return corpus, cache, time.perf_counter() - started


def cache_mb(cache: Path) -> float:
    sizes = [Path(f"{cache}{suffix}") for suffix in ("", "-wal")]
    return sum(path.stat().st_size for path in sizes if path.exists()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep corpora and caches here, reuse them")
    parser.add_argument("--open-once", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.open_once:
        print(json.dumps(open_once(*args.open_once)))
        return
    with tempfile.TemporaryDirectory(prefix="kabar-bench-") as scratch:
        folder = args.keep or Path(scratch)
        for count in args.articles:
            corpus, cache, indexed = prepare(folder, count)
            opens = [fresh_open(corpus, cache) for _ in range(args.runs)]
            assert all(o["from_cache"] for o in opens), "the reopen processed something"

            def median(key: str, opens: list[dict[str, float]] = opens) -> float:
                return statistics.median(o[key] for o in opens)

            print(
                f"{count} articles ({opens[0]['items']:.0f} paragraphs, captions, mentions, "
                f"quotes, removed lines and edits; indexed or checked in {indexed:.1f} s; "
                f"median of {args.runs} fresh opens, os.getloadavg {os.getloadavg()[0]:.1f}):\n"
                f"  cached reopen, whole corpus: {median('corpus_s'):.3f} s "
                f"(CPU {median('corpus_cpu_s'):.3f} s), "
                f"+{median('touch_all_s'):.3f} s (CPU {median('touch_all_cpu_s'):.3f} s) to touch "
                f"every article's lists, {median('corpus_mb'):.0f} MB\n"
                f"  every article's own rows (one file changed): {median('articles_s'):.3f} s "
                f"(CPU {median('articles_cpu_s'):.3f} s)\n"
                + (
                    f"  full-text search (at most 200 passages): {median('search_ms'):.1f} ms, "
                    f"slowest of a run {median('search_max_ms'):.1f} ms, "
                    f"median {median('search_hits'):.0f} passages found\n"
                    if "search_ms" in opens[0]
                    else ""
                )
                + f"  cache file: {cache_mb(cache):.1f} MB "
                f"({cache_mb(cache) * 10_000 / count:.1f} MB per 10k articles)"
            )


if __name__ == "__main__":
    main()
