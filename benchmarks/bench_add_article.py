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
import contextlib
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


# `--pin`: the child runs `kabar index` with the processing fingerprint pinned to the
# cache's (patched in every kabar module that imported it), so a branch whose processing
# files differ reads a cache made by other code instead of processing every file again.
PINNED_INDEX = """
import sys
import kabar_tui.cli, kabar_tui.cli.index_cmd, kabar_tui.core.indexing.pipeline
from benchmarks.bench_add_article import pin_fingerprint
pin_fingerprint(sys.argv[1])
raise SystemExit(kabar_tui.cli.main(["index", sys.argv[2]]))
"""


def cache_fingerprint(cache: Path) -> str:
    """The processing fingerprint of the articles stored in the cache at `cache`."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(cache / "kabar-cache.sqlite3")) as db:
        found = db.execute("SELECT DISTINCT fingerprint FROM articles").fetchall()
    if len(found) != 1:
        raise SystemExit(f"{cache}: articles of {len(found)} fingerprints, cannot pin")
    return str(found[0][0])


def pin_fingerprint(fingerprint: str) -> None:
    """`code_fingerprint` answers `fingerprint` in every kabar module (harness only)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("kabar_tui") and hasattr(module, "code_fingerprint"):
            module.code_fingerprint = lambda: fingerprint  # type: ignore[attr-defined]


def _index_process(folder: Path, cache: Path, pin: str = "") -> tuple[float, float, str]:
    env = dict(os.environ, KABAR_CACHE_DIR=str(cache))
    env.pop("KABAR_NO_CACHE", None)
    command = [sys.executable, "-m", "kabar_tui", "index", str(folder)]
    if pin:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")]
        )
        command = [sys.executable, "-c", PINNED_INDEX, pin, str(folder)]
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


# The parts of the core call timed in CPU (`--parts`): (module, attribute, part).
# `update` holds the reads of the stored results, linking and stories; what is left of
# it is names (`resolve_digest`, the entities and quotation groups merged).
PARTS = (
    ("kabar_tui.core.indexing.pipeline", "discover_paths", "files found"),
    ("kabar_tui.core.store.storage.Storage", "prune", "prune"),
    ("kabar_tui.core.indexing.pipeline", "_read", "files checked (metadata)"),
    ("kabar_tui.core.store.storage.Storage", "arrival_order", "arrival order"),
    ("kabar_tui.core.indexing.pipeline", "_stored_size", "stored corpus looked for"),
    ("kabar_tui.core.store.storage.Storage", "load_corpus", "stored corpus looked for"),
    ("kabar_tui.core.indexing.pipeline", "plan_update", "plan (stored corpus compared)"),
    ("kabar_tui.core.indexing.pipeline", "_process", "process the new file"),
    ("kabar_tui.core.indexing.pipeline", "update", "update"),
    ("kabar_tui.core.store.storage.Storage", "stored_results", "read stored results"),
    ("kabar_tui.core.corpus.incremental", "_link", "link (with link state read)"),
    ("kabar_tui.core.corpus.incremental", "_stories", "stories"),
    ("kabar_tui.core.store.storage.Storage", "update_results", "corpus rows written"),
    ("kabar_tui.core.indexing.pipeline", "commit", "link state written"),
    ("kabar_tui.core.indexing.pipeline", "_append_search", "search append"),
    ("kabar_tui.core.indexing.pipeline", "remember_indexed", "folders' snapshot"),
)


def _timed_parts() -> tuple[dict[str, float], list[tuple[object, str, object]]]:
    """Wrap the functions of PARTS (in this process only) to add their CPU time up."""
    import importlib

    spent: dict[str, float] = {}
    undo: list[tuple[object, str, object]] = []
    for where, name, part in PARTS:
        module, _, klass = where.rpartition(".")
        owner = (
            getattr(importlib.import_module(module), klass)
            if klass[0].isupper()
            else importlib.import_module(where)
        )
        original = getattr(owner, name)

        def wrapped(*args, __original=original, __part=part, **kwargs):  # type: ignore[no-untyped-def]
            started = time.process_time()
            try:
                result = __original(*args, **kwargs)
                if hasattr(result, "__next__"):  # a generator: timed as it is consumed
                    result = _timed_iterator(result, __part, spent)
                return result
            finally:
                spent[__part] = spent.get(__part, 0.0) + time.process_time() - started

        undo.append((owner, name, original))
        setattr(owner, name, wrapped)
    return spent, undo


