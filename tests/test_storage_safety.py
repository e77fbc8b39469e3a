"""The cache under attack and bad luck (issue 12): nothing stored runs, nothing stale is served."""

from __future__ import annotations

import ast
import errno
import hashlib
import os
import pickle
import shutil
import sqlite3
import stat
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

import kabar_tui
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import IndexReport, index_corpus
from kabar_tui.core.ingest.sources import read_source
from kabar_tui.core.store import storage, storage_sqlite
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import Storage, pack_names
from tests.test_storage import age, write_corpus

PACKAGE = Path(kabar_tui.__file__).parent


pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", 6)
    return tmp_path / "corpus"


def db_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / storage.DB_NAME


def index_with(path: Path, *roots: Path) -> IndexReport:
    with Storage(path) as cache:
        return index_corpus(list(roots), cache=cache)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# 1. No code-executing format


CODE_RUNNING_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "_pickle"}
CODE_RUNNING_CALLS = {"eval", "exec", "compile", "__import__"}


@pytest.mark.parametrize(
    "module", ["store/storage.py", "store/storage_sqlite.py", "indexing/pipeline.py"]
)
def test_storage_uses_no_format_that_runs_code(module: str) -> None:
    tree = ast.parse((PACKAGE / "core" / module).read_text(encoding="utf-8"))
    imported = set()
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            called.add(node.func.id)
    assert not imported & CODE_RUNNING_MODULES
    assert not called & CODE_RUNNING_CALLS


class Planted:
    """A pickle that runs a command when loaded: what a hostile cache entry looks like."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


OLD_LAYOUT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (path TEXT PRIMARY KEY, content_hash TEXT NOT NULL,
    fingerprint TEXT NOT NULL, signature TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE corpora (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE corpus_use (key TEXT PRIMARY KEY, last_used REAL NOT NULL);
INSERT INTO meta VALUES ('schema', '2');
"""


def test_a_planted_pickle_in_an_old_cache_file_runs_nothing(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """The pickle cache's layout, every row planted and matching the files and this code."""
    marker = tmp_path / "ran"
    payload = pickle.dumps(Planted(marker))
    path = db_path(tmp_path)
    path.parent.mkdir(mode=0o700)
    with sqlite3.connect(path) as db:
        db.executescript(OLD_LAYOUT)
        for file in sorted(corpus_dir.iterdir()):
            source = read_source(file)
            row = (source.path, source.content_hash, storage.code_fingerprint(), "", payload)
            db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?)", row)
    path.chmod(0o600)
    report = index_with(path, corpus_dir)
    assert not marker.exists()
    assert (report.processed, len(report.corpus.articles)) == (6, 6)
    assert any("another version" in p.message for p in report.corpus.problems)


