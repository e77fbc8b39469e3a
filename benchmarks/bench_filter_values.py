"""Per-keystroke cost of fuzzy filter values, and how often a typed-wrong speaker is found.

    python benchmarks/bench_filter_values.py [--articles 3000] [--queries 60]

A corpus of generated articles (`searchgen`: real sentences mutated, people drawn by
Zipf's law from 20,000 generated names, half of their mentions quoted) is indexed in
memory. Each query is `by:SURNAME WORD`, the surname with one typo (two from 8 letters,
as in `tune_filter_values.py`) and a word of one of that person's quotes; it is typed a
character at a time from `by:` + 1 letter, every keystroke a search for the first 20
hits, as the reader does. Printed: CPU per keystroke (p50, p95, max), per keystroke whose
filter value is new (the fuzzy step runs then), and the share of final queries whose
hits include the person meant. Run it on an older tree (PYTHONPATH=... ) for "before".
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from searchgen import Generator  # noqa: E402
from tune_filter_values import typo  # noqa: E402

from kabar_tui.core.model import Corpus  # noqa: E402
from kabar_tui.core.search.search import SearchIndex  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(share * len(ordered)), len(ordered) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    generator = Generator(seed=3, devset=False)
    articles = [generator.article(number) for number in range(args.articles)]
    started = time.process_time()
    index = SearchIndex.build(Corpus(articles=articles))
    built = time.process_time() - started
    quotes = [quote for article in articles for quote in article.quotes if quote.speaker]
    speakers = len({quote.speaker for quote in quotes})
    print(
        f"{args.articles} articles, {len(index)} documents, {speakers} distinct speakers; "
        f"index built in {built:.1f} s CPU"
    )
    rng = random.Random(args.seed)
    every: list[float] = []
    new_value: list[float] = []
    found = 0
    for quote in rng.sample(quotes, min(args.queries, len(quotes))):
        assert quote.speaker is not None
        surname = quote.speaker.split()[-1].lower()
        value = typo(surname, rng)
        if len(surname) >= 8:
            value = typo(value, rng)
        word = max(quote.text.split(), key=len).strip(".,").lower()
        query = f"by:{value} {word}"
        for end in range(4, len(query) + 1):
            typed = query[:end]
            started = time.process_time()
            page = index.search_page(typed, 0, 20)
            spent = (time.process_time() - started) * 1000
            every.append(spent)
            if end <= len(f"by:{value}"):
                new_value.append(spent)
        found += quote.speaker in {hit.label for hit in page.hits}
    for name, times in (("every keystroke", every), ("new filter value", new_value)):
        print(
            f"{name}: {len(times)} keystrokes, CPU p50 {statistics.median(times):.1f} ms, "
            f"p95 {percentile(times, 0.95):.1f} ms, max {max(times):.1f} ms"
        )
    print(f"final query finds the person meant: {found}/{min(args.queries, len(quotes))}")


if __name__ == "__main__":
    main()
