"""What the training text says about words, for the tagger's features (features.py).

Two lists, built from the training splits' own sentences (the same files the tagger is
trained on, so no other text and no other licence) and shipped beside the model:

- word clusters (`clusters.tsv`): words that occur in like contexts share a cluster, so a
  word seen a few times borrows what the tagger learned from the others. Each word of 3 or
  more occurrences is described by its neighbours (positive pointwise mutual information
  with the 3,000 most frequent words, 2 either side), reduced to 100 dimensions
  (randomised SVD) and grouped by k-means on the unit sphere into 256 clusters.
- words written in lowercase inside a sentence at least twice, and at least three times in
  four there (`lowercase_words.txt`): a capitalised word that is usually lowercase
  (`Menurut` opening a sentence) is no name.

Deterministic: fixed seeds, words in frequency order.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kabar_tui.core.language.entities.features import CLUSTERS_FILE, LOWERCASE_FILE

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CLUSTERS = 256
MIN_COUNT = 3
CONTEXT_WORDS = 3000
DIMENSIONS = 100
KMEANS_ROUNDS = 30
MIN_LOWERCASE = 2
LOWERCASE_SHARE = 0.75


def lowercase_words(sentences: Sequence[Sequence[str]]) -> list[str]:
    """Alphabetic words written in lowercase, not first in their sentence, MIN_LOWERCASE
    times or more and at least LOWERCASE_SHARE of the times they occur there: `lalu`,
    `menurut`, but not `bursa`, `kota` or `universitas`, which names often hold."""
    inside = [w for words in sentences for w in words[1:] if w.isalpha()]
    lower = Counter(w for w in inside if w.islower())
    capitalised = Counter(w.lower() for w in inside if w[:1].isupper())
    return sorted(
        w
        for w, n in lower.items()
        if n >= MIN_LOWERCASE and n >= LOWERCASE_SHARE * (n + capitalised[w])
    )


def clusters(sentences: Sequence[Sequence[str]]) -> dict[str, int]:
    """Lowercase word -> cluster number."""
    lowered = [[w.lower() for w in words] for words in sentences]
    counts = Counter(w for words in lowered for w in words)
    vocabulary = sorted(
        (w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], w)
    )
    contexts = [w for w, _ in counts.most_common(CONTEXT_WORDS)]
    row = {w: i for i, w in enumerate(vocabulary)}
    column = {w: i for i, w in enumerate(contexts)}
    width = len(contexts)
    counts_matrix = np.zeros((len(vocabulary), 4 * width), np.float32)
    for words in lowered:
        padded = ["<s>", "<s>", *words, "</s>", "</s>"]
        for i in range(2, len(padded) - 2):
            r = row.get(padded[i])
            if r is None:
                continue
            for slot, offset in enumerate((-2, -1, 1, 2)):
                c = column.get(padded[i + offset])
                if c is not None:
                    counts_matrix[r, slot * width + c] += 1
    total = counts_matrix.sum()
    rows = counts_matrix.sum(1, keepdims=True) / total
    columns = counts_matrix.sum(0, keepdims=True) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        ppmi = np.log((counts_matrix / total) / (rows * columns))
    ppmi[~np.isfinite(ppmi)] = 0
    ppmi = np.maximum(ppmi, 0)
    vectors = _reduced(ppmi)
    return dict(zip(vocabulary, _kmeans(vectors).tolist(), strict=True))


def _reduced(matrix: np.ndarray) -> np.ndarray:
    """Rows projected on the top DIMENSIONS singular directions (randomised SVD, one power
    step), scaled to unit length."""
    sketch = np.random.default_rng(1).standard_normal((matrix.shape[1], DIMENSIONS + 20))
    basis, _ = np.linalg.qr(matrix @ sketch)
    basis, _ = np.linalg.qr(matrix @ (matrix.T @ basis))
    left, values, _ = np.linalg.svd(basis.T @ matrix, full_matrices=False)
    vectors = (basis @ left)[:, :DIMENSIONS] * values[:DIMENSIONS]
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def _kmeans(vectors: np.ndarray) -> np.ndarray:
    """Spherical k-means: the nearest centre by cosine, centres from seeded rows."""
    rng = np.random.default_rng(0)
    centres = vectors[rng.choice(len(vectors), CLUSTERS, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        nearest = (vectors @ centres.T).argmax(1)
        for k in range(CLUSTERS):
            members = vectors[nearest == k]
            if len(members):
                mean = members.mean(0)
                centres[k] = mean / (np.linalg.norm(mean) + 1e-9)
    return (vectors @ centres.T).argmax(1)


LIST_FILES = (CLUSTERS_FILE, LOWERCASE_FILE)


def texts(sentences: Sequence[Sequence[str]]) -> dict[str, str]:
    """Both lists as their files hold them, by file name under kabar_tui/data."""
    return {
        CLUSTERS_FILE: "".join(f"{w}\t{k}\n" for w, k in clusters(sentences).items()),
        LOWERCASE_FILE: "".join(f"{w}\n" for w in lowercase_words(sentences)),
    }


def write(sentences: Sequence[Sequence[str]], data_dir: Path = DATA_DIR) -> dict[str, str]:
    """Write both lists where features.py reads them; what was written, by file name."""
    found = texts(sentences)
    for name, text in found.items():
        (data_dir / name).write_bytes(text.encode("utf-8"))
    return found


def shipped_text(name: str, data_dir: Path = DATA_DIR) -> str:
    """A list as the package holds it now."""
    return (data_dir / name).read_bytes().decode("utf-8")


def digests(found: dict[str, str]) -> dict[str, str]:
    """sha256 of each list, for the model's record."""
    return {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in found.items()}
