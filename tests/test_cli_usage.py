"""Argument parsing as a new user meets it: errors name what is wrong, help lists what exists."""

from __future__ import annotations

import pytest

from kabar_tui.cli import main


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
