"""Reader speed: startup to first paint, opening an article, scrolling a page, the list.

Run: python -m benchmarks.bench_ui [--runs N] [--paragraphs P] [--list-sizes 1000,10000]
     python -m benchmarks.bench_ui --only-megabyte   (a 1 MB article and its removed lines)
     python -m benchmarks.bench_ui --first-frame kabar|floor   (one process, for an outside
         timer: `kabar` through its command line until its first frame, or a bare textual
         app with one Static until its first frame; each exits right then)
Startup runs the real app in a pseudo-terminal on the bundled seeds and times from process
start to the first refresh; a bare textual App gives the import floor for comparison.
Opening (jump + drawing the first screen, nothing cached) and scrolling run headless
in-process on the seeds and on a long generated article. The list figures rebuild the
article list of hand-made articles after one filter keystroke or a sort change, drawing the
visible rows (what the user waits for while typing).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import select
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAINTED = b"painted"

KABAR_CHILD = """
import os
from kabar_tui.ui.app import KabarApp

class Timed(KabarApp):
    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        os.write(int(os.environ["PAINT_FD"]), b"painted")
        self.exit()

Timed().run()
"""

FLOOR_CHILD = """
import os
from textual.app import App
from textual.widgets import Label

class Floor(App):
    def compose(self):
        yield Label("floor")

    def on_mount(self):
        self.call_after_refresh(self.painted)

    def painted(self):
        os.write(int(os.environ["PAINT_FD"]), b"painted")
        self.exit()

