"""The trained entity tagger at run time: a linear-chain CRF decoded with numpy.

The model file (kabar_tui/data/entities/crf.npz, built by `python -m kabar_tui.train`)
holds a weight row per attribute and the label transitions. It is loaded on first use,
so opening the reader never pays for it. A word's attributes depend only on its form
(kabar_tui/core/entities/features.py), so their summed weights are cached per form and
offset; a sentence's scores are then a few array additions, and every sentence of an
article is decoded in one batched Viterbi pass.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from kabar_tui.core.entities.features import (
    BOUNDARY,
    OFFSETS,
    QUOTE_OPENERS,
    position_attributes,
    rule_attributes,
    word_attributes,
)

LABELS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
MODEL_PATH = Path(__file__).resolve().parents[2] / "data" / "entities" / "crf.npz"
FORM_CACHE_LIMIT = 200_000


class CrfModel:
    """Weights by attribute, transitions, and the per-form score rows built from them."""

    def __init__(self, attributes: list[str], weights: np.ndarray, transitions: np.ndarray):
        self.index = {attribute: i for i, attribute in enumerate(attributes)}
        self.weights = weights.astype(np.float32)
        self.transitions = transitions.astype(np.float32)
        self.zero = np.zeros(len(LABELS), dtype=np.float32)
        # few: by the rule tags around a word and whether it opens a sentence or quote
        self.context_rows: dict[tuple[str, str, str, object], np.ndarray] = {}
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
        new = [w for w in dict.fromkeys(words) if w not in self.form_ids]
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
            for r, k in enumerate(OFFSETS):
                for attribute in word_attributes(word, k):
                    found = index.get(attribute)
                    if found is not None:
                        cells.append(number * width + r)
                        attributes.append(found)
        flat = self.table.reshape(-1, len(LABELS))
        np.add.at(flat, np.asarray(cells, dtype=np.intp), self.weights[attributes])

    def context_row(self, words: Sequence[str], tags: Sequence[str], i: int) -> np.ndarray:
        """Scores from the word's place in the sentence and the rules' tags around it."""
        n = len(tags)
        key = (
            tags[i - 1] if i else "",
            tags[i],
            tags[i + 1] if i + 1 < n else "",
            "" if i and words[i - 1] not in QUOTE_OPENERS else words[i][:1].isupper(),
        )
        row = self.context_rows.get(key)
        if row is None:
            attributes = (*position_attributes(words, i), *rule_attributes(tags, i))
            row = self.context_rows[key] = self.attribute_sum(attributes) - self.plain
        return row

    def emissions(self, sentences: Sequence[tuple[Sequence[str], Sequence[str]]]) -> np.ndarray:
        """Score of each label at each word of all sentences, one after the other."""
        padded = [
            word
            for words, _ in sentences
            for word in (BOUNDARY[-2], BOUNDARY[-1], *words, BOUNDARY[1], BOUNDARY[2])
        ]
        self.add_forms(padded)
        known = self.form_ids
        ids = [known[w] for w in padded]
        positions: list[int] = []
        start = 0
        for words, _ in sentences:
            positions.extend(range(start + 2, start + 2 + len(words)))
            start += len(words) + 4
        at = np.asarray(positions)
        table, id_array = self.table, np.asarray(ids)
        # word i gets row r of the word OFFSETS[r] places from it
        scores = table[id_array[at - 2], 0] + self.plain
        for r, k in enumerate(OFFSETS[1:], start=1):
            scores += table[id_array[at + k], r]
        index = 0
        for words, tags in sentences:
            n = len(words)
            special = {0}  # the first word, words next to a rule mention, after a quote
            for i, tag in enumerate(tags):
                if tag != "O":
                    special.update((i - 1, i, i + 1))
            special.update(i + 1 for i, w in enumerate(words) if w in QUOTE_OPENERS)
            for i in special:
                if 0 <= i < n:
                    scores[index + i] += self.context_row(words, tags, i)
            index += n
        return scores

    def decode(
        self,
        sentences: Sequence[tuple[Sequence[str], Sequence[str]]],
        pieces: Sequence[Sequence[tuple[int, int]]] | None = None,
    ) -> list[list[str]]:
        """Best label sequence of each (words, rule tags) sentence, all decoded together in
        one batched Viterbi pass.

        With `pieces` (per sentence, [first, last) word ranges), only those stretches are
        decoded, each as if an O came before and after it (unless it opens or closes the
        sentence); the other words are O. The scores still see the whole sentence."""
        if not all(words for words, _ in sentences):
            raise ValueError("a sentence without words")
        if not sentences:
            return []
        lengths = [len(words) for words, _ in sentences]
        offsets = np.cumsum([0, *lengths])
        if pieces is None:
            pieces = [[(0, n)] for n in lengths]
        ranges = [
            (o + a, o + b) for o, spans in zip(offsets, pieces, strict=False) for a, b in spans
        ]
        labels = np.zeros(int(offsets[-1]), dtype=np.intp)
        if ranges:
            emissions = self.emissions(sentences)
            bounds = np.array(ranges)
            sentence_edge = np.zeros(len(labels) + 1, dtype=bool)
            sentence_edge[offsets] = True
            positions, best = self._viterbi(emissions, bounds[:, 0], bounds[:, 1], sentence_edge)
            labels[positions] = best
        result: list[list[str]] = []
        for position, n in zip(offsets.tolist(), lengths, strict=False):
            row = labels[position : position + n]
            result.append([LABELS[i] for i in row.tolist()] if row.any() else ["O"] * n)
        return result

    def _viterbi(
        self, emissions: np.ndarray, starts: np.ndarray, ends: np.ndarray, opens: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best labels of the pieces [starts[i], ends[i]) of `emissions`, as (positions,
        labels). A piece that does not open its sentence follows an O; one that does not
        close it is followed by an O."""
        lengths = ends - starts
        count, longest = len(starts), int(lengths.max())
        # longest pieces first, so the pieces still running at step t are a prefix
        order = np.argsort(-lengths, kind="stable")
        starts, ends, lengths = starts[order], ends[order], lengths[order]
        running = (lengths[None, :] > np.arange(longest)[:, None]).sum(axis=1).tolist()
        rows = np.repeat(np.arange(count), lengths)
        columns = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        flat = starts[rows] + columns
        scores = np.zeros((count, longest, len(LABELS)), dtype=np.float32)
        scores[rows, columns] = emissions[flat]
        scores[:, 0] += np.where(opens[starts][:, None], 0.0, self.transitions[0])
        last = lengths - 1
        scores[np.arange(count), last] += np.where(
            opens[ends][:, None], 0.0, self.transitions[:, 0]
        )
        score = scores[:, 0].copy()
        back = np.zeros((longest, count, len(LABELS)), dtype=np.intp)
        transitions = self.transitions[None]
        for t in range(1, longest):
            k = running[t]
            candidates = score[:k, :, None] + transitions  # (pieces, from, to)
            best = candidates.argmax(axis=1)
            back[t, :k] = best
            score[:k] = np.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0]
            score[:k] += scores[:k, t]
        current = score.argmax(axis=1)
        path = np.zeros((count, longest), dtype=np.intp)
        for t in range(longest - 1, -1, -1):
            k = running[t]
            path[:k, t] = current[:k]
            if t:
                current[:k] = back[t, np.arange(k), current[:k]]
        return flat, path[rows, columns]


def model() -> CrfModel:
    """The shipped model, loaded on first use."""
    return load(MODEL_PATH)


@cache
def load(path: Path) -> CrfModel:
    with np.load(path) as data:
        attributes = bytes(data["attributes"]).decode("utf-8").split("\n")
        return CrfModel(attributes, data["weights"], data["transitions"])


def model_record() -> dict:
    """How the shipped model was built: options and the source files with their commits."""
    with np.load(MODEL_PATH) as data:
        return json.loads(bytes(data["record"]).decode("utf-8"))
