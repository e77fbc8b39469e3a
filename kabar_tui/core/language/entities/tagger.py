"""The trained entity tagger at run time: a linear-chain CRF decoded with numpy.

The model file (kabar_tui/data/entities/crf.npz, built by `python -m kabar_tui.train`)
holds a weight row per attribute and the label transitions. It is loaded on first use,
so opening the reader never pays for it. A word's attributes depend only on its form
(kabar_tui/core/language/entities/features.py), so their summed weights are cached per form and
offset; a sentence's scores are then a few array additions, and every sentence of an
article is decoded in one batched Viterbi pass.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import filterfalse
from pathlib import Path
from typing import cast

import numpy as np

from kabar_tui.core.language.entities.features import (
    BOUNDARY,
    OFFSETS,
    QUOTE_OPENERS,
    form_attributes,
    position_attributes,
    rule_attributes,
)
from kabar_tui.core.lexicon import LOC, ORG, PER

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
ENTITY = ("", PER, LOC, ORG)  # by (label number + 1) // 2
MODEL_PATH = Path(__file__).resolve().parents[3] / "data" / "entities" / "crf.npz"
FORM_CACHE_LIMIT = 200_000
# Where a word's place in the sentence says something (`features.position_attributes`):
# the word before it opens a quote, or is the sentence's start (the edge `<s>`).
_OPENS_CONTEXT = QUOTE_OPENERS | {BOUNDARY[-1]}
_UNTAGGED = frozenset({"O", ""})  # no rule tag, or beyond the sentence


class CrfModel:
    """Weights by attribute, transitions, and the per-form score rows built from them."""

    def __init__(self, attributes: list[str], weights: np.ndarray, transitions: np.ndarray):
        self.index = {attribute: i for i, attribute in enumerate(attributes)}
        self.weights = weights.astype(np.float32)
        self.transitions = transitions.astype(np.float32)
        self.zero = np.zeros(len(LABELS), dtype=np.float32)
        # few: by the rule tags around a word and whether it opens a sentence or quote
        self.context_ids: dict[tuple[str, str, str, object], int] = {}
        self.context_table = np.zeros((0, len(LABELS)), dtype=np.float32)
        self.plain = self.attribute_sum(rule_attributes(["O"], 0))
        self._reset_forms()

    def _reset_forms(self) -> None:
        self.form_ids: dict[str, int] = {}
        self.table = np.zeros((4096, len(OFFSETS), len(LABELS)), dtype=np.float32)

    def attribute_sum(self, attributes: Sequence[str]) -> np.ndarray:
        rows = [self.index[a] for a in attributes if a in self.index]
        return self.weights[rows].sum(axis=0) if rows else self.zero

    def add_forms(self, words: Sequence[str]) -> None:
        """Give unseen word forms their rows (what each adds to the words at each offset
        from it), all in one numpy pass: a new article's vocabulary then costs building
        attribute names, not summing weights."""
        new = list(filterfalse(self.form_ids.__contains__, dict.fromkeys(words)))
        if not new:
            return
        if len(self.form_ids) + len(new) > FORM_CACHE_LIMIT:
            self._reset_forms()
            new = list(dict.fromkeys(words))
        first = len(self.form_ids)
        needed = first + len(new)
        if needed > len(self.table):
            grown = np.zeros((max(needed, 2 * len(self.table)), *self.table.shape[1:]), np.float32)
            grown[:first] = self.table[:first]
            self.table = grown
        cells: list[int] = []
        attributes: list[int] = []
        index = self.index
        width = len(OFFSETS)
        for number, word in enumerate(new, start=first):
            self.form_ids[word] = number
            for r, at_offset in enumerate(form_attributes(word)):
                for attribute in at_offset:
                    found = index.get(attribute)
                    if found is not None:
                        cells.append(number * width + r)
                        attributes.append(found)
        flat = self.table.reshape(-1, len(LABELS))
        np.add.at(flat, np.asarray(cells, dtype=np.intp), self.weights[attributes])

    def context_id(self, words: Sequence[str], tags: Sequence[str], i: int) -> int:
        """Row of `context_table`: scores from the word's place in the sentence and the
        rules' tags around it."""
        n = len(tags)
        key = (
            tags[i - 1] if i else "",
            tags[i],
            tags[i + 1] if i + 1 < n else "",
            "" if i and words[i - 1] not in QUOTE_OPENERS else words[i][:1].isupper(),
        )
        found = self.context_ids.get(key)
        if found is None:
            attributes = (*position_attributes(words, i), *rule_attributes(tags, i))
            row = self.attribute_sum(attributes) - self.plain
            self.context_table = np.vstack([self.context_table, row[None]])
            found = self.context_ids[key] = len(self.context_ids)
        return found

    def emissions(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> np.ndarray:
        """Score of each label at each word of the `pieces` of all sentences (per sentence,
        [first, last) word ranges; the whole sentence by default), one after the other.
        A word's score reads the words up to 2 places either side, inside the sentence."""
        if pieces is None:
            pieces = [[(0, len(words))] for words, _ in sentences]
        edges = (BOUNDARY[-2], BOUNDARY[-1]), (BOUNDARY[1], BOUNDARY[2])
        no_tags = ("", ""), ("", "")
        # each piece's words and the 2 either side (or the edges), and their rule tags
        # ("" beyond the sentence): a scored word's context is read off its neighbours here
        window: list[str] = []
        tag_window: list[str] = []
        at: list[int] = []  # where each scored word is in `window`
        # each piece's first scored row, its sentence and the sentence's word at that row
        piece_rows: list[int] = []
        piece_words: list[tuple[int, int]] = []
        for number, ((words, tags), spans) in enumerate(zip(sentences, pieces, strict=True)):
            n = len(words)
            if not n:  # an empty sentence has no rows to score
                continue
            for first, last in spans:
                base = len(window) - first + 2  # word i is window[base + i]
                # the edges where the 2 words either side are beyond the sentence
                left, right = max(first - 2, 0), max(last + 2 - n, 0)
                window += edges[0][first:]
                window += words[left : last + 2]
                window += edges[1][:right]
                tag_window += no_tags[0][first:]
                tag_window += tags[left : last + 2]
                tag_window += no_tags[1][:right]
                piece_rows.append(len(at))
                piece_words.append((number, first))
                at.extend(range(base + first, base + last))
        self.add_forms(window)
        known = self.form_ids
        place = np.asarray(at, dtype=np.intp)
        ids = np.fromiter(map(known.__getitem__, window), dtype=np.intp, count=len(window))
        table = self.table
        # word i gets row r of the word OFFSETS[r] places from it
        scores = table[ids[place - 2], 0] + self.plain
        for r, k in enumerate(OFFSETS[1:], start=1):
            scores += table[ids[place + k], r]
        # the words whose context adds to the form's scores: the first word of a
        # sentence, words next to a rule mention or in one, words after a quote
        opens = np.fromiter(map(_OPENS_CONTEXT.__contains__, window), bool, len(window))
        tagged = np.fromiter(map(_UNTAGGED.__contains__, tag_window), bool, len(window))
        np.logical_not(tagged, out=tagged)
        special = np.flatnonzero(
            opens[place - 1] | tagged[place - 1] | tagged[place] | tagged[place + 1]
        )
        if len(special):
            marked = place[special]
            before, after = (marked - 1).tolist(), (marked + 1).tolist()
            marked_at = marked.tolist()
            # whether the word opens with a capital, where its place says something (few)
            capital: list[object] = [""] * len(marked_at)
            for k in np.flatnonzero(opens[marked - 1]).tolist():
                capital[k] = window[marked_at[k]][:1].isupper()
            keys = zip(
                map(tag_window.__getitem__, before),
                map(tag_window.__getitem__, marked_at),
                map(tag_window.__getitem__, after),
                capital,
                strict=True,
            )
            contexts = list(map(self.context_ids.get, keys))
            if None in contexts:  # a context not seen before: its row made from the sentence
                for k, row in enumerate(contexts):
                    if row is None:
                        scored = int(special[k])
                        piece = bisect_right(piece_rows, scored) - 1
                        number, first = piece_words[piece]
                        words, tags = sentences[number]
                        index = first + scored - piece_rows[piece]
                        contexts[k] = self.context_id(words, tags, index)
            scores[special] += self.context_table[cast("list[int]", contexts)]
        return scores

    def decode(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> list[list[str]]:
        """Best label sequence of each (words, rule tags) sentence, all decoded together in
        one batched Viterbi pass.

        With `pieces` (per sentence, [first, last) word ranges), only those stretches are
        decoded (and scored), each as if an O came before and after it (unless it opens or
        closes the sentence); the other words are O. The scores still see the whole
        sentence."""
        lengths = [len(words) for words, _ in sentences]
        labels, offsets, _ = self._best_labels(sentences, pieces)
        result: list[list[str]] = []
        for position, n in zip(offsets, lengths, strict=False):
            row = labels[position : position + n]
            result.append([LABELS[i] for i in row.tolist()] if row.any() else ["O"] * n)
        return result

    def decode_spans(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> list[list[tuple[int, int, str]]]:
        """The entities of `decode`'s labels, per sentence as (first, end, label) word
        ranges, read off the labelled words only (a stray I- opens an entity, as
        `corpora.spans_of` reads training data)."""
        labels, offsets, _ = self._best_labels(sentences, pieces)
        return entity_spans(labels, offsets)

    def decode_sure_spans(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
        asked: Callable[[int, int, int, str], bool] | None = None,
    ) -> list[list[tuple[int, int, str, float | None]]]:
        """`decode_spans`, each entity with the model's probability of it (`Lattice.readings`):
        how sure the tagger is of exactly that name, for letting it overrule the rules
        only where it is sure. Only for the entities `asked(sentence, first, end, label)`
        wants (all by default; None for the others): few are ever asked about."""
        return self.decode_weighed(sentences, pieces, asked)[0]

    def decode_weighed(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
        asked: Callable[[int, int, int, str], bool] | None = None,
        queries: Mapping[int, Sequence[tuple[int, int, int]]] | None = None,
        askable: bytes | None = None,
    ) -> tuple[
        list[list[tuple[int, int, str, float | None]]], dict[tuple[int, int, int, int], float]
    ]:
        """`decode_sure_spans`, and the probability of names the decoder did not read: by
        sentence number, (first, end, kind) queries as `Lattice.readings` takes them
        (another recogniser's names), answered by (sentence, first, end, kind) where the
        best labelling names none of those words and they lie in one decoded piece. One
        forward-backward pass serves both, over the pieces that hold an answer only.
        With `askable` (a byte for each word of the sentences, one after the other, 1 where
        flagged), only names over a flagged word are put to `asked`: the others are not
        asked about."""
        labels, offsets, lattice = self._best_labels(sentences, pieces, keep_steps=True)
        sentence_of, firsts, ends, kinds = _entity_runs(labels, offsets)
        named: list[list[tuple[int, int, str, float | None]]] = [[] for _ in offsets[:-1]]
        if lattice is None:
            return named, {}
        starts = np.asarray(offsets)[sentence_of]
        if askable is not None and asked is not None:
            flagged = np.concatenate(([0], np.cumsum(np.frombuffer(askable, dtype=bool))))
            put = (flagged[ends] > flagged[firsts]).tolist()
        else:
            put = [True] * len(firsts)
        # the names asked about, and where each is in `named` (to give it its probability)
        wanted: list[tuple[int, int, int]] = []
        asked_at: list[tuple[list[tuple[int, int, str, float | None]], int]] = []
        for i, first, end, a, b, kind, ask in zip(
            sentence_of.tolist(),
            firsts.tolist(),
            ends.tolist(),
            (firsts - starts).tolist(),
            (ends - starts).tolist(),
            kinds.tolist(),
            put,
            strict=True,
        ):
            found = named[i]
            label = ENTITY[kind]
            if ask and (asked is None or asked(i, a, b, label)):
                wanted.append((first, end, kind))
                asked_at.append((found, len(found)))
            found.append((a, b, label, None))
        queries = queries or {}
        named_at = labels.tolist() if queries else []
        other = [
            (i, a, b, kind)
            for i, row in queries.items()
            for a, b, kind in row
            if not any(named_at[offsets[i] + a : offsets[i] + b])
            and lattice.place(offsets[i] + a, offsets[i] + b) is not None
        ]
        weights = lattice.readings(
            wanted + [(offsets[i] + a, offsets[i] + b, kind) for i, a, b, kind in other]
        )
        for (found, j), weight in zip(asked_at, weights, strict=False):
            found[j] = (*found[j][:3], weight)
        return named, dict(zip(other, weights[len(wanted) :], strict=True))

    def _best_labels(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None,
        keep_steps: bool = False,
    ) -> tuple[np.ndarray, list[int], Lattice | None]:
        """Label numbers of all words of the sentences, one after the other, and where each
        sentence starts (and the lattice of the decoded pieces, if `keep_steps`)."""
        if not all(words for words, _ in sentences):
            raise ValueError("a sentence without words")
        lengths = [len(words) for words, _ in sentences]
        offsets = np.cumsum([0, *lengths])
        if pieces is None:
            pieces = [[(0, n)] for n in lengths]
        ranges = [
            (o + a, o + b) for o, spans in zip(offsets, pieces, strict=False) for a, b in spans
        ]
        labels = np.zeros(int(offsets[-1]), dtype=np.intp)
        lattice = None
        if ranges:
            emissions = self.emissions(sentences, pieces)
            bounds = np.array(ranges)
            sentence_edge = np.zeros(len(labels) + 1, dtype=bool)
            sentence_edge[offsets] = True
            lattice = Lattice(
                self.transitions, emissions, bounds[:, 0], bounds[:, 1], sentence_edge
            )
            labels[lattice.flat] = lattice.viterbi()
        return labels, offsets.tolist(), lattice if keep_steps else None


class Lattice:
    """The decoded pieces [starts[i], ends[i]) of the words, laid out step-major, longest
    piece first, so the pieces still running at step t are a prefix (`running[t]` of them)
    and one numpy call serves them all. `emissions` holds the pieces' scores one after the
    other. A piece that does not open its sentence follows an O; one that does not close
    it is followed by an O (`opens`: where sentences start, and the end)."""

    def __init__(
        self,
        transitions: np.ndarray,
        emissions: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        opens: np.ndarray,
    ):
        self.transitions = transitions
        lengths = ends - starts
        count, longest = len(starts), int(lengths.max())
        scored_from = np.cumsum(lengths) - lengths  # each piece's first row of `emissions`
        order = np.argsort(-lengths, kind="stable")
        starts, ends, lengths = starts[order], ends[order], lengths[order]
        self.running = (lengths[None, :] > np.arange(longest)[:, None]).sum(axis=1).tolist()
        rows = np.repeat(np.arange(count), lengths)
        columns = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        self.rows, self.columns = rows, columns  # each scored word's piece and step
        self.flat = starts[rows] + columns  # and its position among the words
        self.lengths = lengths
        # the pieces (their numbers here) in the order they start among the words
        by_start = np.argsort(starts, kind="stable")
        self.piece_starts = starts[by_start].tolist()
        self.piece_ends = ends[by_start].tolist()
        self.piece_at = by_start.tolist()
        scores = np.zeros((longest, count, len(LABELS)), dtype=np.float32)
        scores[columns, rows] = emissions[scored_from[order][rows] + columns]
        scores[0] += np.where(opens[starts][:, None], 0.0, transitions[0])
        scores[lengths - 1, np.arange(count)] += np.where(
            opens[ends][:, None], 0.0, transitions[:, 0]
        )
        self.scores = scores

    def viterbi(self) -> np.ndarray:
        """Best label of each scored word (in the order of `flat`)."""
        scores, running = self.scores, self.running
        longest, count = scores.shape[:2]
        score = scores[0].copy()
        back = np.zeros((longest, count, len(LABELS)), dtype=np.intp)
        # (to, from): each step's best label before each label is found along the last,
        # contiguous axis, and its score taken at that place, not found again by a max
        into = np.ascontiguousarray(self.transitions.T)[None]
        pieces, labels = np.arange(count)[:, None], np.arange(len(LABELS))[None, :]
        for t in range(1, longest):
            k = running[t]
            candidates = score[:k, None, :] + into  # (pieces, to, from)
            best = back[t, :k] = candidates.argmax(axis=2)
            np.add(candidates[pieces[:k], labels, best], scores[t, :k], out=score[:k])
        current = score.argmax(axis=1)
        path = np.zeros((longest, count), dtype=np.intp)
        for t in range(longest - 1, -1, -1):
            k = running[t]
            path[t, :k] = current[:k]
            if t:
                current[:k] = back[t, np.arange(k), current[:k]]
        return path[self.columns, self.rows]

    def place(self, first: int, end: int) -> tuple[int, int] | None:
        """(step, piece) of word `first` if the words [first, end) all lie in one decoded
        piece (`readings` can weigh only those), else None."""
        i = bisect_right(self.piece_starts, first) - 1
        if i < 0 or end > self.piece_ends[i]:
            return None
        return first - self.piece_starts[i], self.piece_at[i]

    def readings(self, queries: Sequence[tuple[int, int, int]]) -> list[float]:
        """Probability (forward-backward over each query's piece) that the words [first,
        end) (`covers`) are exactly one entity of the kind (1-3: PER, LOC, ORG): B- then
        I-, and the word after them no I- of that kind."""
        if not queries:
            return []
        places = [self.place(first, end) for first, end, _ in queries]
        if None in places:
            raise ValueError("a reading of words outside the decoded pieces")
        steps_of = cast("list[tuple[int, int]]", places)
        # only the pieces that hold a query: columns kept in order, so still longest first
        kept = sorted({piece for _, piece in steps_of})
        column = {piece: number for number, piece in enumerate(kept)}
        lengths = self.lengths[kept]
        scores = self.scores[: int(lengths[0]), kept].astype(np.float64)
        transitions = self.transitions.astype(np.float64)
        running = (lengths[None, :] > np.arange(len(scores))[:, None]).sum(axis=1).tolist()
        longest = len(scores)
        # forward-backward with each step's weights scaled to sum to 1 (a matrix product
        # a step, no logarithms in the loop): log forward[t] = log(ahead[t]) + scale[t],
        # log backward[t] = log(behind[t]) + scale[last] - scale[t], where scale[t] sums the
        # logarithms of the scaling factors and score shifts up to t
        shift = scores.max(axis=2, keepdims=True)
        weights = np.exp(scores - shift)
        steps = np.exp(transitions)
        factor = np.ones(scores.shape[:2])
        ahead = np.ones_like(scores)
        ahead[0] = weights[0]
        factor[0] = ahead[0].sum(axis=1)
        ahead[0] /= factor[0][:, None]
        for t in range(1, longest):
            k = running[t]
            row = (ahead[t - 1, :k] @ steps) * weights[t, :k]
            factor[t, :k] = row.sum(axis=1)
            ahead[t, :k] = row / factor[t, :k, None]
        behind = np.ones_like(scores)
        for t in range(longest - 2, -1, -1):
            k = running[t + 1]
            behind[t, :k] = (weights[t + 1, :k] * behind[t + 1, :k]) @ steps.T
            behind[t, :k] /= factor[t + 1, :k, None]
        # (past a piece's end its scores are 0 and its factors 1: its scale stays put)
        scale = np.cumsum(np.log(factor) + shift[..., 0], axis=0)
        total = scale[lengths - 1, np.arange(len(kept))]
        with np.errstate(divide="ignore"):
            forward = np.log(ahead) + scale[..., None]
            backward = np.log(behind) + (total[None, :] - scale)[..., None]
        # every query at once: its first step, piece, length and I- label
        step = np.array([place[0] for place in steps_of])
        piece = np.array([column[place[1]] for place in steps_of])
        length = np.array([end - first for first, end, _ in queries])
        inside = 2 * np.array([kind for _, _, kind in queries])
        opening = inside - 1  # B- of the kind
        later = np.arange(1, int(length.max()))[None, :]  # the words after the first
        within = later < length[:, None]
        at = np.minimum(step[:, None] + later, longest - 1)
        value = forward[step, piece, opening] + np.where(
            within, scores[at, piece[:, None], inside[:, None]], 0.0
        ).sum(axis=1)
        value += np.where(length > 1, transitions[opening, inside], 0.0)
        value += np.maximum(length - 2, 0) * transitions[inside, inside]
        # the word after the name is no I- of its kind (where there is one)
        after = step + length
        following = after < lengths[piece]
        at_after = np.minimum(after, longest - 1)
        last = np.where(length > 1, inside, opening)
        tail = transitions[last] + scores[at_after, piece] + backward[at_after, piece]
        tail[np.arange(len(queries)), inside] = -np.inf
        value += np.where(following, _logsumexp(tail, 1), 0.0)
        return np.exp(value - total[piece]).tolist()


def _logsumexp(values: np.ndarray, axis: int) -> np.ndarray:
    top = values.max(axis=axis, keepdims=True)
    return np.log(np.exp(values - top).sum(axis=axis)) + np.squeeze(top, axis=axis)


def entity_spans(labels: np.ndarray, offsets: Sequence[int]) -> list[list[tuple[int, int, str]]]:
    """(first, end, label) word ranges of the entities in label numbers (`LABELS`) of
    sentences laid one after the other (`offsets`: where each starts, then the end). Reads
    only the labelled words, most words being O; a stray I- opens an entity, as
    `corpora.spans_of` reads training data."""
    spans: list[list[tuple[int, int, str]]] = [[] for _ in offsets[:-1]]
    sentence_of, firsts, ends, kinds = _entity_runs(labels, offsets)
    starts = np.asarray(offsets)[sentence_of]
    for sentence, first, end, kind in zip(
        sentence_of.tolist(),
        (firsts - starts).tolist(),
        (ends - starts).tolist(),
        kinds.tolist(),
        strict=True,
    ):
        spans[sentence].append((first, end, ENTITY[kind]))
    return spans


def _entity_runs(
    labels: np.ndarray, offsets: Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`entity_spans` as arrays, in order: each entity's sentence, first word and end
    (among all words) and kind (1 PER, 2 LOC, 3 ORG). An I- continues the entity of the
    word before it if that word is of its kind and sentence: found for all words at once,
    so no loop runs over words."""
    kinds = (labels + 1) // 2  # 0 O, 1 PER, 2 LOC, 3 ORG
    goes_on = np.zeros(len(labels) + 1, dtype=bool)  # the word continues the one before
    goes_on[1:-1] = (labels[1:] % 2 == 0) & (kinds[1:] == kinds[:-1]) & (kinds[1:] > 0)
    goes_on[offsets[1:-1]] = False  # no entity runs over a sentence's start
    named = kinds > 0
    firsts = np.flatnonzero(named & ~goes_on[:-1])
    ends = np.flatnonzero(named & ~goes_on[1:]) + 1
    sentence_of = np.searchsorted(offsets, firsts, side="right") - 1
    return sentence_of, firsts, ends, kinds[firsts]


def model() -> CrfModel:
    """The shipped model, loaded on first use."""
    return load(MODEL_PATH)


@cache
def load(path: Path) -> CrfModel:
    with np.load(path) as data:
        attributes = bytes(data["attributes"]).decode("utf-8").split("\n")
        return CrfModel(attributes, data["weights"], data["transitions"])


def model_record(path: Path | None = None) -> dict:
    """How the model (the shipped one by default) was built: options, the source files with
    their commits, and digests of what training was given (kabar_tui/train/crf.py)."""
    with np.load(path or MODEL_PATH) as data:
        return json.loads(bytes(data["record"]).decode("utf-8"))
