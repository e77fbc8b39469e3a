"""The SQLite backend of the cache: the file, its layout, and what its errors mean.

Everything SQLite-specific lives here (WAL, pragmas, `WITHOUT ROWID`, `sqlite_master`,
error names); `kabar_tui.core.store.storage` speaks portable SQL through the connection this
module opens, so a PostgreSQL backend can replace this one module.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

SCHEMA_VERSION = 14  # bump when the tables below change; an older file is rebuilt
_BUSY_TIMEOUT_S = 10.0
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_FULL = {"SQLITE_FULL"}
_READ_ONLY = {"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
FILE_SUFFIXES = ("", "-wal", "-shm")  # the database and the two files WAL mode adds

# Per article (one row per file in `articles`, its records keyed by (article, position)),
# then per corpus (the cross-article results, keyed by (corpus, ...)). See docs/storage.md.
# `arrivals` holds the order files were first seen in (layout 11, docs/incremental.md
# "Order"): a corpus lists and links its articles in that order, so a new file comes after
# the others whatever its name; `kabar index --rebuild` keeps it. `article_digests` holds
# what the cross-article stage needs of an article, packed (layout 12, core.corpus.digest), so a
# whole stage reads it instead of digesting the article again (a rowid table: a BLOB).
# `mention_names` holds one row per article of a corpus, its mentions' name numbers packed
# (layout 14, `storage.pack_names`): a row per mention and its index by name were a
# million rows at 10k articles; the entity view finds a name's articles through
# `entities_by_name` and `entity_articles`.
# `link_passages.passage` is each linked passage packed (layout 14,
# `linking_passages.packed`): an update reads a stored candidate ready, not made again
# from its paragraph and quotations (docs/incremental.md, "readylink").
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    signature TEXT NOT NULL,
    checksum TEXT NOT NULL,
    article_id TEXT NOT NULL,
    shown_path TEXT NOT NULL,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL,
    outlet TEXT,
    author TEXT,
    editor TEXT,
    published TEXT,
    utc_offset INTEGER,
    zone TEXT,
    dateline TEXT,
    credited_source TEXT,
    paragraphs INTEGER NOT NULL,
    captions INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    edits INTEGER NOT NULL,
    mentions INTEGER NOT NULL,
    quotes INTEGER NOT NULL
);
CREATE INDEX articles_by_outlet_date ON articles (outlet, published);
CREATE INDEX articles_by_date ON articles (published);
CREATE TABLE paragraphs (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE TABLE captions (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    credit TEXT,
    line INTEGER NOT NULL,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE TABLE removed_lines (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    line INTEGER NOT NULL,
    text TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE TABLE edits (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    line INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE TABLE mentions (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    label TEXT NOT NULL,
    paragraph INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    canonical TEXT NOT NULL,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE TABLE quotes (
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    paragraph INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    speaker_canonical TEXT,
    via TEXT,
    role TEXT,
    PRIMARY KEY (article, position)
) WITHOUT ROWID;
CREATE INDEX quotes_by_speaker ON quotes (speaker);
CREATE TABLE article_digests (
    article INTEGER PRIMARY KEY,
    checksum TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE corpora (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    last_used REAL NOT NULL,
    checksum TEXT NOT NULL
);
CREATE TABLE corpus_articles (
    corpus INTEGER NOT NULL,
    position INTEGER NOT NULL,
    article INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (corpus, position)
) WITHOUT ROWID;
CREATE INDEX corpus_articles_by_article ON corpus_articles (article);
CREATE INDEX corpus_articles_by_id ON corpus_articles (corpus, article_id);
CREATE TABLE names (
    corpus INTEGER NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (corpus, number)
) WITHOUT ROWID;
CREATE INDEX names_by_text ON names (corpus, text);
CREATE TABLE mention_names (
    corpus INTEGER NOT NULL,
    article INTEGER NOT NULL,
    names BLOB NOT NULL,
    PRIMARY KEY (corpus, article)
) WITHOUT ROWID;
CREATE TABLE quote_speakers (
    corpus INTEGER NOT NULL,
    article INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name INTEGER,
    PRIMARY KEY (corpus, article, position)
) WITHOUT ROWID;
CREATE INDEX quotes_by_speaker_entity ON quote_speakers (corpus, name);
CREATE TABLE entities (
    corpus INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name INTEGER NOT NULL,
    label TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (corpus, position)
) WITHOUT ROWID;
CREATE INDEX entities_by_name ON entities (corpus, name);
CREATE TABLE entity_aliases (
    corpus INTEGER NOT NULL,
    entity INTEGER NOT NULL,
    position INTEGER NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (corpus, entity, position)
) WITHOUT ROWID;
CREATE TABLE entity_articles (
    corpus INTEGER NOT NULL,
    entity INTEGER NOT NULL,
    position INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (corpus, entity, position)
) WITHOUT ROWID;
CREATE TABLE links (
    corpus INTEGER NOT NULL,
    position INTEGER NOT NULL,
    source_article INTEGER NOT NULL,
    source_paragraph INTEGER NOT NULL,
    target_article INTEGER NOT NULL,
    target_paragraph INTEGER NOT NULL,
    score REAL NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (corpus, position)
) WITHOUT ROWID;
CREATE INDEX links_by_source ON links (corpus, source_article, source_paragraph);
CREATE INDEX links_by_target ON links (corpus, target_article, target_paragraph);
CREATE TABLE stories (
    corpus INTEGER NOT NULL,
    position INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (corpus, position)
) WITHOUT ROWID;
CREATE TABLE story_articles (
    corpus INTEGER NOT NULL,
    story INTEGER NOT NULL,
    position INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (corpus, story, position)
) WITHOUT ROWID;
CREATE INDEX stories_by_article ON story_articles (corpus, article);
CREATE TABLE quote_groups (
    corpus INTEGER NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker_name INTEGER,
    key TEXT NOT NULL,
    PRIMARY KEY (corpus, position)
) WITHOUT ROWID;
CREATE INDEX quote_groups_by_key ON quote_groups (corpus, key);
CREATE TABLE quote_occurrences (
    corpus INTEGER NOT NULL,
    quote_group INTEGER NOT NULL,
    position INTEGER NOT NULL,
    article INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    speaker TEXT,
    PRIMARY KEY (corpus, quote_group, position)
) WITHOUT ROWID;
CREATE TABLE corpus_parts (
    corpus INTEGER NOT NULL,
    tab TEXT NOT NULL,
    block INTEGER NOT NULL,
    sub INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    checksum TEXT NOT NULL,
    PRIMARY KEY (corpus, tab, block, sub)
) WITHOUT ROWID;
CREATE TABLE arrivals (
    path TEXT PRIMARY KEY,
    sequence INTEGER NOT NULL UNIQUE
);
CREATE TABLE link_states (
    id INTEGER PRIMARY KEY,
    corpus_key TEXT NOT NULL UNIQUE,
    articles INTEGER NOT NULL,
    passages INTEGER NOT NULL
);
CREATE TABLE link_articles (
    state INTEGER NOT NULL,
    position INTEGER NOT NULL,
    words BLOB NOT NULL,
    PRIMARY KEY (state, position)
) WITHOUT ROWID;
CREATE TABLE link_passages (
    state INTEGER NOT NULL,
    number INTEGER NOT NULL,
    article INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    passage BLOB NOT NULL,
    PRIMARY KEY (state, number)
) WITHOUT ROWID;
CREATE TABLE link_fingerprints (
    state INTEGER NOT NULL,
    key INTEGER NOT NULL,
    last INTEGER NOT NULL,
    members BLOB NOT NULL,
    PRIMARY KEY (state, key)
) WITHOUT ROWID;
CREATE TABLE link_words (
    state INTEGER NOT NULL,
    word TEXT NOT NULL,
    last INTEGER NOT NULL,
    members BLOB NOT NULL,
    PRIMARY KEY (state, word)
) WITHOUT ROWID;
CREATE TABLE link_counts (
    state INTEGER NOT NULL,
    word TEXT NOT NULL,
    paragraphs INTEGER NOT NULL,
    PRIMARY KEY (state, word)
) WITHOUT ROWID;
CREATE TABLE link_similar (
    state INTEGER NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    score REAL NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (state, source, target)
) WITHOUT ROWID;
CREATE TABLE link_similar_words (
    state INTEGER NOT NULL,
    word TEXT NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    PRIMARY KEY (state, word, source, target)
) WITHOUT ROWID;
CREATE TABLE link_deferred (
    state INTEGER NOT NULL,
    source INTEGER NOT NULL,
    target INTEGER NOT NULL,
    words TEXT NOT NULL,
    PRIMARY KEY (state, source, target)
) WITHOUT ROWID;
CREATE TABLE search_indexes (
    corpus INTEGER PRIMARY KEY,
    documents INTEGER NOT NULL,
    words INTEGER NOT NULL,
    checksum INTEGER NOT NULL,
    article_documents INTEGER,
    article_words INTEGER,
    article_labels INTEGER,
    mention_entities INTEGER NOT NULL,
    articles INTEGER NOT NULL
);
CREATE TABLE search_segments (
    corpus INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    documents INTEGER NOT NULL,
    PRIMARY KEY (corpus, segment)
);
CREATE TABLE search_arrays (
    corpus INTEGER NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (corpus, name)
);
CREATE TABLE search_postings (
    corpus INTEGER NOT NULL,
    key INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    docs BLOB NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (corpus, segment, key)
);
CREATE TABLE search_blocks (
    corpus INTEGER NOT NULL,
    block INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    data BLOB NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (corpus, segment, block)
);
CREATE TABLE search_grams (
    corpus INTEGER NOT NULL,
    gram TEXT NOT NULL,
    segment INTEGER NOT NULL,
    words BLOB NOT NULL,
    checksum INTEGER NOT NULL,
    PRIMARY KEY (corpus, segment, gram)
);
"""
# The stored search index of a corpus (kabar_tui.core.search.search_store, docs/search.md), keyed
# by `corpus` like the tables above and deleted with it. Ordinary rowid tables: their rows
# hold BLOBs of up to megabytes, which WITHOUT ROWID tables store badly.
SEARCH_TABLES = (
    "search_indexes",
    "search_segments",
    "search_arrays",
    "search_postings",
    "search_blocks",
    "search_grams",
)

