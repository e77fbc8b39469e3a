"""The peak resident size of each process of a command's tree, sampled from /proc every
half second (`/usr/bin/time -v` gives only the largest process's), and of their sum,
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


def _resident_mb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def main() -> None:
    start = time.perf_counter()
    process = subprocess.Popen(sys.argv[1:])
    peaks: dict[int, tuple[int, float]] = {}
    peak_sum, last, timeline = 0, -10.0, []
    while process.poll() is None:
        now = time.perf_counter() - start
        sizes = {}
        for pid in [process.pid, *_descendants(process.pid)]:
            size = _resident_mb(pid)
            if size is not None:
                sizes[pid] = size
                if size > peaks.get(pid, (0, 0.0))[0]:
                    peaks[pid] = (size, now)
        peak_sum = max(peak_sum, sum(sizes.values()))
        if now - last >= 10:
            last = now
            timeline.append((now, sizes))
        time.sleep(0.5)
    out = sys.stderr
    print(f"exit {process.returncode}, {time.perf_counter() - start:.1f} s wall", file=out)
    for pid, (size, when) in sorted(peaks.items(), key=lambda item: -item[1][0])[:12]:
        main_mark = " (main)" if pid == process.pid else ""
        print(f"peak of {pid}{main_mark}: {size} MB at {when:.0f} s", file=out)
    print(f"peak of the sum: {peak_sum} MB", file=out)
    for when, sizes in timeline:
        print(f"{when:6.0f} s  " + "  ".join(f"{p}: {s}" for p, s in sizes.items()), file=out)


if __name__ == "__main__":
    main()
