"""The event loop's CPU time to list the seeds, then to open an article and its related pane.

Run: python -m benchmarks.bench_loop_cpu [--pairs N] [--repo CHECKOUT]
Each run is a fresh process running the real app headless (textual's run_test, 120x40) on
the seeds held in memory, so no thread asks a catalog: what it measures is textual's and
the reader's own work on the event loop (`time.thread_time` of the loop's thread), from
the app's start to the list drawn (and 0.2 s more), then from Enter on the first row to
the related pane filled (and 0.2 s more). With `--repo`, runs of this checkout and of
CHECKOUT alternate, and the median of the pair ratios is printed: on a loaded machine
the thread's CPU time moves by a fifth from run to run, less than its wall time.
Both checkouts are compiled first (`compileall`), as an installed package is.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, sys, time
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.ui.app import KabarApp

corpus = build_corpus([sys.argv[1]])


async def main():
    app = KabarApp(corpus=corpus)
    started = time.thread_time()
    async with app.run_test(size=(120, 40)) as pilot:
        while not app.list_screen.shown:
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        listed = time.thread_time()
        await pilot.press("enter")
        while app.screen is not app._reader:
            await pilot.pause(0.01)
        await pilot.press("r")
        while not app.reader.side.content:
            await pilot.pause(0.01)
        await pilot.pause(0.2)
        opened = time.thread_time()
        await pilot.press("Q")
    print(f"LOOP {listed - started:.4f} {opened - listed:.4f}")

asyncio.run(main())
"""


def one_run(repo: Path) -> tuple[float, float]:
    """(list, article and pane) seconds of the loop thread's CPU, in a fresh process."""
    env = dict(os.environ, PYTHONPATH=str(repo), KABAR_NO_CACHE="1")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "seeds")],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("LOOP ")), None)
    if line is None:
        raise RuntimeError(done.stderr[-3000:])
    listed, opened = line.split()[1:]
    return float(listed), float(opened)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--repo", type=Path, help="another checkout, run in turn with this one")
    args = parser.parse_args()
    repos = [ROOT] + ([args.repo] if args.repo else [])
    for repo in repos:
        compileall.compile_dir(repo / "kabar_tui", quiet=1)
    runs: dict[Path, list[tuple[float, float]]] = {repo: [] for repo in repos}
    for _ in range(args.pairs):
        for repo in repos:
            runs[repo].append(one_run(repo))
    for part, name in ((0, "list drawn"), (1, "article and related pane")):
        for repo in repos:
            values = [run[part] * 1000 for run in runs[repo]]
            print(f"{name:<26} {repo!s:<40} median {statistics.median(values):6.0f} ms")
        if args.repo:
            ratios = [a[part] / b[part] for a, b in zip(runs[ROOT], runs[args.repo], strict=True)]
            print(f"{name:<26} this / --repo, median of pairs {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
