"""Text cut to fit a width, ended with `…`: one rule for every view and command (no babel,
so the catalog and the reader's start-up can use it)."""

from __future__ import annotations


def shortened(text: str, limit: int, *, at_word: bool = False) -> str:
    """`text` in at most `limit` characters: cut, ended with `…` when it is longer. At a
    word (`at_word`), the cut goes back to the last space past the middle and drops the
    punctuation left before `…`; else trailing spaces only."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not at_word:
        return cut.rstrip() + "…"
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:-") + "…"
