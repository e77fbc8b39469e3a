"""Quotation grouping alone (`quote_grouping.key_group_numbers`), the longest process of a
first index's tail at 100k, on the quotation keys a first index stored (docs/indexing.md,
"quotegroup").

    python benchmarks/quote_grouping.py keys CACHE_FILE KEYS_FILE
    python benchmarks/quote_grouping.py near COUNT BASES KEYS_FILE
    python benchmarks/quote_grouping.py time KEYS_FILE [--save NUMBERS] [--compare NUMBERS]
    PYTHONPATH=OTHER_CHECKOUT python benchmarks/quote_grouping.py time KEYS_FILE ...

`keys` reads a copy of a first index's cache (its one corpus, read only; no code
fingerprint is checked, so a cache made by other code serves): each article's stored
quotations in corpus order, keyed by `quote_key`, as the quotation process keys them,
pickled into KEYS_FILE.

`near` writes COUNT near-duplicate quotations instead (docs/indexing.md, "quotegroup2"):
BASES random quotations of 18-26 words from 26 words, each copy with 0-3 words changed,
deleted or inserted (a review's input, seed 7: 20000 3 and 3000 1 are its two cases).

`time` groups them with the code on the path (this checkout's, or another's through
PYTHONPATH), printing the process's CPU time of the grouping alone, the number of keys
and groups and a hash of the group numbers; `--save` writes the numbers, `--compare`
says whether they equal numbers saved before (by other code) and where they first differ.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import random
import sqlite3
import sys
import time
from array import array
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus.digest import unpack_held_digest, unpack_rest
from kabar_tui.core.corpus.quote_grouping import key_group_numbers, quote_key


def keys(cache: Path, out: Path) -> None:
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    [(corpus,)] = db.execute("SELECT id FROM corpora")
    found: list[str] = []
    rows = db.execute(
        "SELECT w.article_id, a.content_hash, a.title, d.data "
        "FROM corpus_articles w JOIN articles a ON a.id = w.article "
        "JOIN article_digests d ON d.article = a.id WHERE w.corpus = ? ORDER BY w.position",
        (corpus,),
    )
    articles = 0
    for article_id, content_hash, title, data in rows:
        _, rest, _ = unpack_held_digest(data, article_id, content_hash, title, None)
        found += [quote_key(quote[0]) for quote in unpack_rest(rest)[0]]
        articles += 1
    out.write_bytes(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{articles} articles, {len(found)} quotation keys ({len(set(found))} distinct)")


def near(count: int, bases: int, out: Path) -> None:
    rng = random.Random(7)
    words = "pemerintah akan menaikkan harga bahan bakar minyak pekan depan kata menteri"
    words += " keuangan sri mulyani di jakarta pada senin subsidi energi anggaran negara"
    vocabulary = (words + " rakyat kecil tetap dilindungi").split()
    chosen = [" ".join(rng.choices(vocabulary, k=rng.randint(18, 26))) for _ in range(bases)]
    found = []
    for _ in range(count):
        changed = rng.choice(chosen).split()
        for _ in range(rng.randint(0, 3)):
            kind = rng.random()
            place = rng.randrange(len(changed))
            if kind < 0.5:
                changed[place] = rng.choice(vocabulary)
            elif kind < 0.75 and len(changed) > 3:
                del changed[place]
            else:
                changed.insert(place, rng.choice(vocabulary))
        found.append(" ".join(changed))
    out.write_bytes(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
    print(f"{len(found)} quotation keys ({len(set(found))} distinct)")


def timed(keys_file: Path, save: Path | None, compare: Path | None) -> None:
    found: list[str] = pickle.loads(keys_file.read_bytes())
    start = time.process_time()
    numbers = key_group_numbers(found)
    cpu = time.process_time() - start
    digest = hashlib.sha256(numbers.tobytes()).hexdigest()[:16]
    groups = max(numbers, default=-1) + 1
    print(f"{len(found)} keys, {groups} groups, numbers {digest}, CPU {cpu:.2f} s")
    if save is not None:
        save.write_bytes(numbers.tobytes())
    if compare is not None:
        before = array("i")
        before.frombytes(compare.read_bytes())
        if before == numbers:
            print("SAME numbers")
        else:
            at = next(
                (i for i, (a, b) in enumerate(zip(before, numbers, strict=False)) if a != b),
                min(len(before), len(numbers)),
            )
            print(f"DIFFERENT numbers: first at {at} of {len(before)} / {len(numbers)}")
            sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    read = commands.add_parser("keys")
    read.add_argument("cache", type=Path)
    read.add_argument("out", type=Path)
    made = commands.add_parser("near")
    made.add_argument("count", type=int)
    made.add_argument("bases", type=int)
    made.add_argument("out", type=Path)
    run = commands.add_parser("time")
    run.add_argument("keys", type=Path)
    run.add_argument("--save", type=Path)
    run.add_argument("--compare", type=Path)
    args = parser.parse_args()
    if args.command == "keys":
        keys(args.cache, args.out)
    elif args.command == "near":
        near(args.count, args.bases, args.out)
    else:
        timed(args.keys, args.save, args.compare)


if __name__ == "__main__":
    main()
