"""The short names the entity list knows for longer ones (`Korut` = `Korea Utara`), so
that search finds the long name when the short one is typed.

Read from the curated gazetteer (`entities/gazetteer.tsv` and `regions_world.tsv`: label,
name, canonical) as plain data, not through the entity rules: a cached corpus is searched
without importing any analysis code.
"""

from __future__ import annotations

from functools import cache

from kabar_tui.core.lexicon import numbered_data_lines
from kabar_tui.core.textfold import words

GAZETTEER_FILES = ("entities/gazetteer.tsv", "entities/regions_world.tsv")
MIN_ALIAS_CHARS = 3  # `AS`, `UN`, `MA`, `BI` are also words and syllables once folded


@cache
def search_aliases() -> dict[str, tuple[str, ...]]:
    """A one-word short name (folded) -> the folded words of the name it stands for."""
    found: dict[str, tuple[str, ...]] = {}
    lines = (line for name in GAZETTEER_FILES for _, line in numbered_data_lines(name))
    for line in lines:
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip():
            continue
        alias, canonical = words(parts[1]), tuple(words(parts[2]))
        if len(alias) == 1 and len(alias[0]) >= MIN_ALIAS_CHARS and canonical != tuple(alias):
            found.setdefault(alias[0], canonical)
    return found
