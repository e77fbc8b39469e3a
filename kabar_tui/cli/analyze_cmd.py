"""`kabar analyze`: entities and quotes of plain passages, one JSON line each, no cleaning."""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterable

from kabar_tui.cli.common import error_console
from kabar_tui.core.language.entities import recognise
from kabar_tui.core.language.quotes import attribute
from kabar_tui.core.safe import visible

HELP = "entities and quotes of plain passages (one per line) as JSON lines"
CANNOT_READ = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="passages, one per line; - = stdin"
    )


def analyze_passage(text: str) -> dict:
    """One passage as its own one-paragraph article; its controls shown, never obeyed."""
    text = visible(text)  # one character for one: offsets are into the text as printed
    mentions = recognise([text])
    quotes = attribute([text], mentions)
    return {
        "text": text,
        "entities": [
            {"text": m.text, "label": m.label, "start": m.start, "end": m.end} for m in mentions
        ],
        "quotes": [
            {
                "text": q.text,
                "kind": q.kind,
                "speaker": q.speaker,
                "via": q.via,
                "start": q.start,
                "end": q.end,
            }
            for q in quotes
        ],
    }


def _lines(args: argparse.Namespace) -> Iterable[str] | None:
    if args.file == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    try:
        with open(args.file, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError as error:
        reason = error.strerror or "cannot read"
        error_console().print(f"kabar: error: {args.file}: {reason.lower()}", markup=False)
        return None


def run(args: argparse.Namespace) -> int:
    lines = _lines(args)
    if lines is None:
        return CANNOT_READ
    for line in lines:
        text = line.rstrip("\r\n").strip()
        if text:
            sys.stdout.write(json.dumps(analyze_passage(text), ensure_ascii=False) + "\n")
    return 0
