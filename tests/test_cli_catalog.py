"""Every command prints the same from the cache's stored catalog as from a corpus just
processed: the stored path answers by queries, and must not change a byte of the output."""

from __future__ import annotations

import sqlite3
from argparse import Namespace
from pathlib import Path

import pytest

from kabar_tui.cli import common, list_cmd, quotes_cmd, related_cmd, search_cmd, show_cmd
from kabar_tui.cli import main as kabar
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.store.catalog_store import StoredCatalog
from kabar_tui.core.store.storage import DB_NAME, Storage

SEEDS = build_corpus(cache=False)
FIRST, SECOND = SEEDS.articles[0].id, SEEDS.articles[2].id
LINKED = next(link.source_article for link in SEEDS.links)
COMMANDS = [
    ("list",),
    ("show", FIRST, "--removed"),
    ("show", FIRST[:3]),
    ("related", LINKED),
    ("related", LINKED, "0"),
    ("entities", "--ids"),
    ("entities", "--label", "PER"),
    ("quotes",),
    ("quotes", "--speaker", "kim"),
    ("search", "kim jong"),
    ("search", "rusia", "--json", "--limit", "3"),
    ("export", "--format", "jsonl"),
    ("export",),
    ("compare", FIRST, SECOND),
    ("compare", FIRST, SECOND, "--json"),
    ("show", "no such id"),
]
TERMINAL_TABLES = [list_cmd, show_cmd, quotes_cmd, related_cmd, search_cmd]


def run(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> tuple[int, str, str]:
    code = kabar(list(command))
    out, err = capsys.readouterr()
    return code, out, err


def processing_fails(*args: object, **options: object) -> None:
    raise AssertionError("the stored corpus was processed again")


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_stored_catalog_prints_what_processing_prints(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    private_cache: Path,
    terminal: bool,
) -> None:
    for module in TERMINAL_TABLES:
        monkeypatch.setattr(module, "stdout_is_terminal", lambda: terminal)
    monkeypatch.setenv("KABAR_NO_CACHE", "1")
    processed = [run(capsys, command) for command in COMMANDS]
    monkeypatch.delenv("KABAR_NO_CACHE")
    assert kabar(["index"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(pipeline, "index_corpus", processing_fails)
    for command, expected in zip(COMMANDS, processed, strict=True):
        assert run(capsys, command) == expected, command


def test_index_of_a_stored_corpus_counts_it_without_reading_it_back(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, private_cache: Path
) -> None:
    """A second `kabar index` of unchanged folders has nothing to do: reading the corpus
    back whole to say so took 97 s and 7 GB at 100k articles."""
    assert kabar(["index"]) == 0
    first = capsys.readouterr().out
    monkeypatch.setattr(Storage, "load_corpus", processing_fails)
    monkeypatch.setattr(pipeline, "process_sources", processing_fails)
    assert kabar(["index"]) == 0
    again = capsys.readouterr().out
    articles = len(SEEDS.articles)
    assert f"{articles} articles, 0 processed, {articles} from cache" in again
    assert first.split(",")[0] == again.split(",")[0]


def test_a_damaged_article_is_a_warning_and_the_next_run_mends_it(
    capsys: pytest.CaptureFixture[str], private_cache: Path
) -> None:
    assert kabar(["index"]) == 0
    capsys.readouterr()
    with sqlite3.connect(private_cache / DB_NAME) as db:
        db.execute(
            "UPDATE paragraphs SET text = 'Teks palsu.' WHERE position = 1 AND article = "
            "(SELECT id FROM articles WHERE article_id = ?)",
            (FIRST,),
        )
    code, out, err = run(capsys, ("show", FIRST))
    assert code == 1 and out == ""
    assert "did not match their checksum" in err and err.count("\n") == 1
    code, out, err = run(capsys, ("show", FIRST))
    assert code == 0 and "Teks palsu." not in out
    assert SEEDS.articles[0].paragraphs[1].text[:40] in out.replace("\n", " ")


def test_a_new_file_is_indexed_then_opened_from_the_cache(
    capsys: pytest.CaptureFixture[str], private_cache: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    seeds = sorted(Path(SEEDS.articles[0].path).parent.glob("*.txt"))
    (folder / seeds[0].name).write_bytes(seeds[0].read_bytes())
    assert run(capsys, ("list", str(folder)))[1].count("\n") == 1
    (folder / seeds[1].name).write_bytes(seeds[1].read_bytes())
    assert run(capsys, ("list", str(folder)))[1].count("\n") == 2
    assert isinstance(common.load_catalog(Namespace(paths=[str(folder)])), StoredCatalog)


def test_a_piped_search_of_a_stored_corpus_imports_no_presentation_module(
    private_cache: Path, tmp_path: Path
) -> None:
    """Its output is plain lines: rich, babel, json and the TOML parser (no settings
    file) are not imported, each a part of the command's start-up."""
    import os
    import subprocess
    import sys

    environment = {**os.environ, "KABAR_CONFIG_DIR": str(tmp_path / "config")}
    script = (
        "import sys\n"
        "from kabar_tui.cli import main\n"
        "code = main(['search', 'kim jong'])\n"
        "print(sorted({name.partition('.')[0] for name in sys.modules} "
        "& {'rich', 'babel', 'json', 'tomllib'}), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    for _ in range(2):  # the first stores the seeds (processing imports what it needs)
        done = subprocess.run(
            [sys.executable, "-c", script], env=environment, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.count("\t") > 5  # hits, a line each
    assert done.stderr.strip().splitlines()[-1] == "[]"
