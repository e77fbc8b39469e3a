"""Give a copy of a layout-13 cache the packed passages of layout 14, in place, so that
`bench_added_link.py` can time this code on a 100k cache without a whole first index
(over an hour here; docs/incremental.md, "readylink").

    python benchmarks/ready_passages.py COPY_FOLDER
    python benchmarks/ready_passages.py --check FOLDER

Every stored link state's `link_passages` is written again with each passage packed
(`linking_passages.packed`), the passage made from its stored paragraph and quotations
(`linking.passage_of`), as layout 13's update made a stored candidate: a first index
packs the digests' own passages instead, the same ones (tests/test_incremental.py).
Only for copies (`cp -r`): it writes into the folder given. Prints the passages
written, the packed bytes in all and a passage, and the CPU seconds. `--check` writes
nothing: it compares every packed passage of a layout-14 cache with the passage made
from its paragraph and quotations, and prints how many differ.
Layout 14 also packs each article's mention names (`entity_view.py --convert`): for a
whole layout 14, run this first, then `entity_view.py --convert` on the same copy.
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
    from kabar_tui.core.store import storage_sqlite as backend

    return next(s for s in backend.SCHEMA.split(";") if f"CREATE TABLE {table} (" in s)


def _made(db: sqlite3.Connection, table: str, state: int, corpus: int):  # type: ignore[no-untyped-def]
    """(number, position, paragraph, passage made from its paragraph and quotations) of
    each passage `table` holds of a state, in order."""
    from kabar_tui.core.corpus.linking import passage_of

    articles = {
        position: (row, article_id)
        for position, row, article_id in db.execute(
            "SELECT position, article, article_id FROM corpus_articles WHERE corpus = ?",
            (corpus,),
        )
    }
    held: tuple[int, dict[int, str], dict[int, list[str]]] = (-1, {}, {})
    for number, position, paragraph in db.execute(
        f"SELECT number, article, paragraph FROM {table} WHERE state = ? ORDER BY number",
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
        yield number, position, paragraph, passage


def _states(db: sqlite3.Connection) -> list[tuple[int, int]]:
    return db.execute(
        "SELECT s.id, c.id FROM link_states s JOIN corpora c ON c.key = s.corpus_key"
    ).fetchall()


def _pack(db: sqlite3.Connection) -> tuple[int, int]:
    """Layout 13 made 14: `link_passages` written again with the passages packed."""
    from kabar_tui.core.corpus.linking_passages import packed
    from kabar_tui.core.store import storage_sqlite as backend

    (version,) = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if version != "13" or backend.SCHEMA_VERSION != 14:
        raise SystemExit(f"layout {version}: this makes layout 13 into 14 only")
    written = size = 0
    db.execute("BEGIN")
    db.execute("ALTER TABLE link_passages RENAME TO old_link_passages")
    db.execute(_statement("link_passages"))
    for state, corpus in _states(db):
        rows = (
            (state, number, position, paragraph, packed(passage))
            for number, position, paragraph, passage in _made(
                db, "old_link_passages", state, corpus
            )
        )
        while batch := list(islice(rows, _BATCH)):
            db.executemany("INSERT INTO link_passages VALUES (?, ?, ?, ?, ?)", batch)
            written += len(batch)
            size += sum(len(row[4]) for row in batch)
    db.execute("DROP TABLE old_link_passages")
    db.execute("UPDATE meta SET value = '14' WHERE key = 'schema'")
    db.execute("COMMIT")
    return written, size


def _check(db: sqlite3.Connection) -> tuple[int, int]:
    """(passages compared, passages that differ): each stored packed passage against the
    one made from its paragraph and quotations (content words as a set: a passage's
    are a set's, in the order of the process that made it)."""
    from kabar_tui.core.corpus.linking_passages import unpacked

    compared = differ = 0
    for state, corpus in _states(db):
        stored = db.execute(
            "SELECT passage FROM link_passages WHERE state = ? ORDER BY number", (state,)
        ).fetchall()
        for (blob,), (_, _, paragraph, made) in zip(
            stored, _made(db, "link_passages", state, corpus), strict=True
        ):
            ready = unpacked(made.article, paragraph, blob)
            compared += 1
            differ += (ready.text, ready.quotes, set(ready.content)) != (
                made.text,
                made.quotes,
                set(made.content),
            )
    return compared, differ


def main() -> None:
    from kabar_tui.core.store import storage_sqlite as backend
    from kabar_tui.core.store.storage import DB_NAME

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument(
        "--check", action="store_true", help="compare a layout-14 cache's passages, write none"
    )
    args = parser.parse_args()
    started = time.process_time()
    with contextlib.closing(sqlite3.connect(args.folder / DB_NAME, isolation_level=None)) as db:
        if args.check:
            compared, differ = _check(db)
            print(f"{compared} stored passages, {differ} differ from their paragraph's")
            return
        written, size = _pack(db)
    with contextlib.closing(backend.connect(args.folder / DB_NAME)):
        pass  # LayoutChanged unless the layout is now exactly this code's
    print(
        f"{written} passages packed, {size / 1e6:.1f} MB ({size / max(written, 1):.0f} bytes "
        f"a passage), {time.process_time() - started:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
