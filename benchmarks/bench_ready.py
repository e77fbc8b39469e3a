"""Opening a cached corpus in the reader: to first rows, to ready, peak memory, entity view.

Run: python -m benchmarks.bench_ready FOLDER [--runs N] [--repo PATH] [--query WORDS]
Index FOLDER once first (`KABAR_CACHE_DIR=... kabar index FOLDER`, the same cache folder
in the environment here). Each run is a fresh process running the real app headless
(textual's run_test, 120x40) on FOLDER, timed from the process's start:
- first rows: the list shows articles;
- ready: the search screen, opened as soon as rows show, lists hits for a query pasted
  into it (ready_search); then an article opens and its related pane answers (that of an
  article in a story when there is one): everything a reader waits for;
- ready for an article, in a run of its own: Enter on the first row as soon as rows show,
  then `r`: the article is shown and its related pane answers (ready_article);
- the CPU time the process had used (every thread) at first rows, hits and ready_article,
  the steadier figure on a loaded machine;
- the longest the event loop stalled until linked: a 10 ms sleep woken late, and the CPU
  time the loop's thread spent in that while (the steadier figure on a loaded machine);
- peak RSS of the process at first rows, at ready, and at the end;
- entity view: from asking for the entity whose mention count is nearest `--mentions`
  (25,000, the issue's) to its first rows listed.
The article in a story and that entity are found before the runs (`FACTS`, with the
checkout's code), not inside the timed window.
`--repo` runs another checkout's code (for before/after on the same corpus).
The checkout's modules are compiled first (`compileall`), as installing the package does:
with PYTHONDONTWRITEBYTECODE set (this machine's environment) the interpreter writes no
bytecode, and every run compiled kabar's modules again (0.07-0.24 s of CPU at load 12).
`--child hits|article` is one process that stops there (for `farm-bench --vs`, which times
whole processes: docs/ui.md).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, json, os, resource, sys, time
started = float(sys.argv[3])  # when the parent spawned this process (a system-wide clock)
from kabar_tui.ui.app import KabarApp

FOLDER, QUERY, MODE = sys.argv[1], sys.argv[2], sys.argv[4]
FACTS = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}


async def until(pilot, condition, what, step=0.005, limit=900):
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await pilot.pause(step)
    print(f"{what}: {time.monotonic() - started:.2f} s", file=sys.stderr, flush=True)
    return time.monotonic() - started


def process_cpu():
    return time.process_time()  # every thread of the process, interpreter start included


async def watch_loop(stalls, busy):
    # The event loop's stalls: how late a 10 ms sleep wakes, and the CPU time the loop's
    # thread spent meanwhile (on a loaded machine the first counts waiting for a core too).
    while True:
        asleep, cpu = time.monotonic(), time.thread_time()
        await asyncio.sleep(0.01)
        stalls.append(time.monotonic() - asleep - 0.01)
        busy.append(time.thread_time() - cpu)


async def open_article(app, pilot, figures, stalls, busy):
    '''Enter on the first row as soon as it shows, then `r`: the article and its related
    pane, with nothing else asked before.'''
    await pilot.press("enter")
    figures["article_shown"] = await until(
        pilot, lambda: app.screen is getattr(app, "_reader", None), "article"
    )
    await pilot.press("r")
    side = app.screen.query_one("#side-list")
    figures["ready_article"] = await until(
        pilot, lambda: side.option_count and app.screen.side.content, "related"
    )
    figures["cpu_article"] = process_cpu()
    await until(pilot, lambda: app.linked, "linked")
    figures["longest_stall_article"] = max(stalls)
    figures["longest_stall_article_cpu"] = max(busy)
    await pilot.press("Q")
    print("FIGURES " + json.dumps(figures))
    os._exit(0)


async def main():
    figures = {}
    app = KabarApp(paths=[FOLDER])
    stalls, busy = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        watcher = asyncio.create_task(watch_loop(stalls, busy))
        figures["first_rows"] = await until(pilot, lambda: app.list_screen.shown, "first rows")
        figures["cpu_first_rows"] = process_cpu()
        figures["rss_rows_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if MODE == "article":
            await open_article(app, pilot, figures, stalls, busy)
        # A reader who searches at once: `/` as soon as rows show, the query pasted whole
        # (Pilot types about 90 ms a key of its own, in any text box).
        app.action_search()
        await pilot.pause()
        box = app.screen.query_one("#search-input")
        box.value = QUERY
        hits = lambda: getattr(app.screen, "hits", None)  # noqa: E731
        figures["ready_search"] = await until(pilot, hits, "hits")
        figures["cpu_search"] = process_cpu()
        if MODE == "hits":
            os._exit(0)
        await pilot.press("escape")
        await until(pilot, lambda: app.linked, "linked")
        await pilot.pause(0.2)
        figures["longest_stall_loading"] = max(stalls)
        figures["longest_stall_cpu"] = max(busy)
        watcher.cancel()
        linked, top = FACTS.get("linked"), FACTS.get("entity")
        # An article of a story when there is one (its related pane lists passages), else
        # the first listed (its pane says nothing is related): either way the pane answers.
        app.jump(linked or app.list_screen.shown[0].id, 0)
        await until(pilot, lambda: app.screen is getattr(app, "_reader", None), "article")
        await pilot.press("r")
        side = app.screen.query_one("#side-list")
        await until(pilot, lambda: side.option_count and app.screen.side.content, "related")
        figures["ready"] = time.monotonic() - started
        figures["rss_ready_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if top is not None:
            asked = time.monotonic()
            app.show_entity(top)
            shown = await until(
                pilot, lambda: [t for t in getattr(app.screen, "targets", []) if t], "mentions"
            )
            figures["entity_first_page"] = shown - (asked - started)
            figures["entity"] = f"{top} ({FACTS.get('mentions')} mentions)"
        await pilot.press("Q")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("FIGURES " + json.dumps(figures))
    os._exit(0)

asyncio.run(main())
"""


