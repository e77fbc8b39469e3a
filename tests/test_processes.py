"""Stopping: worker processes die with their parent, signals restore the terminal and end
with 128 + the signal's number, quitting while loading keeps what was stored.

Real processes throughout: `kabar` in a subprocess or in a pseudo-terminal, killed for real.
Bounds on waiting are for liveness only (a hung test fails instead of hanging), never for speed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from benchmarks.corpus import raw_articles
from benchmarks.terminal_session import (
    ENTER_ALT_SCREEN,
    HIDE_CURSOR,
    LEAVE_ALT_SCREEN,
    SHOW_CURSOR,
    TerminalSession,
    kabar_argv,
)
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import IndexCancelled, index_corpus
from kabar_tui.core.model import Article
from kabar_tui.core.store.storage import DB_NAME
from kabar_tui.ui.app import KabarApp

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux)"
)

LIVENESS_SECONDS = 60.0  # a generous bound: only a process that never goes fails it
PROGRESS = re.compile(rb"Reading articles\xe2\x80\xa6 [1-9]\d*/")


def write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in raw_articles(count, seed=12):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus_300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More files than IndexOptions.parallel_min_files: processed in worker processes."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "news", 300)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def alive(pids: set[int]) -> set[int]:
    """The processes still running (a zombie has ended; only its exit status is left)."""
    return {pid for pid in pids if (stat := _stat(pid)) is not None and stat[0] != "Z"}


def descendants(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[1]
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def wait_until(condition, seconds: float = LIVENESS_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def kill_all(pids: set[int]) -> None:
    """Clean up after a failing test: no process of ours outlives it."""
    for pid in alive(pids):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own, turned on, for this process and the `kabar` it starts."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("KABAR_CACHE_DIR", str(folder))
    monkeypatch.delenv("KABAR_NO_CACHE")
    return folder


# -- worker processes die with their parent ----------------------------------------------


def test_index_workers_die_when_index_is_killed(corpus_300: Path) -> None:
    index = subprocess.Popen(
        [*kabar_argv("index", str(corpus_300), "--workers", "2", "--no-cache")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        assert wait_until(lambda: len(descendants(index.pid)) >= 2), "no worker processes"
        workers = descendants(index.pid)
        index.kill()
        index.wait()
        assert wait_until(lambda: not alive(workers)), f"left running: {alive(workers)}"
    finally:
        index.kill()
        kill_all(workers)


@pytest.mark.skipif(pipeline.available_cores() < 2, reason="the reader uses one process here")
def test_reader_workers_die_when_reader_is_killed(corpus_300: Path) -> None:
    """Under a shell-like parent, as over SSH: the kernel does not hang up the workers."""
    shell = [sys.executable, "-c", "import subprocess, sys; subprocess.run(sys.argv[1:])"]
    with TerminalSession([*shell, *kabar_argv(str(corpus_300))]) as session:
        assert wait_until(lambda: len(descendants(session.pid)) >= 4), "no worker processes"
        (reader,) = {pid for pid in descendants(session.pid) if _stat(pid)[1] == session.pid}
        helpers = descendants(reader)  # fork server, workers, resource tracker
        os.kill(reader, signal.SIGKILL)
        try:
            assert wait_until(lambda: not alive(helpers)), f"left running: {alive(helpers)}"
        finally:
            kill_all(helpers)


WATCHED_POOL = """
import multiprocessing, sys, time
from concurrent.futures import ProcessPoolExecutor
from kabar_tui.core.processes.workers import watch_parent

context = multiprocessing.get_context(sys.argv[1])
pool = ProcessPoolExecutor(2, mp_context=context, initializer=watch_parent)
futures = [pool.submit(time.sleep, 600) for _ in range(2)]
while len(pool._processes) < 2:
    time.sleep(0.01)
