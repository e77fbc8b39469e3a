"""`--theme`, `--lang`, `--no-animation` and `kabar serve` as a user meets them."""

from __future__ import annotations

import argparse
import builtins
import os
import shlex
import subprocess
import sys

import pytest

from kabar_tui import i18n
from kabar_tui.cli import serve_cmd
from kabar_tui.cli.interface_options import add_interface_arguments, apply_interface_arguments


def parse(*words: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    serve_cmd.add_arguments(parser)
    return parser.parse_args(words)


@pytest.fixture(autouse=True)
def english_afterwards():
    saved = os.environ.get("TEXTUAL_ANIMATIONS")
    yield
    i18n.set_language("en")
    if saved is None:
        os.environ.pop("TEXTUAL_ANIMATIONS", None)
    else:
        os.environ["TEXTUAL_ANIMATIONS"] = saved


def test_lang_flag_beats_config_and_environment(isolated_config_dir, monkeypatch) -> None:
    (isolated_config_dir / "config.toml").write_text('lang = "en"\n', encoding="utf-8")
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    parser = argparse.ArgumentParser()
    add_interface_arguments(parser)
    assert apply_interface_arguments(parser.parse_args(["--lang", "id"])) == "id"
    assert apply_interface_arguments(parser.parse_args([])) == "en"
    (isolated_config_dir / "config.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("LANG", "id_ID.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("LANGUAGE", raising=False)
    assert apply_interface_arguments(parser.parse_args([])) == "id"


def test_unknown_lang_or_theme_is_a_usage_error_before_the_reader(capsys) -> None:
    parser = argparse.ArgumentParser()
    add_interface_arguments(parser)
    apply_interface_arguments(parser.parse_args(["--lang", "ID", "--no-animation"]))
    assert os.environ["TEXTUAL_ANIMATIONS"] == "none"
    for option, value, message in [
        ("--lang", "fr", "no interface language 'fr' (have en, id)"),
        ("--theme", "nosuch", "no theme 'nosuch' (have "),
    ]:
        with pytest.raises(SystemExit) as stop:
            parser.parse_args([option, value])
        assert stop.value.code == 2
        assert message in capsys.readouterr().err


def test_serve_runs_the_reader_with_the_same_options() -> None:
    args = parse("some dir", "--theme", "kabar-light", "--lang", "id", "--no-animation")
    words = shlex.split(serve_cmd.reader_command(args))
    assert words[:3] == [sys.executable, "-m", "kabar_tui"]
    assert words[3:] == ["some dir", "--theme", "kabar-light", "--lang", "id", "--no-animation"]
    assert (args.host, args.port) == ("127.0.0.1", 8000)  # this machine only (issue 12)


def test_serve_without_textual_serve_is_one_clear_line(monkeypatch, capsys) -> None:
    real_import = builtins.__import__

    def without_textual_serve(name, *args, **kwargs):
        if name.startswith("textual_serve"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_textual_serve)
    assert serve_cmd.run(parse()) == 1
    assert capsys.readouterr().err.strip() == (
        "kabar serve needs textual-serve: pip install 'kabar-tui[serve]'"
    )


def test_serve_help_lists_the_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kabar_tui", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    for option in ("--theme", "--lang", "--no-animation", "--port"):
        assert option in result.stdout


def test_commands_speak_the_environments_language(isolated_config_dir) -> None:
    env = dict(os.environ, LANG="id_ID.UTF-8")
    result = subprocess.run(
        [sys.executable, "-m", "kabar_tui", "show", "000_59e454f0b43af36c"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0
    assert "media: Okezone" in result.stdout and "penulis: " in result.stdout
    english = subprocess.run(
        [sys.executable, "-m", "kabar_tui", "show", "000_59e454f0b43af36c"],
        capture_output=True,
        text=True,
    )
    assert "outlet: Okezone" in english.stdout
