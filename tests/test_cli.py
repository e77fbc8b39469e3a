"""The CLI as a user meets it: clear messages and exit codes, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kabar_tui", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_commands() -> None:
    result = kabar("--help")
    assert result.returncode == 0
    for name in ("list", "show", "export"):
        assert name in result.stdout


def test_list_on_missing_path_is_one_line_error() -> None:
    result = kabar("list", "/no/such/place")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr == "kabar: error: /no/such/place: no such file or folder\n"


def test_export_json_on_seeds_is_versioned() -> None:
    result = kabar("export", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert len(data["articles"]) == 5
    assert all(a["paragraphs"] for a in data["articles"])


def test_show_unknown_id_is_an_error(tmp_path: Path) -> None:
    result = kabar("show", "nope")
    assert result.returncode == 1
    assert "no article with id" in result.stderr


def test_export_has_entities_quotes_and_entity_table() -> None:
    data = json.loads(kabar("export", "--format", "json").stdout)
    article = data["articles"][0]
    assert {"text", "label", "canonical", "paragraph", "start", "end"} <= set(
        article["entities"][0]
    )
    quote_fields = {"text", "kind", "speaker", "speaker_canonical", "via", "paragraph"}
    assert quote_fields <= set(article["quotes"][0])
    table = {e["canonical"]: e for e in data["entities"]}
    assert table["Vladimir Putin"]["label"] == "PER"
    assert "Putin" in table["Vladimir Putin"]["aliases"]
    assert any(len(g["occurrences"]) > 1 for g in data["quote_groups"])


def test_analyze_writes_one_json_line_per_passage() -> None:
    passages = "“Kami siap,” kata Presiden Joko Widodo di Jakarta.\n\nKorut menembakkan rudal.\n"
    result = subprocess.run(
        [sys.executable, "-m", "kabar_tui", "analyze", "-"],
        input=passages,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert lines[0]["quotes"][0]["speaker"] == "Joko Widodo"
    assert {"text": "Korut", "label": "LOC", "start": 0, "end": 5} in lines[1]["entities"]


def test_analyze_missing_file_is_one_line_error() -> None:
    result = kabar("analyze", "/no/such/file.txt")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_entities_and_quotes_plain_when_piped() -> None:
    entities = kabar("entities", "--label", "PER")
    assert entities.returncode == 0, entities.stderr
    assert all(line.split("\t")[1] == "PER" for line in entities.stdout.splitlines())
    quotes = kabar("quotes", "--speaker", "matsegora")
    assert quotes.returncode == 0, quotes.stderr
    rows = [line.split("\t") for line in quotes.stdout.splitlines()]
    assert rows and all("Matsegora" in row[2] for row in rows)


def test_a_typed_wrong_speaker_is_taken_as_search_takes_it() -> None:
    """`kabar quotes --speaker matsegra` found nothing while `kabar search by:matsegra`
    found Matsegora's quotes; now both take it as Matsegora, and say so."""
    quotes = kabar("quotes", "--speaker", "matsegra")
    assert quotes.returncode == 0, quotes.stderr
    rows = [line.split("\t") for line in quotes.stdout.splitlines()]
    assert rows == [
        row
        for row in (r.split("\t") for r in kabar("quotes").stdout.splitlines())
        if row[2].startswith("Alexander Matsegora")
    ]
    assert quotes.stderr.strip() == "kabar: --speaker matsegra → Matsegora"


def test_a_speaker_of_no_letters_finds_no_quotes() -> None:
    """`--speaker '!!!'` has no word to match: every speaker held the empty text, so every
    quote was printed, silently."""
    quotes = kabar("quotes", "--speaker", "!!!")
    assert quotes.stdout == ""
    assert quotes.stderr.strip() == "kabar: no quotes found"


def test_a_closed_pipe_is_not_a_traceback() -> None:
    result = subprocess.run(
        f"{sys.executable} -m kabar_tui export --format jsonl | head -c 10 >/dev/null",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    assert "BrokenPipe" not in result.stderr


def test_empty_results_are_said_on_stderr_not_in_the_data() -> None:
    quotes = kabar("quotes", "--speaker", "nobody-at-all")
    assert quotes.returncode == 0 and quotes.stdout == ""
    assert "no quotes found" in quotes.stderr
    search = kabar("search", "zzzqqq xxyyzz")
    assert search.returncode == 0 and search.stdout == ""
    assert "no hits" in search.stderr


def test_a_misspelt_or_misplaced_command_is_named_not_taken_for_files() -> None:
    """`kabar serach korut` said `serach` and `korut` were no files; `kabar --lang id list`
    that `list` was none: a word like a command is said to be one, in one line."""
    typo = kabar("serach", "korut")
    assert typo.returncode == 2
    assert typo.stderr == "kabar: error: no file or command 'serach'; did you mean kabar search?\n"
    placed = kabar("--lang", "id", "list")
    assert placed.returncode == 2
    assert placed.stderr.startswith("kabar: error: tidak ada berkas 'list': perintah ditulis")
    assert placed.stderr.count("\n") == 1
    folder = kabar("news-folder")  # like no command: the path's own message
    assert folder.stderr == "kabar: error: news-folder: no such file or folder\n"


def test_opening_the_reader_on_nothing_readable_fails_before_the_ui(tmp_path: Path) -> None:
    result = kabar(str(tmp_path / "missing"), str(tmp_path))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr
    assert "no article files" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stacks_file_that_cannot_be_written_is_said_and_kabar_goes_on(tmp_path: Path) -> None:
    """KABAR_STACKS is a diagnostic: a folder or an unwritable path never stops kabar."""
    env = {**os.environ, "KABAR_STACKS": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "kabar_tui", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("kabar: KABAR_STACKS: cannot write")


BLAS_THREADS_CHECK = """
import os, sys
from kabar_tui.cli import main
code = main(sys.argv[1:])
import numpy  # imported by the command
threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
print(code, os.environ.get("OPENBLAS_NUM_THREADS"), threads)
"""


def test_commands_run_one_blas_thread_unless_told_otherwise() -> None:
    """numpy's OpenBLAS would start a spinning thread per core (0.1 s of CPU a command);
    the commands ask for one, unless the user's environment already says how many."""
    asking = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")
    environment = {k: v for k, v in os.environ.items() if k not in asking}
    run = [sys.executable, "-c", BLAS_THREADS_CHECK, "search", "Putin"]
    alone = subprocess.run(run, capture_output=True, text=True, timeout=60, env=environment)
    code, threads_asked, threads = alone.stdout.split()[-3:]
    assert (code, threads_asked, threads) == ("0", "1", "1"), alone.stderr

    def asked_with(variable: str) -> list[str]:
        """The exit code and OPENBLAS_NUM_THREADS with the user's `variable` set to 2."""
        told = subprocess.run(
            run, capture_output=True, text=True, timeout=60, env={**environment, variable: "2"}
        )
        return told.stdout.split()[-3:-1] or [told.stderr]

    assert asked_with("OPENBLAS_NUM_THREADS") == ["0", "2"]
    assert asked_with("OMP_NUM_THREADS") == ["0", "None"]  # OpenBLAS reads it: not overridden
