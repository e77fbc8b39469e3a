"""Names resolved in a spawned process (issue 14, docs/indexing.md "namespawn"): the same
resolution as here, the same stored rows from a first index, from the main thread or
beside another thread (the reader's), and a process that fails, dies or is left behind by
an interruption ends with a clear error, never a wait."""

from __future__ import annotations

import io
import json
import os
import pickle
import pickletools
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from kabar_tui.core.corpus import names_process
from kabar_tui.core.corpus.digest import CorpusDigest, held_back, without_rest
from kabar_tui.core.corpus.names_process import SpawnedNames
from kabar_tui.core.corpus.quote_grouping import quote_group_numbers
from kabar_tui.core.corpus.quote_table import QuoteTable
from kabar_tui.core.corpus.resolve import Resolution, resolve_digest
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import (
    CorpusWork,
    IndexOptions,
    SpawnMinimums,
    build_corpus,
    index_corpus,
)
from kabar_tui.core.model import Story
from kabar_tui.core.processes import spawned
from kabar_tui.core.processes.spawned import ChildFailed
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.store.storage import Storage
from tests.test_incremental import write_corpus

pytestmark = pytest.mark.usefixtures("cache_on")

# What resolution decides, and every per-corpus row made from it.
NAME_TABLES = (
    "entities",
    "entity_aliases",
    "entity_articles",
    "mention_names",
    "names",
    "quote_groups",
    "quote_occurrences",
    "quote_speakers",
    "corpora",
    "corpus_parts",
)


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("names") / "news"
    write_corpus(folder)
    return folder


def _half_held(articles: list) -> tuple[CorpusWork, list]:
    """The seeds' digests, every other one let go of its rest as a first index does."""
    digest = CorpusDigest.of(articles)
    held: dict[str, bytes] = {}
    paths = [f"{n}.txt" for n in range(len(digest.articles))]
    for at, (path, article) in enumerate(zip(paths, digest.articles, strict=True)):
        if at % 2 == 0:
            held[path] = without_rest(article, [digest.forms[c] for c in article.mentions])
    stories = [Story("s1", [a.id for a in digest.articles[:3]], "one")]
    return CorpusWork(digest, stories=stories, read_rest=pipeline._HeldRest(held, paths)), paths


def test_names_resolved_in_a_spawned_process_are_those_resolved_here() -> None:
    articles = build_corpus([seeds_dir()], cache=False).articles
    here_digest = CorpusDigest.of(articles)
    stories = [Story("s1", [a.id for a in here_digest.articles[:3]], "one")]
    numbers = quote_group_numbers(here_digest.articles)
    here = resolve_digest(here_digest, stories)
    assert here.entities and here.quote_groups
    for given in (None, numbers):
        work, _ = _half_held(articles)
        assert any(map(held_back, work.digest.articles))
        assert not all(map(held_back, work.digest.articles))
        there = SpawnedNames(work.digest.articles, pipeline._packed_rests(work), stories)
        there.send_numbers(given)
        assert there.pid != os.getpid()
        assert _values(there.result()) == _values(here)


def _values(resolution: Resolution) -> tuple[object, ...]:
    """What a resolution says, whichever way it holds it (`names_process.compact`)."""
    return (
        resolution.names,
        [list(codes) for codes in resolution.mention_names],
        resolution.speakers,
        resolution.entities,
        list(resolution.quote_groups),
    )


