"""The reader on hostile files (tests/hostile_files.py): every view, no control character in
what it draws; the removed-lines view shows an escape line visibly instead of obeying it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.model import Corpus
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.screens.entity import EntityScreen
from kabar_tui.ui.screens.reader import ReaderScreen
from kabar_tui.ui.screens.search import SearchScreen
from tests.hostile_files import CONTROL, escapes_article, reader_bytes, write_hostile_corpus

# Text full of escapes, and names with escapes and a newline: every article's view is drawn
# by the same code, so these stand for all ten (the list and search show every one).
SHOWN = ("escapes", "judul␛]0;NAME␇␛[2J", "baris␊baru")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_corpus(hostile: Path) -> Corpus:
    return build_corpus([hostile], cache=False)


def drawn(app: KabarApp) -> str:
    """Everything the current screen would send to the terminal, but Textual's own codes."""
    update = app.screen._compositor.render_full_update()
    return "\n".join(
        "".join(segment.text for strip in line for segment in strip if not segment.control)
        for line in update.strips
    )


class Views:
    """Collects what every view drew, by name."""

    def __init__(self, app: KabarApp, pilot: Pilot) -> None:
        self.app, self.pilot, self.seen = app, pilot, {}

    async def capture(self, name: str) -> str:
        await self.pilot.pause()
        self.seen[name] = drawn(self.app)
        return self.seen[name]

    def unsafe(self) -> dict[str, list[str]]:
        return {
            name: [repr(c) for c in CONTROL.findall(text) if c != "\n"]
            for name, text in self.seen.items()
            if any(c != "\n" for c in CONTROL.findall(text))
        }


async def _every_view(app: KabarApp, pilot: Pilot, corpus: Corpus) -> Iterator[Views]:
    views = Views(app, pilot)
    await views.capture("list")
    for article in [a for a in corpus.articles if a.id in SHOWN]:
        app.jump(article.id, 0)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await views.capture(f"reader {article.id}")
        await pilot.press("x")
        await views.capture(f"removed lines {article.id}")
        await pilot.press("x")
        for key, pane in (("e", "entities"), ("c", "quotes"), ("r", "related")):
            await pilot.press(key)
            await views.capture(f"{pane} pane {article.id}")
            await pilot.press("escape")
    app.jump("escapes", 0)
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, EntityScreen)
    await app.workers.wait_for_complete()  # the counts and the first page are read in workers
    await views.capture("entity view")
    for query in ("beras", "berkas newline", "zulkifli"):
        app.action_search()
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*query)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert app.screen.hits, query
        await views.capture(f"search {query}")
        await pilot.press("escape")
    return views


async def test_no_view_draws_a_control_character(hostile_corpus: Corpus) -> None:
    app = KabarApp(corpus=hostile_corpus)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        views = await _every_view(app, pilot, hostile_corpus)
        assert len(views.seen) == 1 + 5 * len(SHOWN) + 1 + 3
        assert views.unsafe() == {}
        removed = views.seen["removed lines escapes"]
        assert "␛]52;c;" in removed and "␛]0;PWNED␇" in removed  # shown, not obeyed
        assert "␛]0;PWNED" not in views.seen["reader escapes"]
        assert "Zulkifli Hasan" in views.seen["entity view"]


async def test_problems_about_hostile_names_are_shown_visibly(hostile: Path) -> None:
    """The reader loading the folder itself: its warnings name the binary file visibly."""
    app = KabarApp(paths=[hostile])
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if app.linked:
                break
        assert app.linked and len(app.catalog) == 10
        for _ in range(100):
            if app.screen.query("Toast"):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        text = drawn(app)
        assert [repr(c) for c in CONTROL.findall(text) if c != "\n"] == []
        lines = text.split("\n")
        toasts = []
        for toast in app.screen.query("Toast"):
            x, y, width, height = toast.region
            inside = [line[x : x + width].strip(" ▌") for line in lines[y : y + height]]
            toasts.append("".join(inside))
        assert any("/␛]0;BINARY␇.txt:skipped:binary" in t.replace(" ", "") for t in toasts), toasts


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs a pseudo-terminal")
def test_real_terminal_gets_no_escape_from_the_file(tmp_path: Path) -> None:
    """The report itself: the reader in a pseudo-terminal, the article opened, `x` pressed.
    The attack's sequences (clipboard, title, clear) never arrive; their text does, shown."""
    (tmp_path / "escapes.txt").write_text(escapes_article(), encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    written = reader_bytes(tmp_path, ["\r", "x"], root, shown=b"Pasar")
    assert "␛]0;PWNED␇".encode() in written  # the removed line, drawn visibly
    for attack in (b"\x1b]52;c;Y3Vyb", b"\x1b]0;PWNED", b"\x1b]0;TITLE", b"\x1b[3J", b"\x1bP+q"):
        assert attack not in written
