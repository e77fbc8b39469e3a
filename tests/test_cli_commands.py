"""`kabar list`, `show` and `export` on good and bad input: clear lines, right exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kabar_tui.cli import main
from kabar_tui.core.ingest import sources

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
GOOD = (
    "Judul Berita yang Cukup Panjang\n\nPemerintah akan menaikkan anggaran tahun depan, kata dia.\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_is_tab_separated_when_piped(capsys) -> None:
    code, out, err = run(capsys, "list")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 5 and all(len(row) == 4 for row in rows)
    assert rows[0][1:3] == ["Okezone", "Sep 17, 2023"]


def test_list_uses_the_configured_locale(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('lang = "id"\n')
    _, out, _ = run(capsys, "list")
    assert "17 Sep 2023" in out.splitlines()[0]


def test_show_prints_metadata_and_removed_lines(capsys) -> None:
    code, out, _ = run(capsys, "show", "000_59e454f0b43af36c", "--removed")
    assert code == 0
    assert "outlet: Okezone" in out and "author: Rahman Asmardika" in out
    assert "dateline: MOSKOW" in out
    assert "Removed lines" in out
    assert "   10  repeated title" in out


def test_markup_is_printed_literally_and_escapes_are_gone(capsys) -> None:
    _, out, _ = run(capsys, "show", "messy_terminal", str(FIXTURES))
    assert "[bold]Warga Bandung[/bold]" in out
    assert "\x1b" not in out
    _, out, _ = run(capsys, "list", str(FIXTURES))
    assert "[bold]Warga Bandung[/bold]" in out


def test_export_jsonl_has_one_versioned_article_per_line(capsys) -> None:
    code, out, _ = run(capsys, "export", "--format", "jsonl", str(FIXTURES / "kompas.txt"))
    assert code == 0
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["version"] == 1
    assert record["published"] == "2025-06-05T10:12:00+07:00"
    assert record["removed"][0] == {"line": 1, "text": "KOMPAS.com", "reason": "navigation"}
    assert record["paragraphs"][0]["index"] == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("latin1.txt", "Berita café à Jakarta".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_unreadable_file_alone_is_one_line_and_non_zero(
    capsys, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    for command in ("list", "export"):
        code, out, err = run(capsys, command, str(tmp_path / name))
        assert code != 0
        assert out == ""
        assert message in err and "Traceback" not in err
        assert all(line.startswith("kabar: ") for line in err.splitlines())


def test_huge_file_is_skipped(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1024)
    (tmp_path / "huge.txt").write_text(GOOD * 100)
    code, _, err = run(capsys, "list", str(tmp_path))
    assert code != 0 and "too large" in err


def test_missing_path_and_empty_folder(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "show", "x", str(tmp_path / "nope"))
    assert code != 0 and "no such file or folder" in err
    code, _, err = run(capsys, "list", str(tmp_path))
    assert code != 0 and "no article files" in err


def test_one_bad_file_among_good_ones_is_a_warning(capsys, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    # Neither UTF-8 nor a BOM (`\xff\xfe` would be UTF-16 text, which is read now).
    (tmp_path / "bad.txt").write_bytes(b"\x80\x81\x00\x01")
    code, out, err = run(capsys, "list", str(tmp_path))
    assert code == 0
    assert out.startswith("good\t")
    assert "warning" in err and "bad.txt" in err


def test_a_file_of_only_chrome_still_lists(capsys, tmp_path: Path) -> None:
    (tmp_path / "ads.txt").write_text("Advertisement\nBaca Juga\n", encoding="utf-8")
    code, out, _ = run(capsys, "list", str(tmp_path))
    assert code == 0 and out.startswith("ads\t-\t-\tads")
