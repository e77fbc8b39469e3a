"""Copy to the user's clipboard over SSH with OSC 52, wrapped for tmux and GNU screen.

The terminal emulator on the user's own machine does the copying, so it works across SSH;
a multiplexer in between must be asked to pass the sequence on. Where OSC 52 is known not
to work the route is `manual` and the UI shows the text to select by hand.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"
# Terminals drop longer OSC 52 payloads (xterm's default limit is about 100 000 bytes).
MAX_PAYLOAD = 100_000
# GNU screen refuses DCS strings longer than 768 bytes: send the sequence in pieces.
SCREEN_CHUNK = 76
# TERM values whose terminals have no OSC 52 (the Linux console, old hardware, dumb).
NO_OSC52_TERMS = ("linux", "dumb", "vt100", "vt102", "vt220", "cons25", "")
NO_OSC52_PROGRAMS = ("Apple_Terminal",)


@dataclass(frozen=True, slots=True)
class Route:
    """How to reach the clipboard: `direct`, `tmux`, `screen` or `manual` (with why)."""

    kind: str
    reason: str = ""


def osc52(text: str) -> str:
    """The OSC 52 sequence setting the clipboard (`c`) to `text`."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"{ESC}]52;c;{payload}{BEL}"


def tmux_passthrough(sequence: str) -> str:
    """Wrap for tmux: `ESC P tmux; ... ESC \\` with every inner ESC doubled."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ST}"


def screen_passthrough(sequence: str) -> str:
    """Wrap for GNU screen: the sequence cut into DCS strings short enough for screen."""
    pieces = [sequence[i : i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK)]
    return "".join(f"{ESC}P{piece}{ST}" for piece in pieces)


def clipboard_route(environ: Mapping[str, str], text: str = "") -> Route:
    """Pick the route from the environment the app runs in."""
    override = environ.get("KABAR_CLIPBOARD", "").lower()
    if override in ("manual", "off", "none"):
        return Route("manual", "KABAR_CLIPBOARD=" + override)
    if len(text.encode("utf-8")) * 4 // 3 > MAX_PAYLOAD:
        return Route("manual", "too long for OSC 52")
    term = environ.get("TERM", "")
    if environ.get("TMUX"):
        return Route("tmux")
    if environ.get("STY"):
        return Route("screen")
    # Over SSH TMUX/STY are not forwarded, but TERM is: tmux sets tmux-* or (older
    # configurations) screen-*, and tmux is far more common than screen today.
    if term.startswith(("tmux", "screen")):
        return Route("tmux")
    if override != "osc52":
        if term in NO_OSC52_TERMS:
            return Route("manual", f"TERM={term or '(unset)'} has no OSC 52")
        if environ.get("TERM_PROGRAM") in NO_OSC52_PROGRAMS:
            return Route("manual", f"{environ['TERM_PROGRAM']} has no OSC 52")
    return Route("direct")


def copy_sequence(text: str, route: Route) -> str:
    """What to write to the terminal for `route` ('' for `manual`).

    Inside tmux both forms go out: the plain one is taken by tmux itself when
    `set-clipboard on`, the wrapped one reaches the outer terminal with
    `allow-passthrough on` (tmux 3.3+). Either setting is enough.
    """
    sequence = osc52(text)
    if route.kind == "direct":
        return sequence
    if route.kind == "tmux":
        return sequence + tmux_passthrough(sequence)
    if route.kind == "screen":
        return screen_passthrough(sequence)
    return ""
