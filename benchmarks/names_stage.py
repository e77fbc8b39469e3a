"""Name resolution as the first index runs it (`pipeline._resolve`, with a link index
handed to `on_linked`), on the digests a first index stored: the peak resident size of
the names process and of the main process, and CPU (docs/indexing.md, "namespawn");
`quotes`: the same for quotation grouping (`pipeline._start_quote_grouping`, "quotespawn").

    nice python -m benchmarks.names_stage prepare CACHE_FILE FOLDER
    nice python -m benchmarks.names_stage run FOLDER [--link] [--parts]
    nice python -m benchmarks.names_stage quotes FOLDER
    nice python -m benchmarks.names_stage child FOLDER INPUT_FILE
    PYTHONPATH=OTHER_CHECKOUT nice python benchmarks/names_stage.py run FOLDER

`prepare` reads a copy of a first index's cache (its one corpus; read only, with SQLite:
no code fingerprint is checked, so the digests of a cache made by other code serve): each
article's stored digest, let go of its rest (`unpack_held_digest`, as the first index
holds them: passages kept, the rest packed), the stored stories, and the quotation group
numbers (`quote_group_numbers`, worked out here once), pickled into FOLDER; and a hash of
the stored resolution (every article's mention and speaker names, entities, quotation
groups), which `run` compares with the one it resolves.

`run` loads them, resets this process's peak (VmHWM), and runs `_resolve` of the code on
the path (this checkout's, or another's through PYTHONPATH: main's forks a child, this
branch's spawns one) with `on_linked` doing nothing; the main process holds the digests
with their passages (as through linking), or with `--link` the link index built from
them (the first index's state, slower: linking at 100k is minutes). Prints the peak of
this process, CPU of it and its children, and whether the resolution is the stored one;
`--parts`: then the memory each of its parts holds as received (names, each mention's
name code, speakers, entities, quotation groups).
For the names process's peak run it under `python -m benchmarks.process_peaks`: the
largest child's `ru_maxrss`, printed too, is a forked child's peak, but a spawned one's
counts its parent's size at exec (Linux keeps the high-water mark across exec).

`child` runs the names process alone on the input `run` sends it (written to INPUT_FILE
by a process of its own, then given as its standard input; its answer is counted, not
read), from this small process: its `ru_maxrss` is then its own peak (a spawned
process's counts its parent's size at exec), with its CPU (docs/indexing.md,
"namesmem").

`quotes` loads them as `run` does and starts quotation grouping as the cross-article
stage's first step does (main's code forks a child that unpacks the rest in its copy,
this branch's spawns one sent the packed rests), waits for the numbers and compares them
with those `prepare` worked out; the main process holds the digests with their passages,
as when grouping starts, and does nothing else meanwhile.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import operator
import os
import pickle
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, os.environ.get("PYTHONPATH") or str(Path(__file__).resolve().parent.parent))

from kabar_tui.core.corpus import digest as digest_module
from kabar_tui.core.corpus import names_process
from kabar_tui.core.corpus.digest import (
    ArticleDigest,
    CorpusDigest,
    unpack_held_digest,
    unpack_rest,
)
from kabar_tui.core.corpus.quote_grouping import quote_group_numbers
from kabar_tui.core.corpus.resolve import Resolution
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.model import Story
from kabar_tui.core.processes import spawned
from kabar_tui.core.store.storage import (
    _corpus_tables,
    _entities,
    _quote_groups,
    _stories,
    unpack_names,
)

INPUT = "names_input.pickle"
EXPECTED = "names_expected.txt"


def _status(field: str) -> int:
    """A `/proc/self/status` figure, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    raise KeyError(field)


def _hash(mentions: list, speakers: list, entities: list, groups: list) -> str:
    """Per article its mentions' and speakers' canonical names, then entities and quotation
    groups, in order."""
    found = hashlib.sha256()
    for part in (mentions, speakers, entities, groups):
        for item in part:
            found.update(repr(item).encode("utf-8", "surrogatepass"))
        found.update(b"|")
    return found.hexdigest()[:16]


def _resolution_hash(resolution: Resolution) -> str:
    names = resolution.names
    mentions = [[names[code] for code in codes] for codes in resolution.mention_names]
    return _hash(mentions, resolution.speakers, resolution.entities, resolution.quote_groups)


def stored_digests(db: sqlite3.Connection, corpus: int) -> sqlite3.Cursor:
    """(article id, path, content hash, title, packed digest) of each article of a stored
    corpus, in corpus order."""
    return db.execute(
        "SELECT w.article_id, a.path, a.content_hash, a.title, d.data "
        "FROM corpus_articles w JOIN articles a ON a.id = w.article "
        "JOIN article_digests d ON d.article = a.id WHERE w.corpus = ? ORDER BY w.position",
        (corpus,),
    )