Floor().run()
"""


def time_to_paint(code: str) -> float:
    """Seconds from spawning `python -c code` in a pty until it reports its first paint."""
    master, slave = pty.openpty()
    read_end, write_end = os.pipe()
    env = dict(os.environ, TERM="xterm-256color", PAINT_FD=str(write_end), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(write_end,),
        cwd=ROOT,
        env=env,
    )
    os.close(slave)
    os.close(write_end)
    painted_at = None
    while painted_at is None:
        ready, _, _ = select.select([master, read_end], [], [], 10)
        if not ready:
            break
        if master in ready:
            try:
                os.read(master, 65536)
            except OSError:
                break
        if read_end in ready and PAINTED in os.read(read_end, 64):
            painted_at = time.perf_counter()
    while process.poll() is None:  # keep draining so the child can exit
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                break
    process.wait()
    os.close(master)
    os.close(read_end)
    if painted_at is None:
        raise RuntimeError("the app never painted")
    return painted_at - started


def long_article_corpus(paragraphs: int):
    from benchmarks.textgen import paragraphs as generated
    from kabar_tui.core.indexing.pipeline import build_corpus
    from kabar_tui.core.ingest.sources import Source

    corpus = build_corpus()
    text = "Artikel panjang untuk uji kecepatan pembaca\n\n" + "\n\n".join(generated(paragraphs))
    from kabar_tui.core.indexing.pipeline import process_source

    corpus.articles.append(process_source(Source("long", "long.txt", text, "long")))
    return corpus


async def open_and_scroll(paragraphs: int, runs: int) -> dict[str, list[float]]:
    from kabar_tui.ui.app import KabarApp

    corpus = long_article_corpus(paragraphs)
    app = KabarApp(corpus=corpus)
    figures: dict[str, list[float]] = {"open": [], "open_long": [], "scroll_cpu": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.jump(corpus.articles[0].id, 0)  # mount the reader once
        await pilot.pause()
        view = app.reader.view
        height = view.scrollable_content_region.height
        for _ in range(runs):
            for article in corpus.articles:
                key = "open_long" if article.id == "long" else "open"
                view.forget_layouts()  # a cold open: nothing wrapped yet
                started = time.perf_counter()
                app.jump(article.id, 0)
                for y in range(height):
                    view.render_line(y)
                figures[key].append(time.perf_counter() - started)
                await pilot.pause()
        for _ in range(runs * 20):
            cpu = time.process_time()
            view.action_page(1)
            for y in range(height):
                view.render_line(y)
            figures["scroll_cpu"].append(time.process_time() - cpu)
            if view.scroll_y >= view.max_scroll_y:
                view.action_first_paragraph()
        await pilot.press("q")
    return figures


def megabyte_article_corpus():
    """The seeds plus a 1 MB scrape: generated paragraphs with promo and ad lines between
    them, cleaned by the real pipeline, so it has removed lines to show."""
    import random

    from benchmarks.textgen import paragraph, sentence
    from kabar_tui.core.indexing.pipeline import build_corpus, process_source
    from kabar_tui.core.ingest.sources import Source

    rng = random.Random(1)
    parts = ["Laporan satu megabita untuk uji kecepatan pembaca"]
    size = 0
    while size < 1_000_000:
        text = paragraph(rng)
        parts.append(text)
        size += len(text.encode("utf-8"))
        if rng.random() < 0.2:
            parts.append("Baca juga: " + sentence(rng))
        if rng.random() < 0.1:
            parts.append("ADVERTISEMENT")
    corpus = build_corpus()
    source = Source("megabyte", "megabyte.txt", "\n\n".join(parts), "megabyte")
    corpus.articles.append(process_source(source))
    return corpus


async def open_megabyte(runs: int) -> dict[str, list[float]]:
    """Seconds to open the 1 MB article (first screen drawn) and to show its removed lines."""
    from kabar_tui.ui.app import KabarApp

    corpus = megabyte_article_corpus()
    article = corpus.articles[-1]
    app = KabarApp(corpus=corpus)
    figures: dict[str, list[float]] = {"open": [], "removed": [], "bottom": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.jump(corpus.articles[0].id, 0)  # mount the reader once
        await pilot.pause()
        view = app.reader.view
        height = view.scrollable_content_region.height
        for _ in range(runs):
            view.show_removed = False
            view.forget_layouts()
            started = time.perf_counter()
            app.jump(article.id, 0)
            for y in range(height):
                view.render_line(y)
            figures["open"].append(time.perf_counter() - started)
            await pilot.pause()
            started = time.perf_counter()
            view.action_toggle_removed()
            for y in range(height):
                view.render_line(y)
            figures["removed"].append(time.perf_counter() - started)
            started = time.perf_counter()
            view.action_last_paragraph()
            for y in range(height):
                view.render_line(y)
            figures["bottom"].append(time.perf_counter() - started)
            await pilot.pause()
        print(
            f"(1 MB article: {len(article.paragraphs)} paragraphs, "
            f"{len(article.removed)} removed lines)"
        )
        await pilot.press("Q")
    return figures


def hand_made_corpus(size: int):
    """`size` articles from ten outlets over a year, generated titles, no paragraphs."""
    import random
    from datetime import datetime, timedelta

    from benchmarks.textgen import sentence
    from kabar_tui.core.model import Article, Corpus

    outlets = ["detik", "kompas", "tempo", "cnnindonesia", "antaranews", "tribunnews"]
    outlets += ["liputan6", "okezone", "republika", "kumparan"]
    start = datetime(2025, 1, 1, 6, 0)
    rng = random.Random(0)
    articles = [
        Article(
            id=f"a{n}",
            path=f"a{n}.txt",
            title=sentence(rng),
            paragraphs=[],
            outlet=outlets[n % len(outlets)],
            author=f"Penulis {n % 37}",
            published=start + timedelta(minutes=53 * n),
        )
        for n in range(size)
    ]
    return Corpus(articles=articles)


async def filter_and_sort(size: int, runs: int) -> dict[str, list[float]]:
    """Seconds to rebuild the list and draw its visible rows after a keystroke or a sort."""
    from textual.widgets import Input

    from kabar_tui.ui.app import KabarApp

    app = KabarApp(corpus=hand_made_corpus(size))
    figures: dict[str, list[float]] = {"filter": [], "sort": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.list_screen
        listing = screen.query_one("#articles")
        filter_input = screen.query_one("#filter", Input)

        def rebuilt(change) -> float:
            started = time.perf_counter()
            change()
            screen.refresh_articles()
            for y in range(listing.scrollable_content_region.height):
                listing.render_line(y)
            return time.perf_counter() - started

        for _ in range(runs):
            for typed in ("p", "pe", "pem", "pe", "p", ""):
                figures["filter"].append(rebuilt(partial(setattr, filter_input, "value", typed)))
                await pilot.pause()
            figures["sort"].append(rebuilt(screen.action_toggle_sort))
            await pilot.pause()
        await pilot.press("q")
    return figures


def first_frame(which: str) -> int:
    """Run `kabar` (the command line, the seeds) or the bare app until the first frame is
    drawn, then exit: the whole process is the figure, start-up imports included."""
    if which == "floor":
        from textual.app import App
        from textual.widgets import Static

        class Floor(App[None]):
            def compose(self):
                yield Static("floor")

            def on_mount(self) -> None:
                self.call_after_refresh(self.exit)

        Floor().run()
        return 0
    from kabar_tui.cli import main as kabar
    from kabar_tui.ui.app import KabarApp

    # The reader starts loading right after its first frame: it leaves then instead.
    KabarApp.load_corpus = KabarApp.exit  # type: ignore[method-assign]
    return kabar([])


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--paragraphs", type=int, default=2000)
    parser.add_argument("--list-sizes", default="1000,10000")
    parser.add_argument("--only-list", action="store_true", help="time the article list only")
    parser.add_argument("--only-megabyte", action="store_true", help="time the 1 MB article only")
    parser.add_argument("--first-frame", choices=("kabar", "floor"))
    args = parser.parse_args()
    if args.first_frame:
        return first_frame(args.first_frame)
    if args.only_megabyte:
        figures = asyncio.run(open_megabyte(args.runs))
        print(f"open a 1 MB article:               {ms(figures['open'])}  (goal < 1 s)")
        print(f"its removed lines shown:           {ms(figures['removed'])}  (goal < 1 s)")
        print(f"then to its last paragraph:        {ms(figures['bottom'])}")
        return 0
    for size in (int(n) for n in args.list_sizes.split(",") if n):
        figures = asyncio.run(filter_and_sort(size, args.runs))
        print(f"list of {size:>6}, filter keystroke: {ms(figures['filter'])}")
        print(f"list of {size:>6}, sort change:      {ms(figures['sort'])}")
    if args.only_list:
        return 0
    floor = [time_to_paint(FLOOR_CHILD) for _ in range(args.runs)]
    kabar = [time_to_paint(KABAR_CHILD) for _ in range(args.runs)]
    print(f"startup, bare textual app (floor): {ms(floor)}")
    print(f"startup to first paint, seeds:     {ms(kabar)}  (goal <= 350 ms)")
    figures = asyncio.run(open_and_scroll(args.paragraphs, args.runs))
    print(f"open an article (seeds):           {ms(figures['open'])}  (goal <= 100 ms)")
    print(f"open a {args.paragraphs}-paragraph article:   {ms(figures['open_long'])}")
    print(f"scroll one page, CPU (long):       {ms(figures['scroll_cpu'])}  (goal <= 10 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
