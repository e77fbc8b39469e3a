"""Flat postings (linking_arrays) hold and show what the dict postings of adding one
paragraph at a time hold and show."""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from benchmarks.textgen import paragraphs
from kabar_tui.core.corpus import linking_arrays
from kabar_tui.core.corpus.linking import SHINGLE, _post_all, stored_posting
from kabar_tui.core.corpus.linking_arrays import NEVER, PARTS, FlatPostings, shingle_keys, top_part
from kabar_tui.core.processes import heap


def test_shingle_keys_are_the_keys_add_article_hashes() -> None:
    texts = [text.casefold() for text in paragraphs(40, seed=3)] + ["satu dua tiga"]
    words = [text.split() for text in texts]
    codes = np.array([zlib.crc32(w.encode()) for ws in words for w in ws], dtype=np.uint64)
    lengths = np.array([len(ws) for ws in words], dtype=np.int64)
    keys, positions = shingle_keys(codes, lengths)
    expected, expected_positions = [], []
    for ws in words:
        word_codes = [zlib.crc32(w.encode()) for w in ws]
        grams = list(zip(*(word_codes[i:] for i in range(SHINGLE)), strict=False))
        expected.extend(map(hash, grams))
        expected_positions.extend(range(len(grams)))
    assert keys.tolist() == expected
    assert positions.tolist() == expected_positions


def _occurrences(rng: random.Random, passages: int, keys: list[int]) -> list[tuple[int, int]]:
    """(key, passage) in passage order; some keys common, some posted twice by one,
    some by one passage only."""
    rows = []
    for number in range(passages):
        chosen = rng.sample(keys[:6], 2) + rng.sample(keys, 3) + [rng.getrandbits(64) - 2**63]
        if rng.random() < 0.3:
            chosen.append(chosen[0])  # a 4-gram twice in one paragraph
        rows.extend((key, number) for key in chosen)
    return rows


def _flat(rows: list[tuple[int, int]], cap: int) -> FlatPostings:
    keys = np.array([key for key, _ in rows], dtype=np.int64)
    owners = np.array([number for _, number in rows], dtype=np.int32)
    batches = [(keys[i : i + 50], owners[i : i + 50]) for i in range(0, len(rows), 50)]
    return FlatPostings.build(batches, cap, top_part)


def test_flat_postings_are_the_postings_of_posting_one_by_one() -> None:
    """Caps, 'full' (also when the last passage a full posting holds posts the key
    again) and single passages, over keys spread across every part of the key range."""
    rng = random.Random(7)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    rows = _occurrences(rng, 300, keys)
    cap = 8
    expected: dict = {}
    for number in range(300):
        _post_all(expected, [key for key, n in rows if n == number], number, cap)
    flat = _flat(rows, cap)
    assert dict(flat.postings()) == expected
    assert None in expected.values()  # some filled
    assert any(type(posting) is int for posting in expected.values())
    assert len({int(part) for part in top_part(flat.keys)}) > PARTS // 2


def test_a_passage_sees_what_the_postings_held_before_its_article() -> None:
    rng = random.Random(11)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(30)]
    rows = _occurrences(rng, 200, keys)
    cap = 6
    flat = _flat(rows, cap)
    index: dict = {}
    for number in range(0, 200, 4):  # articles of 4 passages: look up, then post
        lookups = np.array(keys, dtype=np.int64)
        cuts = np.full(len(keys), number, dtype=np.int64)
        found, numbers = flat.visible(lookups, cuts)
        expected_found, expected_numbers = [], []
        for slot, key in enumerate(keys):
            posting = index.get(key)
            held = [] if posting is None else [posting] if type(posting) is int else posting
            expected_found.extend([slot] * len(held))
            expected_numbers.extend(held)
        assert found.tolist() == expected_found
        assert numbers.tolist() == expected_numbers
        for passage in range(number, number + 4):
            _post_all(index, [key for key, n in rows if n == passage], passage, cap)
    assert (flat.full_at != NEVER).any()


