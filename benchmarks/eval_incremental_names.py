"""How far names resolved incrementally are from a full resolution.

    python benchmarks/eval_incremental_names.py CORPUS_DIR WORK_DIR [--added 20]

Copies CORPUS_DIR into WORK_DIR, indexes it, then adds `--added` generated articles one
at a time (each an incremental update, core.corpus.incremental), and compares the result with a
full index of the same files in a fresh cache: the share of mentions whose canonical name
differs, the entity and quote-group counts, and whether links and stories are equal.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import raw_articles
from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.store.storage import Storage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--added", type=int, default=20)
    args = parser.parse_args()
    os.environ.pop("KABAR_NO_CACHE", None)
    shutil.rmtree(args.work, ignore_errors=True)
    folder = args.work / "news"
    shutil.copytree(args.corpus, folder)
    with Storage(args.work / "incremental.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        for number, (name, text) in enumerate(raw_articles(args.added, seed=4242)):
            (folder / f"zzz_{number:04d}_{name}.txt").write_text(text, encoding="utf-8")
            report = index_corpus([folder], cache=cache, keep_articles=False)
            if report.updated != 1:
                sys.exit(f"article {number} was not added incrementally")
        incremental = index_corpus([folder], cache=cache).corpus  # the stored corpus
    with Storage(args.work / "full.sqlite3") as cache:
        full = index_corpus([folder], cache=cache).corpus
    names = {a.id: [m.canonical for m in a.entities] for a in incremental.articles}
    mentions = differ = 0
    for article in full.articles:
        for mention, name in zip(article.entities, names[article.id], strict=True):
            mentions += 1
            differ += mention.canonical != name
    print(
        f"{len(full.articles)} articles, {args.added} added one at a time: "
        f"{differ} of {mentions} mentions named otherwise ({100 * differ / mentions:.3f}%); "
        f"entities {len(incremental.entities)} incremental, {len(full.entities)} full; "
        f"quote groups {len(incremental.quote_groups)}, {len(full.quote_groups)}"
    )
    same_links = sorted(map(astuple, incremental.links)) == sorted(map(astuple, full.links))
    print(
        f"links equal: {same_links} ({len(full.links)}); "
        f"stories equal: {incremental.stories == full.stories} ({len(full.stories)})"
    )


if __name__ == "__main__":
    main()
