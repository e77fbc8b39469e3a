"""Linking speed, incremental cost and recall of planted near-duplicates.

    python -m benchmarks.bench_linking            # 1k and 10k articles
    python -m benchmarks.bench_linking --full     # also 100k (several minutes)
    python -m benchmarks.bench_linking --sizes 500 2000 --incremental-sizes 1000 10000
    python -m benchmarks.bench_linking --workers 1   # the look-ups in this process only

Each size runs in a fresh interpreter, so its peak memory is its own; CPU counts the
worker processes too (the machine is shared: wall time measures the neighbours).

Each generated article has eight paragraphs; one article in five republishes three
paragraphs of an earlier one with 10% of their words replaced (`textgen.edit_words`).
Goals (issue 4): 2 s at 1k, 20 s at 10k, 4 min at 100k; under 5 ms to link one new
article into a 10k corpus; recall of the planted pairs at least 0.95. Issue 14: the cost
of linking one added article stays within 2x from 1k to 100k.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.textgen import edit_words, paragraph
from kabar_tui.core.corpus.linking import LinkIndex, link_corpus
from kabar_tui.core.model import Article, Corpus, Paragraph

PARAGRAPHS_PER_ARTICLE = 8
REPUBLISH_EVERY = 5
REPUBLISHED_PARAGRAPHS = 3
EDIT_FRACTION = 0.10

Planted = set[tuple[str, int, str, int]]


def generate(count: int, seed: int, prefix: str = "a") -> tuple[list[Article], Planted]:
    """Articles and the (copy article, paragraph, original article, paragraph) pairs planted."""
    rng = random.Random(seed)
    articles: list[Article] = []
    planted: Planted = set()
    for number in range(count):
        texts = [paragraph(rng) for _ in range(PARAGRAPHS_PER_ARTICLE)]
        article_id = f"{prefix}{number:06d}"
        if articles and number % REPUBLISH_EVERY == 0:
            original = rng.choice(articles)
            picked = rng.sample(range(PARAGRAPHS_PER_ARTICLE), REPUBLISHED_PARAGRAPHS)
            for slot, source_index in enumerate(picked):
                texts[slot] = edit_words(original.paragraphs[source_index].text, EDIT_FRACTION, rng)
                planted.add((article_id, slot, original.id, source_index))
        paragraphs = [Paragraph(i, text, i + 1) for i, text in enumerate(texts)]
        articles.append(Article(article_id, f"{article_id}.txt", texts[0][:60], paragraphs))
    return articles, planted


def recall(links: list, planted: Planted) -> tuple[float, int]:
    """Share of planted pairs found, and links between paragraphs no chain of copies joins.

    A copy of a copy is linked to the first original too; that is right, not a false link.
    """
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        while node in parent:
            node = parent[node]
        return node

    for copy_article, copy_paragraph, original, original_paragraph in planted:
        a, b = root((copy_article, copy_paragraph)), root((original, original_paragraph))
        if a != b:
            parent[a] = b
    found = set()
    false_links = 0
    for link in links:
        source = (link.source_article, link.source_paragraph)
        target = (link.target_article, link.target_paragraph)
        found.add((*source, *target))
        found.add((*target, *source))
        if root(source) != root(target):
            false_links += 1
    hits = sum(1 for pair in planted if pair in found)
    return (hits / len(planted) if planted else 1.0), false_links


def resident_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process, or of its largest child (Linux reports kB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the linking workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_corpus(size: int, workers: int | None) -> None:
    articles, planted = generate(size, seed=size)
    corpus = Corpus(articles=articles)
    before_mb = resident_mb()
    start, start_cpu = time.perf_counter(), cpu_seconds()
    links = link_corpus(corpus, workers)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - start_cpu
    found, false_links = recall(links, planted)
    worker_mb = resident_mb(resource.RUSAGE_CHILDREN)
    print(
        f"link_corpus {size:>7,} articles ({size * PARAGRAPHS_PER_ARTICLE:,} paragraphs): "
        f"{elapsed:7.2f} s wall, {cpu:.2f} s CPU (workers {workers or 'all cores'}), "
        f"{len(links):,} links, recall {found:.3f} ({len(planted):,} planted), "
        f"{false_links:,} false links, peak RSS {resident_mb():.0f} MB "
        f"({before_mb:.0f} MB before linking; largest worker {worker_mb:.0f} MB)",
        flush=True,
    )


def bench_incremental(size: int, additions: int) -> None:
    articles, _ = generate(size, seed=7)
    index = LinkIndex.build(articles)  # the links of adding them one by one, sooner
    rng = random.Random(11)
    timings = []  # CPU ms: the machine is shared, wall time measures the neighbours
    walls = []
    new_found = 0
    for number in range(additions):
        original = rng.choice(articles)
        texts = [paragraph(rng) for _ in range(PARAGRAPHS_PER_ARTICLE)]
        for slot in range(REPUBLISHED_PARAGRAPHS):
            texts[slot] = edit_words(original.paragraphs[slot].text, EDIT_FRACTION, rng)
        new = Article(
            f"new{number}", "", texts[0][:60], [Paragraph(i, t, i) for i, t in enumerate(texts)]
        )
        start, start_cpu = time.perf_counter(), time.process_time()
        found = index.add_article(new)
        timings.append((time.process_time() - start_cpu) * 1000)
        walls.append((time.perf_counter() - start) * 1000)
        new_found += sum(1 for link in found if link.target_article == original.id)
    timings.sort()
    walls.sort()
    p95 = int(len(timings) * 0.95)
    print(
        f"add_article into {size:,} articles: CPU median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[p95]:.2f} ms, max {timings[-1]:.0f} ms; "
        f"wall median {statistics.median(walls):.2f} ms, p95 {walls[p95]:.2f} ms; "
        f"over {additions} new articles; "
        f"recall of their planted paragraphs {new_found / (additions * REPUBLISHED_PARAGRAPHS):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000])
    parser.add_argument("--full", action="store_true", help="also 100k articles (minutes)")
    parser.add_argument("--additions", type=int, default=200)
    parser.add_argument("--incremental-sizes", type=int, nargs="*", default=None)
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a child run: one measurement in a fresh interpreter
        kind, size = args.one[0], int(args.one[1])
        if kind == "corpus":
            bench_corpus(size, args.workers)
        else:
            bench_incremental(size, args.additions)
        return
    sizes = [*args.sizes, 100_000] if args.full else args.sizes
    incremental = args.incremental_sizes
    if incremental is None:
        incremental = [1_000, 10_000, 100_000] if args.full else [1_000, 10_000]
    runs = [("corpus", size) for size in sizes] + [("added", size) for size in incremental]
    for kind, size in runs:
        command = [sys.executable, "-m", "benchmarks.bench_linking", "--one", kind, str(size)]
        command += ["--additions", str(args.additions)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)


if __name__ == "__main__":
    main()