def test_a_posting_filled_by_its_last_passage_posting_again_is_hidden_after() -> None:
    """`_post_all` finds a posting full at the first occurrence after it holds `cap`
    passages, even one of the last of them: articles after that one see nothing."""
    key = -(2**62)
    rows = [(key, 0), (key, 1), (key, 2), (key, 2), (key, 9)]
    flat = _flat(rows, cap=3)
    index: dict = {}
    for number in (0, 1, 2):
        _post_all(index, [k for k, n in rows if n == number], number, 3)
    assert index[key] is None
    found, _ = flat.visible(np.array([key]), np.array([4]))
    assert found.tolist() == []
    found, numbers = flat.visible(np.array([key]), np.array([2]))
    assert numbers.tolist() == [0, 1]


def test_memory_is_handed_back_only_where_the_c_library_can(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[object] = []

    def cdll_as_windows(name: object) -> object:
        opened.append(name)
        raise TypeError("argument of type 'NoneType' is not iterable")

    monkeypatch.setattr(heap.ctypes, "CDLL", cdll_as_windows)
    monkeypatch.setattr(heap.sys, "platform", "win32")
    heap.release_free_memory()
    assert opened == []
    monkeypatch.setattr(heap.sys, "platform", "linux")
    heap.release_free_memory()  # a C library that fails is tolerated
    assert opened == [None]


def test_flat_rows_are_the_postings_as_rows(monkeypatch) -> None:
    """What an incremental update stores of flat postings, made from arrays a slice of
    keys at a time (slices of 7 keys here), is one row per posting: its last passage and
    its passages as little-endian 32-bit numbers, or -1 and none for a posting grown too
    common, in the order of `postings`; read back, the rows are those postings."""
    rng = random.Random(11)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    flat = _flat(_occurrences(rng, 300, keys), 30)
    monkeypatch.setattr(linking_arrays, "_LISTED", 7)
    postings = list(flat.postings())
    expected = []
    for key, posting in postings:
        numbers = [] if posting is None else [posting] if type(posting) is int else posting
        last = numbers[-1] if numbers else -1
        expected.append((3, key, last, np.array(numbers, dtype="<i4").tobytes()))
    assert any(row[2] == -1 for row in expected) and len(flat.keys) > 14
    assert any(len(row[3]) > 4 for row in expected)
    assert list(flat.rows(3, -1)) == expected
    assert list(flat.rows(3, -1, str)) == [(s, str(k), n, b) for s, k, n, b in expected]
    read = [(key, stored_posting(last, members, -1)) for _, key, last, members in expected]
    assert read == postings


def test_flat_rows_are_stored_as_the_same_blobs(monkeypatch) -> None:
    """The rows' passages come as `bytearray`, which sqlite3 binds as it is (`bytes` it
    first tries to adapt, a fifth of the cost of storing these rows); stored and read
    back they are the blobs `bytes` made, empty ones included."""
    rng = random.Random(12)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    flat = _flat(_occurrences(rng, 300, keys), 30)
    monkeypatch.setattr(linking_arrays, "_LISTED", 7)
    rows = list(flat.rows(3, -1))
    assert all(type(row[3]) is bytearray for row in rows)
    assert any(not row[3] for row in rows) and any(row[3] for row in rows)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (state, key, last, members)")
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(*row[:3], bytes(row[3])) for row in rows])
    stored = db.execute("SELECT typeof(members), members FROM t ORDER BY rowid").fetchall()
    assert stored[: len(rows)] == stored[len(rows) :]
    assert all(kind == "blob" and type(data) is bytes for kind, data in stored)


def test_looking_up_fewer_paragraphs_at_once_finds_the_same_links() -> None:
    from benchmarks.bench_linking import generate
    from tests.test_linking_workers import corpus_arrays

    articles, _ = generate(300, seed=5)
    index, arrays = corpus_arrays(articles)
    count = len(index.passages)
    arrays.lookup_batch = count  # every paragraph at once
    whole = arrays.link(0, count)
    arrays.lookup_batch = 7  # batches that split articles and ranges
    assert arrays.link(0, count) == whole
    assert [*arrays.link(0, 100)[0], *arrays.link(100, count)[0]] == whole[0]
    assert len(whole[0]) > 20 and len(whole[1]) > 20