def test_the_names_process_sends_its_resolution_back_compact() -> None:
    """The quotation groups in numbers and each mention's code in one byte (the seeds'
    names are fewer than 256): what the main process holds to the end of the index."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    work, _ = _half_held(articles)
    there = SpawnedNames(work.digest.articles, pipeline._packed_rests(work), work.stories)
    there.send_numbers(None)
    found = there.result()
    assert len(found.names) <= 256
    assert isinstance(found.quote_groups, QuoteTable) and len(found.quote_groups)
    assert {codes.typecode for codes in found.mention_names} == {"B"}
    assert _values(found) == _values(resolve_digest(CorpusDigest.of(articles), work.stories))


def test_the_names_process_gives_memory_back_before_it_waits_for_the_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Resolution lets go of its clusters before it asks for the quotation group numbers;
    the names process gives that memory back then, before it reads them (it may wait for
    them beside the quotation process and the main process storing the link state)."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    work, _ = _half_held(articles)
    inbound = io.BytesIO()
    names_process._send(inbound, work.digest.articles, pipeline._packed_rests(work), work.stories)
    numbers_at = inbound.tell()
    names_process._send_numbers(inbound, None)
    inbound.seek(0)
    released: list[int] = []
    monkeypatch.setattr(
        names_process, "release_free_memory", lambda: released.append(inbound.tell())
    )
    found = names_process.work(inbound)
    assert released == [numbers_at]
    assert _values(found) == _values(resolve_digest(CorpusDigest.of(articles), work.stories))


def test_entities_and_quotation_groups_pickle_as_their_fields_without_a_state_each() -> None:
    """The names process sends 700k quotation groups back at 100k articles: pickled as a
    slots dataclass by default, each made a state dict that both sides' pickle memo holds
    to the end (the names process's peak, and memory left fragmented in the main
    process: docs/indexing.md, "namesmem"). Each is its class called with its fields."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    digest = CorpusDigest.of(articles)
    resolution = resolve_digest(digest, [Story("s1", [a.id for a in digest.articles[:3]], "one")])
    assert len(resolution.entities) > 1 and len(resolution.quote_groups) > 1
    data = pickle.dumps(resolution, pickle.HIGHEST_PROTOCOL)
    opcodes = Counter(opcode.name for opcode, _, _ in pickletools.genops(data))
    assert opcodes["BUILD"] == opcodes["EMPTY_DICT"] == 1  # the Resolution's own, only
    assert repr(pickle.loads(data)) == repr(resolution)


def test_a_names_process_that_fails_says_why_and_one_killed_says_so() -> None:
    articles = build_corpus([seeds_dir()], cache=False).articles
    digest = CorpusDigest.of(articles)
    damaged = SpawnedNames(digest.articles, [b"not a packed rest"] * len(articles), [])
    with pytest.raises(ChildFailed, match="DigestUnreadable"):
        damaged.result()
    work, _ = _half_held(articles)
    killed = SpawnedNames(work.digest.articles, pipeline._packed_rests(work), [])
    os.kill(killed.pid, signal.SIGKILL)
    with pytest.raises(ChildFailed, match="exit code -9"):
        killed.result()
    killed.cancel()  # as the stage does once done: nothing left to end


def test_a_names_process_never_sent_its_numbers_fails_instead_of_waiting() -> None:
    """Its result asked for before the quotation group numbers were sent: the input is
    closed, so the process fails on the missing numbers, never waits for them."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    work, _ = _half_held(articles)
    there = SpawnedNames(work.digest.articles, pipeline._packed_rests(work), work.stories)
    with pytest.raises(ChildFailed, match="EOFError: the input ended early"):
        there.result()
    there.cancel()


def test_the_names_process_resolves_while_the_link_index_is_stored_before_the_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The names process is started before the link index is handed on (stored), and the
    quotation groups are asked for only after that: their process may still be running
    then, and names need them last. The stage finds what it finds with names here."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    alone = pipeline.finish_digest(CorpusDigest.of(articles))
    events: list[str] = []
    original_names, original_grouped = pipeline.SpawnedNames, pipeline._grouped

    def spawn(*args: object) -> SpawnedNames:
        events.append("names started")
        return original_names(*args)  # type: ignore[arg-type]

    def grouped(work: pipeline.CorpusWork) -> object:
        events.append("groups asked for")
        found = original_grouped(work)
        assert found is not None  # from their process
        return found

    monkeypatch.setattr(pipeline, "SpawnedNames", spawn)
    monkeypatch.setattr(pipeline, "_grouped", grouped)
    beside = pipeline.finish_digest(
        CorpusDigest.of(articles),
        on_linked=lambda index: events.append("linked"),
        spawn_min=SpawnMinimums(quotes=1, names=1),
    )
    assert events == ["names started", "linked", "groups asked for"]
    assert _values(beside[2]) == _values(alone[2]) and beside[:2] == alone[:2]


def test_the_names_process_imports_this_kabar_tui_whatever_the_folder_and_pythonpath(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from a folder holding another kabar_tui (a checkout) and modules named like
    the standard library's, with PYTHONPATH leading to a third kabar_tui: the process
    imports none of them (the current folder is not on its path, this copy leads)."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    work, _ = _half_held(articles)
    here = resolve_digest(CorpusDigest.of(articles), work.stories)
    trap = 'raise ImportError("imported from " + __file__)\n'
    for folder in (tmp_path / "cwd", tmp_path / "pythonpath"):
        (folder / "kabar_tui" / "core").mkdir(parents=True)
        for name in ("kabar_tui/__init__.py", "kabar_tui/core/__init__.py"):
            (folder / name).write_text(trap)
    for name in ("json.py", "pickle.py", "token.py"):
        (tmp_path / "cwd" / name).write_text(trap)
    monkeypatch.chdir(tmp_path / "cwd")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "pythonpath"))
    there = SpawnedNames(work.digest.articles, pipeline._packed_rests(work), work.stories)
    there.send_numbers(None)
    assert _values(there.result()) == _values(here)


def test_a_names_process_that_cannot_start_leaves_resolution_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No interpreter to be had (out of processes): resolved in this process."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    monkeypatch.setattr(spawned.sys, "executable", "/nonexistent/python")
    alone = pipeline.finish_digest(CorpusDigest.of(articles))
    beside = pipeline.finish_digest(
        CorpusDigest.of(articles), on_linked=lambda index: None, spawn_min=SpawnMinimums(names=1)
    )
    assert repr(beside) == repr(alone)


def test_the_names_process_goes_when_the_stage_is_interrupted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while the link index is stored (the main process's work meanwhile): the
    interruption comes through and the names process is ended and reaped."""
    articles = build_corpus([seeds_dir()], cache=False).articles
    started: list[int] = []
    original = pipeline.SpawnedNames

    def spawn(*args: object) -> SpawnedNames:
        made = original(*args)  # type: ignore[arg-type]
        started.append(made.pid)
        return made

    def interrupted(index: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "SpawnedNames", spawn)
    with pytest.raises(KeyboardInterrupt):
        pipeline.finish_digest(
            CorpusDigest.of(articles), on_linked=interrupted, spawn_min=SpawnMinimums(names=1)
        )
    assert len(started) == 1
    assert not Path(f"/proc/{started[0]}").exists() or os.name != "posix"


