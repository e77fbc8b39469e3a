"""Throughput of entity recognition plus quote attribution, per core.

Articles are built from benchmarks/textgen.py (deterministic news-like paragraphs with
names, places, organisations and quotes). One process, so the figure is per core.

    python benchmarks/bench_entities.py [ARTICLES] [PARAGRAPHS_PER_ARTICLE] [BATCH]

BATCH articles are recognised at a time (`recognise_many`: their tagger stretches decoded
in one pass); the default is the indexing workers' batch (`IndexOptions.batch`), as the
pipeline calls it; 1 is one article at a time (the reader, and indexing before). The
process's cyclic collector is set up as an indexing worker's is (`pipeline._start_worker`:
what is loaded frozen, a collection every `WORKER_COLLECT_EVERY` new objects), since the
workers are where entities and quotes are made in bulk; `--default-collector` keeps
CPython's default pace (how this benchmark ran before tagspeed4, docs/entities.md).
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.textgen import paragraphs  # noqa: E402
from kabar_tui.core.corpus.resolve import resolve_corpus  # noqa: E402
from kabar_tui.core.indexing.pipeline import WORKER_COLLECT_EVERY, IndexOptions  # noqa: E402
from kabar_tui.core.language.entities import gazetteer, recognise, recognise_many  # noqa: E402
from kabar_tui.core.language.quotes import attribute  # noqa: E402
from kabar_tui.core.model import Article, Corpus, Paragraph  # noqa: E402

GOAL = 500.0  # articles per second per core


def main() -> None:
    as_worker = "--default-collector" not in sys.argv
    numbers = [a for a in sys.argv[1:] if a != "--default-collector"]
    count = int(numbers[0]) if numbers else 300
    per_article = int(numbers[1]) if len(numbers) > 1 else 8
    batch = int(numbers[2]) if len(numbers) > 2 else IndexOptions().batch
    started = time.perf_counter()
    gazetteer()
    setup = time.perf_counter() - started
    started = time.perf_counter()
    recognise(["Budi Santoso tiba di Jakarta."])  # numpy and the tagger's model, once a process
    model_load = time.perf_counter() - started
    if as_worker:  # as `pipeline._start_worker` sets up a worker, the model loaded
        gc.freeze()
        gc.set_threshold(WORKER_COLLECT_EVERY, 10, 10)
    texts = paragraphs(count * per_article, seed=1)
    articles = [texts[i : i + per_article] for i in range(0, len(texts), per_article)]
    words = sum(len(t.split()) for t in texts)
    mentions = quotes = 0
    corpus = Corpus()
    started, cpu_started = time.perf_counter(), time.process_time()
    found_in = (
        (
            found
            for i in range(0, len(articles), batch)
            for found in recognise_many(articles[i : i + batch])
        )
        if batch > 1
        else map(recognise, articles)
    )
    for number, (article, found) in enumerate(zip(articles, found_in, strict=True)):
        said = attribute(article, found)
        mentions += len(found)
        quotes += len(said)
        record = Article(
            f"a{number}", "", article[0], [Paragraph(i, t, i) for i, t in enumerate(article)]
        )
        record.entities, record.quotes = found, said
        corpus.articles.append(record)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # the machine may be shared: count our CPU only
    rate = len(articles) / cpu
    collector = "a worker's" if as_worker else "default"
    print(f"gazetteer built once in {setup * 1000:.0f} ms; {collector} collector settings")
    print(f"tagger model (and numpy) loaded once in {model_load * 1000:.0f} ms")
    print(
        f"{len(articles)} articles x {per_article} paragraphs, {batch} at a time "
        f"({words / len(articles):.0f} words each): {mentions} mentions, {quotes} quotes "
        f"in {cpu:.2f} s CPU ({elapsed:.2f} s wall)"
    )
    print(
        f"entities + quotes: {rate:.0f} articles/s/core (goal {GOAL:.0f}), "
        f"{words / cpu / 1000:.0f}k words/s"
    )
    cpu_started = time.process_time()
    resolve_corpus(corpus)
    cpu = time.process_time() - cpu_started
    print(
        f"resolve_corpus: {len(corpus.entities)} entities, {len(corpus.quote_groups)} quote "
        f"groups from {len(articles)} articles in {cpu:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
