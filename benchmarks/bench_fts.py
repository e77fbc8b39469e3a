"""Full-text index choices (issue 11): word tokens versus trigrams, on a cache's paragraphs.

    python benchmarks/bench_fts.py CACHE_FILE

CACHE_FILE is a cache made by `kabar index` or `benchmarks/bench_storage.py --keep DIR`
(DIR/cache-10000.sqlite3). Its paragraphs are indexed again in a scratch database, once
per tokenizer, and the same queries are timed on both: whole words, a word prefix as
typed, and a misspelt name (which word tokens cannot find without a vocabulary table).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

TOKENIZERS = {
    "words (unicode61)": "unicode61 remove_diacritics 2",
    "trigram": "trigram",
}


def queries(texts: list[str]) -> dict[str, list[str]]:
    """Queries made from the paragraphs themselves, so each kind finds something."""
    picked = [text.split() for text in texts[:: max(1, len(texts) // 50)] if len(text) > 40]
    words = [[w.strip(".,\"'()") for w in words if len(w) > 5][:2] for words in picked]
    words = [pair for pair in words if len(pair) == 2]
    return {
        "two words": [f'"{a}" "{b}"' for a, b in words],
        "prefix of a word": [f'"{a[:4]}"*' for a, _ in words],
        "misspelt word (one letter dropped)": [f'"{a[:2] + a[3:]}"' for a, _ in words],
    }


def measure(source: Path, tokenizer: str, texts: list[str], folder: Path) -> None:
    path = folder / f"{tokenizer.split()[0]}.sqlite3"
    db = sqlite3.connect(path)
    db.execute(
        f"CREATE VIRTUAL TABLE passages USING fts5(text, content='', tokenize='{tokenizer}')"
    )
    started = time.perf_counter()
    with db:
        db.executemany("INSERT INTO passages (rowid, text) VALUES (?, ?)", enumerate(texts))
    built = time.perf_counter() - started
    db.execute("VACUUM")
    print(
        f"  {tokenizer}: indexed {len(texts)} paragraphs in {built:.1f} s, "
        f"{path.stat().st_size / 1e6:.1f} MB"
    )
    for kind, asked in queries(texts).items():
        if tokenizer == "trigram":  # trigrams match substrings: a quoted string, no prefix *
            asked = [query.rstrip("*") for query in asked]
        times, found = [], []
        for query in asked:
            started = time.perf_counter()
            rows = db.execute(
                "SELECT rowid FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT 200",
                (query,),
            ).fetchall()
            times.append(time.perf_counter() - started)
            found.append(len(rows))
        print(
            f"    {kind}: median {statistics.median(times) * 1000:.1f} ms, "
            f"slowest {max(times) * 1000:.1f} ms; found something for "
            f"{sum(1 for n in found if n)} of {len(asked)} queries"
        )
    if tokenizer != "trigram":
        expand_with_vocabulary(db, queries(texts)["misspelt word (one letter dropped)"])
    db.close()


def expand_with_vocabulary(db: sqlite3.Connection, asked: list[str]) -> None:
    """Typo tolerance for word tokens: the index's own vocabulary (fts5vocab), searched with
    rapidfuzz, turns a misspelt word into the words it could be."""
    from rapidfuzz import fuzz, process

    started = time.perf_counter()
    db.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, passages, 'row')")
    terms = [term for (term,) in db.execute("SELECT term FROM temp.vocabulary")]
    loaded = time.perf_counter() - started
    times, found = [], []
    for query in asked:
        started = time.perf_counter()
        word = query.strip('"').casefold()
        close = process.extract(word, terms, scorer=fuzz.ratio, score_cutoff=85, limit=5)
        expanded = " OR ".join(f'"{term}"' for term, _, _ in close) or query
        rows = db.execute(
            "SELECT rowid FROM passages WHERE passages MATCH ? ORDER BY rank LIMIT 200",
            (expanded,),
        ).fetchall()
        times.append(time.perf_counter() - started)
        found.append(len(rows))
    print(
        f"    misspelt word, expanded through the vocabulary ({len(terms)} words, loaded in "
        f"{loaded * 1000:.0f} ms): median {statistics.median(times) * 1000:.1f} ms, slowest "
        f"{max(times) * 1000:.1f} ms; found something for {sum(1 for n in found if n)} of "
        f"{len(asked)} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cache", type=Path)
    args = parser.parse_args()
    source = sqlite3.connect(f"file:{args.cache}?mode=ro", uri=True)
    texts = [text for (text,) in source.execute("SELECT text FROM paragraphs")]
    articles = source.execute("SELECT count(*) FROM articles").fetchone()[0]
    source.close()
    print(f"{len(texts)} paragraphs of {articles} articles ({sum(map(len, texts)) / 1e6:.1f} MB)")
    with tempfile.TemporaryDirectory(prefix="kabar-fts-") as scratch:
        for name, tokenizer in TOKENIZERS.items():
            print(name)
            measure(args.cache, tokenizer, texts, Path(scratch))


if __name__ == "__main__":
    sys.exit(main())
