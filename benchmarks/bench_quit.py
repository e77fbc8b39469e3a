"""How long from `q` or a signal to the shell prompt while a big corpus is still loading.

    python benchmarks/bench_quit.py [--articles 10000] [--keep DIR] [--only NAME ...]

Generated articles (benchmarks/corpus.py) are written to disk; every run is the real
`kabar` in a pseudo-terminal (benchmarks/terminal_session.py), stopped at a known point:

- reader/processing: a cold cache, articles being processed in worker processes;
- reader/linking: every article cached but one changed file, so the cross-article stage
  (links, stories, names) runs over the whole corpus;
- reader/loaded: everything linked and cached (a full `kabar index` first), quit once
  the corpus has been read and its search index built (`--loaded-after` seconds);
- index/processing: `kabar index` with a cold cache.

For each it prints the seconds from the key or signal to the process's exit (when the
shell prompt comes back), the exit code, whether the terminal was left in its normal
screen with the cursor shown, and how many of its processes were still there afterwards.
In a pty the command leads its own session, so its end hangs up its process group and
says nothing about orphaned workers; `index-detached/processing/SIGKILL` does: `kabar
index` outside any terminal, SIGKILLed, and the seconds until its workers are gone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import raw_articles  # noqa: E402
from benchmarks.terminal_session import (  # noqa: E402
    ENTER_ALT_SCREEN,
    HIDE_CURSOR,
    LEAVE_ALT_SCREEN,
    SHOW_CURSOR,
    TerminalSession,
    kabar_argv,
)

GIVE_UP_SECONDS = 900.0
ORPHAN_WATCH_SECONDS = 120.0  # how long to watch for workers outliving a killed parent
PROCESSING = re.compile(rb"Reading articles\xe2\x80\xa6 [1-9]\d*/")
LINKING = b"Linking stories"
INDEX_PROCESSING = re.compile(rb"processing.*? [1-9]\d*/\d+")
ACTIONS = {
    "q": None,
    "SIGTERM": signal.SIGTERM,
    "SIGHUP": signal.SIGHUP,
    "SIGINT": signal.SIGINT,
}


def write_corpus(folder: Path, count: int) -> None:
    if len(list(folder.glob("*.txt"))) == count:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in raw_articles(count):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")


def environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ, KABAR_CACHE_DIR=str(cache), TERM="xterm-256color", LANG="C.UTF-8")
    env.pop("KABAR_NO_CACHE", None)
    return env


def wait_for_pattern(session: TerminalSession, pattern: re.Pattern[bytes] | bytes) -> bool:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline and session.process.poll() is None:
        output = session.text()
        found = pattern.search(output) if isinstance(pattern, re.Pattern) else pattern in output
        if found:
            return True
        time.sleep(0.05)
    return False


def session_processes(session_id: int) -> int:
    """Live processes of the session (workers, fork server), zombies not counted."""
    listed = subprocess.run(
        ["ps", "-s", str(session_id), "-o", "stat="], capture_output=True, text=True
    ).stdout.split()
    return sum(1 for state in listed if not state.startswith("Z"))


def stop(
    session: TerminalSession,
    pattern: re.Pattern[bytes] | bytes,
    action: str,
    settle: float = 0.0,
) -> dict[str, object]:
    if not wait_for_pattern(session, pattern):
        return {"error": "never reached that point"}
    time.sleep(settle)
    started = time.monotonic()
    signum = ACTIONS[action]
    if signum is None:
        session.type(b"q")
    else:
        session.signal(signum)
    code = session.wait(GIVE_UP_SECONDS)
    seconds = time.monotonic() - started
    output = session.text()
    time.sleep(1.0)
    restored = output.rfind(LEAVE_ALT_SCREEN) > output.rfind(ENTER_ALT_SCREEN)
    if ENTER_ALT_SCREEN not in output:  # `kabar index` never leaves the normal screen
        restored = True
    cursor = output.rfind(SHOW_CURSOR) >= output.rfind(HIDE_CURSOR)
    return {
        "seconds": round(seconds, 2),
        "exit": code,
        "terminal restored": restored and cursor,
        "processes left after 1 s": session_processes(session.pid),
    }


def run_reader(
    folder: Path, cache: Path, pattern, action: str, settle: float = 0.0
) -> dict[str, object]:
    with TerminalSession(kabar_argv(str(folder)), environment(cache)) as session:
        if not session.wait_for(ENTER_ALT_SCREEN, 60):
            return {"error": "the reader did not start"}
        return stop(session, pattern, action, settle)


def run_index(folder: Path, cache: Path, action: str) -> dict[str, object]:
    with TerminalSession(kabar_argv("index", str(folder)), environment(cache)) as session:
        return stop(session, INDEX_PROCESSING, action)


def run_index_detached(folder: Path, cache: Path) -> dict[str, object]:
    """SIGKILL `kabar index` (no terminal) while it processes: how long do its workers last?"""
    index = subprocess.Popen(
        kabar_argv("index", str(folder), "--workers", "2"),
        env=environment(cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while session_processes(index.pid) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2.0)  # well into processing
        index.kill()
        index.wait()
        killed = time.monotonic()
        while session_processes(index.pid) and time.monotonic() - killed < ORPHAN_WATCH_SECONDS:
            time.sleep(0.05)
        left = session_processes(index.pid)
        gone = f">{ORPHAN_WATCH_SECONDS:.0f}" if left else round(time.monotonic() - killed, 2)
        return {"seconds until its workers are gone": gone, "processes left": left}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(index.pid, signal.SIGKILL)


RUNS = [
    *(("reader", "processing", action) for action in ACTIONS),
    ("reader", "linking", "q"),
    ("reader", "linking", "SIGTERM"),
    ("reader", "loaded", "q"),
    ("index", "processing", "SIGTERM"),
    ("index-detached", "processing", "SIGKILL"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="write (or reuse) the corpus here")
    parser.add_argument("--only", nargs="*", help="run only these, e.g. reader/linking/q")
    parser.add_argument(
        "--loaded-after", type=float, default=120.0, help="seconds to let the reader load"
    )
    args = parser.parse_args()
    chosen = [run for run in RUNS if not args.only or "/".join(run) in args.only]
    with tempfile.TemporaryDirectory(prefix="kabar-bench-quit-") as scratch:
        folder = args.keep or Path(scratch) / "corpus"
        started = time.monotonic()
        write_corpus(folder, args.articles)
        print(f"{args.articles} articles in {folder} ({time.monotonic() - started:.1f} s)")
        warm = Path(scratch) / "warm-cache"
        if any(phase in ("linking", "loaded") for _, phase, _ in chosen):
            prepare_warm_cache(folder, warm)
        for command, phase, action in chosen:
            if phase == "linking":
                result = run_reader(folder, warm, LINKING, action)
            elif phase == "loaded":
                index_everything(folder, warm)
                result = run_reader(folder, warm, ENTER_ALT_SCREEN, action, args.loaded_after)
            else:
                cold = Path(tempfile.mkdtemp(dir=scratch))
                if command == "reader":
                    result = run_reader(folder, cold, PROCESSING, action)
                elif command == "index":
                    result = run_index(folder, cold, action)
                else:
                    result = run_index_detached(folder, cold)
            print(f"{f'{command}/{phase}/{action}':34} {result}", flush=True)
    return 0


def index_everything(folder: Path, cache: Path) -> None:
    subprocess.run(
        kabar_argv("index", str(folder)),
        env=environment(cache),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def prepare_warm_cache(folder: Path, cache: Path) -> None:
    """Every article cached, then one file changed (in `folder`): the next open only links."""
    started = time.monotonic()
    index_everything(folder, cache)
    changed = next(iter(sorted(folder.glob("*.txt"))))
    with changed.open("a", encoding="utf-8") as file:
        file.write(f"\nDiperbarui {time.time_ns()}.\n")
    print(f"cache filled in {time.monotonic() - started:.1f} s; changed {changed.name}")


if __name__ == "__main__":
    raise SystemExit(main())