# What linking needs to add articles to a corpus without its other articles' text
# (kabar_tui.core.corpus.incremental, docs/incremental.md), one state per corpus key. A posting
# (`link_fingerprints`, `link_words`) is one row: its passages as one small blob and the
# last of them, or -1 and none once grown too common (`linking.posting_record`);
# `link_similar_words` indexes the similar-event pairs by word, so an update judges again
# only the pairs whose words it counted.
LINK_TABLES = (
    "link_states",
    "link_articles",
    "link_passages",
    "link_fingerprints",
    "link_words",
    "link_counts",
    "link_similar",
    "link_similar_words",
    "link_deferred",
)


def _statements() -> list[str]:
    return [statement for statement in SCHEMA.split(";") if statement.strip()]


_LAYOUT_QUERY = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
)


class LayoutChanged(Exception):
    """The file holds tables of another layout or version; the message says which."""


def _expected_layout() -> list[tuple[str, str, str, str]]:
    reference = sqlite3.connect(":memory:")
    try:
        for statement in _statements():
            reference.execute(statement)
        return reference.execute(_LAYOUT_QUERY).fetchall()
    finally:
        reference.close()


_EXPECTED = _expected_layout()


def _casefold(text: str | None) -> str | None:
    """SQL `casefold(text)`: Python's folding of every letter (SQLite's LOWER folds ASCII
    only), so a stored list's filter finds what the in-memory one does (`head_matches`)."""
    return text.casefold() if isinstance(text, str) else text


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if new) the cache file; LayoutChanged when its tables are not ours.

    The file is created 0600 before SQLite opens it: SQLite gives the -wal and -shm files
    the mode of the database file.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.close(fd)
    # Any thread may use it (the reader's workers ask the stored catalog): this SQLite is
    # built serialized (`sqlite3.threadsafety` 3), so it takes their calls one at a time.
    db = sqlite3.connect(
        path,
        timeout=_BUSY_TIMEOUT_S,
        isolation_level=None,
        check_same_thread=sqlite3.threadsafety != 3,
    )
    try:
        db.create_function("casefold", 1, _casefold, deterministic=True)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA temp_store=MEMORY")
        layout = db.execute(_LAYOUT_QUERY).fetchall()
        if not layout:
            with transaction(db):  # another kabar may be creating it too: look again
                if not db.execute(_LAYOUT_QUERY).fetchall():
                    for statement in _statements():
                        db.execute(statement)
                    db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            layout = db.execute(_LAYOUT_QUERY).fetchall()
        if layout != _EXPECTED:
            version = _stored_version(db)
            if version is not None and version != str(SCHEMA_VERSION):
                raise LayoutChanged(
                    f"cache file was made by another version of kabar (layout {version}, "
                    f"this one uses {SCHEMA_VERSION}); rebuilt it, so every article is "
                    "processed again this once"
                )
            raise LayoutChanged(
                "cache file had tables of another layout; rebuilt it, so every article is "
                "processed again this once"
            )
        else:
            version = _stored_version(db)
            if version != str(SCHEMA_VERSION):
                raise LayoutChanged(
                    f"cache file had another layout (version {version}, not "
                    f"{SCHEMA_VERSION}); rebuilt it"
                )
    except BaseException:
        db.close()
        raise
    return db


