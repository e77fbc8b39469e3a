"""Watching a corpus folder: new, changed and removed article files are noticed."""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kabar_tui.cli.index_cmd import describe_changes
from kabar_tui.core.indexing.watch import FolderWatcher, is_article_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PATIENCE_S = 30.0  # generous: the machine may be busy; nothing here times the code


def test_only_article_files_count() -> None:
    assert is_article_file("/corpus/kompas/0001.txt")
    assert not is_article_file("/corpus/kompas/.0001.txt.swp")
    assert not is_article_file("/corpus/kompas/notes.md")
    assert is_article_file("/corpus/.hidden.txt")  # the folder walk takes it too


def test_every_file_the_folder_walk_finds_is_one_the_watcher_reports(tmp_path: Path) -> None:
    """Discovery and the watcher's filter are one predicate: an edit to a file the corpus
    lists is never filtered out (review S5: a hidden `.draft.txt` was)."""
    from kabar_tui.core.ingest.sources import discover

    for name in ("a.txt", ".draft.txt", "sub/b.txt", ".hidden/c.txt", "sub/ü é.txt", "x.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(tmp_path / "sub" / "b.txt")
    (tmp_path / ".a.txt.swp").write_bytes(b"swap")
    files, _problems = discover([tmp_path])
    assert {file.name for file in files} == {"a.txt", ".draft.txt", "b.txt", "c.txt", "ü é.txt"}
    assert all(is_article_file(str(file)) for file in files)


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_watcher_reports_a_new_file(tmp_path: Path, polling: bool) -> None:
    (tmp_path / "old.txt").write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    watcher = FolderWatcher([tmp_path], force_polling=polling)
    stop = threading.Event()
    batches: list[set[Path]] = []

    def collect() -> None:
        for batch in watcher.changes(stop):
            batches.append(batch)
            stop.set()

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    deadline = time.monotonic() + PATIENCE_S
    while not batches and time.monotonic() < deadline:
        (tmp_path / "new.txt").write_text("Judul baru\n\nIsi.\n", encoding="utf-8")
        (tmp_path / "ignored.md").write_text("not an article\n", encoding="utf-8")
        time.sleep(1.0)
    stop.set()
    thread.join(PATIENCE_S)
    assert batches and all(path.name == "new.txt" for path in batches[0])


def _first_batch_after_begun(watcher: FolderWatcher, write: Path) -> set[Path]:
    """The first batch the watcher gives for `write`, written once watching has begun."""
    stop = threading.Event()
    begun = threading.Event()
    batches: list[set[Path]] = []

    def collect() -> None:
        for batch in watcher.changes(stop, begun=begun.set):
            batches.append(batch)
            stop.set()

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    assert begun.wait(PATIENCE_S) and not batches
    write.write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    thread.join(PATIENCE_S)
    stop.set()
    assert batches
    return batches[0]


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_a_folder_given_through_its_parent_is_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, polling: bool
) -> None:
    """`kabar index --watch ../news`: events come as `/work/../news/new.txt`, not
    normalised, and are still under the folder given."""
    (tmp_path / "news").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    watcher = FolderWatcher(
        [Path("..") / "news"], force_polling=polling, poll_delay_ms=50, debounce_ms=50
    )
    batch = _first_batch_after_begun(watcher, tmp_path / "news" / "new.txt")
    assert {path.name for path in batch} == {"new.txt"}


def test_begun_is_said_once_watching_has_begun_and_later_files_come_after(
    tmp_path: Path,
) -> None:
    """The reader looks at the files when `begun` is called: what changes after it comes
    as a batch, so nothing is missed between the look and the watching."""
    watcher = FolderWatcher([tmp_path], force_polling=True, poll_delay_ms=50, debounce_ms=50)
    batch = _first_batch_after_begun(watcher, tmp_path / "after.txt")
    assert {path.name for path in batch} == {"after.txt"}


def test_watching_a_missing_folder_ends_quietly(tmp_path: Path) -> None:
    watcher = FolderWatcher([tmp_path / "gone"])
    assert list(watcher.changes(threading.Event())) == []


def _saved_by_renaming(path: Path, text: str) -> None:
    """An editor's save: the new text written to a file beside, renamed over the old."""
    beside = path.with_name(f".{path.name}.swp{len(text)}")
    beside.write_text(text, encoding="utf-8")
    os.replace(beside, path)


