"""Give a copy of a layout-13 cache the packed passages of layout 14, in place, so that
`bench_added_link.py` can time this code on a 100k cache without a whole first index
(over an hour here; docs/incremental.md, "readylink").

    python benchmarks/ready_passages.py COPY_FOLDER

Every stored link state's `link_passages` is written again with each passage packed
(`linking_passages.packed`), the passage made from its stored paragraph and quotations
(`linking.passage_of`), as layout 13's update made a stored candidate: a first index
packs the digests' own passages instead, the same ones (tests/test_incremental.py).
Only for copies (`cp -r`): it writes into the folder given. Prints the passages
written, the packed bytes in all and a passage, and the CPU seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_BATCH = 20_000


def _statement(table: str) -> str:
    from kabar_tui.core import storage_sqlite as backend

    return next(s for s in backend.SCHEMA.split(";") if f"CREATE TABLE {table} (" in s)


def _passages(db: sqlite3.Connection, state: int, articles: dict[int, tuple[int, str]]):  # type: ignore[no-untyped-def]
    """(state, number, position, paragraph, packed) of each stored passage, in order."""
    from kabar_tui.core.linking import passage_of
    from kabar_tui.core.linking_passages import packed

    held: tuple[int, dict[int, str], dict[int, list[str]]] = (-1, {}, {})
    for number, position, paragraph in db.execute(
        "SELECT number, article, paragraph FROM old_link_passages WHERE state = ? ORDER BY number",
        (state,),
    ).fetchall():
        if held[0] != position:
            row, _ = articles[position]
            paragraphs = "SELECT number, text FROM paragraphs WHERE article = ?"
            texts = dict(db.execute(paragraphs, (row,)))
            quotes: dict[int, list[str]] = {}
            for at, text in db.execute(
                "SELECT paragraph, text FROM quotes WHERE article = ? ORDER BY position", (row,)
            ):
                quotes.setdefault(at, []).append(text)
            held = (position, texts, quotes)
        passage = passage_of(
            articles[position][1], paragraph, held[1][paragraph], held[2].get(paragraph, [])
        )
        yield state, number, position, paragraph, packed(passage)


def main() -> None:
    from kabar_tui.core import storage_sqlite as backend
    from kabar_tui.core.storage import DB_NAME

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    started = time.process_time()
    written = size = 0
    with contextlib.closing(sqlite3.connect(args.folder / DB_NAME, isolation_level=None)) as db:
        (version,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version != "13" or backend.SCHEMA_VERSION != 14:
            raise SystemExit(f"layout {version}: this makes layout 13 into 14 only")
        db.execute("BEGIN")
        db.execute("ALTER TABLE link_passages RENAME TO old_link_passages")
        db.execute(_statement("link_passages"))
        states = db.execute(
            "SELECT s.id, c.id FROM link_states s JOIN corpora c ON c.key = s.corpus_key"
        ).fetchall()
        for state, corpus in states:
            articles = {
                position: (row, article_id)
                for position, row, article_id in db.execute(
                    "SELECT position, article, article_id FROM corpus_articles WHERE corpus = ?",
                    (corpus,),
                )
            }
            rows = _passages(db, state, articles)
            while batch := list(islice(rows, _BATCH)):
                db.executemany("INSERT INTO link_passages VALUES (?, ?, ?, ?, ?)", batch)
                written += len(batch)
                size += sum(len(row[4]) for row in batch)
        db.execute("DROP TABLE old_link_passages")
        db.execute("UPDATE meta SET value = '14' WHERE key = 'schema'")
        db.execute("COMMIT")
    with contextlib.closing(backend.connect(args.folder / DB_NAME)):
        pass  # LayoutChanged unless the layout is now exactly this code's
    print(
        f"{written} passages packed, {size / 1e6:.1f} MB ({size / max(written, 1):.0f} bytes "
        f"a passage), {time.process_time() - started:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
