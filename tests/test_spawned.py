"""A spawned process's result: read as it arrives, and a result cut short is a failure
that says why, never a wait or a traceback of the pickle."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from kabar_tui.core.spawned import ChildFailed, SpawnedCall

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


@pytest.fixture
def jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "big_result_job.py").write_text(JOBS)
    (tmp_path / "cut_short_job.py").write_text(CUT_SHORT)
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
