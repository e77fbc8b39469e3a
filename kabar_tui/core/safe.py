"""The one boundary between text from files and the terminal.

Article text, removed lines, captions, titles, file names, ids and paths all come from
files someone else wrote. A terminal obeys what is in them: an escape sequence can set
the clipboard (OSC 52), clear the screen or retitle the window; a bidi override can make
a line read backwards. Everything the core hands out passes through `visible` once, so
no widget, table or plain printout has to think about it.

`visible` keeps the length of the text (one character for one), so entity, quote and
match offsets into a paragraph stay right: C0 controls and DEL become their Unicode
control pictures (`␛`, `␊`, `␡`), and C1 controls, bidi controls, line/paragraph
separators and lone surrogates (an undecodable byte in a file name) become `�`.
`strip_escapes` is what the cleaner uses for prose: whole escape sequences removed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter
from typing import Any, TypeVar

# A character a terminal (or a bidi-aware renderer) does not simply print.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
REPLACEMENT = "\ufffd"
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_VISIBLE = str.maketrans(
    _PICTURES
    | dict.fromkeys(range(0x80, 0xA0), REPLACEMENT)
    | dict.fromkeys((0x061C, 0x200E, 0x200F, 0x2028, 0x2029), REPLACEMENT)
    | dict.fromkeys(range(0x202A, 0x202F), REPLACEMENT)
    | dict.fromkeys(range(0x2066, 0x206A), REPLACEMENT)
)
_SURROGATE = re.compile("[\ud800-\udfff]")

# Whole escape sequences, 7-bit and 8-bit: CSI; OSC, DCS, SOS, PM and APC strings up to
# their terminator (BEL or ST) or the end of the line; any other ESC sequence (charset
# selection, keypad mode, RIS).
ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]"
)
_SEQUENCE_START = re.compile("[\x1b\x90\x98\x9b\x9d-\x9f]")
# Invisible characters prose can lose without changing a word: controls (tab and newline
# are spacing, kept for the caller) and bidi controls.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

T = TypeVar("T")
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def visible(text: str) -> str:
    """`text` with every character a terminal would act on shown as a visible one."""
    if not UNSAFE.search(text):
        return text
    text = text.translate(_VISIBLE)
    return _SURROGATE.sub(REPLACEMENT, text) if _SURROGATE.search(text) else text


def strip_escapes(text: str) -> str:
    """Escape sequences and invisible control characters removed (tab and newline kept)."""
    if _SEQUENCE_START.search(text):
        text = ESCAPE_SEQUENCE.sub("", text)
    return INVISIBLE.sub("", text)


def safe_record(record: T) -> T:
    """Every string of a dataclass record (and of the records in its lists) made `visible`.

    In place, and only where something changes. An article holds a hundred mentions and
    more: each list is checked as one joined string first (at C speed), and its records
    are walked only when that finds something.
    """
    strings, lists = _fields(type(record))
    for name in strings:
        value = getattr(record, name)
        if value and UNSAFE.search(value):
            setattr(record, name, visible(value))
    for name in lists:
        items = getattr(record, name)
        if items:
            _safe_items(items)
    return record


def _safe_items(items: list[Any]) -> None:
    if isinstance(items[0], str):
        for index, value in enumerate(items):
            if UNSAFE.search(value):
                items[index] = visible(value)
        return
    if not dataclasses.is_dataclass(items[0]):
        return
    strings, lists = _fields(type(items[0]))
    if strings and not lists:
        values: Iterable[Any] = map(attrgetter(*strings), items)
        if len(strings) > 1:
            values = chain.from_iterable(values)
        if not UNSAFE.search("".join(filter(None, values))):
            return
    for item in items:
        safe_record(item)


def _fields(kind: type) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of a record class's string fields and of its list fields."""
    known = _FIELDS.get(kind)
    if known is None:
        fields = dataclasses.fields(kind)  # type: ignore[arg-type]
        strings = tuple(f.name for f in fields if f.type in (str, "str", "str | None"))
        lists = tuple(f.name for f in fields if str(f.type).startswith("list["))
        known = _FIELDS[kind] = (strings, lists)
    return known
