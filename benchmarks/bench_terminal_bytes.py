"""Bytes the reader writes to the terminal: start, open an article, scroll a page.

Runs the real `kabar` in a pseudo-terminal (the same driver as over SSH), sends keys,
and counts what comes back until the screen is quiet. Over a slow link these bytes are
the latency, so redraw storms show up here.

    python benchmarks/bench_terminal_bytes.py [--size 80x24] [--term xterm-256color xterm]
        [--theme NAME] [--lang id] [PATH ...]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Keys as a terminal sends them: open the highlighted article, move the cursor, scroll.
STEPS = [
    ("open article", "\r"),
    ("next paragraph (down)", "\x1b[B"),
    ("previous paragraph (up)", "\x1b[A"),
    ("scroll a page (PageDown)", "\x1b[6~"),
    ("scroll a page (PageDown)", "\x1b[6~"),
]


def read_until_quiet(fd: int, quiet: float, limit: float) -> tuple[int, float]:
    """Bytes read from `fd` until nothing arrives for `quiet` seconds (or `limit` passes),
    and the seconds until the last of them arrived."""
    total = 0
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        if now - last >= quiet or now - start >= limit:
            return total, last - start
        ready, _, _ = select.select([fd], [], [], quiet - (now - last))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return total, last - start
            if not chunk:
                return total, last - start
            total += len(chunk)
            last = time.monotonic()


def run_session(
    term: str, size: tuple[int, int], extra: list[str], quiet: float
) -> list[tuple[str, int, float]]:
    columns, rows = size
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM=term, COLUMNS=str(columns), LINES=str(rows))
        env.pop("COLORTERM", None)
        env["PYTHONPATH"] = str(ROOT)
        os.chdir(ROOT)
        command = [sys.executable, "-m", "kabar_tui", "--no-animation", *extra]
        os.execvpe(sys.executable, command, env)
    results = []
    try:
        results.append(("start and load", *read_until_quiet(fd, max(quiet, 1.5), 60)))
        for label, keys in STEPS:
            os.write(fd, keys.encode())
            results.append((label, *read_until_quiet(fd, quiet, 20)))
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="80x24", help="COLUMNSxROWS")
    parser.add_argument("--term", nargs="+", default=["xterm-256color", "xterm"])
    parser.add_argument("--theme")
    parser.add_argument("--lang")
    parser.add_argument("--quiet", type=float, default=0.6, help="seconds of silence = done")
    parser.add_argument("paths", nargs="*")
    args = parser.parse_args()
    columns, rows = (int(part) for part in args.size.split("x"))
    extra = [*args.paths]
    if args.theme:
        extra += ["--theme", args.theme]
    if args.lang:
        extra += ["--lang", args.lang]
    print(f"terminal {columns}x{rows}; bytes written by the reader per step")
    for term in args.term:
        print(f"\nTERM={term}")
        for label, count, seconds in run_session(term, (columns, rows), extra, args.quiet):
            print(f"  {label:<28} {count:>8,} bytes  ({seconds:5.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