def prepare(cache: Path, folder: Path, copies: int = 1) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(f"file:{cache}?mode=ro", uri=True)
    [(corpus,)] = db.execute("SELECT id FROM corpora")
    tables = _corpus_tables(db, corpus)
    names = [text for _, text in tables["names"]]
    ids = [article_id for _, _, article_id in tables["corpus_articles"]]
    stored = _stories(tables, ids)
    digest = CorpusDigest()
    held: dict[str, bytes] = {}
    paths = []
    stories = []
    for copy in range(copies):  # each copy unpacked again: objects of its own, as read
        tail = f"~{copy}" if copy else ""
        for article_id, path, content_hash, title, data in stored_digests(db, corpus):
            article, rest, _ = unpack_held_digest(
                data, article_id + tail, content_hash, title, None
            )
            digest.articles.append(article)
            held[path + tail] = rest
            paths.append(path + tail)
        stories += [Story(s.id + tail, [a + tail for a in s.articles], s.title) for s in stored]
    if [article.id for article in digest.articles[: len(ids)]] != ids:
        sys.exit("a digest is missing from article_digests")
    whole = CorpusDigest()  # the rest unpacked, for the quotation group numbers
    for path, article in zip(paths, digest.articles, strict=True):
        quotes = unpack_rest(held[path])[0]
        whole.articles.append(
            ArticleDigest(
                article.id, "", "", None, array("i"), [], array("i"), quotes, {}, Counter()
            )
        )
    numbers = quote_group_numbers(whole.articles)
    del whole
    expected = "none (copies)"
    if copies == 1:
        shared: dict[object, object] = {}
        by_position = {
            "mention_names": {
                position: [names[n] for n in unpack_names(packed)]
                for position, packed in tables["mention_names"]
            },
            "quote_speakers": {
                position: [None if n is None else names[n] for _, n in group]
                for position, group in itertools.groupby(
                    tables["quote_speakers"], key=operator.itemgetter(0)
                )
            },
        }
        expected = _hash(
            [by_position["mention_names"].get(n, []) for n in range(len(ids))],
            [by_position["quote_speakers"].get(n, []) for n in range(len(ids))],
            _entities(tables, names, ids, shared),
            _quote_groups(tables, names, ids, shared),
        )
    with (folder / INPUT).open("wb") as out:
        pickle.dump((digest.articles, held, paths, stories, numbers), out, pickle.HIGHEST_PROTOCOL)
    (folder / EXPECTED).write_text(expected + "\n")
    print(f"{len(paths):,} digests, {len(stories):,} stories, {len(numbers):,} quotations")
    print(f"stored resolution: {expected}")


class _Given:
    """The quotation group numbers, as the quotation process gives them."""

    def __init__(self, numbers: array[int]) -> None:
        self._numbers = numbers

    def result(self) -> array[int]:
        return self._numbers

    def cancel(self) -> None:
        pass