def _timed_iterator(items, part: str, spent: dict[str, float]):  # type: ignore[no-untyped-def]
    while True:
        started = time.process_time()
        try:
            item = next(items)
        except StopIteration:
            spent[part] = spent.get(part, 0.0) + time.process_time() - started
            return
        spent[part] = spent.get(part, 0.0) + time.process_time() - started
        yield item


def _startup_cpu() -> float:
    """CPU of a process that only starts Python and imports what `kabar index` imports
    before it looks at a file (the CLI, its index command, the pipeline)."""
    imports = "import kabar_tui.cli, kabar_tui.cli.index_cmd, kabar_tui.core.indexing.pipeline"
    spent = []
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", imports])
        _, _, usage = os.wait4(child.pid, 0)
        child.returncode = 0
        spent.append(usage.ru_utime + usage.ru_stime)
    return min(spent)


def _index_core(
    folder: Path, incremental: bool, parts: bool = False
) -> tuple[float, float, dict[str, float], int]:
    from kabar_tui.core.indexing.pipeline import index_corpus

    spent, undo = _timed_parts() if parts else ({}, [])
    try:
        cpu, wall = _own_cpu(), time.perf_counter()
        report = index_corpus([folder], keep_articles=False, incremental=incremental)
        wall, cpu = time.perf_counter() - wall, _own_cpu() - cpu
    finally:
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)
    if parts:
        inner = sum(
            spent.get(p, 0.0)
            for p in ("read stored results", "link (with link state read)", "stories")
        )
        spent["names (rest of update)"] = spent.pop("update", 0.0) - inner
        spent["rest of the call"] = cpu - sum(spent.values())
        print("  parts, CPU: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in spent.items()))
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
    folder: Path,
    repeat: int,
    full: bool,
    prefix: str = NEW_PREFIX,
    edit: str = "",
    parts: bool = False,
    caches: Path | None = None,
    pin: bool = False,
) -> dict[str, list]:
    cache = (caches or folder.parent) / f"cache-{folder.name}"
    os.environ["KABAR_CACHE_DIR"] = str(cache)
    os.environ.pop("KABAR_NO_CACHE", None)
    fingerprint = cache_fingerprint(cache) if pin else ""
    if pin:
        import kabar_tui.core.indexing.pipeline  # noqa: F401  (every module that imports it)

        pin_fingerprint(fingerprint)
        print(f"{folder.name}: processing fingerprint pinned to the cache's, {fingerprint}")
    adder = Adder(folder, prefix)
    setup = _index_process(folder, cache, fingerprint)
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
        wall, cpu, line = _index_process(folder, cache, fingerprint)
        found["process"].append((wall, cpu))
        print(f"  process: {wall:.2f} s wall, {cpu:.2f} s CPU  [{line}]", flush=True)
        adder.add()
        wall, cpu, stages, updated = _index_core(folder, True, parts)
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
    parser.add_argument(
        "--parts", action="store_true", help="print the core call's CPU split by part"
    )
    parser.add_argument(
        "--caches", type=Path, help="folder of the caches (cache-NAME), else beside each corpus"
    )
    parser.add_argument(
        "--pin", action="store_true", help="pin the processing fingerprint to the cache's"
    )
    args = parser.parse_args()
    if args.parts:
        print(f"start-up and imports of `kabar index`: {_startup_cpu():.2f} s CPU (min of 3)")
    links: dict[str, float] = {}
    prefix = FIRST_PREFIX if args.first else NEW_PREFIX
    for folder in args.folders:
        found = measure(
            folder,
            args.repeat,
            not args.no_full,
            prefix,
            args.edit or "",
            args.parts,
            args.caches,
            args.pin,
        )
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
