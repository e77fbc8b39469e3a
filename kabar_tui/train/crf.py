"""Train the entity tagger's linear-chain CRF and write it as a numpy file.

Training needs python-crfsuite (`pip install -e '.[train]'`); the reader decodes the file
with numpy alone (kabar_tui/core/entities/tagger.py). The features are
kabar_tui/core/entities/features.py, the same code the reader runs. The rule recogniser's
output is one of the features, so it is run on each training sentence as it is on an
article. The word clusters and the list of lowercase words the features read are rebuilt
from the same training sentences first (wordstats.py). Training is deterministic: same
data, same options, same weights.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from kabar_tui.core.entities.features import rule_tags, sentence_attributes, word_lists
from kabar_tui.core.entities.rules import recognise_with_bases
from kabar_tui.core.entities.tagger import LABELS, MODEL_PATH
from kabar_tui.train import wordstats
from kabar_tui.train.corpora import (
    CORPORA,
    Sentence,
    detokenize,
    load,
    provenance,
    retokenize,
)

OPTIONS = {
    "c1": 0.05,  # L1: most attributes get no weight, which keeps the file small
    "c2": 0.05,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def rule_tags_of(words: tuple[str, ...]) -> list[str]:
    """What the rule recogniser says about a sentence, as BIO tags over its words."""
    text, spans = detokenize(words)
    found = recognise_with_bases([text])
    ruled = [(m.start, m.end, m.label, found.bases[0, m.start, m.end]) for m in found.mentions]
    return rule_tags(spans, ruled)


def sequences(sentences: Iterable[Sentence]) -> Iterable[tuple[list[list[str]], list[str]]]:
    """Attributes and tags of each sentence, already split as the reader splits text."""
    for sentence in sentences:
        yield (
            sentence_attributes(sentence.words, rule_tags_of(sentence.words)),
            list(sentence.tags),
        )


def train(output: Path = MODEL_PATH, options: dict | None = None, verbose: bool = False) -> Path:
    try:
        import pycrfsuite  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError as error:
        raise SystemExit("training needs python-crfsuite: pip install -e '.[train]'") from error
    sentences = [retokenize(s) for corpus in CORPORA for s in load(corpus, "train")]
    wordstats.write([s.words for s in sentences])  # the word lists the features read
    word_lists.cache_clear()
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for attributes, tags in sequences(sentences):
        trainer.append(pycrfsuite.ItemSequence(attributes), tags)
    trainer.select("lbfgs", "crf1d")
    trainer.set_params({**OPTIONS, **(options or {})})
    scratch = output.with_suffix(".crfsuite")
    trainer.train(str(scratch))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(scratch))
    export(tagger.info(), output, {"options": {**OPTIONS, **(options or {})}})
    tagger.close()
    scratch.unlink()
    return output


def export(info, output: Path, record: dict) -> None:
    """State and transition weights as arrays; attributes with no weight are left out."""
    column = {label: i for i, label in enumerate(LABELS)}
    weights: dict[str, np.ndarray] = {}
    for (attribute, label), weight in sorted(info.state_features.items()):
        row = weights.setdefault(attribute, np.zeros(len(LABELS), dtype=np.float32))
        row[column[label]] = weight
    transitions = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[column[before], column[after]] = weight
    attributes = sorted(weights)
    record = {**record, "sources": provenance()}
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        np.savez_compressed(
            handle,
            attributes=np.frombuffer("\n".join(attributes).encode("utf-8"), dtype=np.uint8),
            weights=np.stack([weights[a] for a in attributes]).astype(np.float16),
            transitions=transitions,
            record=np.frombuffer(json.dumps(record, indent=1).encode("utf-8"), dtype=np.uint8),
        )
