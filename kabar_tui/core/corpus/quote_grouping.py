"""Which quotations are one: the same quotation printed by several outlets, reworded a
little, gets one group number. Kept apart from `resolve` (names) because it needs numpy,
which the names process does without, and because the pipeline runs it in a process of
its own (`quotes_process`) while linking runs."""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import chain, pairwise

import numpy as np
from rapidfuzz import fuzz, process

from kabar_tui.core.corpus.digest import ArticleDigest

QUOTE_SCORE = 90.0
MIN_FUZZY_QUOTE = 20
QUOTE_BUCKETS = 4
NON_WORD = re.compile(r"[^\w\s]+")


def quote_key(text: str) -> str:
    """Case and punctuation ignored, spaces made single: the text quotations are compared by."""
    return " ".join(NON_WORD.sub(" ", text.casefold()).split())


def _quote_shingles(key: str) -> set[str]:
    """Pairs of neighbouring words (the word itself for a one-word quote)."""
    words = key.split()
    return {f"{a} {b}" for a, b in pairwise(words)} or set(words)


def _quote_buckets(key: str, frequency: Counter[str]) -> list[str]:
    """The rarest word pairs of a quote: a reworded copy keeps most of them, and the pairs
    an edit creates or destroys are rarer still, so two copies still pick a common pair.
    Rare pairs keep buckets small, so a quote is compared with a handful of groups even
    when the same few words recur in every quote (single words did not: quadratic)."""
    ranked = sorted([(frequency[pair], -len(pair), pair) for pair in _quote_shingles(key)])
    return [pair for _, _, pair in ranked[:QUOTE_BUCKETS]]


# ratio = 100 * (1 - distance / (a + b)) and distance >= |a - b|: at QUOTE_SCORE, the
# other key's length lies between these shares of a quotation's (1 char of slack each side)
_SLACK = 1 - QUOTE_SCORE / 100
_SHORTEST = (1 - _SLACK) / (1 + _SLACK)
_LONGEST = (1 + _SLACK) / (1 - _SLACK)
_CLASSES = 32  # the character classes of a key's histogram (`_class_histograms`)
_DENSE_CLASSES = 16  # the classes summed for every pair of a block (`_block_pairs`)
_SMALL_BUCKET = 16  # a bucket this small is scored pair by pair, without histograms
_BOUNDED_AT_ONCE = 1 << 17  # pairs of one bucket bounded in one step (a few MB of arrays)
_PAIRS_PER_KEY = 8  # a bucket whose bounded pairs outnumber this per key is scored lazily


def _class_table() -> np.ndarray:
    """The class of each ASCII character: a letter, the space, two digits, anything else."""
    table = np.full(128, _CLASSES - 1, dtype=np.int64)
    table[ord("a") : ord("z") + 1] = np.arange(26)
    table[ord(" ")] = 26
    table[ord("0") : ord("9") + 1] = 27 + np.arange(10) % 4
    return table


def _class_histograms(keys: Sequence[str], lengths: np.ndarray) -> np.ndarray:
    """Per key, how many of its characters fall in each class (at most 255), the classes
    most common in these keys first."""
    table = _class_table()
    histograms = np.zeros((len(keys), _CLASSES), dtype=np.uint8)
    step = 1 << 11
    for first in range(0, len(keys), step):
        part = keys[first : first + step]
        text = "".join(part).encode("utf-32-le", "surrogatepass")
        points = np.frombuffer(text, dtype=np.uint32)
        classes = np.where(points < 128, table[np.minimum(points, 127)], _CLASSES - 1)
        owners = np.repeat(np.arange(len(part)), lengths[first : first + len(part)])
        counts = np.bincount(owners * _CLASSES + classes, minlength=len(part) * _CLASSES)
        histograms[first : first + len(part)] = np.minimum(counts, 255).reshape(-1, _CLASSES)
    common = np.argsort(-histograms.sum(axis=0, dtype=np.int64), kind="stable")
    for first in range(0, len(keys), step):
        histograms[first : first + step] = histograms[first : first + step, common]
    return histograms