def _watching(
    watcher: FolderWatcher,
) -> tuple[threading.Event, list[set[Path]], threading.Thread]:
    """`watcher`'s batches gathered in a thread, once watching has begun: (stop, batches,
    thread)."""
    stop, begun = threading.Event(), threading.Event()
    batches: list[set[Path]] = []

    def collect() -> None:
        for batch in watcher.changes(stop, begun=begun.set):
            batches.append(batch)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    assert begun.wait(PATIENCE_S)
    return stop, batches, thread


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_a_file_given_as_a_root_is_seen_at_every_save(tmp_path: Path, polling: bool) -> None:
    """Editors save by renaming a new file over the old one: watched by its inode, the
    file was seen at its first save and never again."""
    article = tmp_path / "a.txt"
    article.write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Lain\n\nIsi.\n", encoding="utf-8")
    watcher = FolderWatcher([article], force_polling=polling, poll_delay_ms=50, debounce_ms=50)
    stop, batches, thread = _watching(watcher)
    try:
        for save in range(1, 4):
            seen = len(batches)
            _saved_by_renaming(article, f"Judul {save}\n\nIsi berita {'lagi ' * save}.\n")
            (tmp_path / "other.txt").write_text(f"Lain {save}\n\nIsi.\n", encoding="utf-8")
            _until(lambda seen=seen: len(batches) > seen, f"save {save} seen")
            # the batch has settled: the next save is another (polling compares times in
            # whole seconds: two saves within one are one change to it)
            time.sleep(1.1 if polling else 0.3)
        assert all(batch == {article} for batch in batches)  # not the file beside it
    finally:
        stop.set()
        thread.join(PATIENCE_S)


def test_files_and_folders_given_together_are_all_watched(tmp_path: Path) -> None:
    """A folder (with what is under it) and a file elsewhere (through its folder alone):
    both watched at once, every save of the file seen."""
    folder, elsewhere = tmp_path / "folder", tmp_path / "elsewhere"
    (folder / "sub").mkdir(parents=True)
    (elsewhere / "deeper").mkdir(parents=True)
    article = elsewhere / "a.txt"
    article.write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    watcher = FolderWatcher([folder, article], debounce_ms=50)
    stop, batches, thread = _watching(watcher)
    try:
        for save in range(1, 3):
            seen = len(batches)
            _saved_by_renaming(article, f"Judul {save}\n\nIsi berita {'lagi ' * save}.\n")
            _until(lambda seen=seen: any(article in b for b in batches[seen:]), f"save {save}")
            time.sleep(0.3)  # the batch has settled: the next save is another
        (elsewhere / "deeper" / "b.txt").write_text("Judul\n\nIsi.\n", encoding="utf-8")
        new = folder / "sub" / "c.txt"
        new.write_text("Judul\n\nIsi.\n", encoding="utf-8")
        _until(lambda: any(new in batch for batch in batches), "a file added to the folder")
        assert all(batch <= {article, new} for batch in batches)
    finally:
        stop.set()
        thread.join(PATIENCE_S)


