"""The digests' packed rests wait in a temporary file during the corpus stages
(`pipeline._RestFile`), not in the main process's memory; those no file takes are held."""

from __future__ import annotations

import os
import random

import pytest

from kabar_tui.core.indexing import pipeline


def rests(count: int) -> dict[str, bytes]:
    chance = random.Random(7)
    return {f"news/{n}.txt": chance.randbytes(chance.randrange(0, 900)) for n in range(count)}


def test_rests_wait_in_a_file_and_come_back_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline._RestFile, "_BATCH", 4096)  # written in many batches
    given = rests(300)
    held = pipeline._RestFile()
    for path, data in given.items():
        held[path] = data
    assert len(held) == 300
    assert held._file is not None and not held._memory
    assert all(held[path] == data for path, data in given.items())
    assert held._size == sum(map(len, given.values())) and not held._pending
    for path in list(given)[::2]:
        assert held.pop(path) == given.pop(path)
    assert len(held) == 150
    assert all(held[path] == data for path, data in given.items())


def test_rests_no_file_takes_are_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """No file can be made, or the disk fills part of the way: the same rests."""
    monkeypatch.setattr(pipeline._RestFile, "_BATCH", 4096)
    given = rests(300)

    def no_file(**_: object) -> None:
        raise OSError("read-only")

    with monkeypatch.context() as patch:
        patch.setattr(pipeline.tempfile, "TemporaryFile", no_file)
        held = pipeline._RestFile()
        for path, data in given.items():
            held[path] = data
        assert all(held[path] == data for path, data in given.items())
        assert held._file is None and len(held._memory) == 300
    writes = 0
    pwrite = os.pwrite

    def fills(descriptor: int, data: bytes, at: int) -> int:
        nonlocal writes
        writes += 1
        if writes > 3:
            raise OSError(28, "No space left on device")
        return pwrite(descriptor, data, at)

    monkeypatch.setattr(pipeline.os, "pwrite", fills)
    held = pipeline._RestFile()
    for path, data in given.items():
        held[path] = data
    assert held._spans and held._memory  # part in the file, the rest held
    assert all(held[path] == data for path, data in given.items())
    assert all(held.pop(path) == data for path, data in given.items())
    assert len(held) == 0


def test_empty_rests_no_file_takes_are_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zero bytes "written" by no file are not taken for rests in a file (review 19)."""

    def no_file(**_: object) -> None:
        raise OSError("read-only")

    monkeypatch.setattr(pipeline.tempfile, "TemporaryFile", no_file)
    held = pipeline._RestFile()
    held["a.txt"] = b""
    assert held["a.txt"] == b"" and held._memory == {"a.txt": b""}


def test_closing_lets_the_file_go() -> None:
    held = pipeline._RestFile()
    held["a.txt"] = b"packed"
    assert held["a.txt"] == b"packed"
    opened = held._file
    assert opened is not None
    held.close()
    assert opened.closed and held._file is None and not held._spans
    held.close()  # twice is fine
