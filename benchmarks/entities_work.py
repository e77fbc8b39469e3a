"""The work of entity recognition plus quote attribution alone, for instruction counts.

    valgrind --tool=callgrind python benchmarks/entities_work.py ARTICLES [--idle|--rules]

Builds `bench_entities`' generated articles (8 paragraphs each) and loads the gazetteer
and the tagger's model; without `--idle` it then recognises them 8 at a time and
attributes their quotes, as `bench_entities` does (with `--rules`: the rules' pass of each
article only). The work of N articles is the count without `--idle` minus the count with
it (docs/entities.md, "rulespeed").
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.textgen import paragraphs  # noqa: E402
from kabar_tui.core.language.entities import gazetteer, recognise, recognise_many  # noqa: E402
from kabar_tui.core.language.entities.rules import recognise_with_bases  # noqa: E402
from kabar_tui.core.language.quotes import attribute  # noqa: E402

PER_ARTICLE = 8
BATCH = 8


def main() -> None:
    count = int(sys.argv[1])
    texts = paragraphs(count * PER_ARTICLE, seed=1)
    articles = [texts[i : i + PER_ARTICLE] for i in range(0, len(texts), PER_ARTICLE)]
    gazetteer()
    recognise(["Budi Santoso tiba di Jakarta."])  # numpy and the tagger's model
    if "--idle" in sys.argv:
        return
    if "--rules" in sys.argv:
        ruled = sum(len(recognise_with_bases(article).mentions) for article in articles)
        print(f"{len(articles)} articles: {ruled} rule mentions")
        return
    mentions = quotes = 0
    for i in range(0, len(articles), BATCH):
        part = articles[i : i + BATCH]
        for article, found in zip(part, recognise_many(part), strict=True):
            mentions += len(found)
            quotes += len(attribute(article, found))
    print(f"{len(articles)} articles: {mentions} mentions, {quotes} quotes")


if __name__ == "__main__":
    main()