# What a run asks for, found before it (with the checkout's code, whose cache key it is): an
# article in a story and the entity whose mention count is nearest the one asked for. Once
# the run asked its own catalog, on the event loop inside the timed window (`stories()` at
# 100k: a query of every story, which the reader never makes).
FACTS = r"""
import json, sys
from kabar_tui.core.store.catalog_open import open_catalog

catalog, _ = open_catalog([sys.argv[1]])
if catalog is None:
    raise SystemExit("index the folder first (kabar index FOLDER, with KABAR_CACHE_DIR)")
stories = catalog.stories()
rows = catalog._rows(
    "SELECT n.text, e.mentions FROM entities e JOIN names n ON n.corpus = e.corpus "
    "AND n.number = e.name WHERE e.corpus = ? ORDER BY ABS(e.mentions - ?), e.position LIMIT 1",
    catalog.number,
    int(sys.argv[2]),
)
print(json.dumps({
    "linked": stories[0][0] if stories else None,
    "entity": rows[0][0] if rows else None,
    "mentions": rows[0][1] if rows else None,
}))
"""


def facts(folder: str, repo: Path, mentions: int) -> str:
    """FACTS, as JSON."""
    env = dict(os.environ, PYTHONPATH=str(repo))
    done = subprocess.run(
        [sys.executable, "-c", FACTS, folder, str(mentions)],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip()


def one_run(folder: str, query: str, repo: Path, mode: str, known: str = "{}") -> dict:
    """One fresh process: `mode` "search" (a query, then an article) or "article"."""
    env = dict(os.environ, PYTHONPATH=str(repo))
    spawned = time.monotonic()  # CLOCK_MONOTONIC: the child reads the same clock
    done = subprocess.run(
        [sys.executable, "-c", CHILD, folder, query, repr(spawned), mode, known],
        capture_output=True,
        text=True,
        env=env,
        cwd=repo,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("FIGURES ")), None)
    if line is None:
        raise RuntimeError(done.stderr[-3000:] or done.stdout[-2000:])
    return json.loads(line[len("FIGURES ") :])


def _report(name: str, seconds: list[float]) -> None:
    if seconds:
        print(
            f"{name:<18} min {min(seconds) * 1000:8.0f} ms  "
            f"median {statistics.median(seconds) * 1000:8.0f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose code runs")
    parser.add_argument("--query", default="harga beras")
    parser.add_argument("--child", choices=["hits", "article"], help="one run, in this process")
    parser.add_argument(
        "--mentions", type=int, default=25_000, help="the entity view's entity: this many mentions"
    )
    args = parser.parse_args()
    compileall.compile_dir(args.repo / "kabar_tui", quiet=1)
    if args.child:
        sys.path.insert(0, str(args.repo))
        sys.argv = ["child", args.folder, args.query, repr(time.monotonic()), args.child]
        exec(CHILD, {"__name__": "__main__"})  # the benchmark's own child, in this process
        return 0
    known = facts(args.folder, args.repo, args.mentions)
    runs, article_runs = [], []
    for _ in range(args.runs):  # alternated, so both see the same load
        runs.append(one_run(args.folder, args.query, args.repo, "search", known))
        article_runs.append(one_run(args.folder, args.query, args.repo, "article"))
    for key, name in (
        ("first_rows", "first rows"),
        ("ready_search", "hits"),
        ("ready", "then related"),
        ("entity_first_page", "entity first page"),
        ("longest_stall_loading", "loop stall"),
        ("longest_stall_cpu", "loop stall cpu"),
        ("cpu_first_rows", "cpu at first rows"),
        ("cpu_search", "cpu at hits"),
    ):
        _report(name, [run[key] for run in runs if key in run])
    print("-- an article opened as soon as rows show, then its related pane:")
    for key, name in (
        ("first_rows", "first rows"),
        ("article_shown", "article shown"),
        ("ready_article", "related answered"),
        ("longest_stall_article", "loop stall"),
        ("longest_stall_article_cpu", "loop stall cpu"),
        ("cpu_article", "cpu at related"),
    ):
        _report(name, [run[key] for run in article_runs if key in run])
    for key in ("rss_rows_mb", "rss_ready_mb", "peak_rss_mb"):
        values = [run[key] for run in runs]
        print(f"{key:<18} min {min(values):8.0f} MB  median {statistics.median(values):8.0f} MB")
    if runs and "entity" in runs[0]:
        print(f"(entity: {runs[0]['entity']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
