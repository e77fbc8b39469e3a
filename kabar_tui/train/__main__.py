"""`python -m kabar_tui.train` (or `kabar train`): rebuild the entity tagger from the
fetched data sets.

`--check` trains nothing: it says whether the shipped model and word lists are what
training would write from this code and the fetched files (exit 1 if not)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from kabar_tui.train.corpora import MissingSnapshot


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        help="where to write the model (default: the shipped one, with the word lists it reads)",
    )
    parser.add_argument("--iterations", type=int, help="L-BFGS iterations (default: as shipped)")
    parser.add_argument("--verbose", action="store_true", help="print crfsuite's progress")
    parser.add_argument(
        "--check", action="store_true", help="only say whether the shipped model is current"
    )


def run(args: argparse.Namespace) -> int:
    from kabar_tui.core.language.entities.tagger import MODEL_PATH
    from kabar_tui.train.crf import stale_parts, train

    started = time.perf_counter()
    try:
        if args.check:
            found = stale_parts()
            for problem in found:
                print(f"kabar train: {problem}", file=sys.stderr)
            if not found:
                print("the shipped model is what training gives from this code and data")
            return 1 if found else 0
        options = {"max_iterations": args.iterations} if args.iterations else None
        path = train(Path(args.output) if args.output else MODEL_PATH, options, args.verbose)
    except MissingSnapshot as error:
        print(f"kabar train: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a read-only install, a full disk, an --output folder missing
        print(f"kabar train: cannot write: {error.strerror or error}", file=sys.stderr)
        return 2
    size = path.stat().st_size
    print(f"wrote {path} ({size / 1e6:.2f} MB) in {time.perf_counter() - started:.0f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kabar_tui.train", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
