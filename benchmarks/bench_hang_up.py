"""Hang up the reader's terminal (an SSH drop) many times: how often does it not end?

Each run opens `kabar` on 300 generated articles (no cache: they go to worker processes)
in a pseudo-terminal (benchmarks/terminal_session.py), waits for "Reading articles", then
a random 0-1.5 s, and closes the terminal. A run that has not exited with 129 after
`--give-up` seconds is a failure, and what its processes were doing is printed. `--busy N`
runs N busy loops meanwhile (the failure needed a loaded machine); `--tree DIR` runs the
kabar_tui of another checkout (an export of an older commit), for before/after pairs.

    python -m benchmarks.bench_hang_up --runs 40 --busy 3 [--tree /tmp/old]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import raw_articles
from benchmarks.terminal_session import TerminalSession, kabar_argv

ARTICLES = 300


def one_run(folder: Path, tree: Path | None, env: dict[str, str], give_up: float) -> float | str:
    """Seconds from the hang-up to the exit, or what went wrong."""
    # `-m kabar_tui` takes the package in the current folder first.
    with TerminalSession(kabar_argv(str(folder)), env, cwd=tree) as session:
        if not session.wait_for(b"Reading articles", give_up):
            return "did not start: " + repr(session.text()[-200:])
        time.sleep(random.uniform(0.0, 1.5))
        started = time.monotonic()
        session.hang_up()
        code = session.wait(give_up)
        if code != 129:
            return f"exit {code}\n{session.diagnosis()}"
        return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--busy", type=int, default=0, help="busy loops beside the runs")
    parser.add_argument("--tree", type=Path, help="the checkout whose kabar_tui runs")
    parser.add_argument("--give-up", type=float, default=20.0)
    args = parser.parse_args()
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        with tempfile.TemporaryDirectory(prefix="kabar-bench-hang-up-") as scratch:
            folder = Path(scratch) / "news"
            folder.mkdir()
            for name, text in raw_articles(ARTICLES, seed=12):
                (folder / f"{name}.txt").write_text(text, encoding="utf-8")
            env = dict(
                os.environ,
                KABAR_NO_CACHE="1",
                KABAR_CACHE_DIR=str(Path(scratch) / "cache"),
                KABAR_CONFIG_DIR=str(Path(scratch) / "config"),
                LANG="C.UTF-8",
                TERM="xterm-256color",
            )
            seconds: list[float] = []
            failures = 0
            for run in range(args.runs):
                result = one_run(folder, args.tree, env, args.give_up)
                if isinstance(result, str):
                    failures += 1
                    print(f"run {run + 1}: {result}", flush=True)
                else:
                    seconds.append(result)
    finally:
        for loop in busy:
            loop.kill()
            loop.wait()
    print(f"{failures} of {args.runs} runs did not end with 129 within {args.give_up:.0f} s")
    if seconds:
        print(
            f"hang-up to exit: median {statistics.median(seconds):.2f} s, "
            f"longest {max(seconds):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
