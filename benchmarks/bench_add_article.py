"""Adding one article to a cached corpus: whole `kabar index` process and the core call.

    python benchmarks/bench_add_article.py DIR/corpus-1000 DIR/corpus-10000 [--repeat 3]

Each corpus folder gets its own cache folder beside it (`cache-<folder name>`); the first
run indexes it whole (not timed) and stores the link state. Then, `--repeat` times each:

- process: a new article file (one generated with `benchmarks.corpus`, named to sort after
  the others) is written, and `python -m kabar_tui index FOLDER` runs in a child process;
  its wall time and CPU time (the kernel's account of it and its children).
- core: another new file, then `index_corpus([FOLDER], keep_articles=False)` in this
  process, with the split of the update by stage (`IndexReport.stages`).
- full: another new file, then the same call with `incremental=False`: the whole
  cross-article stage, as every run did before (it now also stores the link state);
  left out with `--no-full` (minutes at 10k).

With `--first` the new files are named to sort before every other file: in arrival
order (docs/incremental.md, "Order") they are added as those sorting last are. With
`--edit change` or `--edit remove` no file is added: each run changes (a paragraph
appended) or removes one stored file from the middle of the corpus, then times the
process, which runs the whole cross-article stage from the articles' stored digests
(docs/incremental.md, "Stored digests"). Every process run also prints its peak resident
size (the largest of the process and the children it waited for, as `/usr/bin/time`).

The new files are removed at the end (changed and removed ones put back) and the cache
copied before the runs is put back, so a run can be repeated. The machine is shared:
compare CPU times, report minimums.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import raw_articles

NEW_PREFIX = "zzz_added_"
FIRST_PREFIX = "000_added_"  # sorts before `bench_...` and any generated name


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Adder:
    """Writes new article files that sort after the corpus's, each a new text."""

    def __init__(self, folder: Path, prefix: str = NEW_PREFIX) -> None:
        self.folder = folder
        self.prefix = prefix
        self.count = len(list(folder.glob(f"{prefix}*.txt")))
        self.texts = raw_articles(200, seed=990)

    def add(self) -> Path:
        name, text = self.texts[self.count % len(self.texts)]
        path = self.folder / f"{self.prefix}{self.count:04d}_{name}.txt"
        path.write_text(text, encoding="utf-8")
        self.count += 1
        return path


def _index_process(folder: Path, cache: Path) -> tuple[float, float, str]:
    env = dict(os.environ, KABAR_CACHE_DIR=str(cache))
    env.pop("KABAR_NO_CACHE", None)
    command = [sys.executable, "-m", "kabar_tui", "index", str(folder)]
    wall = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above
        wall = time.perf_counter() - wall
        output.seek(0)
        lines = output.read().decode(errors="replace").strip().splitlines() or [""]
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, f"{lines[-1]}; peak {usage.ru_maxrss / 1024:.0f} MB"


def _index_core(folder: Path, incremental: bool) -> tuple[float, float, dict[str, float], int]:
    from kabar_tui.core.pipeline import index_corpus

    cpu, wall = _own_cpu(), time.perf_counter()
    report = index_corpus([folder], keep_articles=False, incremental=incremental)
    wall, cpu = time.perf_counter() - wall, _own_cpu() - cpu
    stages = dict(report.stages.wall)
    stages["process new files"] = report.process_seconds
    if not report.updated:
        stages["whole cross-article stage"] = report.finish_seconds
    return wall, cpu, stages, report.updated