def _scored_pairs(
    keys: Sequence[str], chosen: np.ndarray, matches: dict[int, dict[int, float]]
) -> set[int]:
    """Into `matches[j][i]` (i < j), fuzz.ratio of every pair of keys that share a bucket
    (a column of `chosen`: the word-pair numbers of each key, -1 for none), the later one
    at least MIN_FUZZY_QUOTE long and the earlier within its length window, when it
    reaches QUOTE_SCORE (pairs below it are not all scored); returns the buckets left
    out (their word-pair numbers), to be scored lazily, as `key_group_numbers` groups.

    A bucket of near-duplicates (one quotation reprinted with a few words changed) has
    nearly every pair within the bound and the score, so scoring them all is quadratic
    in its keys, time and memory, where few of them will be a group's first key, the
    only ones a later key is compared with: when the pairs of a bucket left by the bound
    outnumber _PAIRS_PER_KEY per key, none of its pairs are scored here, and the grouping
    scores its keys against its groups' first keys alone, as they come. So `matches`
    holds at most that many pairs per bucket a key is in (or 120 in a small bucket).

    A pair is scored only when the character-class histograms of its keys differ (L1) by
    at most a tenth of their summed length, plus 1: fuzz.ratio is 100 * 2 * LCS / (a + b)
    (the Indel distance a + b - 2 LCS over a + b), and the LCS of two keys holds each
    character at most as often as the key with fewer of it, so LCS <= sum over classes of
    min(h1, h2) = (a + b - L1) / 2 (merged classes and counts capped at 255 only lower L1),
    so ratio >= QUOTE_SCORE (90) needs L1 <= (a + b) / 10. The score is rapidfuzz's own,
    as before; the bound only skips pairs that cannot reach it.
    """
    size = len(keys)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=size)
    lowest = (lengths * _SHORTEST).astype(np.int32) - 1  # int(), as the window always was
    highest = (lengths * _LONGEST).astype(np.int32) + 1
    histograms = _class_histograms(keys, lengths)
    lengths = lengths.astype(np.int32)
    sizes, low, high = (array("i", part.tobytes()) for part in (lengths, lowest, highest))
    words = chosen.reshape(-1)
    order = np.argsort(words, kind="stable")[np.count_nonzero(words < 0) :]  # keys in order
    cuts = (np.flatnonzero(np.diff(words[order])) + 1).tolist()
    edges = [0, *cuts, len(order)] if len(order) else []
    bucket_words = words[order[edges[:-1]]].tolist()  # each bucket's word pair
    by_word = (order // chosen.shape[1]).astype(np.int32)
    del order
    ratio = fuzz.ratio
    lazy: set[int] = set()
    for word, (begin, end) in zip(bucket_words, pairwise(edges), strict=True):
        if end - begin < 2:
            continue
        if end - begin <= _SMALL_BUCKET:
            members = by_word[begin:end].tolist()
            pairs = [
                (j, i)
                for at, j in enumerate(members)
                if sizes[j] >= MIN_FUZZY_QUOTE
                for i in members[:at]
                if low[j] <= sizes[i] <= high[j]
            ]
        else:
            members = by_word[begin:end]
            budget = _PAIRS_PER_KEY * (end - begin)
            found = _bounded_pairs(members, lengths, lowest, highest, histograms, budget)
            if found is None:
                lazy.add(word)
                continue
            pairs = found
        for j, i in pairs:
            score = ratio(keys[j], keys[i], score_cutoff=QUOTE_SCORE)
            if score:
                matches.setdefault(j, {})[i] = score
    return lazy


def _bounded_pairs(
    members: np.ndarray,
    lengths: np.ndarray,
    lowest: np.ndarray,
    highest: np.ndarray,
    histograms: np.ndarray,
    budget: int,
) -> list[tuple[int, int]] | None:
    """The pairs (j, i) of one bucket's keys (numbers, ascending) as `_scored_pairs` scores
    them: i < j, j long enough, i in j's length window and within the histogram bound;
    None as soon as more than `budget` pairs are within the bound.

    Sorted by length, each pair is bounded once, from its longer key (the later in that
    order) against the run of shorter ones that could be in the window of either; the
    pairs within the bound are then put in corpus order and their window checked. Keys
    are taken a few at a time against the union of their runs."""
    order = members[np.argsort(lengths[members], kind="stable")]
    sizes = lengths[order]
    # the first key each could pair with: within its window, or it within that key's
    starts = np.minimum(
        np.searchsorted(sizes, lowest[order], "left"),
        np.searchsorted(highest[order], sizes, "left"),
    )
    counts = histograms[order].T.astype(np.int16)  # class by class, each contiguous
    found: list[tuple[int, int]] = []
    first = int(np.searchsorted(sizes, MIN_FUZZY_QUOTE, "left"))
    while first < len(order):
        # rows * columns <= _BOUNDED_AT_ONCE, columns = rows + first - begin - 1 at most
        width = first - int(starts[first])
        rows = max(1, (math.isqrt(width * width + 4 * _BOUNDED_AT_ONCE) - width) // 2)
        last = min(len(order), first + rows)
        begin = int(starts[first])
        if begin < last - 1:
            longer, shorter = _block_pairs(sizes, starts, counts, first, last, begin)
            if len(found) + len(longer) > budget:
                return None
            for one, two in zip(order[longer].tolist(), order[shorter].tolist(), strict=True):
                j, i = (one, two) if one > two else (two, one)
                if lengths[j] >= MIN_FUZZY_QUOTE and lowest[j] <= lengths[i] <= highest[j]:
                    found.append((j, i))
        first = last
    return found


def _block_pairs(
    sizes: np.ndarray, starts: np.ndarray, counts: np.ndarray, first: int, last: int, begin: int
) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of a bucket's keys first:last, each against the keys from its start up to
    it, in the histogram bound, as two arrays of places in the bucket (longer, shorter).

    The distance is summed class by class, the most common classes first (the
    histograms' columns come so), for every pair of the block, then only for the pairs
    whose sum so far is within the bound: a part of the sum is no more than the whole."""
    columns = np.arange(begin, last - 1)
    # 10 * distance <= a + b + 10 (a tenth of the summed lengths, 1 of slack), in integers
    limit = (sizes[first:last, None] + sizes[begin : last - 1] + 10) // 10
    places = np.arange(first, last)[:, None]
    limit[(columns >= places) | (columns < starts[first:last, None])] = -1
    distance = np.zeros(limit.shape, dtype=np.int16)
    step = np.empty(limit.shape, dtype=np.int16)
    for longer, shorter in zip(
        counts[:_DENSE_CLASSES, first:last], counts[:_DENSE_CLASSES, begin : last - 1], strict=True
    ):
        np.subtract(longer[:, None], shorter, out=step)
        distance += np.abs(step, out=step)
    row, column = np.nonzero(distance <= limit)
    summed = distance[row, column]
    bound = limit[row, column]
    row += first
    column += begin
    for at in range(_DENSE_CLASSES, _CLASSES):
        summed += np.abs(counts[at, row] - counts[at, column])
        if at % 8 == 7:
            near = summed <= bound
            row, column, summed, bound = row[near], column[near], summed[near], bound[near]
    return row, column


class _FirstKeys:
    """A lazy bucket's groups' first keys so far (`_scored_pairs`), ordered by length, as
    main's buckets were: a look-up scores only the keys in a key's length window."""

    __slots__ = ("keys", "lengths", "numbers")

    def __init__(self) -> None:
        self.lengths = array("i")
        self.numbers: list[int] = []
        self.keys: list[str] = []

    def add(self, number: int, key: str) -> None:
        place = bisect_right(self.lengths, len(key))
        self.lengths.insert(place, len(key))
        self.numbers.insert(place, number)
        self.keys.insert(place, key)

    def scored(self, key: str) -> list[tuple[int, float]]:
        """The first keys (numbers) in `key`'s length window reaching QUOTE_SCORE, scored."""
        low = bisect_left(self.lengths, int(len(key) * _SHORTEST) - 1)
        high = bisect_right(self.lengths, int(len(key) * _LONGEST) + 1)
        if low >= high:
            return []
        found = process.extract(
            key, self.keys[low:high], scorer=fuzz.ratio, score_cutoff=QUOTE_SCORE, limit=None
        )
        return [(self.numbers[low + at], score) for _, score, at in found]


def quote_group_numbers(articles: Sequence[ArticleDigest]) -> array[int]:
    """The group of each quotation of `articles`, in their order, groups numbered as first
    met: which quotations are one depends on the quotations alone (not on names), so the
    pipeline works this out in a spawned process while linking runs (docs/indexing.md)."""
    return key_group_numbers([quote_key(quote[0]) for a in articles for quote in a.quotes])


def key_group_numbers(quote_keys: Sequence[str]) -> array[int]:
    """`quote_group_numbers` of the quotations whose `quote_key`s these are, in order.

    Groups are numbered as first met. A key met before joins that key's group. Otherwise,
    at least MIN_FUZZY_QUOTE long, it joins the group of the closest group's first key
    (fuzz.ratio at least QUOTE_SCORE) among those sharing one of its QUOTE_BUCKETS rarest
    word pairs (`_quote_buckets`) and within its length window: the highest score, then
    the one met in its earliest pair, then the lowest group; or it starts a group. Only
    groups' first keys are candidates, so the order matters.

    Every pair of keys that could join (sharing a pair, in the window, the later long
    enough, reaching QUOTE_SCORE) is scored first, bucket by bucket (`_scored_pairs`, which
    skips only pairs that cannot reach the score), but for buckets of near-duplicates,
    left lazy; the keys are then grouped in order from those pairs and, in a lazy bucket,
    from scoring the key against the bucket's groups' first keys then, so either way the
    candidates are the groups' first keys sharing a bucket that reach the score, with the
    rules above (docs/indexing.md, "quotegroup" and "quotegroup2").
    """
    index: dict[str, int] = {}
    for key in quote_keys:
        index.setdefault(key, len(index))
    keys = list(index)
    frequency = Counter(chain.from_iterable(map(_quote_shingles, keys)))
    numbered: dict[str, int] = {}
    chosen = array("i")  # per key its buckets' numbers, -1 after the last
    unused = [-1] * QUOTE_BUCKETS
    for key in keys:
        words = [numbered.setdefault(w, len(numbered)) for w in _quote_buckets(key, frequency)]
        chosen += array("i", words + unused[len(words) :])
    del frequency, numbered
    matches: dict[int, dict[int, float]] = {}
    lazy = _scored_pairs(
        keys, np.frombuffer(chosen, dtype=np.int32).reshape(-1, QUOTE_BUCKETS), matches
    )
    firsts = {word: _FirstKeys() for word in lazy}  # per lazy bucket: its groups' first keys
    groups = array("i", bytes(4 * len(keys)))
    first_keys = bytearray(len(keys))  # 1 for a group's first key
    count = 0
    for j, key in enumerate(keys):
        later = chosen[j * QUOTE_BUCKETS : (j + 1) * QUOTE_BUCKETS]
        found = [(i, score) for i, score in matches.pop(j, {}).items() if first_keys[i]]
        if len(key) >= MIN_FUZZY_QUOTE:
            for word in later:
                if word in firsts:
                    found += firsts[word].scored(key)
        best: tuple[float, int, int] | None = None
        for i, score in found:
            earlier = set(chosen[i * QUOTE_BUCKETS : (i + 1) * QUOTE_BUCKETS])
            met = next(n for n, word in enumerate(later) if word in earlier)
            candidate = (-score, met, groups[i])
            if best is None or candidate < best:
                best = candidate
        if best is None:
            groups[j] = count
            first_keys[j] = 1
            count += 1
            for word in later:
                if word in firsts:
                    firsts[word].add(j, key)
        else:
            groups[j] = best[2]
    return array("i", [groups[index[key]] for key in quote_keys])