def _lines_of(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The process's output lines, read in a thread so a silent process cannot hang a test."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _read_until(lines: queue.Queue[str], wanted: str) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            break
        seen.append(line)
        if wanted in line:
            return seen
    raise AssertionError(f"never printed {wanted!r}: {seen}")


def test_index_watch_indexes_a_file_added_later(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    process = subprocess.Popen(
        [sys.executable, "-m", "kabar_tui", "index", "--watch", "--workers", "1", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output = _lines_of(process)
    try:
        assert "5 articles" in "".join(_read_until(output, "watching"))
        shutil.copy(SEEDS / sorted(os.listdir(SEEDS))[0], corpus / "copy.txt")
        lines = _read_until(output, "articles")
        assert "1 article added (copy.txt)" in "".join(lines)
        assert "6 articles" in lines[-1]
        (corpus / "copy.txt").unlink()
        assert "1 removed (copy.txt)" in "".join(_read_until(output, "removed"))
        assert "5 articles" in _read_until(output, "articles")[-1]
        time.sleep(1)  # back to waiting inside watchfiles, which used to log the Ctrl-C
        process.send_signal(signal.SIGINT)
        assert process.wait(PATIENCE_S) == 0
        errors = process.stderr.read() if process.stderr else ""
        assert "Traceback" not in errors and "KeyboardInterrupt" not in errors
    finally:
        process.kill()
        process.wait()


def test_a_batch_says_which_files_were_added_changed_and_removed(tmp_path: Path) -> None:
    kept, gone = tmp_path / "kept.txt", tmp_path / "gone.txt"
    new = [tmp_path / f"new{number}.txt" for number in range(5)]
    for path in [kept, *new]:
        path.write_text("Judul\n\nIsi.", encoding="utf-8")
    known = {kept, gone}
    said = describe_changes({kept, gone, *new}, known)
    assert said == (
        "5 articles added (new0.txt, new1.txt, new2.txt, …), 1 changed (kept.txt), "
        "1 removed (gone.txt)"
    )
    assert known == {kept, *new}  # the next batch knows them


def _vouched_key(folder: Path, cache: Path) -> str | None:
    """The corpus a live watcher vouches for `folder` holds (`FolderVouch`), if any."""
    from kabar_tui.core.store import catalog_open
    from kabar_tui.core.store.storage import DB_NAME, Storage

    with Storage(cache / DB_NAME) as storage:
        word = catalog_open._remembered_snapshot(storage, [folder])[3]
        if word and catalog_open._vouched_corpus(storage, [folder], word) is not None:
            return word.partition(" ")[2]
    return None


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def _vouching_watch(
    corpus: Path, cache: Path
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str], str]]:
    """`kabar index --watch corpus`, once it has said which corpus the folder holds:
    (the process, its output's lines, the key it vouched for); killed at the end."""
    env = {key: value for key, value in os.environ.items() if key != "KABAR_NO_CACHE"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kabar_tui", "index", "--watch", "--workers", "1", str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1", "KABAR_CACHE_DIR": str(cache)},
    )
    output = _lines_of(process)
    try:
        _read_until(output, "watching")
        _until(lambda: _vouched_key(corpus, cache) is not None, "a word for the folder")
        yield process, output, str(_vouched_key(corpus, cache))
    finally:
        process.send_signal(signal.SIGCONT)  # a test may have stopped it
        process.kill()
        process.wait()


def test_index_watch_vouches_for_its_folders_while_it_watches(tmp_path: Path) -> None:
    """`kabar index --watch` says which corpus its folders hold once it has looked at them
    watching, says it again for the corpus indexed after a change, and ends with it."""
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    with _vouching_watch(corpus, cache) as (process, output, first):
        shutil.copy(SEEDS / sorted(os.listdir(SEEDS))[0], corpus / "copy.txt")
        assert "6 articles" in _read_until(output, "articles")[-1]
        _until(lambda: _vouched_key(corpus, cache) not in (None, first), "a word for the new")
        process.send_signal(signal.SIGINT)
        assert process.wait(PATIENCE_S) == 0
        assert _vouched_key(corpus, cache) is None


def _watched_with_a_word(
    roots: list[Path], cache: Path, **options: int | bool
) -> tuple[threading.Event, threading.Event, list[set[Path]], threading.Thread]:
    """A watcher of `roots` vouching as the reader does, except that it does not take its
    word back itself when a batch comes (the watcher must): (stop, begun, batches, thread)."""
    from kabar_tui.core.store.catalog_open import FolderVouch, open_catalog
    from kabar_tui.core.store.storage import DB_NAME, Storage

    watcher = FolderWatcher(roots, **options)  # type: ignore[arg-type]
    vouch = FolderVouch(roots, cache)
    stop, begun = threading.Event(), threading.Event()
    batches: list[set[Path]] = []

    def look() -> None:
        catalog, problems = open_catalog(roots, Storage(cache / DB_NAME))
        assert catalog is not None and not problems
        vouch.say(catalog)
        catalog.close()
        begun.set()

    def watch() -> None:
        vouch.hold()
        try:
            for batch in watcher.changes(stop, begun=look, vouch=vouch):
                batches.append(batch)
        finally:
            vouch.release()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return stop, begun, batches, thread


def _indexed(corpus: Path, cache: Path) -> str:
    from kabar_tui.core.indexing.pipeline import index_corpus
    from kabar_tui.core.store.catalog_open import open_catalog
    from kabar_tui.core.store.storage import DB_NAME, Storage

    with Storage(cache / DB_NAME) as storage:
        index_corpus([corpus], cache=storage)
    catalog, _problems = open_catalog([corpus], Storage(cache / DB_NAME))
    assert catalog is not None
    key = catalog.key
    catalog.close()
    return key


def test_any_change_under_the_folders_takes_the_word_back_and_a_folder_moved_is_reported(
    tmp_path: Path,
) -> None:
    """A folder moved out of (or into) a watched one is one event for the folder, which a
    filter on article files dropped: the word stayed (review S1). Every event takes it
    back, and a folder's comes as a batch."""
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    (corpus / "sub").mkdir()
    for seed in sorted(corpus.glob("*.txt"))[:2]:
        seed.rename(corpus / "sub" / seed.name)
    first = _indexed(corpus, cache)
    stop, begun, batches, thread = _watched_with_a_word([corpus], cache, debounce_ms=50)
    try:
        assert begun.wait(PATIENCE_S)
        _until(lambda: _vouched_key(corpus, cache) == first, "the word")
        (corpus / "notes.md").write_text("not an article\n", encoding="utf-8")
        _until(lambda: _vouched_key(corpus, cache) is None, "the word taken back")
        assert batches == []  # nothing in the corpus changed
        (corpus / "sub").rename(tmp_path / "elsewhere")
        _until(lambda: any(corpus / "sub" in batch for batch in batches), "the folder gone")
        (tmp_path / "elsewhere").rename(corpus / "sub2")
        moved_in = {corpus / "sub2", *(corpus / "sub2").glob("*.txt")}
        _until(lambda: any(moved_in <= batch for batch in batches), "the folder and its files")
    finally:
        stop.set()
        thread.join(PATIENCE_S)


def test_a_polling_watcher_vouches_for_nothing(tmp_path: Path) -> None:
    """Polling, a change is seen only at the next poll (and only by its time and size):
    no word (review S3)."""
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    _indexed(corpus, cache)
    stop, begun, _batches, thread = _watched_with_a_word(
        [corpus], cache, force_polling=True, poll_delay_ms=50, debounce_ms=50
    )
    try:
        assert begun.wait(PATIENCE_S)
        assert _vouched_key(corpus, cache) is None
    finally:
        stop.set()
        thread.join(PATIENCE_S)


def test_index_watch_indexes_a_folder_moved_out_and_in(tmp_path: Path) -> None:
    """`mv sub elsewhere` and back: the commands take the word for the corpus indexed after
    each move, never the one before (review S1)."""
    from kabar_tui.core.store.catalog_open import open_catalog
    from kabar_tui.core.store.catalog_store import StoredCatalog
    from kabar_tui.core.store.storage import DB_NAME, Storage

    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    (corpus / "sub").mkdir()
    moved = sorted(corpus.glob("*.txt"))[:2]
    for seed in moved:
        seed.rename(corpus / "sub" / seed.name)
    with _vouching_watch(corpus, cache) as (_process, output, first):

        def move_and_open(source: Path, target: Path, said: str, articles: int) -> StoredCatalog:
            """The catalog the commands take the word for once `source` moved to `target`."""
            source.rename(target)
            assert said in "".join(_read_until(output, f"{articles} articles"))
            _until(lambda: _vouched_key(corpus, cache) not in (None, first), f"{articles}")
            catalog, _problems = open_catalog([corpus], Storage(cache / DB_NAME), vouched=True)
            assert catalog is not None and len(catalog) == articles
            return catalog

        names = f"({moved[0].name}, {moved[1].name})"
        move_and_open(corpus / "sub", tmp_path / "elsewhere", f"2 removed {names}", 3).close()
        catalog = move_and_open(
            tmp_path / "elsewhere", corpus / "sub2", f"2 articles added {names}", 5
        )
        assert {head.path for head in catalog.heads()} >= {
            str(corpus / "sub2" / seed.name) for seed in moved
        }
        catalog.close()


def test_a_stopped_watcher_vouches_for_nothing_until_it_goes_on(tmp_path: Path) -> None:
    """`kabar index --watch` suspended (Ctrl-Z) holds its lock but reads no event: its
    word lapses, and comes back when it goes on (review S3)."""
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
    with _vouching_watch(corpus, cache) as (process, _output, _first):
        process.send_signal(signal.SIGSTOP)
        _until(lambda: _vouched_key(corpus, cache) is None, "the word lapsed")
        process.send_signal(signal.SIGCONT)
        _until(lambda: _vouched_key(corpus, cache) is not None, "the word renewed")
