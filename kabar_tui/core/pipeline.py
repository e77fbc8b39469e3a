"""Build a Corpus from paths: read, clean, then analyse across articles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from kabar_tui.core.clean import clean_source
from kabar_tui.core.model import Corpus
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.sources import read_sources

Progress = Callable[[int, int], None]


def default_paths() -> list[Path]:
    return [seeds_dir()]


def build_corpus(
    paths: Iterable[str | Path] | None = None, progress: Progress | None = None
) -> Corpus:
    """Read and clean every article under `paths` (the bundled seeds when None)."""
    sources, problems = read_sources(list(paths) if paths else default_paths())
    corpus = Corpus(problems=problems)
    total = len(sources)
    for done, source in enumerate(sources, start=1):
        corpus.articles.append(clean_source(source))
        if progress:
            progress(done, total)
    return corpus
