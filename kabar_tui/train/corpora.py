"""Read the public NER training and development sets from `fetch` snapshots.

The sets are never copied into the repository: each is read from a git snapshot
(`/work/.mirror/<owner>+<name>/repo`, or the folder named by KABAR_NER_MIRROR) at a pinned
commit, and what was read (repository, commit, file, sha256) is recorded with the model.
Only train and dev/valid files are listed here: the test splits are kept for independent
evaluation and are never opened.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kabar_tui.core.lexicon import TAGGER_TOKEN

DEFAULT_MIRROR = Path("/work/.mirror")

# Each data set's labels, mapped to the reader's PER/LOC/ORG.
LABEL_MAP = {
    "PER": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
}


@dataclass(frozen=True)
class Source:
    """One file of one data set at one commit."""

    corpus: str  # short name used in reports: nerui, idner, nergrit
    split: str  # train or dev
    repo: str
    commit: str
    path: str


SOURCES = (
    Source(
        "idner",
        "train",
        "khairunnisaor/idner-news-2k",
        "625ff40f85b03c615c036ef11bc23cb70c79987a",
        "train.txt",
    ),
    Source(
        "idner",
        "dev",
        "khairunnisaor/idner-news-2k",
        "625ff40f85b03c615c036ef11bc23cb70c79987a",
        "dev.txt",
    ),
    Source(
        "nergrit",
        "train",
        "IndoNLP/indonlu",
        "ce728f6926a36174b9923dfe49d6a6839b6e9bb7",
        "dataset/nergrit_ner-grit/train_preprocess.txt",
    ),
    Source(
        "nergrit",
        "dev",
        "IndoNLP/indonlu",
        "ce728f6926a36174b9923dfe49d6a6839b6e9bb7",
        "dataset/nergrit_ner-grit/valid_preprocess.txt",
    ),
    Source(
        "nerui",
        "train",
        "indolem/indolem",
        "777fdc680cfa85243f08e60045e3d34ca49756ed",
        "ner/data/nerui/train.01.tsv",
    ),
    Source(
        "nerui",
        "dev",
        "indolem/indolem",
        "777fdc680cfa85243f08e60045e3d34ca49756ed",
        "ner/data/nerui/dev.01.tsv",
    ),
)
CORPORA = ("nerui", "idner", "nergrit")


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]
    tags: tuple[str, ...]  # BIO over PER/LOC/ORG


class MissingSnapshot(Exception):
    """A snapshot is not on this machine: fetch it first."""


def mirror_dir() -> Path:
    return Path(os.environ.get("KABAR_NER_MIRROR", DEFAULT_MIRROR))


def snapshots_present(mirror: Path | None = None) -> bool:
    """Whether every listed data set's snapshot is on this machine."""
    return all(_git_dir(source, mirror).exists() for source in SOURCES)


def _git_dir(source: Source, mirror: Path | None = None) -> Path:
    return (mirror or mirror_dir()) / source.repo.replace("/", "+") / "repo"


def read_source(source: Source, mirror: Path | None = None) -> bytes:
    """The file's bytes at the pinned commit, from the snapshot's git directory."""
    git_dir = _git_dir(source, mirror)
    if not git_dir.exists():
        raise MissingSnapshot(f"no snapshot of {source.repo} at {git_dir}: fetch it first")
    result = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{source.commit}:{source.path}"],
        capture_output=True,
        check=False,
    )
    if result.returncode:
        message = result.stderr.decode(errors="replace").strip()
        raise MissingSnapshot(f"{source.repo}@{source.commit[:10]}:{source.path}: {message}")
    return result.stdout


def parse_conll(data: bytes) -> list[Sentence]:
    """Word per line, tag in the last column, blank line between sentences."""
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for raw in data.decode("utf-8").splitlines():
        columns = raw.strip().split()
        if not columns:
            if words:
                sentences.append(Sentence(tuple(words), tuple(tags)))
            words, tags = [], []
            continue
        words.append(columns[0])
        tags.append(_map_tag(columns[-1]))
    if words:
        sentences.append(Sentence(tuple(words), tuple(tags)))
    return sentences


def _map_tag(tag: str) -> str:
    if tag == "O" or "-" not in tag:
        return "O"
    prefix, label = tag.split("-", 1)
    mapped = LABEL_MAP.get(label.upper())
    return f"{prefix}-{mapped}" if mapped else "O"


def load(corpus: str, split: str, mirror: Path | None = None) -> list[Sentence]:
    (source,) = [s for s in SOURCES if s.corpus == corpus and s.split == split]
    return parse_conll(read_source(source, mirror))


def provenance(mirror: Path | None = None) -> list[dict[str, str]]:
    """What each source file is, for the model's record."""
    return [
        {
            "corpus": s.corpus,
            "split": s.split,
            "repository": s.repo,
            "commit": s.commit,
            "file": s.path,
            "sha256": hashlib.sha256(read_source(s, mirror)).hexdigest(),
        }
        for s in SOURCES
    ]


NO_SPACE_BEFORE = frozenset(",.;:!?)]}%")
NO_SPACE_AFTER = frozenset("([{")


def detokenize(words: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Text as a news site would print the words, and each word's character span in it."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for index, word in enumerate(words):
        if index and word not in NO_SPACE_BEFORE and words[index - 1] not in NO_SPACE_AFTER:
            parts.append(" ")
            position += 1
        parts.append(word)
        spans.append((position, position + len(word)))
        position += len(word)
    return "".join(parts), spans


def spans_of(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """(first word, end word, label) of each BIO entity; a stray I- opens one."""
    found: set[tuple[int, int, str]] = set()
    start, label = -1, ""
    for index, tag in enumerate((*tags, "O")):
        if start >= 0 and (tag == "O" or tag.startswith("B-") or tag[2:] != label):
            found.add((start, index, label))
            start = -1
        if tag != "O" and start < 0:
            start, label = index, tag[2:]
    return found


def retokenize(sentence: Sentence) -> Sentence:
    """The sentence split as the reader splits text (`(BEI)` is three words), tags carried."""
    words: list[str] = []
    tags: list[str] = []
    for word, tag in zip(sentence.words, sentence.tags, strict=True):
        pieces = TAGGER_TOKEN.findall(word) or [word]
        words.extend(pieces)
        inside = "O" if tag == "O" else f"I-{tag[2:]}"
        tags.extend([tag, *[inside] * (len(pieces) - 1)])
    return Sentence(tuple(words), tuple(tags))
