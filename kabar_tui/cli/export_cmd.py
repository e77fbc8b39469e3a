"""`kabar export`: everything the core knows, as versioned JSON or JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

from kabar_tui.cli.common import NOTHING_READ, add_paths_argument, load_corpus
from kabar_tui.core.export import SCHEMA_VERSION, article_to_dict, corpus_to_dict

HELP = "export the processed corpus as JSON (schema in the README)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--format", choices=("json", "jsonl"), default="json")


def run(args: argparse.Namespace) -> int:
    corpus = load_corpus(args)
    if corpus is None:
        return NOTHING_READ
    if args.format == "json":
        json.dump(corpus_to_dict(corpus), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for article in corpus.articles:
            record = {"version": SCHEMA_VERSION, **article_to_dict(article)}
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0