print(*pool._processes, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_watcher_thread_alone_ends_workers_of_a_killed_parent(method: str) -> None:
    """The portable fallback, without Linux's death signal, for each start method."""
    parent = subprocess.Popen(
        [sys.executable, "-c", WATCHED_POOL, method], stdout=subprocess.PIPE, text=True
    )
    workers: set[int] = set()
    try:
        assert parent.stdout is not None
        workers = {int(pid) for pid in parent.stdout.readline().split()}
        assert len(workers) == 2
        parent.kill()
        parent.wait()
        assert wait_until(lambda: not alive(workers)), f"left running: {alive(workers)}"
    finally:
        parent.kill()
        kill_all(workers | descendants(parent.pid))


LINKING_WORKERS = """
import os, time
from benchmarks.bench_linking import generate
from kabar_tui.core.corpus import linking, linking_workers

def stay(*args):  # this process, linking beside the spawned workers
    print("started", flush=True)
    time.sleep(600)

linking._take_ranges = stay
linking_workers.__name__ = "staying_job"  # the job the spawned workers run
linking.LinkIndex.build(generate(20, seed=1)[0], workers=3)
"""

STAYING_JOB = """
import time

def work(inbound):
    inbound.read()
    time.sleep(600)
"""


def test_linking_workers_die_when_their_parent_is_killed(tmp_path: Path) -> None:
    """The cross-article stage spawns its own workers: they must not outlive `kabar`
    either."""
    (tmp_path / "staying_job.py").write_text(STAYING_JOB)
    parent = subprocess.Popen(
        [sys.executable, "-c", LINKING_WORKERS],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    workers: set[int] = set()
    try:
        assert parent.stdout is not None
        assert parent.stdout.readline() == "started\n"
        assert wait_until(lambda: len(descendants(parent.pid)) == 2)
        workers = descendants(parent.pid)
        parent.kill()
        parent.wait()
        assert wait_until(lambda: not alive(workers)), f"left running: {alive(workers)}"
    finally:
        parent.kill()
        kill_all(workers | descendants(parent.pid))


# -- cancelling the pipeline -------------------------------------------------------------


def cancel_after_first_batch(event: threading.Event, arrived: list[Article]):
    def on_articles(articles: list[Article]) -> None:
        arrived.extend(articles)
        event.set()

    return on_articles


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_indexing_and_keeps_what_was_processed(
    corpus_300: Path, cache: Path, workers: int
) -> None:
    cancel = threading.Event()
    arrived: list[Article] = []
    with pytest.raises(IndexCancelled):
        index_corpus(
            [corpus_300],
            workers=workers,
            on_articles=cancel_after_first_batch(cancel, arrived),
            cancel=cancel,
        )
    assert 0 < len(arrived) < 300
    # The workers stopped after their current article, and no process is left.
    assert wait_until(lambda: not multiprocessing.active_children())
    again = index_corpus([corpus_300], workers=workers)
    assert (again.from_cache, again.processed) == (len(arrived), 300 - len(arrived))
    assert len(again.corpus.articles) == 300


def test_cancel_before_anything_is_read(corpus_300: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(IndexCancelled):
        index_corpus([corpus_300], cache=False, cancel=cancel)


async def test_quitting_while_loading_stops_the_loading(corpus_300: Path, cache: Path) -> None:
    app = KabarApp(paths=[corpus_300])
    async with app.run_test() as pilot:
        deadline = time.monotonic() + LIVENESS_SECONDS
        while not (len(app.catalog) or app.linked) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert len(app.catalog) and not app.linked, "loaded before the test could quit"
        await pilot.press("q")
    assert app.stop_loading(LIVENESS_SECONDS), "the loading thread is still running"
    assert not app.linked
    assert wait_until(lambda: not multiprocessing.active_children())
    again = index_corpus([corpus_300])
    assert again.from_cache >= len(app.catalog) > 0


# -- signals and quitting in a real terminal ---------------------------------------------


def restored(output: bytes) -> bool:
    """Left the alternate screen after last entering it, and the cursor is shown."""
    left = output.rfind(LEAVE_ALT_SCREEN) > output.rfind(ENTER_ALT_SCREEN)
    return left and output.rfind(SHOW_CURSOR) > output.rfind(HIDE_CURSOR)


def started_reader(session: TerminalSession) -> None:
    assert session.wait_for(ENTER_ALT_SCREEN, LIVENESS_SECONDS), session.text()[-500:]
    assert session.wait_for(b"Reading articles", LIVENESS_SECONDS), session.text()[-500:]


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_signal_restores_the_terminal_and_exits_128_plus_n(corpus_300: Path, name: str) -> None:
    signum = getattr(signal, name)
    with TerminalSession(kabar_argv(str(corpus_300))) as session:
        started_reader(session)
        session.signal(signum)
        assert session.wait(LIVENESS_SECONDS) == 128 + signum, session.diagnosis()
        output = session.text()
    assert restored(output), output[-300:]
    assert b"Traceback" not in output


def test_hang_up_ends_the_reader(corpus_300: Path) -> None:
    """An SSH drop: the terminal disappears, the kernel sends SIGHUP (and SIGCONT); nothing
    to restore. It used to hang about once in ten runs under load (ui/terminal_driver.py)."""
    with TerminalSession(kabar_argv(str(corpus_300))) as session:
        started_reader(session)
        session.hang_up()
        assert session.wait(LIVENESS_SECONDS) == 128 + signal.SIGHUP, session.diagnosis()


def test_a_reader_that_does_not_end_says_where_it_waits(corpus_300: Path) -> None:
    """What a hung test prints: every process of the session, and the reader's threads'
    Python stacks, which it writes on SIGUSR1 (KABAR_STACKS, set by the session)."""
    with TerminalSession(kabar_argv(str(corpus_300))) as session:
        started_reader(session)
        diagnosis = session.diagnosis()
        assert session.process.poll() is None  # SIGUSR1 did not end it
    assert f"stacks of {session.pid} (faulthandler):" in diagnosis, diagnosis
    assert 'kabar_tui/cli/__init__.py", line' in diagnosis, diagnosis  # faulthandler's form


def stopped(pid: int) -> bool:
    return (stat := _stat(pid)) is not None and stat[0] == "T"


def test_sigcont_alone_leaves_the_terminal_as_it_is(corpus_300: Path) -> None:
    """A hang-up comes with SIGCONT: Textual took it for the end of a Ctrl-Z and took the
    terminal again (a second output thread, on a dead terminal, that blocked the exit)."""
    with TerminalSession(kabar_argv(str(corpus_300))) as session:
        started_reader(session)
        session.signal(signal.SIGCONT)
        session.type(b"q")
        assert session.wait(LIVENESS_SECONDS) == 0, session.diagnosis()
        output = session.text()
    assert output.count(ENTER_ALT_SCREEN) == 1, output[-300:]
    assert restored(output), output[-300:]


def test_ctrl_z_then_fg_takes_the_terminal_again(corpus_300: Path) -> None:
    with TerminalSession(kabar_argv(str(corpus_300))) as session:
        started_reader(session)
        session.signal(signal.SIGTSTP)  # what Ctrl-Z sends
        assert wait_until(lambda: stopped(session.pid)), session.diagnosis()
        assert wait_until(lambda: restored(session.text())), session.text()[-300:]
        session.signal(signal.SIGCONT)  # what `fg` sends
        assert wait_until(lambda: session.text().count(ENTER_ALT_SCREEN) == 2)
        session.type(b"q")
        assert session.wait(LIVENESS_SECONDS) == 0, session.diagnosis()
        output = session.text()
    assert restored(output), output[-300:]


def stored_articles(cache: Path) -> int:
    """Articles committed to the cache so far (0 while it is not there yet)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{cache / DB_NAME}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_q_while_loading_returns_and_keeps_the_stored_articles(
    corpus_300: Path, cache: Path
) -> None:
    with TerminalSession(kabar_argv(str(corpus_300)), dict(os.environ)) as session:
        started_reader(session)
        assert wait_until(lambda: PROGRESS.search(session.text()) is not None)
        # Articles shown as read may still be on their way to the cache: wait for some to be
        # committed, so the test is about keeping them, not about how fast a busy machine stores.
        assert wait_until(lambda: stored_articles(cache) > 0)
        stored = stored_articles(cache)
        session.type(b"q")
        assert session.wait(LIVENESS_SECONDS) == 0, session.diagnosis()
        output = session.text()
    assert restored(output), output[-300:]
    assert b"Traceback" not in output
    report = index_corpus([corpus_300])
    assert report.from_cache >= stored
    assert len(report.corpus.articles) == 300


def test_index_sigterm_gives_the_cursor_back_and_keeps_the_cache_consistent(
    corpus_300: Path, cache: Path
) -> None:
    argv = kabar_argv("index", str(corpus_300), "--workers", "2")
    with TerminalSession(argv, dict(os.environ)) as session:
        assert wait_until(lambda: re.search(rb" [1-9]\d*/300", session.text()) is not None)
        session.signal(signal.SIGTERM)
        assert session.wait(LIVENESS_SECONDS) == 128 + signal.SIGTERM, session.diagnosis()
        output = session.text()
    assert output.rfind(SHOW_CURSOR) > output.rfind(HIDE_CURSOR) >= 0
    assert b"Traceback" not in output
    report = index_corpus([corpus_300])
    assert report.from_cache > 0 and not report.corpus.problems
    assert len(report.corpus.articles) == 300
