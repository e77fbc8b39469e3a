"""Per-article processing time for huge articles: each stage must grow linearly.

A generated article of news paragraphs full of short quotes (`“...,” kata X.`, `katanya`,
`Menurut X, ...`), at 1 MB and 5 MB (the file size limit), in two shapes: paragraphs on
their own lines, and the same text on one line (a scrape that lost its line breaks).
Cleaning, entities, quotes and indexing the article for linking are timed separately, in
CPU seconds of this process.
Goal: the whole per-article processing under 2 s at 1 MB and 10 s at 5 MB.

    python -m benchmarks.bench_article_size [MEGABYTES ...]   (default: 1 5)
"""

from __future__ import annotations

import random
import sys
import time

from benchmarks.textgen import PEOPLE, paragraphs
from kabar_tui.core.corpus.linking import LinkIndex
from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.language.entities import find_entities, gazetteer
from kabar_tui.core.language.quotes import find_quotes

GOAL_SECONDS_PER_MB = 2.0


def quote_paragraph(rng: random.Random, words: str) -> str:
    """A paragraph of short quotes; `words` make it unique (the cleaner drops repeats)."""
    person = rng.choice(PEOPLE)
    return rng.choice(
        [
            f"“Kami siap {words},” kata {person}. “Semua berjalan baik,” katanya.",
            f"Menurut {person}, “tidak ada masalah” dalam rapat {words}.",
            f"”Itu sudah selesai {words},” ujar {person}. Ia menambahkan, “besok dilanjutkan.”",
            f"{person} mengatakan, “Kami akan menindak tegas {words}.”",
        ]
    )


def article_text(megabytes: float, one_line: bool, seed: int = 7) -> str:
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    parts = ["Judul berita panjang tentang kebijakan pemerintah", ""]
    size = 0
    filler = iter(paragraphs(200000, seed=seed))
    while size < target:
        part = next(filler)
        if rng.random() < 0.6:
            part = quote_paragraph(rng, " ".join(part.split()[:6]).rstrip(".,").lower())
        parts.append(part)
        size += len(part.encode("utf-8")) + 2
    separator = " " if one_line else "\n\n"
    return "\n\n".join(parts[:2]) + separator.join(parts[2:])


def measure(megabytes: float, one_line: bool) -> None:
    text = article_text(megabytes, one_line)
    source = Source("big", "big.txt", text, "")
    cpu = time.process_time()
    article = clean_source(source)
    cleaned = time.process_time() - cpu
    cpu = time.process_time()
    article.entities = find_entities(article)
    entities = time.process_time() - cpu
    cpu = time.process_time()
    article.quotes = find_quotes(article)
    quotes = time.process_time() - cpu
    cpu = time.process_time()
    LinkIndex.build([article])
    linking = time.process_time() - cpu
    total = cleaned + entities + quotes + linking
    goal = GOAL_SECONDS_PER_MB * megabytes
    shape = "one line" if one_line else "paragraphs"
    print(
        f"{len(text.encode('utf-8')) / 1048576:4.1f} MB {shape:<10} "
        f"{len(article.paragraphs):>6} paragraphs {len(article.quotes):>6} quotes: "
        f"clean {cleaned:6.2f} s  entities {entities:6.2f} s  quotes {quotes:6.2f} s  "
        f"linking {linking:6.2f} s  "
        f"total {total:6.2f} s (goal {goal:.0f} s){'' if total <= goal else '  OVER'}"
    )


def main(argv: list[str]) -> int:
    gazetteer()
    clean_source(Source("warm", "warm.txt", "Judul\n\nIsi berita.", ""))
    for megabytes in [float(a) for a in argv] or [1.0, 5.0]:
        for one_line in (False, True):
            measure(megabytes, one_line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
