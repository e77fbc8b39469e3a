"""ForkedCall (linking's second process), and names resolved in a spawned process.

Each check runs in a fresh interpreter: a test run's own threads keep it from forking.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GROUPING_CHECK = """
import json, os
from kabar_tui.core.digest import CorpusDigest
from kabar_tui.core.forked import ForkedCall
from kabar_tui.core.pipeline import build_corpus
from kabar_tui.core.resolve import quote_group_numbers
from kabar_tui.core.resources import seeds_dir

corpus = build_corpus([seeds_dir()], cache=False)
digest = CorpusDigest.of(corpus.articles)
here = quote_group_numbers(digest.articles).tolist()
parent = os.getpid()
call = ForkedCall(lambda: quote_group_numbers(digest.articles))
forked = call.forked
there = call.result().tolist()

def dies_in_the_child():
    if os.getpid() != parent:
        os._exit(3)
    return "here"

fallback = ForkedCall(dies_in_the_child)
stopped = ForkedCall(lambda: [0] * 10_000_000)
stopped.cancel()
print(json.dumps({
    "here": here, "there": there, "forked": forked,
    "fallback": [fallback.forked, fallback.result()], "stopped": stopped.forked,
}))
"""


def _run(code: str) -> dict:
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert output.returncode == 0, output.stderr
    return json.loads(output.stdout)


def test_a_forked_call_gives_what_it_gives_here() -> None:
    found = _run(GROUPING_CHECK)
    assert found["forked"]
    assert found["there"] == found["here"]
    assert len(set(found["here"])) < len(found["here"])  # some quotations grouped together


def test_a_forked_call_whose_child_dies_runs_here_and_one_cancelled_is_gone() -> None:
    found = _run(GROUPING_CHECK)
    assert found["fallback"] == [True, "here"]
    assert found["stopped"] is False


def test_a_fork_refused_by_the_system_runs_the_call_here(monkeypatch) -> None:
    """Out of memory or of processes (ENOMEM, EAGAIN): no error, no leaked pipe."""
    import os

    from kabar_tui.core import forked

    def refused() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(forked.os, "fork", refused)
    opened = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    call = forked.ForkedCall(lambda: 42)
    assert not call.forked
    assert call.result() == 42
    if opened is not None:
        assert len(os.listdir("/proc/self/fd")) == opened


RESOLVING_CHECK = """
import glob, json, os, time
import kabar_tui.core.pipeline as pipeline
from kabar_tui.core.digest import CorpusDigest
from kabar_tui.core.pipeline import build_corpus, finish_digest
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
pipeline.SPAWN_MIN_ARTICLES = 1
beside = finish_digest(CorpusDigest.of(corpus.articles), on_linked=on_linked)
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
    corpus below SPAWN_MIN_ARTICLES, here."""
    output = subprocess.run(
        [sys.executable, "-c", RESOLVING_CHECK],
        capture_output=True,
        text=True,
        cwd=ROOT,
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
    assert spawned[0][5] == "kabar_tui.core.names_process"  # the job `serve` runs
    alone, small, beside = found["stage"]
    assert "QuoteRecord" in alone and beside == alone and small == alone


INTERRUPTED_CHECK = """
import signal, time
from kabar_tui.core.forked import ForkedCall

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
call = ForkedCall(lambda: time.sleep(30))
signal.setitimer(signal.ITIMER_REAL, 0.5)
try:
    try:
        call.result()
    finally:
        call.cancel()  # as the pipeline's stages do when they stop
except KeyboardInterrupt:
    print('{"ended": "interrupted"}')
"""


def test_a_wait_for_a_forked_call_interrupted_ends_as_the_interruption() -> None:
    """Ctrl-C while waiting for the child: the interruption, not a double close's OSError."""
    assert _run(INTERRUPTED_CHECK) == {"ended": "interrupted"}
