"""What the commands print on a terminal of 80 and 120 columns, and when piped."""

from __future__ import annotations

import pytest

from kabar_tui.cli import main


def on_terminal(monkeypatch, module: str, columns: int) -> None:
    monkeypatch.setattr(f"kabar_tui.cli.{module}.stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(columns))


@pytest.mark.parametrize("columns", [80, 120])
def test_list_shows_short_ids_outlet_date_and_whole_titles(capsys, monkeypatch, columns) -> None:
    on_terminal(monkeypatch, "list_cmd", columns)
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines)
    assert "│ 000 " in out and "Okezone" in out and "Sep 17, 2023" in out
    assert "Rusia" in out and "Ukraina" in out  # titles wrap instead of being cut
    assert main(["show", "000"]) == 0  # the id shown is one every command takes
    assert "Kim Jong-un" in capsys.readouterr().out


def test_quotes_get_a_wide_column(capsys, monkeypatch) -> None:
    on_terminal(monkeypatch, "quotes_cmd", 120)
    assert main(["quotes"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if "Dia tertarik" in line]
    assert rows and "Dia tertarik pada berbagai isu" in rows[0]


@pytest.mark.parametrize(
    ("module", "command"), [("quotes_cmd", ["quotes"]), ("related_cmd", ["related", "000"])]
)
@pytest.mark.parametrize("columns", [80, 120])
def test_the_text_column_takes_most_of_the_line(
    capsys, monkeypatch, module, command, columns
) -> None:
    on_terminal(monkeypatch, module, columns)
    assert main(command) == 0
    lines = capsys.readouterr().out.splitlines()
    top = next(line for line in lines if line.startswith("┏"))
    text_width = max(len(cell) for cell in top.strip("┏┓").split("┳"))
    assert all(len(line) <= columns for line in lines)
    assert text_width >= columns // 2


def test_related_names_outlets_or_titles_not_ids(capsys, monkeypatch) -> None:
    on_terminal(monkeypatch, "related_cmd", 120)
    assert main(["related", "000"]) == 0
    also = next(line for line in capsys.readouterr().out.splitlines() if "also in" in line)
    assert "002_" not in also and "Pemimpin Korea Utara" in also


def test_entities_print_counts_and_ids_on_request(capsys) -> None:
    assert main(["entities", "--label", "PER"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows and all(row[3].isdigit() for row in rows) and all(len(row) == 5 for row in rows)
    assert main(["entities", "--label", "PER", "--ids"]) == 0
    with_ids = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert all(len(row[5].split(",")) == int(row[3]) for row in with_ids)


def test_config_shows_the_file_and_the_settings_in_effect(capsys, isolated_config_dir) -> None:
    assert main(["config"]) == 0
    first = capsys.readouterr().out.splitlines()[0].split("\t")
    assert first == ["config file", str(isolated_config_dir / "config.toml"), "not created yet"]
    (isolated_config_dir / "config.toml").write_text(
        'theme = "kabar-light"\n[keymap]\n"reader.compare" = "D"\n', encoding="utf-8"
    )
    assert main(["config"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert ["theme", "kabar-light", "config file"] in rows
    assert ["keymap.reader.compare", "D", "config file"] in rows


def test_index_on_a_terminal_runs_no_drawing_thread(monkeypatch, tmp_path) -> None:
    """The per-file workers are forked only while one thread runs (`pipeline`): a progress
    bar redrawn by its own thread took that away from everyone indexing at a terminal."""
    import io
    import threading
    from types import SimpleNamespace

    from rich.console import Console

    from kabar_tui.cli import index_cmd

    threads: list[int] = []

    def index_corpus(paths, advance, cache, options):
        advance(1, 2)
        threads.append(threading.active_count())
        advance(2, 2)
        return "report"

    monkeypatch.setattr(index_cmd, "index_corpus", index_corpus)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    args = SimpleNamespace(paths=[tmp_path], workers=None)
    assert index_cmd._index_with_progress(args, False, console) == "report"
    assert threads == [1]
    assert "2/2" in screen.getvalue()  # the bar is still drawn, from the callback
