"""First index of a folder, whole process: wall, CPU, and peak memory of `kabar` AND its workers.

    python -m benchmarks.corpus 10000 DIR
    python benchmarks/bench_first_index.py DIR [--runs 1] [--timeout 900] [--workers N] [--stages]
    PYTHONPATH=/path/to/other/checkout python benchmarks/bench_first_index.py DIR  # before

Runs `python -m kabar_tui index DIR` with an empty cache folder each time (a first index),
and samples the process tree from /proc every 50 ms: the resident size of the main
process, of the largest worker, and of the whole tree at once (RSS counts pages shared
by forked processes in each of them, so the tree sum overstates; its proportional size,
PSS, splits them and is sampled every 0.5 s). CPU is the operating system's account of
every process waited for (the workers included). With `--stages` the command run is
`python -m benchmarks.index_stages DIR`, the same indexing, which also prints the time
of each stage. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:
            return [int(child) for child in listing.read().split()]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(_children(current))
    return found


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_once(
    folder: Path, workers: int | None, timeout: float, stages: bool = False
) -> dict[str, float | str]:
    cache = Path(tempfile.mkdtemp(prefix="kabar-first-index-"))
    env = dict(os.environ, KABAR_CACHE_DIR=str(cache))
    env.pop("KABAR_NO_CACHE", None)
    program = ["benchmarks.index_stages"] if stages else ["kabar_tui", "index"]
    command = [sys.executable, "-m", *program, str(folder)]
    if workers:
        command += ["--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peaks = {"main_mb": 0.0, "worker_mb": 0.0, "tree_rss_mb": 0.0, "tree_pss_mb": 0.0}
    last_pss = 0.0
    status = "ok"
    try:
        while child.poll() is None:
            if time.perf_counter() - started > timeout:
                status = f"killed after {timeout:.0f} s"
                for pid in reversed(_tree(child.pid)):
                    _kill(pid)
                break
            pids = _tree(child.pid)
            sizes = [_rss_mb(pid) for pid in pids]
            peaks["main_mb"] = max(peaks["main_mb"], sizes[0])
            peaks["worker_mb"] = max(peaks["worker_mb"], max(sizes[1:], default=0.0))
            peaks["tree_rss_mb"] = max(peaks["tree_rss_mb"], sum(sizes))
            now = time.perf_counter()
            if now - last_pss >= 0.5:
                last_pss = now
                peaks["tree_pss_mb"] = max(peaks["tree_pss_mb"], sum(map(_pss_mb, pids)))
            time.sleep(0.05)
        output = child.communicate()[0].decode(errors="replace").strip()
    finally:
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        size = sum(p.stat().st_size for p in cache.iterdir()) / 1e6 if cache.exists() else 0.0
        shutil.rmtree(cache, ignore_errors=True)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "status": status,
        "wall_s": wall,
        "cpu_s": cpu,
        "max_rss_mb": after.ru_maxrss / 1024,  # largest process waited for, kernel's account
        "cache_mb": size,
        "output": output.splitlines()[-1] if output else "",
        **peaks,
    }


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):  # already gone
        os.kill(pid, 9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--stages", action="store_true", help="also time each stage")
    args = parser.parse_args()
    count = sum(1 for _ in args.folder.iterdir())
    for number in range(args.runs):
        load = os.getloadavg()[0]
        figures = run_once(args.folder, args.workers, args.timeout, args.stages)
        print(
            f"first index of {count:,} files, run {number + 1}: {figures['status']}, "
            f"{figures['wall_s']:.1f} s wall, {figures['cpu_s']:.1f} s CPU (all processes); "
            f"peak RSS main {figures['main_mb']:.0f} MB, largest worker "
            f"{figures['worker_mb']:.0f} MB, whole tree {figures['tree_rss_mb']:.0f} MB RSS / "
            f"{figures['tree_pss_mb']:.0f} MB PSS; cache file {figures['cache_mb']:.0f} MB; "
            f"load average {load:.1f} at start, {os.getloadavg()[0]:.1f} at end\n"
            f"  kabar said: {figures['output']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
