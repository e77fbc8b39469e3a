"""A new file in the reader's watched folder: how long until it is listed, and until it
shows with its story ("also in").

    KABAR_CACHE_DIR=DIR python benchmarks/bench_watch.py FOLDER [--runs 3]

FOLDER is indexed into the cache first (`kabar index FOLDER`, not timed). Each run opens
the reader on it (`KabarApp` under Textual's test driver, with its own watcher:
watchfiles, 800 ms debounce), waits until it is linked and watching, then writes a copy
of the folder's first article with a line added, named to sort after every file (so the
incremental update takes it, and it joins the first article's story through their
same-text links), and times from the write to its row in the list, and to its "also in"
siblings known to the list. With `--first` the copy is named to sort before every file:
in arrival order (docs/incremental.md, "Order") it is added as incrementally. The file is
removed after each run and the cache put back.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NEW_NAME = "zzz_watched_{}.txt"
FIRST_NAME = "000_watched_{}.txt"  # sorts before `bench_...` and any generated name
SETTLE_S = 8.0  # after the reader is linked: its watcher has begun and looked once


async def _until(pilot, condition: Callable[[], object], limit: float = 300.0) -> float:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await pilot.pause(0.01)
    return time.monotonic()


async def one_run(folder: Path, text: str, name: str) -> tuple[float, float]:
    from kabar_tui.ui.app import KabarApp

    app = KabarApp(paths=[folder])
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.list_screen.shown and getattr(app.catalog, "linked", 0))
        await pilot.pause(SETTLE_S)
        path = folder / name
        new_id = path.stem
        started = time.monotonic()
        path.write_text(text + "\nDiperbarui redaksi.\n", encoding="utf-8")
        # The list's ids, and the story as the list asks the catalog for it: since list100k
        # the list reads heads and siblings only for the rows on screen, and a new row
        # sorted off screen never had them, so the runs at 10k timed out.
        listed = await _until(pilot, lambda: new_id in app.list_screen.shown.ids)
        story = await _until(pilot, lambda: app.catalog.siblings_of([new_id]).get(new_id))
        await pilot.press("Q")
    return listed - started, story - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--first", action="store_true", help="name the new file to sort before every other"
    )
    args = parser.parse_args()
    pattern = FIRST_NAME if args.first else NEW_NAME
    folder = args.folder.resolve()
    cache = Path(os.environ["KABAR_CACHE_DIR"])
    os.environ.pop("KABAR_NO_CACHE", None)
    subprocess.run([sys.executable, "-m", "kabar_tui", "index", str(folder)], check=True)
    kept = cache.with_name(f"{cache.name}-kept")
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(cache, kept)
    text = sorted(folder.glob("*.txt"))[0].read_text(encoding="utf-8")
    found = []
    try:
        for number in range(args.runs):
            listed, story = asyncio.run(one_run(folder, text, pattern.format(number)))
            found.append((listed, story))
            print(f"run {number + 1}: listed after {listed:.2f} s, its story {story:.2f} s")
            (folder / pattern.format(number)).unlink()
            shutil.rmtree(cache)
            shutil.copytree(kept, cache)
    finally:
        for path in folder.glob(pattern.format("*")):
            path.unlink()
        shutil.rmtree(cache)
        kept.rename(cache)
    print(
        f"minimums: listed {min(f[0] for f in found):.2f} s, "
        f"with its story {min(f[1] for f in found):.2f} s (wall, from the write)"
    )


if __name__ == "__main__":
    main()
