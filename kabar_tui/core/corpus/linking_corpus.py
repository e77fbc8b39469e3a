"""The whole-corpus pass of `LinkIndex.build` on flat arrays (docs/linking.md): kept
apart from linking.py so that the reader, which imports linking, does not import numpy."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from functools import partial
from typing import Any

import numpy as np

from kabar_tui.core.corpus.linking import (
    _ARRAY_BATCH,
    _LOOKUP_BATCH,
    FINGERPRINT_POSTING_CAP,
    MAX_CANDIDATES,
    RARE_WORD_POSTING_CAP,
    RARE_WORDS_MIN_SHARED,
    SAMPLE_MODULUS,
    SHORT_PASSAGE,
    STRONG_FINGERPRINTS,
    WEAK_FINGERPRINTS,
    Found,
    Linked,
    LinkIndex,
    _quote_word_positions,
)
from kabar_tui.core.corpus.linking_arrays import (
    PARTS,
    FlatPostings,
    candidate_lists,
    counted_pairs,
    shingle_keys,
    top_part,
)
from kabar_tui.core.corpus.linking_passages import PassageStore


class CorpusArrays:
    """A whole corpus's postings as flat arrays, and its paragraphs' look-ups in them
    (`LinkIndex.build`; kabar_tui.core.corpus.linking_arrays).

    Made in order, they hold what adding the articles one by one would have posted; each
    look-up keeps what its posting held before the paragraph's article (below the
    article's first passage, nothing once full by then), which is the state the one by
    one index had at that moment: the same candidates, in the same order.
    """

    def __init__(self, index: LinkIndex, starts: array[int]) -> None:
        self.index = index
        self.lookup_batch = _LOOKUP_BATCH  # paragraphs looked up at once (`link`)
        passages: PassageStore = index._passages
        # a PassageStore, or in a spawned worker `linking_workers.MappedPassages`
        self.passages: Any = passages
        self.starts = np.frombuffer(starts, dtype=np.int64).copy()
        content_sizes = np.fromiter(passages.content_sizes(), np.int64, len(passages))
        self.content_offsets = np.zeros(len(passages) + 1, dtype=np.int64)
        np.cumsum(content_sizes, out=self.content_offsets[1:])
        del content_sizes
        self.content_ids, self.vocabulary = _content_ids(passages, int(self.content_offsets[-1]))
        counts = _counted(self.content_ids, len(self.vocabulary))
        index._frequency.update(dict(zip(self.vocabulary, counts.tolist(), strict=True)))
        index._counted += len(passages)
        shift = max(0, len(self.vocabulary).bit_length() - (PARTS.bit_length() - 1))
        self.words = FlatPostings.build(
            self._content_batches(), RARE_WORD_POSTING_CAP, partial(_shifted, shift)
        )
        self.fingerprints = FlatPostings.build(
            self._sampled_batches(), FINGERPRINT_POSTING_CAP, top_part
        )

    @classmethod
    def mapped(
        cls,
        index: LinkIndex,
        starts: np.ndarray,
        content_offsets: np.ndarray,
        content_ids: np.ndarray,
        vocabulary: list[str],
        words: FlatPostings,
        fingerprints: FlatPostings,
    ) -> CorpusArrays:
        """Arrays the main process built, as a spawned link worker maps them
        (kabar_tui.core.corpus.linking_workers): `index` holds the passages and counts."""
        arrays = cls.__new__(cls)
        arrays.index = index
        arrays.lookup_batch = _LOOKUP_BATCH
        arrays.passages = index._passages
        arrays.starts = starts
        arrays.content_offsets = content_offsets
        arrays.content_ids = content_ids
        arrays.vocabulary = vocabulary
        arrays.words = words
        arrays.fingerprints = fingerprints
        return arrays

    def _batches(self) -> Iterator[tuple[int, int]]:
        count = len(self.starts)
        for first in range(0, count, _ARRAY_BATCH):
            yield first, min(first + _ARRAY_BATCH, count)

    def _content_batches(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(content word ids, their passages) of a batch of passages at a time."""
        offsets = self.content_offsets
        for first, end in self._batches():
            ids = self.content_ids[offsets[first] : offsets[end]]
            sizes = np.diff(offsets[first : end + 1])
            yield ids, np.repeat(np.arange(first, end, dtype=np.int32), sizes)

    def _sampled_batches(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(sampled fingerprint keys, their passages) of a batch of passages at a time."""
        for first, end in self._batches():
            keys, _, owners = self._sampled(*self.shingles(first, end))
            yield keys, owners.astype(np.int32)

    def shingles(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every 4-gram key of passages first..end-1, its word position and its passage."""
        texts = self.passages.texts(first, end)
        lengths = np.fromiter((t.count(" ") + 1 for t in texts), np.int64, len(texts))
        words = " ".join(texts).split(" ")
        codes = np.fromiter(map(self.index._word_codes.__getitem__, words), np.uint64, len(words))
        keys, positions = shingle_keys(codes, lengths)
        owners = np.repeat(np.arange(first, end, dtype=np.int64), np.maximum(lengths - 3, 0))
        return keys, positions, owners

    def _sampled(
        self, keys: np.ndarray, positions: np.ndarray, owners: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The keys `LinkIndex._index` posts: one in SAMPLE_MODULUS, all in short
        paragraphs and inside quotations."""
        if not len(keys):
            return keys, positions, owners
        first = int(owners[0])
        sizes = np.bincount(owners - first)
        kept = (keys % SAMPLE_MODULUS == 0) | (sizes[owners - first] < SHORT_PASSAGE)
        starts = np.cumsum(sizes) - sizes
        passages = self.passages
        last = first + len(sizes)
        for number, quotes in passages.quoted(first, last):
            slot = number - first
            if sizes[slot] >= SHORT_PASSAGE:
                text = passages.texts(number, number + 1)[0]
                quoted = _quote_word_positions(text.split(), quotes)
                kept[[starts[slot] + position for position in quoted]] = True
        return keys[kept], positions[kept], owners[kept]

    def link(self, first: int, end: int) -> Linked:
        """Links of the passages numbered first..end-1 to those indexed before their
        article, and the pairs deferred (see `LinkIndex._deferred`)."""
        found: list[Found] = []
        deferred = array("q")
        for batch in range(first, end, self.lookup_batch):
            batch_end = min(batch + self.lookup_batch, end)
            for number, candidates in self._candidates(batch, batch_end):
                passage = self.passages[number]
                found.extend(self.index._scored(passage, number, candidates, deferred))
        return found, deferred

    def _candidates(self, first: int, end: int) -> Iterator[tuple[int, list[int]]]:
        stride = len(self.starts) + 1
        keys, positions, owners = self.shingles(first, end)
        lookup, numbers = self.fingerprints.visible(keys, self.starts[owners])
        shared = counted_pairs(owners[lookup], positions[lookup], numbers, stride)
        del keys, positions, owners, lookup, numbers
        offsets = self.content_offsets
        ids = self.content_ids[offsets[first] : offsets[end]]
        sizes = np.diff(offsets[first : end + 1])
        owners = np.repeat(np.arange(first, end, dtype=np.int64), sizes)
        positions = np.arange(len(ids), dtype=np.int64) - np.repeat(offsets[first:end], sizes)
        positions += offsets[first]
        lookup, numbers = self.words.visible(ids, self.starts[owners])
        rare = counted_pairs(owners[lookup], positions[lookup], numbers, stride)
        limits = (STRONG_FINGERPRINTS, RARE_WORDS_MIN_SHARED, WEAK_FINGERPRINTS, MAX_CANDIDATES)
        return candidate_lists(shared, rare, first, end, limits)


def _counted(ids: np.ndarray, distinct: int) -> np.ndarray:
    """How often each id 0..distinct-1 occurs, counted a slice at a time (`bincount`
    makes a copy of 8 bytes per id: 100 MB at 100k articles, all at once)."""
    counts = np.zeros(distinct, dtype=np.int64)
    for first in range(0, len(ids), _COUNTED_AT_ONCE):
        counts += np.bincount(ids[first : first + _COUNTED_AT_ONCE], minlength=distinct)
    return counts


_COUNTED_AT_ONCE = 1 << 20


def _shifted(shift: int, keys: np.ndarray) -> np.ndarray:
    return keys >> shift


def _content_ids(passages: PassageStore, count: int) -> tuple[np.ndarray, list[str]]:
    """Every passage's content words as numbers, and the words they number (in order of
    first use). Passages held in one buffer have them so already: that array is used as
    it is, not copied (50 MB at 100k articles, held while linking: docs/indexing.md,
    "plateau")."""
    held = passages.content_numbers() if isinstance(passages, PassageStore) else None
    if held is not None and held[0].itemsize == 4 and len(held[0]) == count:
        numbers, words = held
        return np.frombuffer(numbers, dtype=np.int32), list(words)
    vocabulary = _Vocabulary()
    content_ids = np.fromiter(  # sized beforehand: no copy while it grows
        map(vocabulary.__getitem__, passages.content_words()), np.int32, count
    )
    return content_ids, list(vocabulary)


class _Vocabulary(dict):
    """word -> its number, numbered in order of first use."""

    def __missing__(self, word: str) -> int:
        number = self[word] = len(self)
        return number
