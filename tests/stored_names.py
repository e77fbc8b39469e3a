"""The cache's `mention_names` rows (an article's names packed, `storage.pack_names`) as
the tests read and damage them.

Shared by tests/test_storage_safety.py, tests/test_results_over.py and
tests/test_incremental.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kabar_tui.core.store.storage import pack_names, unpack_names

# The first mention's name of an article made the next name (a valid row, wrong content).
FIRST_NAME_BUMPED = "UPDATE mention_names SET names = first_name_bumped(names) WHERE article = ?"


def _first_name_bumped(packed: bytes) -> bytes:
    codes = unpack_names(packed)
    codes[0] += 1
    return pack_names(codes)


def connect(path: Path) -> sqlite3.Connection:
    """A connection to a cache file that knows `first_name_bumped(names)`."""
    db = sqlite3.connect(path)
    db.create_function("first_name_bumped", 1, _first_name_bumped, deterministic=True)
    return db


def named_mentions(cache: Path, prefix: str) -> list[tuple[str, int, str]]:
    """(article id, mention, name) of the stored mentions of the articles whose id
    starts with `prefix`."""
    with sqlite3.connect(cache) as db:
        texts = {
            (corpus, number): text
            for corpus, number, text in db.execute("SELECT corpus, number, text FROM names")
        }
        rows = db.execute(
            "SELECT m.article, m.corpus, w.article_id, m.names FROM mention_names m "
            "JOIN corpus_articles w ON w.corpus = m.corpus AND w.position = m.article "
            "WHERE w.article_id LIKE ?",
            (prefix + "%",),
        ).fetchall()
    found = [
        (article, position, corpus, article_id, texts[corpus, code])
        for article, corpus, article_id, packed in rows
        for position, code in enumerate(unpack_names(packed))
    ]
    return [(article_id, position, name) for _, position, _, article_id, name in sorted(found)]
