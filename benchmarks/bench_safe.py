"""What the terminal boundary (core/safe.py) and the id/key derivation cost.

    python -m benchmarks.bench_safe [--articles 1000]

Prints CPU seconds of the per-file stage on generated articles (benchmarks/corpus.py) and
of `safe_record` over its output, of `normalise` over their raw lines, and of
`article_ids` + `path_key` for 10,000 paths (every name in seven folders, the worst case).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks.corpus import raw_articles
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source, article_ids, path_key
from kabar_tui.core.language.entities import find_entities
from kabar_tui.core.language.quotes import find_quotes
from kabar_tui.core.safe import safe_record
from kabar_tui.core.text import normalise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    raw = raw_articles(args.articles, 1)
    articles = []
    started = time.process_time()
    for name, text in raw:
        article = clean_source(Source(name, f"/corpus/{name}.txt", text, ""))
        article.entities = find_entities(article)
        article.quotes = find_quotes(article)
        articles.append(article)
    processed = time.process_time()
    for article in articles:
        safe_record(article)
    made_safe = time.process_time()
    stage, safe = processed - started, made_safe - processed
    mentions = sum(len(a.entities) for a in articles) / len(articles)
    print(
        f"{len(articles)} articles ({mentions:.0f} mentions each): per-file stage {stage:.2f} s"
        f" CPU, safe_record {safe:.3f} s ({100 * safe / stage:.1f}% of it)"
    )
    lines = [line for _, text in raw for line in text.split("\n")]
    started = time.process_time()
    for line in lines:
        normalise(line)
    print(f"normalise, {len(lines)} raw lines: {1000 * (time.process_time() - started):.0f} ms CPU")
    paths = [Path(f"/data/outlet{i % 7}/{i // 7:06}.txt") for i in range(7000)]
    paths += [Path(f"/data/outlet{i % 7}/{i:06}.txt") for i in range(7000, 10000)]
    started = time.process_time()
    ids = article_ids(paths)
    keys = [path_key(path) for path in paths]
    elapsed = 1000 * (time.process_time() - started)
    print(
        f"article_ids + path_key, {len(paths)} paths ({len(set(ids))} ids, {len(set(keys))}"
        f" keys): {elapsed:.0f} ms CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
