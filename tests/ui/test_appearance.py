"""The reader in every theme, without colour, in Indonesian, and copying through tmux."""

from __future__ import annotations

import pytest
from rich.style import Style
from textual.widgets import Label

from kabar_tui import i18n
from kabar_tui.core.resources import themes_dir
from kabar_tui.present.clipboard import Route, copy_sequence
from kabar_tui.present.themes import read_theme_dirs
from kabar_tui.ui.clipboard import CopyByHandScreen
from kabar_tui.ui.widgets.article_view import ArticleView
from tests.ui.conftest import make_app

THEMES = sorted(read_theme_dirs(themes_dir())[0])
SIZE = (80, 24)


async def open_first_article(pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def plain_lines(view: ArticleView) -> list[str]:
    return [strip.text for strip in view._ensure_layout().strips]


def styles_of(view: ArticleView, word: str):
    """The style the reader drew `word` with in the article's body (not its title)."""
    layout = view._ensure_layout()
    for strip in layout.strips[layout.first_line[0] :]:
        for segment in strip:
            if word in segment.text:
                return segment.style
    raise AssertionError(f"{word!r} not drawn")


@pytest.mark.parametrize("theme", THEMES)
def test_reader_snapshot_in_each_theme(theme: str, snap_compare) -> None:
    assert snap_compare(make_app(theme=theme), terminal_size=SIZE, press=["enter"])


def test_reader_snapshot_without_colour(snap_compare, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(), terminal_size=SIZE, press=["enter"])


async def test_entities_each_get_their_theme_colour() -> None:
    app = make_app(theme="kabar-dark")
    async with app.run_test(size=SIZE) as pilot:
        await open_first_article(pilot)
        view = app.screen.query_one(ArticleView)
        colours = {
            kind: styles_of(view, word).color.triplet.hex
            for kind, word in (("per", "Kim Jong Un"), ("loc", "Vladivostok"), ("org", "KCNA"))
        }
        variables = read_theme_dirs(themes_dir())[0]["kabar-dark"].variables
        assert colours == {kind: variables[f"entity-{kind}"] for kind in colours}
        app.theme = "kabar-light"  # switching re-wraps with the new colours
        await pilot.pause()
        assert styles_of(view, "Vladivostok").color.triplet.hex == "#0b6e5a"


async def test_no_color_marks_entities_and_quotes_without_colour(monkeypatch) -> None:
    """Type (bold, underline, italic) tells the kinds apart, a legend says which is which,
    and the text is not cluttered with brackets."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_first_article(pilot)
        view = app.screen.query_one(ArticleView)
        text = "\n".join(plain_lines(view))
        assert "Marks: person · place · organisation · quote" in text
        assert "[Kim Jong Un]" not in text and "Kim Jong Un bertemu" in text
        legend = [seg.style for strip in view._layout.strips for seg in strip]
        words = [seg.text for strip in view._layout.strips for seg in strip]
        organisation = legend[words.index("organisation")]
        assert organisation.bold and organisation.underline
        assert "[bold]markup[/]" in text  # article text itself is untouched
        per, loc = styles_of(view, "Kim Jong Un"), styles_of(view, "Vladivostok")
        org, quote = styles_of(view, "KCNA"), styles_of(view, "Kami puas")
        assert per.bold and not per.underline
        assert loc.underline and not loc.bold
        assert org.bold and org.underline
        assert quote.italic


def drawn_styles(app) -> list:
    """The style of every cell group the screen would send to the terminal."""
    update = app.screen._compositor.render_full_update()
    return [segment.style for line in update.strips for strip in line for segment in strip]


async def test_no_color_on_a_16_colour_terminal_draws_in_the_terminals_colours(
    monkeypatch,
) -> None:
    """NO_COLOR with TERM=xterm (the ANSI theme): every cell was black on black. The
    terminal's own colours instead, the cursor row in reverse video."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(theme="kabar-ansi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        styles = [style for style in drawn_styles(app) if style is not None]
        colours = {str(c) for s in styles for c in (s.color, s.bgcolor) if c is not None}
        assert colours <= {str(Style(color="default").color)}, colours
        assert any(style.reverse for style in styles)  # the highlighted row
        await open_first_article(pilot)
        styles = [style for style in drawn_styles(app) if style is not None]
        assert not any(s.color and not s.color.is_default for s in styles)
        assert any(style.bold for style in styles) and any(style.underline for style in styles)


async def test_reader_speaks_indonesian() -> None:
    i18n.set_language("id")
    try:
        app = make_app(locale="id")
        async with app.run_test(size=SIZE) as pilot:
            await open_first_article(pilot)
            view = app.screen.query_one(ArticleView)
            header = "\n".join(plain_lines(view)[:4])
            assert "Minggu, 17 Sep 2023 09.30 WIB" in header
            await pilot.press("question_mark")
            await pilot.pause()
            title = app.screen.query_one("#help-title", Label).render()
            assert str(title) == "Tombol di sini — escape untuk menutup"
    finally:
        i18n.set_language("en")


async def test_copy_in_tmux_sends_the_wrapped_sequence(monkeypatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(type(app), "is_headless", property(lambda _app: False))
        written: list[str] = []
        monkeypatch.setattr(app._driver, "write", written.append)
        await open_first_article(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert any(copy_sequence(app.clipboard, Route("tmux")) == chunk for chunk in written)
        assert any("tmux" in n.message for n in app._notifications)


async def test_copy_where_osc52_cannot_work_opens_the_dialog_only(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "linux")
    for variable in ("TMUX", "STY", "KABAR_CLIPBOARD", "TERM_PROGRAM"):
        monkeypatch.delenv(variable, raising=False)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(type(app), "is_headless", property(lambda _app: False))
        await open_first_article(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, CopyByHandScreen)
        assert app.screen.query_one("#copy-text").text == app.clipboard
        messages = [n.message for n in app._notifications]
        assert app.clipboard not in messages  # no "copied" toast behind the dialog