def _stored_version(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def delete_files(path: Path) -> None:
    for suffix in FILE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def file_modes(path: Path) -> Iterator[tuple[Path, os.stat_result]]:
    """The cache file and its -wal and -shm that exist, with their lstat."""
    for suffix in FILE_SUFFIXES:
        candidate = Path(f"{path}{suffix}")
        try:
            yield candidate, candidate.lstat()
        except FileNotFoundError:
            continue


def is_regular(status: os.stat_result) -> bool:
    return stat.S_ISREG(status.st_mode)


def is_damage(error: sqlite3.DatabaseError) -> bool:
    """The file is not a usable database: throw it away and start again."""
    name = getattr(error, "sqlite_errorname", "")
    if name in _DAMAGED:
        return True
    if isinstance(error, sqlite3.OperationalError):
        # A table or column missing under our version number: a layout we did not write.
        text = str(error)
        return text.startswith(("no such table", "no such column")) or (
            "has no column named" in text
        )
    return not isinstance(error, (sqlite3.IntegrityError, sqlite3.ProgrammingError))


def explain(error: sqlite3.Error, path: Path) -> str:
    """What went wrong with the cache file and what the user can do, in one line."""
    name = getattr(error, "sqlite_errorname", "")
    if name in _FULL or name.startswith("SQLITE_IOERR"):
        return (
            f"the disk holding {path} is full or failing ({error}): free some space, or set "
            "KABAR_CACHE_DIR to a folder on another disk, or KABAR_NO_CACHE=1"
        )
    if name in _READ_ONLY:
        return (
            f"{path} cannot be written ({error}): check its permissions, or set "
            "KABAR_CACHE_DIR to a folder you can write"
        )
    if name in _BUSY:
        return f"{path} is busy with another kabar ({error}): try again when it has finished"
    return f"{path}: {error}"


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the lock at once, so two writers queue, not fail."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def vacuum(db: sqlite3.Connection) -> None:
    db.execute("VACUUM")


def data_version(db: sqlite3.Connection) -> object:
    """A value that changes when another connection has written to the database since."""
    return db.execute("PRAGMA data_version").fetchone()


def index_hint(index: str) -> str:
    """The clause after a table's name that makes the planner read it by `index`."""
    return f"INDEXED BY {index}"


def create_wanted(db: sqlite3.Connection, article_ids: list[int]) -> str:
    """A temporary table of (position, article) to join the article records with."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS wanted "
        "(position INTEGER PRIMARY KEY, article INTEGER NOT NULL)"
    )
    db.execute("DELETE FROM temp.wanted")
    db.executemany("INSERT INTO temp.wanted VALUES (?, ?)", enumerate(article_ids))
    return "temp.wanted"
