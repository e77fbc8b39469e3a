"""Linking a whole corpus at once on flat arrays (docs/linking.md, issue 14).

`LinkIndex.build` used to post every paragraph into dicts of Python ints and lists and
count each paragraph's look-ups with a Counter: one object per posted number, one
interpreted step per gathered number. Here the same postings are a few numpy arrays
(keys sorted, the passage numbers of each key after them, and the passage that found
each posting full), built at once with a stable sort; a range of paragraphs looks up all
its keys with one `searchsorted`, gathers the visible numbers and counts them per
paragraph with one sort. The candidates, their order and hence the links are exactly
those of adding the articles one by one (`LinkIndex.add_prepared`, which keeps the dicts:
one article's look-ups are too few for arrays to pay).

Arrays also make the look-ups cheap to share: spawned worker processes map them from one
file (linking_workers) and read them in place, where Python objects would have to be
copied into each.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from kabar_tui.core.processes.heap import release_free_memory

# CPython's hash of a tuple (xxHash's round, Objects/tupleobject.c), on word codes below
# 2**32 (crc32, their own hash): the fingerprint key of a word 4-gram, computed for every
# 4-gram of many paragraphs at once. The keys of a stored corpus are these numbers.
_PRIME_1 = np.uint64(11400714785074694791)
_PRIME_2 = np.uint64(14029467366897019727)
_PRIME_5 = np.uint64(2870177450012600261)
_LENGTH_MIX = np.uint64(4 ^ (2870177450012600261 ^ 3527539))
_MINUS_ONE = np.uint64(2**64 - 1)
_INSTEAD_OF_MINUS_ONE = np.uint64(1546275796)
NEVER = np.iinfo(np.int32).max  # a posting that never grew too common


def shingle_keys(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The key of every word 4-gram of consecutive paragraphs, and its word position.

    `codes` are the paragraphs' word codes one after another (uint64), `lengths` the
    number of words of each. Keys come in paragraph order, then text order; a paragraph
    of n words has n - 3 of them (none under 4 words).
    """
    total = len(codes)
    if total < 4:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    acc = np.full(total - 3, _PRIME_5, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(4):
            acc += codes[offset : total - 3 + offset] * _PRIME_2
            acc = (acc << np.uint64(31)) | (acc >> np.uint64(33))
            acc *= _PRIME_1
        acc += _LENGTH_MIX
    acc[acc == _MINUS_ONE] = _INSTEAD_OF_MINUS_ONE
    keys = acc.view(np.int64)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    valid = (position <= np.repeat(lengths, lengths) - 4)[: total - 3]
    return keys[valid], position[: total - 3][valid]


@dataclass(slots=True)
class FlatPostings:
    """Postings of many keys, as arrays: the posting of `keys[g]` is
    `members[offsets[g]:offsets[g + 1]]` (passage numbers, ascending, at most the cap
    of them), and `full_at[g]` is the passage that found it full (`NEVER` if none did).
    `directory[b]` is the first key of bucket b (`_buckets`), so a look-up compares a
    key with a key or two instead of searching all of them."""

    keys: np.ndarray  # sorted, distinct
    offsets: np.ndarray
    members: np.ndarray  # int32
    full_at: np.ndarray  # int32
    directory: np.ndarray
    lowest: np.uint64
    shift: np.uint64

    @classmethod
    def build(
        cls,
        batches: Iterable[tuple[np.ndarray, np.ndarray]],
        cap: int,
        part_of: Callable[[np.ndarray], np.ndarray],
    ) -> FlatPostings:
        """The postings of `keys[i]` posted by `passages[i]`, for batches of (keys,
        passages) in passage order, as `linking._post_all` leaves them: a passage once per
        key; the first occurrence after a posting holds `cap` passages finds it full (even
        one of that last passage posting the key again), and none is added after.

        Occurrences are sorted in parts of their key range (`part_of` of a key, below
        PARTS, in the order of the keys): sorting all at once took several times their
        size in temporary arrays. Each part's occurrences wait in a file (`_Pieces`).
        """
        built = []
        with contextlib.closing(_Pieces()) as parts:
            for keys, passages in batches:
                part = part_of(keys).astype(np.intp)
                order = np.argsort(part, kind="stable")
                bounds = np.searchsorted(part[order], np.arange(PARTS + 1)).tolist()
                keys, passages = keys[order], passages[order]
                for slot in range(PARTS):
                    if bounds[slot] < bounds[slot + 1]:
                        piece = slice(bounds[slot], bounds[slot + 1])
                        parts.add(slot, keys[piece], passages[piece])
                del keys, passages, part, order
            for slot in range(PARTS):
                gathered = parts.part(slot)
                if gathered is not None:
                    built.append(list(_part(*gathered, cap)))
                    del gathered
                    # the part's occurrences and sorting arrays lie between the parts
                    # built: their pages are given back now, or the heap grows by all of
                    # them (200 MB at 100k articles) before the end
                    release_free_memory()
        if not built:
            empty = np.empty(0, np.int64)
            built.append([empty, empty, empty, empty])
        keys, sizes, members, full_at = (_joined(built, column) for column in range(4))
        offsets = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        del sizes
        lowest, shift, directory = _buckets(keys)
        return cls(keys, offsets, members, full_at, directory, lowest, shift)

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, g) for each `keys[i]` that has a posting, `self.keys[g]`, in order of i."""
        bucket = (_unsigned(keys) - self.lowest) >> self.shift
        inside = np.flatnonzero(bucket < len(self.directory) - 1)
        bucket = bucket[inside].astype(np.intp)
        at, end = self.directory[bucket], self.directory[bucket + 1]
        wanted = keys[inside]
        found_i, found_g = [], []
        while len(at):  # a bucket holds a key or two: a few rounds
            going = at < end
            inside, at, end, wanted = inside[going], at[going], end[going], wanted[going]
            there = self.keys[at]
            equal = there == wanted
            found_i.append(inside[equal])
            found_g.append(at[equal])
            going = there < wanted
            inside, at, end, wanted = inside[going], at[going] + 1, end[going], wanted[going]
        group = np.full(len(keys), -1, dtype=np.int64)
        for lookups, groups in zip(found_i, found_g, strict=True):
            group[lookups] = groups
        hit = np.flatnonzero(group >= 0)
        return hit, group[hit]

    def visible(self, keys: np.ndarray, cuts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For look-ups of `keys[i]` by a paragraph whose article starts at passage
        `cuts[i]`: the numbers that posting held just before that article was indexed
        (below the cut, none if it was full by then), as (look-up i, number) pairs in
        look-up order, numbers ascending within one (`linking._visible`'s order)."""
        if not len(self.keys) or not len(keys):
            return _NOTHING, _NOTHING
        hit, group = self.find(keys)
        cuts = cuts[hit]
        first, end = self.offsets[group], self.offsets[group + 1]
        members = self.members
        below = end - first
        # most postings lie wholly before the cut, or start with the paragraph's own
        # article (its own keys): only the others are searched
        none = members[first] >= cuts
        below[none] = 0
        some = np.flatnonzero(~none & (members[end - 1] >= cuts))
        low, high, cut = first[some], end[some] - 1, cuts[some]
        while True:  # bisect all at once: a posting holds at most the cap
            going = low < high
            if not going.any():
                break
            middle = (low + high) // 2
            right = going & (members[middle] < cut)
            left = going & ~right
            low[right] = middle[right] + 1
            high[left] = middle[left]
        below[some] = low - first[some]
        below[self.full_at[group] < cuts] = 0
        lookup = np.repeat(hit, below)
        position = np.repeat(first - (np.cumsum(below) - below), below)
        position += np.arange(len(position), dtype=np.int64)
        return lookup, members[position].astype(np.int64)

    def postings(self, decode: Callable[[Any], Any] = int) -> Iterator[tuple[Any, Any]]:
        """(key, posting) as `LinkIndex` keeps them once linked: a passage number while
        single, a list, None once full (made a slice of keys at a time: memory)."""
        for first in range(0, len(self.keys), _LISTED):
            end = min(first + _LISTED, len(self.keys))
            offsets = self.offsets[first : end + 1]
            numbers = self.members[offsets[0] : offsets[-1]].tolist()
            starts = (offsets - offsets[0]).tolist()
            full = (self.full_at[first:end] != NEVER).tolist()
            for slot, key in enumerate(self.keys[first:end].tolist()):
                if full[slot]:
                    yield decode(key), None
                    continue
                begin, stop = starts[slot], starts[slot + 1]
                yield decode(key), numbers[begin] if stop - begin == 1 else numbers[begin:stop]

    def rows(self, state: int, full: int, decode: Callable[[Any], Any] = int) -> Iterator[tuple]:
        """(state, key, last passage, passages) of every posting, `full` and no passages
        for one grown too common, in the order of `postings`: the records an incremental
        update stores (`linking.posting_record`: little-endian 32-bit numbers), made from
        one array's bytes a slice of keys at a time (one Python object per posting, then
        one per passage, cost more than storing them). The passages come as `bytearray`:
        Python's sqlite3 binds it as the same blob but as is, where it first tries to
        adapt `bytes` (about 3,300 instructions a row: a fifth of storing these rows)."""
        for first in range(0, len(self.keys), _LISTED):
            end = min(first + _LISTED, len(self.keys))
            offsets = self.offsets[first : end + 1]
            grown = self.full_at[first:end] != NEVER
            last = np.where(grown, full, self.members[offsets[1:] - 1]).tolist()
            data = bytearray(self.members[offsets[0] : offsets[-1]].astype("<i4", copy=False))
            bounds = ((offsets - offsets[0]) * 4).tolist()
            records = [
                bytearray() if full_now else data[begin:stop]
                for full_now, begin, stop in zip(
                    grown.tolist(), bounds[:-1], bounds[1:], strict=True
                )
            ]
            keys = self.keys[first:end].tolist()
            if decode is not int:
                keys = list(map(decode, keys))
            yield from zip(repeat(state), keys, last, records)


