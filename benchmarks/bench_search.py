"""Search latency, recall and memory on generated passages.

    python benchmarks/bench_search.py            # 10k and 100k passages
    python benchmarks/bench_search.py --sizes 10000 100000 1000000

Each size runs in its own process so the resident-memory figures are not mixed up.
Queries are 3-7 word windows of real passages: exact, with a typo, reordered, and cut
off mid-word as if still being typed. Recall@10 is how often the source passage is
among the first ten hits (other passages may contain the very same words: the
generated vocabulary is small, so this is a lower bound); "or same words" also counts
a hit that contains the untouched window verbatim, an equally right answer.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from textgen import paragraphs

from kabar_tui.core.model import Article, Paragraph
from kabar_tui.core.search.search import SearchIndex

PARAGRAPHS_PER_ARTICLE = 10
QUERIES = 300


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


def articles(count: int) -> list[Article]:
    texts = paragraphs(count, seed=7)
    result = []
    for start in range(0, count, PARAGRAPHS_PER_ARTICLE):
        chunk = texts[start : start + PARAGRAPHS_PER_ARTICLE]
        result.append(
            Article(
                id=f"a{start // PARAGRAPHS_PER_ARTICLE:07d}",
                path="",
                title="",
                paragraphs=[Paragraph(i, text, 0) for i, text in enumerate(chunk)],
                outlet=("Okezone", "Detik", "Kompas", "Tempo")[start % 4],
            )
        )
    return result


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    at = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("drop", "swap", "replace"))
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    if edit == "swap":
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return word[:at] + rng.choice("aeiouknrst") + word[at + 1 :]


STYLES = ("exact", "typo", "typo+order", "typo+order+unfinished")


def make_query(text: str, rng: random.Random) -> tuple[str, str, int]:
    """A query made from `text`, the untouched words it was made from, and its style."""
    words = text.replace(".", "").replace(",", "").split()
    size = rng.randint(3, 7)
    start = rng.randrange(max(len(words) - size, 1))
    window = words[start : start + size]
    original = " ".join(window)
    style = rng.randrange(4)
    if style >= 1:
        at = rng.randrange(len(window))
        window[at] = typo(window[at], rng)
    if style >= 2 and len(window) > 2:
        at = rng.randrange(len(window) - 1)
        window[at], window[at + 1] = window[at + 1], window[at]
    if style == 3 and len(window[-1]) > 4:
        window[-1] = window[-1][: rng.randint(2, len(window[-1]) - 1)]
    return " ".join(window), original, style


def measure(size: int) -> None:
    base = resident_mb()
    corpus = articles(size)
    with_text = resident_mb()
    started = time.perf_counter()
    index = SearchIndex()
    for article in corpus:
        index.add_article(article)
    build = time.perf_counter() - started
    with_index = resident_mb()
    rng = random.Random(size)
    latencies = []
    cpu = []
    found = 0
    equivalent = 0
    by_style = [[0, 0] for _ in STYLES]
    for _ in range(QUERIES):
        article = rng.choice(corpus)
        paragraph = rng.choice(article.paragraphs)
        query, original, style = make_query(paragraph.text, rng)
        started, cpu_started = time.perf_counter(), time.process_time()
        hits = index.search(query, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        source = any(
            hit.article_id == article.id and hit.paragraph == paragraph.index for hit in hits
        )
        found += source
        by_style[style][0] += source
        by_style[style][1] += 1
        plain = [hit.text.replace(".", "").replace(",", "") for hit in hits]
        equivalent += source or any(original in text for text in plain)
    latencies.sort()
    cpu.sort()
    per_10k = 10_000 / size
    styles = ", ".join(
        f"{name} {hit / max(n, 1):.2f}" for name, (hit, n) in zip(STYLES, by_style, strict=True)
    )
    print(
        f"{size:>9,} passages: build {build:.1f} s; query median {statistics.median(latencies):.1f}"
        f" ms, p95 {latencies[int(len(latencies) * 0.95)]:.1f} ms (CPU time median"
        f" {statistics.median(cpu):.1f} ms, p95 {cpu[int(len(cpu) * 0.95)]:.1f} ms)\n"
        f"    recall@10 of the source passage {found / QUERIES:.2f} ({styles});"
        f" source or a hit with the same words verbatim {equivalent / QUERIES:.2f}\n"
        f"    resident memory per 10k passages: text {(with_text - base) * per_10k:.1f} MB,"
        f" search index {(with_index - with_text) * per_10k:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.one)
        return
    for size in args.sizes:
        subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)


if __name__ == "__main__":
    main()
