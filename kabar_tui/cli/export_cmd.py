"""`kabar export`: everything the core knows, as versioned JSON or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

from kabar_tui.cli.common import NOTHING_READ, add_paths_argument, load_catalog, say_problems
from kabar_tui.core.store.export import SCHEMA_VERSION, article_to_dict, corpus_to_dict

HELP = "export the processed corpus as JSON (schema in the README)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--format", choices=("json", "jsonl"), default="json")


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog(args)
    if catalog is None:
        return NOTHING_READ
    if args.format == "json":
        corpus = catalog.whole_corpus()
        if corpus is None:  # its stored rows are damaged (the problem says so): index again
            from kabar_tui.core.indexing.pipeline import build_corpus

            say_problems(catalog)
            corpus = build_corpus(args.paths or None)
            catalog.problems.extend(corpus.problems)
        json.dump(corpus_to_dict(corpus), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for article in catalog.articles():  # one at a time: a big corpus is never all in memory
            record = {"version": SCHEMA_VERSION, **article_to_dict(article)}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    say_problems(catalog)  # an article whose stored rows are damaged is left out, and said
    return 0