class _Recorded(io.BytesIO):
    """A spill file in memory that counts the bytes written, and can fail once full."""

    def __init__(self, room: int | None = None) -> None:
        super().__init__()
        self.written = 0
        self.room = room

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        size = memoryview(data).nbytes
        if self.room is not None and self.written + size > self.room:
            raise OSError(28, "No space left on device")
        self.written += size
        return super().write(data)


def _expected(rows: list[tuple[int, int]], passages: int, cap: int) -> dict:
    expected: dict = {}
    for number in range(passages):
        _post_all(expected, [key for key, n in rows if n == number], number, cap)
    return expected


def test_occurrences_wait_for_their_part_in_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every occurrence (an 8-byte key and a 4-byte passage) goes to the file as it is
    gathered, none is held until its part is built, and the postings are the same."""
    rng = random.Random(7)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    rows = _occurrences(rng, 300, keys)
    files: list[_Recorded] = []
    monkeypatch.setattr(
        linking_arrays, "_spill_file", lambda: files.append(_Recorded()) or files[-1]
    )
    held = linking_arrays._Pieces.part

    def no_piece_held(self, slot: int):  # type: ignore[no-untyped-def]
        assert all(len(piece) == 4 for pieces in self._pieces for piece in pieces)
        return held(self, slot)

    monkeypatch.setattr(linking_arrays._Pieces, "part", no_piece_held)
    flat = _flat(rows, 8)
    assert [file.written for file in files] == [12 * len(rows)]
    assert files[0].closed
    assert dict(flat.postings()) == _expected(rows, 300, 8)


@pytest.mark.parametrize("room", [0, 5_000, None])
def test_occurrences_no_file_takes_are_held(monkeypatch: pytest.MonkeyPatch, room) -> None:
    """No file (None), or one that fills at once or part of the way: the pieces it did
    not take are held, and the postings are the same."""
    rng = random.Random(7)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    rows = _occurrences(rng, 300, keys)
    made = (lambda: _Recorded(room)) if room is not None else (lambda: None)
    monkeypatch.setattr(linking_arrays, "_spill_file", made)
    assert dict(_flat(rows, 8).postings()) == _expected(rows, 300, 8)


class _Short(io.BytesIO):
    """A spill file that takes at most a few bytes a write, as a raw file may."""

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        return super().write(memoryview(data).cast("B")[:7])


def test_occurrences_written_whole_when_the_file_takes_a_few_bytes_a_write(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
    rows = _occurrences(rng, 300, keys)
    monkeypatch.setattr(linking_arrays, "_spill_file", _Short)
    assert dict(_flat(rows, 8).postings()) == _expected(rows, 300, 8)


_FILLED_DISK = """
import random, resource, signal, sys
sys.path.insert(0, sys.argv[1])
from tests.test_linking_arrays import _expected, _flat, _occurrences
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), resource.RLIM_INFINITY))
rng = random.Random(7)
keys = [rng.getrandbits(64) - 2**63 for _ in range(40)]
rows = _occurrences(rng, 3000, keys)
assert dict(_flat(rows, 8).postings()) == _expected(rows, 3000, 8)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="file size limits are POSIX")
@pytest.mark.parametrize("room", [0, 1_000, 100_000])
def test_a_real_spill_file_that_fills_part_of_the_way_holds_the_rest(
    tmp_path: Path, room: int
) -> None:
    """A real temporary file on a disk that fills (a file size limit, as ENOSPC): the
    failure shows on the write itself, so the piece is held, and no later flush fails."""
    env = dict(os.environ, KABAR_CACHE_DIR=str(tmp_path))
    root = str(Path(__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", _FILLED_DISK, root, str(room)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