def _rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        found = {name: sorted(db.execute(f"SELECT * FROM {name}")) for name in NAME_TABLES}
        found["corpora"] = sorted(db.execute("SELECT id, key, checksum FROM corpora"))
        return found


def _first_index(
    news: Path, path: Path, in_thread: bool = False, spawn_min: SpawnMinimums | None = None
) -> None:
    options = IndexOptions(spawn_min=spawn_min or SpawnMinimums())

    def run() -> None:
        with Storage(path) as cache:
            index_corpus([news], cache=cache, keep_articles=False, options=options)

    if not in_thread:
        run()
        return
    beside = threading.Event()
    other = threading.Thread(target=beside.wait)  # as the reader's event loop
    other.start()
    try:
        failed: list[BaseException] = []

        def guarded() -> None:
            try:
                run()
            except BaseException as error:  # pragma: no cover (reported below)
                failed.append(error)

        loader = threading.Thread(target=guarded)
        loader.start()
        loader.join()
        assert not failed, failed
    finally:
        beside.set()
        other.join()


def test_a_first_index_stores_the_same_names_with_them_resolved_in_a_spawned_process(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seeds and generated articles indexed three times: names resolved here (below
    `SpawnMinimums.names`), in a spawned process, and in one spawned from a thread beside
    another (the reader's loading thread, where nothing is forked): the same rows."""
    here = tmp_path / "here.sqlite3"
    _first_index(news, here)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("names resolved in the main process")

    monkeypatch.setattr(pipeline, "resolve_digest", not_here)
    for name, in_thread in (("spawned", False), ("threaded", True)):
        path = tmp_path / f"{name}.sqlite3"
        _first_index(news, path, in_thread, SpawnMinimums(names=1))
        found, expected = _rows(path), _rows(here)
        assert found["entities"] and found["quote_occurrences"] and found["mention_names"]
        assert found == expected, name


@pytest.mark.parametrize(
    ("ending", "in_thread"), [("killed", False), ("failed", False), ("killed", True)]
)
def test_a_first_index_whose_names_process_is_killed_or_fails_stores_the_same_rows(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, in_thread: bool
) -> None:
    """The names process killed as by the out-of-memory killer, or one that fails, from
    the main thread or the reader's loading thread: the names are resolved here, and the
    first index stores the rows it stores without it."""
    here = tmp_path / "here.sqlite3"
    _first_index(news, here)
    if ending == "failed":
        monkeypatch.setattr(spawned, "_CHILD", "raise SystemExit('no names here')")
    original = pipeline.SpawnedNames
    started: list[int] = []

    def spawn(*args: object) -> SpawnedNames:
        made = original(*args)  # type: ignore[arg-type]
        started.append(made.pid)
        if ending == "killed":
            os.kill(made.pid, signal.SIGKILL)
        return made

    monkeypatch.setattr(pipeline, "SpawnedNames", spawn)
    path = tmp_path / f"{ending}.sqlite3"
    _first_index(news, path, in_thread, SpawnMinimums(names=1))
    assert len(started) == 1
    found = _rows(path)
    assert found["entities"] and found["quote_occurrences"] and found["mention_names"]
    assert found == _rows(here)


def test_an_error_of_resolution_itself_still_surfaces_once_the_process_died(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Resolved here after the process died, resolution's own error is raised as when
    names are resolved here from the start, not hidden behind the process's."""
    monkeypatch.setattr(spawned, "_CHILD", "import os, signal; os.kill(os.getpid(), 9)")

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("resolution broke")

    monkeypatch.setattr(pipeline, "resolve_digest", broken)
    with pytest.raises(ValueError, match="resolution broke"):
        _first_index(news, tmp_path / "broken.sqlite3", spawn_min=SpawnMinimums(names=1))


RESOLVING_CHECK = """
import glob, json, os, time
import kabar_tui.core.indexing.pipeline as pipeline
from kabar_tui.core.corpus.digest import CorpusDigest
from kabar_tui.core.indexing.pipeline import SpawnMinimums, build_corpus, finish_digest
from kabar_tui.core.resources import seeds_dir

corpus = build_corpus([seeds_dir()], cache=False)
parent = os.getpid()
resolve_digest = pipeline.resolve_digest

def resolving(*args):
    with open(os.environ["RESOLVED_IN"], "a") as out:
        out.write(f"{os.getpid()}\\n")
    return resolve_digest(*args)

def command(pid):
    for _ in range(100):  # empty while the kernel is still starting it
        line = open(f"/proc/{pid}/cmdline", "rb").read()
        if line:
            return line.decode().split("\\0")
        time.sleep(0.05)

def children():
    found = []
    for listed in glob.glob(f"/proc/{parent}/task/*/children"):
        found.extend(map(command, open(listed).read().split()))
    return found

def values(found):  # what the stage found, however the resolution holds it (`compact`)
    links, stories, r = found
    codes = [list(c) for c in r.mention_names]
    return repr((links, stories, r.names, codes, r.speakers, r.entities, list(r.quote_groups)))

pipeline.resolve_digest = resolving
given = []
def on_linked(index):
    given.append([os.getpid(), len(index.links), children()])

alone = finish_digest(CorpusDigest.of(corpus.articles))
small = finish_digest(CorpusDigest.of(corpus.articles), on_linked=on_linked)
beside = finish_digest(
    CorpusDigest.of(corpus.articles), on_linked=on_linked, spawn_min=SpawnMinimums(names=1)
)
with open(os.environ["RESOLVED_IN"]) as out:
    pids = [int(line) for line in out]
print(json.dumps({
    "parent": parent, "pids": pids, "given": given,
    "stage": [values(alone), values(small), values(beside)], "links": len(beside[0]),
}))
"""


def test_names_are_resolved_in_a_spawned_process_while_the_link_index_is_handed_on(
    tmp_path,
) -> None:
    """While `on_linked` has the link index (the pipeline stores it: this process's
    writes), names are resolved in a spawned process (a fresh interpreter, not a fork of
    this one), with the results of resolving them here; without `on_linked`, or for a
    corpus below `SpawnMinimums.names`, here."""
    output = subprocess.run(
        [sys.executable, "-c", RESOLVING_CHECK],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "RESOLVED_IN": str(tmp_path / "pids")},
    )
    assert output.returncode == 0, output.stderr
    found = json.loads(output.stdout)
    parent = found["parent"]
    assert found["pids"] == [parent, parent]  # alone and small: here; beside: not here
    (small_pid, small_links, none), (pid, links, spawned) = found["given"]
    assert small_pid == pid == parent and small_links == links == found["links"] > 0
    assert none == []
    assert len(spawned) == 1 and spawned[0][:3] == [sys.executable, "-P", "-c"]
    assert spawned[0][5] == "kabar_tui.core.corpus.names_process"  # the job `serve` runs
    alone, small, beside = found["stage"]
    assert "QuoteRecord" in alone and beside == alone and small == alone
