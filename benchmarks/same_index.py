"""Does other code index a folder to the same cache? Runs `kabar index DIR` with the code
of each checkout into a fresh cache folder and compares what is stored.

    python benchmarks/same_index.py BEFORE_CHECKOUT AFTER_CHECKOUT DIR [--workers N]

Prints one line per table (rows, hash) for each, then whether they and the corpus read
back from the cache (`corpus_to_dict`, as JSON) are the same. The code fingerprint, the
corpus key (which holds it, also in the folders' snapshot) and the last-used time are left
out. With more than one
worker, articles are numbered in the order they arrive, so article numbers are replaced
by paths and the tables holding numbers inside (links, search, link state) are compared
through the corpus read back instead. Both runs get `PYTHONHASHSEED=0`: the packed digests
(`article_digests`) hold sets in their iteration order, so two runs of one checkout differ
there unless the hash seed is the same.

`mention_names` is compared by its content, one (corpus, article, position, name) row per
mention, whether a checkout stores a row per mention (layout 13) or an article's names
packed (layout 14). With `--layout-changed` what holds the layout itself is left out: the
layout version in `meta`, the corpus checksum and the checksums of `mention_names` parts
(`corpus_parts`), which digest the rows as stored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

# Tables whose `article` column is an article number.
ARTICLE_KEYED = ("paragraphs", "captions", "removed_lines", "edits", "mentions", "quotes")
ARTICLE_KEYED += ("article_digests",)  # keyed by article number too (layout 12)
# Tables whose `article` column is a position in the corpus.
CORPUS_KEYED = ("mention_names", "quote_speakers")
NUMBERED_INSIDE = ("link", "search_", "passages", "entity_articles", "story_articles")
NUMBERED_INSIDE += ("quote_occurrences", "corpus_parts")  # its checksums cover article numbers
LEFT_OUT = ("fingerprint", "corpus_key", "last_used")
READ_BACK = """
import json, sys
try:
    from kabar_tui.core.store.export import corpus_to_dict
    from kabar_tui.core.indexing.pipeline import index_corpus
except ImportError:  # a checkout from before core/ was grouped by stage
    from kabar_tui.core.export import corpus_to_dict
    from kabar_tui.core.pipeline import index_corpus
report = index_corpus([sys.argv[1]], keep_articles=True)
assert report.corpus_from_cache
print(json.dumps(corpus_to_dict(report.corpus), sort_keys=True, default=str))
"""


def mention_rows(db: sqlite3.Connection) -> list[list[object]]:
    """`mention_names` as one row per mention, from either layout."""
    columns = [row[1] for row in db.execute("PRAGMA table_info('mention_names')")]
    if "names" not in columns:
        return [list(row) for row in db.execute("SELECT * FROM mention_names")]
    from kabar_tui.core.store.storage import unpack_names  # the checkout running this script's

    return [
        [corpus, article, position, code]
        for corpus, article, packed in db.execute("SELECT * FROM mention_names")
        for position, code in enumerate(unpack_names(packed))
    ]


def table_hashes(
    db: sqlite3.Connection, by_path: bool, layout_changed: bool = False
) -> dict[str, tuple[int, str]]:
    paths = dict(db.execute("SELECT id, path FROM articles"))
    at = {n: paths[a] for n, a in db.execute("SELECT position, article FROM corpus_articles")}
    found = {}
    names = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    for (name,) in names.fetchall():
        columns = [row[1] for row in db.execute(f"PRAGMA table_info('{name}')")]
        rows = [list(row) for row in db.execute(f"SELECT * FROM '{name}'")]
        if name == "mention_names":
            columns, rows = ["corpus", "article", "position", "name"], mention_rows(db)
        left_out = [*LEFT_OUT, "key"] if name == "corpora" else LEFT_OUT
        if layout_changed:
            if name == "corpora":
                left_out = [*left_out, "checksum"]
            elif name == "corpus_parts":
                rows = [row for row in rows if row[1] != "mention_names"]
            elif name == "meta":
                rows = [row for row in rows if row[0] != "schema"]
        if by_path:
            if name.startswith(NUMBERED_INSIDE):
                continue
            if name == "corpora":
                left_out = [*left_out, "checksum"]  # it covers the article numbers
            for row in rows:
                if name in ("articles",):
                    row[columns.index("id")] = None
                elif name in ARTICLE_KEYED or name == "corpus_articles":
                    row[columns.index("article")] = paths[row[columns.index("article")]]
                elif name in CORPUS_KEYED:
                    row[columns.index("article")] = at[row[columns.index("article")]]
        for column in left_out:
            if column in columns:
                for row in rows:
                    row[columns.index(column)] = None
        if name == "meta":  # a folder's snapshot: keyed and valued by code-dependent hashes
            for row in rows:
                if str(row[0]).startswith("snapshot"):
                    row[:] = ["snapshot", None]
        rows.sort(key=repr)
        found[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()[:16])
    return found


def index(
    checkout: Path, folder: Path, workers: int, layout_changed: bool
) -> tuple[dict[str, tuple[int, str]], str]:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPATH=str(checkout), KABAR_CACHE_DIR=cache, PYTHONHASHSEED="0")
        command = [sys.executable, "-m", "kabar_tui", "index", str(folder)]
        subprocess.run([*command, "--workers", str(workers)], env=env, check=True, cwd=checkout)
        with sqlite3.connect(Path(cache) / "kabar-cache.sqlite3") as db:
            tables = table_hashes(db, workers > 1, layout_changed)
        read = [sys.executable, "-c", READ_BACK, str(folder)]
        corpus = subprocess.run(read, env=env, check=True, cwd=checkout, capture_output=True)
    return tables, corpus.stdout.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--layout-changed", action="store_true")
    args = parser.parse_args()
    folder = args.folder.resolve()
    before, before_corpus = index(args.before.resolve(), folder, args.workers, args.layout_changed)
    after, after_corpus = index(args.after.resolve(), folder, args.workers, args.layout_changed)
    for name in sorted(before.keys() | after.keys()):
        mark = "same" if before.get(name) == after.get(name) else "DIFFERENT"
        print(f"{name}: {before.get(name)} {after.get(name)} {mark}")
    same_corpus = before_corpus == after_corpus
    size = len(json.loads(after_corpus)["articles"]) if after_corpus else 0
    print(
        f"corpus read back ({size} articles, {len(after_corpus):,} bytes of JSON): "
        f"{'same' if same_corpus else 'DIFFERENT'}"
    )
    print("SAME" if before == after and same_corpus else "DIFFERENT")


if __name__ == "__main__":
    main()