def test_a_planted_pickle_in_stored_rows_runs_nothing(corpus_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = db_path(tmp_path)
    first = index_with(path, corpus_dir)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE paragraphs SET text = ?", (pickle.dumps(Planted(marker)),))
        db.execute("UPDATE names SET text = ?", (pickle.dumps(Planted(marker)),))
    report = index_with(path, corpus_dir)
    assert not marker.exists()
    assert report.processed == 6
    assert corpus_to_dict(report.corpus)["articles"] == corpus_to_dict(first.corpus)["articles"]


def test_values_of_the_wrong_kind_are_a_warning(corpus_dir: Path, tmp_path: Path) -> None:
    path = db_path(tmp_path)
    first = index_with(path, corpus_dir)
    with sqlite3.connect(path) as db:
        first_article = "(SELECT MIN(article) FROM mentions)"
        db.execute(f"UPDATE mentions SET start_offset = 'x' WHERE article = {first_article}")
        db.execute("UPDATE mention_names SET names = ?", (pack_names(array("I", [99999])),))
    report = index_with(path, corpus_dir)
    assert report.processed == 1
    assert [p.message for p in report.corpus.problems] == [
        "cache rows of the corpus did not match their checksum; linked the articles again",
        "cache rows of 1 article(s) did not match their checksum; processed them again",
    ]
    assert corpus_to_dict(report.corpus) == corpus_to_dict(first.corpus)


# 2. Permissions


def test_cache_folder_is_0700_and_its_files_0600(corpus_dir: Path, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = db_path(tmp_path)
        with Storage(path) as cache:
            index_corpus([corpus_dir], cache=cache)
            files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
            assert all(file.exists() for file in files)
            assert [mode(file) for file in files] == [0o600] * 3
        assert mode(path.parent) == 0o700
    finally:
        os.umask(previous)


def test_cache_folder_writable_by_others_is_refused(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("KABAR_CACHE_DIR", str(shared))
    report = index_corpus([corpus_dir])
    assert len(report.corpus.articles) == 6  # carried on without the cache
    [problem] = report.corpus.problems
    assert "can be written by other users (mode 777)" in problem.message
    assert f"chmod 700 {shared}" in problem.message
    assert list(shared.iterdir()) == []
    assert report.cache_error == problem.message


def test_a_shared_folder_like_tmp_is_refused_without_advice_to_chmod_it(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setenv("KABAR_CACHE_DIR", str(shared))
    [problem] = index_corpus([corpus_dir]).corpus.problems
    assert "is shared by all users (mode 1777): set KABAR_CACHE_DIR" in problem.message
    assert "chmod" not in problem.message


def test_cache_file_writable_by_others_is_refused(corpus_dir: Path, tmp_path: Path) -> None:
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    path.chmod(0o666)
    with pytest.raises(storage.CacheUnavailable, match=r"cache file .* can be written by other"):
        Storage(path)


def test_a_cache_file_made_readable_by_others_is_made_private(
    corpus_dir: Path, tmp_path: Path
) -> None:
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    path.chmod(0o644)
    assert index_with(path, corpus_dir).corpus_from_cache
    assert mode(path) == 0o600


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs chown")
def test_cache_of_another_user_is_refused(corpus_dir: Path, tmp_path: Path) -> None:
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    os.chown(path, 4242, 4242)
    with pytest.raises(storage.CacheUnavailable, match=r"belongs to another user \(uid 4242"):
        Storage(path)
    os.chown(path, 0, 0)
    os.chown(path.parent, 4242, 4242)
    with pytest.raises(storage.CacheUnavailable, match=r"cache folder .* another user"):
        Storage(path)


def test_a_symlink_in_place_of_the_cache_file_is_refused(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(mode=0o700)
    (tmp_path / "elsewhere").write_text("")
    path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(storage.CacheUnavailable, match="not a regular file"):
        Storage(path)


# 3. Checksums and signatures


def test_four_changed_bytes_of_a_stored_text_are_not_served(
    corpus_dir: Path, tmp_path: Path
) -> None:
    path = db_path(tmp_path)
    first = index_with(path, corpus_dir)
    assert not Path(f"{path}-wal").exists()  # all in the main file once closed
    data = path.read_bytes()
    stored = b"Ekonom Universitas Indonesia menilai kebijakan nomor 3"
    assert data.count(stored) == 1
    path.write_bytes(data.replace(stored, stored.replace(b"Ekonom", b"Ek0n0n")))
    report = index_with(path, corpus_dir)
    assert report.processed == 1
    assert any("checksum" in problem.message for problem in report.corpus.problems)
    assert corpus_to_dict(report.corpus) == corpus_to_dict(first.corpus)


def test_same_size_edit_with_the_time_put_back_is_seen(corpus_dir: Path, tmp_path: Path) -> None:
    age(*corpus_dir.iterdir())
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    edited = corpus_dir / "002_artikel.txt"
    before = edited.stat()
    with edited.open("r+b") as file:  # in place: same inode, same size
        text = file.read()
        file.seek(0)
        file.write(text.replace(b"Sri Mulyani", b"Sri Mulyono"))
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = edited.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    report = index_with(path, corpus_dir)
    assert report.processed == 1
    article = report.corpus.article("002_artikel")
    assert article is not None
    assert "Sri Mulyono" in " ".join(p.text for p in article.paragraphs)


def test_an_unchanged_file_is_not_read_again(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing trusts a stored signature's metadata as the fast open does (the change
    time moves with any write): no cached file is read, only the new one."""
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    signed: list[Path] = []
    real = pipeline.file_signature

    def counted(file: Path) -> str:
        signed.append(file)
        return real(file)

    monkeypatch.setattr(pipeline, "file_signature", counted)
    assert index_with(path, corpus_dir).corpus_from_cache
    assert signed == []
    added = corpus_dir / "zzz_artikel.txt"
    added.write_bytes((corpus_dir / "002_artikel.txt").read_bytes() + b"\nSatu lagi.\n")
    assert index_with(path, corpus_dir).processed == 1
    assert signed == [added]


def test_a_large_file_is_trusted_by_size_time_and_inode(tmp_path: Path) -> None:
    """Reading a big file at every open would be slow: its signature is its metadata."""
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (storage.SMALL_FILE_BYTES + 1))
    age(big)
    small = tmp_path / "small.txt"
    small.write_bytes(b"a" * storage.SMALL_FILE_BYTES)
    # size, modification time, inode, device, change time; and the small one's hash
    assert storage.file_signature(big).count(":") == 4
    assert storage.file_signature(small).count(":") == 5


# 4. Pruning


def count_articles(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return sorted(Path(row[0]).name for row in db.execute("SELECT path FROM articles"))


def test_rows_of_deleted_files_are_pruned(corpus_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    write_corpus(other, 2)
    path = db_path(tmp_path)
    index_with(path, other)
    index_with(path, corpus_dir)
    (corpus_dir / "003_artikel.txt").unlink()
    (other / "001_artikel.txt").unlink()  # not under the indexed folder: kept for now
    report = index_with(path, corpus_dir)
    assert len(report.corpus.articles) == 5
    names = count_articles(path)
    assert "003_artikel.txt" not in names
    assert names.count("001_artikel.txt") == 2
    index_with(path, other)
    assert count_articles(path).count("001_artikel.txt") == 1


# 5. Wrong layout


@pytest.mark.parametrize(
    "change",
    [
        "ALTER TABLE mentions ADD COLUMN confidence REAL",
        "DROP TABLE links",
        "CREATE TABLE corpus_use (key TEXT PRIMARY KEY, last_used REAL NOT NULL)",
    ],
)
def test_a_cache_with_tables_of_another_layout_is_rebuilt_once(
    corpus_dir: Path, tmp_path: Path, change: str
) -> None:
    path = db_path(tmp_path)
    index_with(path, corpus_dir)
    with sqlite3.connect(path) as db:
        db.execute(change)
    rebuilt = index_with(path, corpus_dir)
    assert rebuilt.processed == 6
    assert [p.message for p in rebuilt.corpus.problems] == [
        "cache file had tables of another layout; rebuilt it, so every article is processed "
        "again this once"
    ]
    again = index_with(path, corpus_dir)
    assert again.corpus_from_cache
    assert again.corpus.problems == []


# 6. Messages and exit codes


def test_a_cache_folder_that_is_a_file_says_what_to_do(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("")
    monkeypatch.setenv("KABAR_CACHE_DIR", str(blocker))
    report = index_corpus([corpus_dir])
    [problem] = report.corpus.problems
    assert f"cache folder {blocker} is a file: remove it or set KABAR_CACHE_DIR" in problem.message
    assert "File exists" not in problem.message


def test_a_full_disk_says_what_to_do(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = storage_sqlite.connect

    def nearly_full(path: Path) -> sqlite3.Connection:
        db = real(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk is full"
        return db

    monkeypatch.setattr(storage_sqlite, "connect", nearly_full)
    write_corpus(tmp_path / "more", 40)
    report = index_with(db_path(tmp_path), tmp_path / "more")
    assert len(report.corpus.articles) == 40
    assert report.cache_error is not None
    assert "is full or failing" in report.cache_error
    assert "free some space, or set KABAR_CACHE_DIR" in report.cache_error


def test_no_space_to_create_the_cache_file_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(path: Path) -> sqlite3.Connection:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(storage_sqlite, "connect", no_space)
    with pytest.raises(storage.CacheUnavailable, match="is full: free some space, or set"):
        Storage(db_path(tmp_path))


def kabar_index(corpus: Path, **env: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kabar_tui", "index", str(corpus)]
    environment = {**os.environ, **env}
    environment.pop("KABAR_NO_CACHE", None)
    environment.update(env)
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)


def test_index_fails_when_the_cache_cannot_be_written(corpus_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("")
    failed = kabar_index(corpus_dir, KABAR_CACHE_DIR=str(blocker))
    assert failed.returncode == 1
    assert failed.stderr.count("is a file: remove it or set KABAR_CACHE_DIR") == 1
    assert "kabar: error:" in failed.stderr
    assert "Traceback" not in failed.stderr
    off = kabar_index(corpus_dir, KABAR_CACHE_DIR=str(blocker), KABAR_NO_CACHE="1")
    assert off.returncode == 0, off.stderr


# 7. Fingerprint


def copy_package(target: Path) -> Path:
    for folder in ("core", "data"):
        shutil.copytree(PACKAGE / folder, target / folder)
    return target


def test_fingerprint_covers_data_files_and_models(tmp_path: Path) -> None:
    package = copy_package(tmp_path / "kabar_tui")
    before = storage.fingerprint_of(package)
    assert storage.fingerprint_of(package) == before
    with (package / "data" / "labels.txt").open("a", encoding="utf-8") as labels:
        labels.write("galeri foto\tnavigation\n")
    with_label = storage.fingerprint_of(package)
    assert with_label != before
    (package / "ui").mkdir()
    (package / "ui" / "tagger.npz").write_bytes(b"weights")
    assert storage.fingerprint_of(package) not in (before, with_label)


def test_fingerprint_covers_every_module_of_the_core_s_stages(tmp_path: Path) -> None:
    """The core is grouped in packages by stage (core/ingest, core/language, ...): a change
    in any of them is a change of the processing code, and the installed package's own
    fingerprint is taken over the whole package, not over the folder holding storage.py."""
    assert storage.code_fingerprint() == storage.fingerprint_of(PACKAGE)
    package = copy_package(tmp_path / "kabar_tui")
    before = storage.fingerprint_of(package)
    seen = {before}
    for module in sorted((package / "core").rglob("*.py")):
        if module.parent == package / "core":
            continue
        text = module.read_text(encoding="utf-8")
        module.write_text(text + "\n", encoding="utf-8")
        changed = storage.fingerprint_of(package)
        assert changed not in seen, module.relative_to(package)
        seen.add(changed)
        module.write_text(text, encoding="utf-8")
    assert storage.fingerprint_of(package) == before
    assert len(seen) > 50


def test_fingerprint_reads_the_files_pathlib_globbing_found(tmp_path: Path) -> None:
    """`fingerprint_of` finds its files with `os.walk`: the same files as the globbing it
    replaced (hidden names, links to files, a link to a folder not followed, a model in
    any folder), so the same fingerprint."""
    package = copy_package(tmp_path / "kabar_tui")
    (package / "core" / ".hidden.py").write_text("x = 1\n", encoding="utf-8")
    (package / "core" / "cached.pyc").write_bytes(b"ignored")
    (package / "data" / "deep" / "deeper").mkdir(parents=True)
    (package / "data" / "deep" / "deeper" / "list.txt").write_text("a\n", encoding="utf-8")
    (package / "ui" / "models").mkdir(parents=True)
    (package / "ui" / "models" / "tagger.npz").write_bytes(b"weights")
    (package / "ui" / "models" / ".npy").write_bytes(b"hidden weights")
    (package / "ui" / "models" / "notes.txt").write_text("not a model\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.npz").write_bytes(b"far")
    (outside / "far.txt").write_text("far\n", encoding="utf-8")
    (package / "data" / "linked").symlink_to(outside, target_is_directory=True)
    (package / "data" / "linked.txt").symlink_to(outside / "far.txt")
    (package / "data" / "broken.txt").symlink_to(tmp_path / "missing")
    found = {
        path
        for folder in ("core", "data")
        for path in (package / folder).rglob("*")
        if path.suffix != ".pyc"
    }
    found.update(path for suffix in storage.MODEL_SUFFIXES for path in package.rglob(f"*{suffix}"))
    digest = hashlib.blake2b(digest_size=16)
    version = f"{storage.backend.SCHEMA_VERSION}:{sys.version_info[:2]}:{kabar_tui.__version__}"
    digest.update(version.encode())
    for path in sorted(found):
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    assert storage.fingerprint_of(package) == digest.hexdigest()


# File names that are not valid UTF-8 (issue 12): stored, found again, pruned, no crash


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names are always UTF-8")
def test_a_file_name_that_is_not_utf8_is_cached_and_pruned(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    odd = os.fsdecode(bytes(corpus) + b"/\xffberita.txt")
    Path(odd).write_text("Judul berita yang cukup panjang\n\nIsi berita ini cukup panjang.\n")
    path = db_path(tmp_path)
    first = index_with(path, corpus)
    assert len(first.corpus.articles) == 3
    assert first.corpus.problems == []
    again = index_with(path, corpus)
    assert again.corpus_from_cache
    assert corpus_to_dict(again.corpus) == corpus_to_dict(first.corpus)
    Path(odd).unlink()
    index_with(path, corpus)
    assert count_articles(path) == ["000_artikel.txt", "001_artikel.txt"]


# Layout 12's postings of the link state: one row per passage (-1 once too common).
POSTINGS_BY_PASSAGE = """
CREATE TABLE link_fingerprints (
    state INTEGER NOT NULL,
    key INTEGER NOT NULL,
    passage INTEGER NOT NULL,
    PRIMARY KEY (state, key, passage)
) WITHOUT ROWID;
CREATE TABLE link_words (
    state INTEGER NOT NULL,
    word TEXT NOT NULL,
    passage INTEGER NOT NULL,
    PRIMARY KEY (state, word, passage)
) WITHOUT ROWID;
"""


def test_a_cache_storing_postings_a_row_per_passage_is_rebuilt_once(
    corpus_dir: Path, tmp_path: Path
) -> None:
    """Layout 12 stored the link state's postings a row per passage; this code reads a
    row per posting. Such a file is rebuilt, said once, and every article processed
    again; the next run reads it."""
    path = db_path(tmp_path)

    def index_compact(path: Path, root: Path) -> IndexReport:  # stores the link state
        with Storage(path) as cache:
            return index_corpus([root], cache=cache, keep_articles=False)

    first = index_compact(path, corpus_dir)
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE link_fingerprints")
        db.execute("DROP TABLE link_words")
        db.executescript(POSTINGS_BY_PASSAGE)
        db.execute("INSERT INTO link_fingerprints VALUES (1, 5, 0), (1, 5, 3)")
        db.execute("UPDATE meta SET value = '12' WHERE key = 'schema'")
    report = index_compact(path, corpus_dir)
    said = [p.message for p in report.corpus.problems if "layout" in p.message]
    assert said == [
        "cache file was made by another version of kabar (layout 12, this one uses "
        f"{storage_sqlite.SCHEMA_VERSION}); rebuilt it, so every article is processed "
        "again this once"
    ]
    assert report.processed == 6
    assert report.corpus.links == first.corpus.links
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(link_fingerprints)")]
        keys, rows = db.execute(
            "SELECT COUNT(DISTINCT key), COUNT(*) FROM link_fingerprints"
        ).fetchone()
    assert columns == ["state", "key", "last", "members"]
    assert keys == rows > 0
    again = index_compact(path, corpus_dir)
    assert (again.processed, again.corpus.problems) == (0, [])
