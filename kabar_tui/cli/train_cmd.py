"""`kabar train`: rebuild the entity tagger from the fetched data sets (kabar_tui/train/)."""

from __future__ import annotations

import argparse

HELP = "rebuild the entity tagger from the fetched data sets (needs .[train]); --check"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from kabar_tui.train.__main__ import add_arguments as training_arguments

    training_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from kabar_tui.train.__main__ import run as run_training

    return run_training(args)
