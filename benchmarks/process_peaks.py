"""The peak resident size of each process of a command's tree, sampled from /proc every
half second (`/usr/bin/time -v` gives only the largest process's), and of their sum,
each peak with its anonymous and file-backed parts (a mapped file's pages read count in
the resident size, though the kernel may drop them at any time),
with a timeline every 10 s: which process peaks when (the main process storing results,
the names' child, the search index's).

    nice python -m benchmarks.process_peaks kabar index /tmp/corpus10k

Printed to standard error. A peak shorter than half a second can be missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def _descendants(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in map(int, children.read().split()):
                    found += [child, *_descendants(child)]
    except OSError:
        pass  # gone meanwhile
    return found


def _resident_mb(pid: int) -> tuple[int, int, int] | None:
    """The resident size, and its anonymous and file-backed parts (MB)."""
    found = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "RssAnon", "RssFile"):
                    found[name] = int(value.split()[0]) // 1024
    except OSError:
        return None
    if "VmRSS" not in found:
        return None
    return found["VmRSS"], found.get("RssAnon", 0), found.get("RssFile", 0)


def main() -> None:
    start = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:])
    peaks: dict[int, tuple[int, float, int, int]] = {}
    peak_sum, peak_sum_at, peak_sum_anon, last, timeline = 0, 0.0, 0, -10.0, []
    at_peak: dict[int, tuple[int, int, int]] = {}  # each process at the sum's peak
    while process.poll() is None:
        now = time.perf_counter() - start
        sizes, anons, parts = {}, {}, {}
        for pid in [process.pid, *_descendants(process.pid)]:
            measured = _resident_mb(pid)
            if measured is not None:
                size, anon, file = measured
                sizes[pid] = size
                anons[pid] = anon
                parts[pid] = measured
                if size > peaks.get(pid, (0, 0.0, 0, 0))[0]:
                    peaks[pid] = (size, now, anon, file)
        if sum(sizes.values()) > peak_sum:
            peak_sum, peak_sum_at = sum(sizes.values()), now
            peak_sum_anon = sum(anons.values())
            at_peak = parts
        if now - last >= 10:
            last = now
            timeline.append((now, sizes))
        time.sleep(0.5)
    out = sys.stderr
    print(f"exit {process.returncode}, {time.perf_counter() - start:.1f} s wall", file=out)
    for pid, (size, when, anon, file) in sorted(peaks.items(), key=lambda item: -item[1][0])[:12]:
        main_mark = " (main)" if pid == process.pid else ""
        parts = f"anonymous {anon}, file {file}"
        print(f"peak of {pid}{main_mark}: {size} MB at {when:.0f} s ({parts})", file=out)
    print(
        f"peak of the sum: {peak_sum} MB at {peak_sum_at:.0f} s (anonymous {peak_sum_anon})",
        file=out,
    )
    for pid, (size, anon, file) in sorted(at_peak.items(), key=lambda item: -item[1][0]):
        main_mark = " (main)" if pid == process.pid else ""
        print(f"  at it, {pid}{main_mark}: {size} MB (anonymous {anon}, file {file})", file=out)
    for when, sizes in timeline:
        print(f"{when:6.0f} s  " + "  ".join(f"{p}: {s}" for p, s in sizes.items()), file=out)


if __name__ == "__main__":
    main()
