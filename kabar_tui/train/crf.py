"""Train the entity tagger's linear-chain CRF and write it as a numpy file.

Training needs python-crfsuite (`pip install -e '.[train]'`); the reader decodes the file
with numpy alone (kabar_tui/core/language/entities/tagger.py). The features are
kabar_tui/core/language/entities/features.py, the same code the reader runs. The rule recogniser's
output is one of the features, so it is run on each training sentence as it is on an
article. The word clusters and the list of lowercase words the features read are rebuilt
from the same training sentences first (wordstats.py).

Training is deterministic: the same files, code and options give the same bytes (no hash
order, thread count or clock reaches the file). Since the rules are features, a change to
them changes what training gives, so the model records a digest of everything crfsuite
was given (`inputs_sha256`) and of the two word lists, and `stale_parts` (`python -m
kabar_tui.train --check`) says whether the shipped model is still what this code trains.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from kabar_tui.core.language.entities.features import rule_tags, sentence_attributes, word_lists
from kabar_tui.core.language.entities.rules import recognise_with_bases
from kabar_tui.core.language.entities.tagger import LABELS, MODEL_PATH, model_record
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
    "c2": 0.02,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}
ARCHIVE_TIME = (1980, 1, 1, 0, 0, 0)  # every member's date in the model file: no clock


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


def training_sentences(mirror: Path | None = None) -> list[Sentence]:
    """Every training split, in CORPORA order, split as the reader splits text."""
    return [retokenize(s) for corpus in CORPORA for s in load(corpus, "train", mirror)]


def sequence_bytes(attributes: Sequence[Sequence[str]], tags: Sequence[str]) -> bytes:
    """One sequence as crfsuite is given it, in order, for the digest of the inputs."""
    lines = "".join(
        f"{tag}\t{chr(31).join(row)}\n" for row, tag in zip(attributes, tags, strict=True)
    )
    return lines.encode("utf-8") + b"\n"


def train(output: Path = MODEL_PATH, options: dict | None = None, verbose: bool = False) -> Path:
    """Rebuild the word lists and the model from the fetched training files. Only the
    shipped model's training rewrites the package's lists: a model written elsewhere is
    read with the lists the package holds, so it is trained on those."""
    sentences = training_sentences()
    if output.resolve() == MODEL_PATH.resolve():
        word_texts = wordstats.write([s.words for s in sentences])  # the lists features read
        word_lists.cache_clear()
    else:
        word_texts = {name: wordstats.shipped_text(name) for name in wordstats.LIST_FILES}
    record = {
        "sources": provenance(),
        "word_lists": wordstats.digests(word_texts),
        "environment": environment(),
    }
    return fit(sequences(sentences), output, options, verbose, record)


def environment() -> dict[str, str]:
    """Versions of what the features depend on beyond this package: babel's CLDR names
    feed the gazetteer, numpy computes the word clusters."""
    import babel

    return {"babel": babel.__version__, "numpy": np.__version__}


def fit(
    data: Iterable[tuple[list[list[str]], list[str]]],
    output: Path,
    options: dict | None = None,
    verbose: bool = False,
    record: dict | None = None,
) -> Path:
    """Train on `data` (attributes and tags of each sentence) and write the model, with
    the options, the digest of the data and `record` inside it."""
    try:
        import pycrfsuite  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError as error:
        raise SystemExit("training needs python-crfsuite: pip install -e '.[train]'") from error
    chosen = {**OPTIONS, **(options or {})}
    trainer = pycrfsuite.Trainer(verbose=verbose)
    digest = hashlib.sha256()
    for attributes, tags in data:
        digest.update(sequence_bytes(attributes, tags))
        trainer.append(pycrfsuite.ItemSequence(attributes), tags)
    trainer.select("lbfgs", "crf1d")
    trainer.set_params(chosen)
    scratch = output.with_suffix(".crfsuite")
    trainer.train(str(scratch))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(scratch))
    full_record = {"options": chosen, "inputs_sha256": digest.hexdigest(), **(record or {})}
    export(tagger.info(), output, full_record)
    tagger.close()
    scratch.unlink()
    return output


def export(info, output: Path, record: dict) -> None:
    """State and transition weights as arrays; attributes with no weight are left out.
    Written member by member, uncompressed and with a fixed date, so equal weights give
    equal bytes whatever the clock, platform or zlib build."""
    column = {label: i for i, label in enumerate(LABELS)}
    weights: dict[str, np.ndarray] = {}
    for (attribute, label), weight in sorted(info.state_features.items()):
        row = weights.setdefault(attribute, np.zeros(len(LABELS), dtype=np.float32))
        row[column[label]] = weight
    transitions = np.zeros((len(LABELS), len(LABELS)), dtype=np.float32)
    for (before, after), weight in sorted(info.transitions.items()):
        transitions[column[before], column[after]] = weight
    attributes = sorted(weights)
    arrays: dict[str, np.ndarray] = {
        "attributes": np.frombuffer("\n".join(attributes).encode("utf-8"), dtype=np.uint8),
        "weights": np.stack([weights[a] for a in attributes]).astype(np.float16),
        "transitions": transitions,
        "record": np.frombuffer(json.dumps(record, indent=1).encode("utf-8"), dtype=np.uint8),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", ARCHIVE_TIME)
            member.create_system = 3  # as written on Unix, wherever it is
            member.external_attr = 0o644 << 16
            with archive.open(member, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, array, allow_pickle=False)


def stale_parts(model: Path | None = None, mirror: Path | None = None) -> list[str]:
    """How the shipped model differs from what `train` would write from this code and the
    fetched files: empty when they agree. Runs the rules over the training sentences (no
    crfsuite, no training)."""
    record = model_record(model)
    sentences = training_sentences(mirror)
    found: list[str] = []
    fresh = wordstats.texts([s.words for s in sentences])
    for name, text in fresh.items():
        if wordstats.shipped_text(name) != text:
            found.append(f"{name} is not what the training files give: retrain")
    if "inputs_sha256" not in record:
        return [*found, "the model records no digest of what it was trained on: retrain"]
    if record.get("word_lists") != wordstats.digests(fresh):
        found.append("the model was trained with other word lists: retrain")
    if record.get("sources") != provenance(mirror):
        found.append("the model was trained on other files than corpora.py lists: retrain")
    if record.get("environment") != environment():
        found.append(f"trained with {record.get('environment')}, here {environment()}")
    if record.get("options") != OPTIONS:
        found.append(f"the model was trained with options {record.get('options')}, not {OPTIONS}")
    digest = hashlib.sha256()
    for attributes, tags in sequences(sentences):
        digest.update(sequence_bytes(attributes, tags))
    if record.get("inputs_sha256") != digest.hexdigest():
        found.append(
            "the features this code gives the training sentences (rules, curated lists, "
            "feature code) are not those the model was trained on: retrain"
        )
    return found
