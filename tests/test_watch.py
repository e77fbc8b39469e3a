"""Watching a corpus folder: new, changed and removed article files are noticed."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kabar_tui.cli.index_cmd import describe_changes
from kabar_tui.core.watch import FolderWatcher, is_article_file

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PATIENCE_S = 30.0  # generous: the machine may be busy; nothing here times the code


def test_only_article_files_count() -> None:
    assert is_article_file("/corpus/kompas/0001.txt")
    assert not is_article_file("/corpus/kompas/.0001.txt.swp")
    assert not is_article_file("/corpus/kompas/notes.md")
    assert not is_article_file("/corpus/.hidden.txt")


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


def test_begun_is_said_once_watching_has_begun_and_later_files_come_after(
    tmp_path: Path,
) -> None:
    """The reader looks at the files when `begun` is called: what changes after it comes
    as a batch, so nothing is missed between the look and the watching."""
    watcher = FolderWatcher([tmp_path], force_polling=True, poll_delay_ms=50, debounce_ms=50)
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
    (tmp_path / "after.txt").write_text("Judul\n\nIsi berita.\n", encoding="utf-8")
    thread.join(PATIENCE_S)
    stop.set()
    assert batches and {path.name for path in batches[0]} == {"after.txt"}


def test_watching_a_missing_folder_ends_quietly(tmp_path: Path) -> None:
    watcher = FolderWatcher([tmp_path / "gone"])
    assert list(watcher.changes(threading.Event())) == []


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
    from kabar_tui.core import catalog_open
    from kabar_tui.core.storage import DB_NAME, Storage

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


def test_index_watch_vouches_for_its_folders_while_it_watches(tmp_path: Path) -> None:
    """`kabar index --watch` says which corpus its folders hold once it has looked at them
    watching, says it again for the corpus indexed after a change, and ends with it."""
    corpus, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SEEDS, corpus)
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
        first = _vouched_key(corpus, cache)
        shutil.copy(SEEDS / sorted(os.listdir(SEEDS))[0], corpus / "copy.txt")
        assert "6 articles" in _read_until(output, "articles")[-1]
        _until(lambda: _vouched_key(corpus, cache) not in (None, first), "a word for the new")
        process.send_signal(signal.SIGINT)
        assert process.wait(PATIENCE_S) == 0
        assert _vouched_key(corpus, cache) is None
    finally:
        process.kill()
        process.wait()
