"""Argument parsing as a new user meets it: errors name what is wrong, help lists what exists."""

from __future__ import annotations

import shutil

import pytest

from kabar_tui.cli import main
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.resources import seeds_dir


@pytest.mark.parametrize(
    ("command", "missing"),
    [(["show"], "id"), (["compare", "000"], "ID2"), (["related"], "id")],
)
def test_a_missing_argument_is_named_alone(capsys, command, missing) -> None:
    with pytest.raises(SystemExit) as stop:
        main(command)
    assert stop.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.endswith(f"the following arguments are required: {missing}")


def test_entity_labels_are_taken_in_any_case_and_listed_plainly(capsys) -> None:
    assert main(["entities", "--label", "per"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and {row[1] for row in rows} == {"PER"}
    with pytest.raises(SystemExit):
        main(["entities", "--label", "people"])
    error = capsys.readouterr().err
    assert "(choose from PER, LOC, ORG)" in error and "Label." not in error


def test_top_level_help_lists_the_reader_options(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--theme NAME", "--lang LANG", "--no-watch", "--no-animation"):
        assert f"  {option} " in out


def test_an_existing_folder_with_a_numeric_name_is_a_path(capsys, tmp_path, monkeypatch) -> None:
    folder = tmp_path / "2024"
    folder.mkdir()
    for seed in sorted(seeds_dir().glob("*.txt"))[:3]:  # 000 and 002 tell the same story
        shutil.copy(seed, folder / seed.name)
    monkeypatch.chdir(tmp_path)
    assert main(["related", "000", "2024"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and all(row[1][:3] in {"001", "002"} for row in rows)
    assert main(["related", "000", "0", "2024"]) == 0  # a paragraph still comes first
    assert {line.split("\t")[0] for line in capsys.readouterr().out.splitlines()} == {"0"}


def test_piped_related_prints_whole_passages(capsys) -> None:
    corpus = build_corpus(cache=False)
    paragraphs = {(a.id, p.index): p.text for a in corpus.articles for p in a.paragraphs}
    source = next(link.source_article for link in corpus.links)
    assert main(["related", source]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and all(row[-1] == paragraphs[row[1], int(row[2])] for row in rows)
    assert any(len(row[-1]) > 120 for row in rows)