def _cpu(who: int) -> float:
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def _load(folder: Path) -> tuple[pipeline.CorpusWork, array[int]]:
    """The digests as the first index holds them (their rest packed), and the quotation
    group numbers `prepare` worked out. The pickle is read in a forked child and sent
    here a digest at a time, each held as the first index holds one as it arrives (the
    passages in the corpus's buffer, `CorpusDigest.held`; or, with code before it, the
    content words interned, `digest.shared_words`): one whole pickle read here would
    hold every digest's objects at once, then let go of, as the index never does."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out, (folder / INPUT).open("rb") as file:
                articles, *others = pickle.load(file)
                pickle.dump((len(articles), *others), out, pickle.HIGHEST_PROTOCOL)
                for article in articles:
                    pickle.dump(article, out, pickle.HIGHEST_PROTOCOL)
        finally:
            os._exit(0)
    os.close(write)
    digest = CorpusDigest()
    held_as = getattr(digest, "held", None) or digest_module.shared_words  # type: ignore[attr-defined]
    with os.fdopen(read, "rb") as pipe:
        count, held, paths, stories, numbers = pickle.load(pipe)
        for _ in range(count):
            article = pickle.load(pipe)
            # a pickle makes new empty ones: marked let go of again
            article.quotes = digest_module._NOT_HELD
            article.mentions = digest_module._NO_MENTIONS
            digest.articles.append(held_as(article))
    os.waitpid(child, 0)
    work = pipeline.CorpusWork(digest, stories=stories, on_linked=lambda index: None)
    work.read_rest = pipeline._HeldRest(held, paths)
    return work, numbers


@contextlib.contextmanager
def _measured() -> Iterator[Callable[[], float]]:
    """Runs the block with the peak (VmHWM) reset and the collector paused, then prints
    the peaks and CPU of this process and its children; gives the wall time so far."""
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the resident size now
    held_mb = _status("VmRSS")
    own, children, wall = (
        _cpu(resource.RUSAGE_SELF),
        _cpu(resource.RUSAGE_CHILDREN),
        time.perf_counter(),
    )
    with pipeline.collector_paused():
        yield lambda: time.perf_counter() - wall
    wall = time.perf_counter() - wall
    own = _cpu(resource.RUSAGE_SELF) - own
    children = _cpu(resource.RUSAGE_CHILDREN) - children
    print(f"code: {Path(pipeline.__file__).resolve().parent.parent.parent}")
    print(
        f"main process: held {held_mb} MB, peak {_status('VmHWM')} MB, after {_status('VmRSS')} MB"
    )
    # a spawned child's counts its parent's size at exec: `process_peaks` tells its own
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"largest child's ru_maxrss: {child_peak} MB")
    print(f"CPU: main {own:.1f} s, children {children:.1f} s; wall {wall:.1f} s")


def quotes(folder: Path) -> None:
    work, numbers = _load(folder)
    with _measured() as wall:
        pipeline._start_quote_grouping(work)
        started = wall()
        assert work.quote_numbers is not None, "grouped here"
        found = work.quote_numbers.result()
        work.quote_numbers.cancel()
    print(f"{started:.1f} s wall starting (sending) before linking could start")
    same = "the same" if found == numbers else "DIFFERENT"
    print(f"{len(found):,} quotation numbers, {len(set(found)):,} groups: {same} as prepared")


def run(folder: Path, link: bool, parts: bool = False) -> None:
    work, numbers = _load(folder)
    work.quote_numbers = _Given(numbers)  # type: ignore[assignment]
    if link:
        started = time.perf_counter()
        with pipeline.collector_paused():
            pipeline._link(work)
        print(f"linked: {len(work.links):,} links, {time.perf_counter() - started:.0f} s")
    else:
        work.index = object()  # type: ignore[assignment]
    with _measured():
        pipeline._resolve(work)
    assert work.resolution is not None
    found = _resolution_hash(work.resolution)
    expected = (folder / EXPECTED).read_text().strip()
    same = "the same" if found == expected else "DIFFERENT"
    if expected.startswith("none"):
        same = "not compared"
    print(f"resolution {found}, stored {expected}: {same}")
    if parts:
        _print_parts(work.resolution)


def _print_parts(resolution: Resolution) -> None:
    """The memory each part of the resolution holds, as received: each part pickled and
    unpickled alone under tracemalloc (docs/indexing.md, "resolpieces")."""
    total = 0
    for name in ("names", "mention_names", "speakers", "entities", "quote_groups"):
        data = pickle.dumps(getattr(resolution, name), pickle.HIGHEST_PROTOCOL)
        tracemalloc.start()
        part = pickle.loads(data)
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del part, data
        total += held
        print(f"  {name}: {held / 1e6:,.0f} MB ({type(getattr(resolution, name)).__name__})")
    print(f"  the resolution's parts: {total / 1e6:,.0f} MB")


def child_input(folder: Path, file: Path) -> None:
    """What `run`'s `_resolve` sends the names process, written to `file`."""
    work, numbers = _load(folder)
    with file.open("wb") as out:
        names_process._send(out, work.digest.articles, pipeline._packed_rests(work), work.stories)
        names_process._send_numbers(out, numbers)


def child(folder: Path, file: Path) -> None:
    subprocess.run([sys.executable, __file__, "child-input", str(folder), str(file)], check=True)
    env = {**os.environ, "PYTHONPATH": spawned._SOURCE}
    command = [sys.executable, "-P", "-c", spawned._CHILD, str(os.getpid()), names_process.__name__]
    with file.open("rb") as inbound:
        process = subprocess.Popen(command, stdin=inbound, stdout=subprocess.PIPE, env=env)
        assert process.stdout is not None
        kind, size = process.stdout.read(1), 0
        while piece := process.stdout.read(1 << 20):
            size += len(piece)
        _, status, used = os.wait4(process.pid, 0)
    print(f"code: {spawned._SOURCE}")
    code, cpu = os.waitstatus_to_exitcode(status), used.ru_utime + used.ru_stime
    print(f"names process: exit {code}, answer {kind!r} and {size:,} bytes")
    print(f"its peak (ru_maxrss) {used.ru_maxrss // 1024} MB, CPU {cpu:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    preparing = commands.add_parser("prepare")
    preparing.add_argument("cache", type=Path)
    preparing.add_argument("folder", type=Path)
    preparing.add_argument("--copies", type=int, default=1)
    running = commands.add_parser("run")
    running.add_argument("folder", type=Path)
    running.add_argument("--link", action="store_true")
    running.add_argument("--parts", action="store_true", help="print each part's memory")
    commands.add_parser("quotes").add_argument("folder", type=Path)
    for name in ("child", "child-input"):
        command = commands.add_parser(name)
        command.add_argument("folder", type=Path)
        command.add_argument("file", type=Path)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.cache, args.folder, args.copies)
    elif args.command == "quotes":
        quotes(args.folder)
    elif args.command == "child":
        child(args.folder, args.file)
    elif args.command == "child-input":
        child_input(args.folder, args.file)
    else:
        run(args.folder, args.link, args.parts)


if __name__ == "__main__":
    main()
