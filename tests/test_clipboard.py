"""OSC 52 copy: sequences for plain terminals, tmux and screen; by hand where it cannot work."""

from __future__ import annotations

import base64

from textual.app import App

from kabar_tui.present.clipboard import (
    MAX_PAYLOAD,
    Route,
    clipboard_route,
    copy_sequence,
    osc52,
    screen_passthrough,
    tmux_passthrough,
)
from kabar_tui.ui.clipboard import CopyByHandScreen, copy_text

QUOTE = '"Kami tidak akan mundur," kata Menteri di Jakarta, Senin (18/9/2023). [bold]x[/]'


def payload(sequence: str) -> str:
    return base64.b64decode(sequence.split(";")[-1].rstrip("\x07")).decode("utf-8")


def test_osc52_carries_the_text_as_base64() -> None:
    sequence = osc52(QUOTE)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert payload(sequence) == QUOTE
    assert "\x1b" not in sequence[1:]


def test_tmux_passthrough_doubles_inner_escapes() -> None:
    wrapped = tmux_passthrough(osc52("halo"))
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x07\x1b\\")
    inner = wrapped.removeprefix("\x1bPtmux;").removesuffix("\x1b\\")
    assert inner.replace("\x1b\x1b", "\x1b") == osc52("halo")


def test_screen_passthrough_stays_under_screens_limit() -> None:
    sequence = osc52(QUOTE * 5)
    wrapped = screen_passthrough(sequence)
    pieces = wrapped.split("\x1b\\")[:-1]
    assert all(piece.startswith("\x1bP") and len(piece) <= 2 + 76 for piece in pieces)
    assert "".join(piece.removeprefix("\x1bP") for piece in pieces) == sequence


def test_routes_from_the_environment() -> None:
    tmux = {"TMUX": "/tmp/tmux-1000/default,1,0", "TERM": "tmux-256color"}
    assert clipboard_route(tmux).kind == "tmux"
    assert clipboard_route({"TERM": "screen-256color"}).kind == "tmux"  # tmux over SSH
    assert clipboard_route({"STY": "1.pts-0", "TERM": "screen"}).kind == "screen"
    assert clipboard_route({"TERM": "xterm-256color"}).kind == "direct"
    assert clipboard_route({"TERM": "xterm"}).kind == "direct"
    linux = clipboard_route({"TERM": "linux"})
    assert linux.kind == "manual" and "TERM=linux" in linux.reason
    assert clipboard_route({"TERM": "xterm", "TERM_PROGRAM": "Apple_Terminal"}).kind == "manual"
    assert clipboard_route({"TERM": "xterm", "KABAR_CLIPBOARD": "off"}).kind == "manual"
    assert clipboard_route({"TERM": "linux", "KABAR_CLIPBOARD": "osc52"}).kind == "direct"
    assert clipboard_route({"TERM": "xterm"}, "x" * MAX_PAYLOAD).kind == "manual"


def test_sequences_per_route() -> None:
    assert copy_sequence("a", Route("direct")) == osc52("a")
    tmux = copy_sequence("a", Route("tmux"))
    assert tmux.startswith(osc52("a")) and tmux.endswith(tmux_passthrough(osc52("a")))
    assert copy_sequence("a", Route("screen")) == screen_passthrough(osc52("a"))
    assert copy_sequence("a", Route("manual", "TERM=linux has no OSC 52")) == ""


async def test_copy_in_tmux_writes_wrapped_sequence_and_says_so(monkeypatch) -> None:
    app = App()
    async with app.run_test() as pilot:
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        assert copy_text(app, QUOTE, Route("tmux")).kind == "tmux"
        await pilot.pause()
        assert copy_sequence(QUOTE, Route("tmux")) in written
        assert app.clipboard == QUOTE
        messages = [n.message for n in app._notifications]
        assert any("tmux" in m and "allow-passthrough" in m for m in messages)


async def test_copy_without_osc52_shows_the_text_to_select(monkeypatch) -> None:
    app = App()
    async with app.run_test() as pilot:
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        copy_text(app, QUOTE, clipboard_route({"TERM": "linux"}))
        await pilot.pause()
        assert not any("]52;" in sequence for sequence in written)
        assert isinstance(app.screen, CopyByHandScreen)
        assert app.screen.query_one("#copy-text").text == QUOTE
        await pilot.press("escape")
        assert not isinstance(app.screen, CopyByHandScreen)