def measure_edits(folder: Path, cache: Path, repeat: int, edit: str) -> dict[str, list]:
    """Change or remove one stored file from the middle per run; time the process."""
    files = sorted(folder.glob("*.txt"))
    saved = folder.parent / f"{folder.name}-edited"
    saved.mkdir(exist_ok=True)
    found: dict[str, list] = {"process": []}
    try:
        for run in range(repeat):
            path = files[len(files) // 2 + run]
            shutil.copy2(path, saved / path.name)
            if edit == "remove":
                path.unlink()
            else:
                text = path.read_text(encoding="utf-8")
                path.write_text(text + "\nParagraf tambahan dari redaksi.\n", encoding="utf-8")
            wall, cpu, line = _index_process(folder, cache)
            found["process"].append((wall, cpu))
            print(f"  {edit} {path.name}: {wall:.2f} s wall, {cpu:.2f} s CPU  [{line}]")
    finally:
        for copy in saved.glob("*.txt"):
            shutil.copy2(copy, folder / copy.name)
        shutil.rmtree(saved)
    return found


def measure(
    folder: Path, repeat: int, full: bool, prefix: str = NEW_PREFIX, edit: str = ""
) -> dict[str, list]:
    cache = folder.parent / f"cache-{folder.name}"
    os.environ["KABAR_CACHE_DIR"] = str(cache)
    os.environ.pop("KABAR_NO_CACHE", None)
    adder = Adder(folder, prefix)
    setup = _index_process(folder, cache)
    print(f"{folder.name}: cached ({setup[2]}; {setup[0]:.1f} s wall, {setup[1]:.1f} s CPU)")
    kept = cache.with_name(f"{cache.name}-kept")
    shutil.rmtree(kept, ignore_errors=True)
    shutil.copytree(cache, kept)
    if edit:
        found = measure_edits(folder, cache, repeat, edit)
        shutil.rmtree(cache)
        kept.rename(cache)
        return found
    found = {"process": [], "core": [], "full": [], "stages": []}
    for _ in range(repeat):
        adder.add()
        wall, cpu, line = _index_process(folder, cache)
        found["process"].append((wall, cpu))
        print(f"  process: {wall:.2f} s wall, {cpu:.2f} s CPU  [{line}]", flush=True)
        adder.add()
        wall, cpu, stages, updated = _index_core(folder, True)
        found["core"].append((wall, cpu))
        found["stages"].append(stages)
        split = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in stages.items())
        print(f"  core ({updated} added): {wall:.2f} s wall, {cpu:.2f} s CPU; {split}", flush=True)
    if full:
        adder.add()
        wall, cpu, stages, _ = _index_core(folder, False)
        found["full"].append((wall, cpu))
        print(f"  full stage: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    for path in folder.glob(f"{prefix}*.txt"):
        path.unlink()
    shutil.rmtree(cache)
    kept.rename(cache)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-full", action="store_true", help="skip the whole-stage run")
    parser.add_argument(
        "--first", action="store_true", help="new files named to sort before every other"
    )
    parser.add_argument(
        "--edit", choices=("change", "remove"), help="change or remove a stored file instead"
    )
    args = parser.parse_args()
    links: dict[str, float] = {}
    prefix = FIRST_PREFIX if args.first else NEW_PREFIX
    for folder in args.folders:
        found = measure(folder, args.repeat, not args.no_full, prefix, args.edit or "")
        if args.edit:
            print(f"{folder.name} {args.edit}, minimum: ", end="")
            print(f"{min(w for w, _ in found['process']):.2f} s wall, ", end="")
            print(f"{min(c for _, c in found['process']):.2f} s CPU")
            continue
        print(f"{folder.name} minimums:")
        for what in ("process", "core", "full")[: 2 if args.no_full else 3]:
            wall = min(w for w, _ in found[what])
            cpu = min(c for _, c in found[what])
            print(f"  {what}: {wall:.2f} s wall, {cpu:.2f} s CPU")
        stages = found["stages"]
        for stage in stages[0]:
            print(f"  stage {stage}: {min(s[stage] for s in stages) * 1000:.0f} ms (min)")
        links[folder.name] = statistics.median(s["link"] for s in stages)
    if len(links) > 1:
        smallest = min(links.values())
        ratios = ", ".join(
            f"{name} {t * 1000:.1f} ms ({t / smallest:.2f}x)" for name, t in links.items()
        )
        print(f"linking one added article (median): {ratios}")


if __name__ == "__main__":
    main()
