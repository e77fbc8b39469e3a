"""Bad input becomes a one-line problem, never an exception."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from kabar_tui.core.ingest import sources
from kabar_tui.core.ingest.sources import Source, read_source, read_sources
from kabar_tui.core.resources import seeds_dir

SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def test_bundled_seeds_are_the_five_articles() -> None:
    names = sorted(p.name for p in seeds_dir().glob("*.txt"))
    assert len(names) == 5
    if SHARED_SEEDS.is_dir():
        for name in names:
            assert (seeds_dir() / name).read_bytes() == (SHARED_SEEDS / name).read_bytes()


def test_missing_path_and_empty_folder_are_fatal_problems(tmp_path: Path) -> None:
    found, problems = read_sources([tmp_path / "nope.txt", tmp_path])
    assert found == []
    assert [p.fatal for p in problems] == [True, True]
    assert "no such file" in problems[0].message
    assert "no article files" in problems[1].message


def test_empty_binary_and_non_utf8_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Jakarta — berita café".encode("latin-1", "replace"))
    (tmp_path / "good.txt").write_text("Judul\n\nIsi berita yang baik.\n", encoding="utf-8")
    found, problems = read_sources([tmp_path])
    assert [s.id for s in found] == ["good"]
    messages = sorted(p.message for p in problems)
    assert any("empty" in m for m in messages)
    assert any("binary" in m for m in messages)
    assert any("UTF-8" in m for m in messages)


def test_huge_file_is_skipped_without_reading_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("kata " * 1000)
    result = read_source(big)
    assert not isinstance(result, Source)
    assert "too large" in result.message


def test_bom_is_dropped_and_hash_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbfJudul\n")
    first, second = read_source(path), read_source(path)
    assert isinstance(first, Source) and isinstance(second, Source)
    assert first.text == "Judul\n"
    assert first.content_hash == second.content_hash


def test_folders_are_walked_in_order_without_following_folder_links(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    for name in ("b/2.txt", "a/z.txt", "a-b/1.txt", "a/sub/0.txt", "top.txt", "a/notes.md"):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text("Isi berita cukup panjang di sini.")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.txt").write_text("Berita di luar folder korpus.")
    (corpus / "linked-folder").symlink_to(outside, target_is_directory=True)
    (corpus / "linked-file.txt").symlink_to(outside / "far.txt")
    files, problems = sources.discover([corpus, corpus / "top.txt"])
    assert problems == []
    relative = [str(p.relative_to(tmp_path)) for p in files]
    assert relative == [
        "corpus/a/sub/0.txt",
        "corpus/a/z.txt",
        "corpus/a-b/1.txt",
        "corpus/b/2.txt",
        "outside/far.txt",
        "corpus/top.txt",
    ]


def test_a_file_removed_while_its_folder_is_read_is_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Isi berita cukup panjang di sini.")
    real_scandir = os.scandir

    def scandir_then_remove(path: str) -> Iterator[os.DirEntry[str]]:
        entries = list(real_scandir(path))
        (tmp_path / "b.txt").unlink()
        return iter(entries)

    monkeypatch.setattr(sources.os, "scandir", scandir_then_remove)
    statuses: dict[str, os.stat_result] = {}
    files, problems = sources.discover_paths([tmp_path], statuses)
    assert [Path(f).name for f in files] == ["a.txt"]
    assert list(statuses) == files
    assert problems == []