# Parts of the key range a build sorts one at a time: a part's sorting arrays are about
# 40 bytes per occurrence (110 MB at 100k articles in 16 parts, 28 MB in 64).
PARTS = 64
_LISTED = 65_536
_NOTHING = np.empty(0, dtype=np.int64)
_SIGN = np.uint64(1 << 63)


def top_part(keys: np.ndarray) -> np.ndarray:
    """The part of fingerprint keys (spread over all 64 bits): their top bits."""
    return _unsigned(keys) >> np.uint64(64 - (PARTS.bit_length() - 1))


def _unsigned(keys: np.ndarray) -> np.ndarray:
    """Keys as unsigned numbers in the same order (int64 keys: the sign bit flipped), in
    one new array."""
    return np.asarray(keys, dtype=np.int64).view(np.uint64) ^ _SIGN


def _buckets(keys: np.ndarray) -> tuple[np.uint64, np.uint64, np.ndarray]:
    """Split the range of the sorted `keys` into about one bucket per two keys; the
    directory holds where each bucket's keys start, and where the last ends."""
    if not len(keys):
        return np.uint64(0), np.uint64(0), np.zeros(1, dtype=np.int32)
    lowest, highest = _unsigned(keys[[0, -1]]).tolist()
    span = highest - lowest
    buckets = max(1, len(keys) // 2)
    shift = max(0, span.bit_length() - max(1, buckets.bit_length()))
    count = (span >> shift) + 1
    directory = np.empty(count + 1, dtype=np.int32)
    directory[count] = len(keys)  # the last bucket ends past the last key
    # a slice of the bounds at a time, compared with the keys as they are (the bounds'
    # sign bit flipped back): no copy of the keys, nor of all bounds at once
    for first in range(0, count, _LISTED):
        end = min(first + _LISTED, count)
        bounds = (np.arange(first, end, dtype=np.uint64) << np.uint64(shift)) + np.uint64(lowest)
        directory[first:end] = np.searchsorted(keys, (bounds ^ _SIGN).view(np.int64))
    return np.uint64(lowest), np.uint64(shift), directory


def _joined(parts: list[list[np.ndarray]], column: int) -> np.ndarray:
    """One column of the parts joined, each part's piece let go once copied (joining all
    at once held every part and the whole column twice: 200 MB more at 100k)."""
    pieces = [part[column] for part in parts]
    joined = np.empty(sum(len(piece) for piece in pieces), dtype=pieces[0].dtype)
    del pieces
    at = 0
    for part in parts:
        piece = part[column]
        joined[at : at + len(piece)] = piece
        at += len(piece)
        part[column] = _NOTHING
    del piece
    release_free_memory()  # the pieces' pages, before the next column is made
    return joined


def _part(
    keys: np.ndarray, passages: np.ndarray, cap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`FlatPostings.build` of one part of the key range: its distinct keys, each one's
    posting size, the postings one after the other, and `full_at`."""
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    passages = passages[order]
    del order
    count = len(keys)
    new_key = np.ones(count, dtype=bool)
    new_key[1:] = keys[1:] != keys[:-1]
    new_member = new_key.copy()
    new_member[1:] |= passages[1:] != passages[:-1]
    member_at = np.flatnonzero(new_member)  # where each distinct (key, passage) starts
    del new_member
    starts_group = new_key[member_at]
    group_of_member = np.cumsum(starts_group) - 1
    first_member = np.flatnonzero(starts_group)
    del starts_group
    rank = np.arange(len(member_at)) - first_member[group_of_member]
    full_at = np.full(len(first_member), NEVER, dtype=np.int32)
    last = rank == cap - 1  # each posting's last kept passage: what comes after fills it
    after = member_at[last] + 1
    inside = after < count
    inside[inside] = ~new_key[after[inside]]
    full_at[group_of_member[last][inside]] = passages[after[inside]]
    kept = rank < cap
    sizes = np.bincount(group_of_member[kept], minlength=len(first_member))
    members = passages[member_at[kept]].astype(np.int32)
    return keys[member_at[first_member]], sizes, members, full_at


class _Pieces:
    """Each part's occurrences (keys and passages, a piece per batch, in batch order)
    written to a temporary file as they are gathered, and read back a part at a time:
    held in memory until their part was built, they were 360 MB of the main process's
    peak at 100k articles (docs/indexing.md, "plateau"). A piece no file takes (none can
    be made, or a write failed) is held in memory, as are all after it."""

    def __init__(self) -> None:
        self._file = _spill_file()
        self._writing = self._file is not None
        self._end = 0  # where the next piece goes: the file's position moves as parts are read
        # per part: its pieces, each (keys, passages) held or (at, count, dtypes) written
        self._pieces: list[list[tuple[Any, ...]]] = [[] for _ in range(PARTS)]

    def add(self, slot: int, keys: np.ndarray, passages: np.ndarray) -> None:
        if self._writing:
            at = self._end
            try:
                self._file.seek(at)
                self._put(keys)
                self._put(passages)
            except OSError:  # no room: this piece and the rest held, the file only read
                self._writing = False
            else:
                self._pieces[slot].append((at, len(keys), keys.dtype, passages.dtype))
                return
        self._pieces[slot].append((keys.copy(), passages.copy()))

    def _put(self, values: np.ndarray) -> None:
        """Every byte of `values` written, or OSError: the file is unbuffered, so a full
        disk fails here and never later, on a flush, after the piece was counted written."""
        data = memoryview(np.ascontiguousarray(values).data.cast("B"))
        while data:
            written = self._file.write(data)
            if not written:
                raise OSError("linking's temporary file took nothing")
            data = data[written:]
            self._end += written

    def part(self, slot: int) -> tuple[np.ndarray, np.ndarray] | None:
        """A part's keys and passages, in batch order (None when it has none)."""
        pieces, self._pieces[slot] = self._pieces[slot], []
        if not pieces:
            return None
        read = [self._read(*piece) if len(piece) == 4 else piece for piece in pieces]
        del pieces
        keys = np.concatenate([piece[0] for piece in read])
        passages = np.concatenate([piece[1] for piece in read])
        return keys, passages

    def _read(self, at: int, count: int, key_type: Any, passage_type: Any) -> tuple[Any, Any]:
        self._file.seek(at)
        found = np.empty(count, key_type), np.empty(count, passage_type)
        for values in found:
            if self._file.readinto(values.data.cast("B")) != values.nbytes:
                raise OSError("linking's temporary file was cut short")
        return found

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _spill_file() -> Any:
    """A temporary file in the cache's folder (`linking_workers.spill_folder`: on disk, not
    a tmpfs holding memory), or None when none can be made."""
    from kabar_tui.core.corpus.linking_workers import spill_folder

    try:
        return tempfile.TemporaryFile(dir=spill_folder(), buffering=0)
    except OSError:
        return None


class FlatView:
    """Flat postings seen as `LinkIndex` keeps postings in dicts (items and values only):
    what `LinkIndex.postings` returns after `build`."""

    def __init__(self, flat: FlatPostings, decode: Callable[[Any], Any] = int) -> None:
        self._flat = flat
        self._decode = decode

    def __len__(self) -> int:
        return len(self._flat.keys)

    def items(self) -> Iterator[tuple[Any, Any]]:
        return self._flat.postings(self._decode)

    def values(self) -> Iterator[Any]:
        return (posting for _, posting in self.items())

    def rows(self, state: int, full: int) -> Iterator[tuple]:
        """`FlatPostings.rows`, keys decoded."""
        return self._flat.rows(state, full, self._decode)


def counted_pairs(
    owners: np.ndarray, positions: np.ndarray, numbers: np.ndarray, stride: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (owner, number) pairs of gathered look-ups, with how often each came and
    the first look-up position it came from; ordered by owner, then number."""
    pair = owners * stride + numbers
    order = np.argsort(pair, kind="stable")  # within a pair, look-up order stays
    pair = pair[order]
    first = np.ones(len(pair), dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(pair)))
    unique = pair[starts]
    return unique // stride, unique % stride, counts, positions[order[starts]]


def bounds_of(owners: np.ndarray, first: int, end: int) -> list[int]:
    """Where the rows of each owner first..end-1 begin in `owners` (sorted), and the end."""
    return np.searchsorted(owners, np.arange(first, end + 1)).tolist()


def candidate_lists(
    shared: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rare: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    first: int,
    end: int,
    limits: tuple[int, int, int, int],
) -> Iterator[tuple[int, list[int]]]:
    """(paragraph, candidates) of paragraphs first..end-1 that have any, from their
    `counted_pairs` of fingerprints (`shared`) and rare words (`rare`), in the order
    `LinkIndex._candidates` gives: the strong ones as a set filled in order of first
    appearance (fingerprints, then rare words), then the best supported weak ones,
    ties in order of first appearance. `limits`: strong fingerprints, strong rare
    words, weak fingerprints, most weak candidates."""
    strong_shared, strong_rare, weak_shared, most_weak = limits
    owner, number, count, position = shared
    chosen = count >= strong_shared
    order = np.lexsort((number[chosen], position[chosen], owner[chosen]))
    strong_owner, strong_number = owner[chosen][order], number[chosen][order].tolist()
    rare_owner, rare_number, rare_count, rare_position = rare
    chosen = rare_count >= strong_rare
    order = np.lexsort((rare_number[chosen], rare_position[chosen], rare_owner[chosen]))
    words_owner, words_number = rare_owner[chosen][order], rare_number[chosen][order].tolist()
    chosen = count >= weak_shared
    order = np.lexsort((number[chosen], position[chosen], -count[chosen], owner[chosen]))
    weak_owner, weak_number = owner[chosen][order], number[chosen][order]
    rank = np.arange(len(weak_owner)) - np.searchsorted(weak_owner, weak_owner)
    weak_owner, weak_number = weak_owner[rank < most_weak], weak_number[rank < most_weak].tolist()
    shared_at = bounds_of(strong_owner, first, end)
    words_at = bounds_of(words_owner, first, end)
    weak_at = bounds_of(weak_owner, first, end)
    present = np.unique(np.concatenate((strong_owner, words_owner, weak_owner))).tolist()
    for paragraph in present:
        slot = paragraph - first
        strong = set(strong_number[shared_at[slot] : shared_at[slot + 1]])
        strong.update(words_number[words_at[slot] : words_at[slot + 1]])
        weak = [n for n in weak_number[weak_at[slot] : weak_at[slot + 1]] if n not in strong]
        yield paragraph, [*strong, *weak]
