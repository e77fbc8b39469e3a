"""The README's two commands are the ones a new user runs; CI must run the same test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", setup, flags=re.DOTALL)]


def test_readme_sets_up_with_two_commands() -> None:
    commands = _setup_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in command for command in commands)
    assert commands[0].endswith("kabar")
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _setup_commands()[1] in ci.splitlines()


def _toml_example(path: Path) -> dict[str, str]:
    import tomllib

    text = path.read_text(encoding="utf-8")
    return tomllib.loads(re.search(r"```toml\n(.*?)```", text, re.DOTALL).group(1))["keymap"]


def test_readme_keymap_example_is_part_of_the_tested_one() -> None:
    """docs/keys.md's example is run by tests/ui/test_keys.py; the README shows part of it."""
    readme = _toml_example(ROOT / "README.md")
    tested = _toml_example(ROOT / "docs" / "keys.md")
    assert readme and readme.items() <= tested.items()
