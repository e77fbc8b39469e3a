"""A spawned process's result: written and read as it is made, and a result cut short is
a failure that says why, never a wait or a traceback of the pickle."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from kabar_tui.core.processes.spawned import ChildFailed, SpawnedCall, write_result

PIECES, PIECE_BYTES = 64, 64 * 1024

JOBS = f"""
def work(inbound):
    inbound.read()
    return [bytes([n]) * {PIECE_BYTES} for n in range({PIECES})]
"""

CUT_SHORT = """
import os
import sys


def work(inbound):
    inbound.read()
    out = sys.stdout.buffer
    out.write(b"R\\x80\\x05\\x95")  # a result begun, then the process dies
    out.flush()
    os._exit(3)
"""


TRACED = f"""
import tracemalloc


class PeakSoFar:
    def __reduce__(self):  # pickled last: the child's traced peak while pickling
        return int, (tracemalloc.get_traced_memory()[1],)


def work(inbound):
    inbound.read()
    tracemalloc.start()
    return [bytes([n]) * {PIECE_BYTES} for n in range({PIECES})] + [PeakSoFar()]
"""

UNPICKLABLE = f"""
def work(inbound):
    inbound.read()
    return [bytes([n]) * {PIECE_BYTES} for n in range(4)] + [lambda: None]
"""


@pytest.fixture
def jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "big_result_job.py").write_text(JOBS)
    (tmp_path / "cut_short_job.py").write_text(CUT_SHORT)
    (tmp_path / "unpicklable_job.py").write_text(UNPICKLABLE)
    (tmp_path / "traced_result_job.py").write_text(TRACED)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return tmp_path


def test_the_result_is_unpickled_as_it_arrives_not_held_whole_beside_its_objects(
    jobs: Path,
) -> None:
    call: SpawnedCall[list[bytes]] = SpawnedCall("big_result_job", lambda pipe: None, "a job")
    tracemalloc.start()
    try:
        result = call.result()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    made = PIECES * PIECE_BYTES
    assert [piece[:1] for piece in result] == [bytes([n]) for n in range(PIECES)]
    # Read whole first, the pickle (as large as the objects) and the objects were both
    # held: a peak of twice what the result holds.
    assert made <= peak < 1.5 * made, (peak, made)


def test_a_result_cut_short_is_a_failure_with_the_exit_code(jobs: Path) -> None:
    call: SpawnedCall[object] = SpawnedCall("cut_short_job", lambda pipe: None, "a job")
    with pytest.raises(ChildFailed, match=r"a job's process failed \(exit code 3\)"):
        call.result()
    call.cancel()


class _Sink(io.RawIOBase):
    """A pipe whose reader keeps up: what is written is gone."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        return memoryview(data).nbytes  # type: ignore[arg-type]


def test_the_result_is_written_as_it_is_pickled_not_held_whole_first() -> None:
    """The names process's pickle at 100k articles (190 MB) held whole beside its objects
    was most of that process's peak (docs/indexing.md, "namesmem")."""
    result = [bytes([n]) * PIECE_BYTES for n in range(PIECES)]
    tracemalloc.start()
    try:
        write_result(_Sink(), result)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # pickled whole first: at least the result's size
    assert peak < 0.25 * PIECES * PIECE_BYTES, peak


def test_the_spawned_process_pickles_its_result_into_the_pipe_as_it_is_made(
    jobs: Path,
) -> None:
    """`serve` itself, not only `write_result`: pickled whole first (`pickle.dumps`), the
    child held the pickle beside the objects, twice the result (review 14)."""
    call: SpawnedCall[list[object]] = SpawnedCall("traced_result_job", lambda pipe: None, "a job")
    *pieces, peak = call.result()
    made = PIECES * PIECE_BYTES
    assert [piece[:1] for piece in pieces] == [bytes([n]) for n in range(PIECES)]
    assert isinstance(peak, int) and made <= peak < 1.5 * made, (peak, made)


def test_a_result_that_fails_to_pickle_once_begun_is_a_failure_with_its_error(
    jobs: Path,
) -> None:
    call: SpawnedCall[object] = SpawnedCall("unpicklable_job", lambda pipe: None, "a job")
    with pytest.raises(ChildFailed, match=r"(?s)exit code 1\).*(Pickling|Attribute)Error"):
        call.result()
    call.cancel()
