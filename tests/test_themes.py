"""Theme files: bundled ones are valid and readable, broken ones never stop the app."""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest
from textual.app import App

from kabar_tui.config import load_config
from kabar_tui.core.resources import themes_dir
from kabar_tui.present.themes import (
    ANSI_THEME,
    DEFAULT_THEME,
    ThemeFileError,
    colour_distance,
    contrast_ratio,
    parse_theme,
    read_theme_dirs,
    reading_pairs,
    rgb,
)
from kabar_tui.ui.theming import (
    choose_theme,
    install_themes,
    load_themes,
    reader_styles,
    setup_themes,
)

BUNDLED, BUNDLED_PROBLEMS = read_theme_dirs(themes_dir())
GOOD = (themes_dir() / "kabar-light.toml").read_text(encoding="utf-8")


def test_bundled_themes_all_load() -> None:
    assert not BUNDLED_PROBLEMS
    assert {"kabar-dark", "kabar-light", "kabar-high-contrast", "kabar-ansi"} <= set(BUNDLED)
    assert BUNDLED[ANSI_THEME].ansi and DEFAULT_THEME in BUNDLED
    themes, problems = load_themes(user_dir=Path("/nonexistent"))
    assert not problems and set(themes) == set(BUNDLED)


def test_ansi_theme_uses_only_the_terminal_palette() -> None:
    spec = BUNDLED[ANSI_THEME]
    values = [*spec.colours.values(), *spec.variables.values()]
    assert all(value.startswith("ansi_") for value in values)


def test_wcag_contrast_helpers() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("name", sorted(name for name in BUNDLED if not BUNDLED[name].ansi))
def test_every_reading_colour_has_wcag_aa_contrast(name: str) -> None:
    spec = BUNDLED[name]
    minimum = 7.0 if name == "kabar-high-contrast" else 4.5
    weak = [
        (what, on, round(ratio, 2)) for what, on, ratio in reading_pairs(spec) if ratio < minimum
    ]
    assert not weak, f"{name}: below {minimum}:1 -> {weak}"


# The terminal's own default colours (xterm's defaults, and its reverse-video light profile).
TERMINALS = {"dark": ("ansi_black", "ansi_white"), "light": ("ansi_bright_white", "ansi_black")}
ANSI_MINIMUM = 3.0  # no palette entry but magenta reaches 4.5:1 on black and on white


@pytest.mark.parametrize("terminal", sorted(TERMINALS))
@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_every_theme_is_readable_on_dark_and_light_terminals(name: str, terminal: str) -> None:
    spec = BUNDLED[name]
    background, foreground = TERMINALS[terminal]
    if not spec.ansi:  # it paints its own page: the terminal's colours never show
        assert "ansi_default" not in spec.colours.values()
        minimum = 7.0 if name == "kabar-high-contrast" else 4.5
    else:  # on the terminal's page, in the terminal's default foreground
        assert spec.colours["background"] == spec.colours["foreground"] == "ansi_default"
        variables = {**spec.variables, "ansi-background": background}
        spec = replace(spec, variables={**variables, "ansi-foreground": foreground})
        minimum = ANSI_MINIMUM
    pairs = reading_pairs(spec)
    weak = [(what, on, round(ratio, 2)) for what, on, ratio in pairs if ratio < minimum]
    assert not weak, f"{name} on a {terminal} terminal: below {minimum}:1 -> {weak}"
    body = next(ratio for what, on, ratio in pairs if what == "foreground")
    assert body >= (7.0 if name == "kabar-high-contrast" else 4.5)


@pytest.mark.parametrize("name", sorted(BUNDLED))
def test_reader_colours_are_distinguishable(name: str) -> None:
    spec = BUNDLED[name]
    # Entities appear in body text and inside quotes; the speaker is also bold, so it may
    # share a hue with them.
    keys = ("entity-per", "entity-loc", "entity-org", "quote")
    colours = {key: rgb(spec, spec.variables[key]) for key in keys}
    colours["body"] = rgb(spec, spec.colours["foreground"])
    close = [
        (a, b, round(colour_distance(ca, cb)))
        for (a, ca), (b, cb) in combinations(colours.items(), 2)
        if colour_distance(ca, cb) < 120
    ]
    assert not close, f"{name}: colours too alike: {close}"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda t: t.replace('name = "kabar-light"', 'name = "Bad Name"'), "`name`"),
        (lambda t: t.replace('"#1f5fbf"', '"blue-ish"'), "`primary`"),
        (lambda t: t.replace("dark = false", 'dark = "no"'), "`dark`"),
        (lambda t: t.replace('entity-loc = "#0b6e5a"\n', ""), "entity-loc"),
        (lambda t: t.replace('quote = "#2b4f9e"', 'quote = "#12"'), "`quote`"),
        (lambda t: "foregroud = '#000000'\n" + t, "unknown key 'foregroud'"),
        (lambda t: t.replace("[variables]", "[variables"), "not valid TOML"),
    ],
)
def test_broken_theme_files_give_one_clear_reason(change, reason: str) -> None:
    with pytest.raises(ThemeFileError, match=re.escape(reason)):
        parse_theme(change(GOOD), Path("mine.toml"))


def test_user_theme_overrides_bundled_and_broken_ones_are_reported(tmp_path: Path) -> None:
    (tmp_path / "light.toml").write_text(GOOD.replace("#fbfaf7", "#ffffff"), encoding="utf-8")
    (tmp_path / "sepia.toml").write_text(
        GOOD.replace('"kabar-light"', '"sepia"').replace("#fbfaf7", "#f4ecd8"), encoding="utf-8"
    )
    (tmp_path / "broken.toml").write_text("name = 'kabar-dark'\nprimary = 3\n", encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00")
    themes, problems = load_themes(user_dir=tmp_path)
    assert themes["kabar-light"].background == "#ffffff"
    assert themes["sepia"].background == "#f4ecd8"
    assert themes["kabar-dark"].primary == BUNDLED["kabar-dark"].colours["primary"]
    assert len(problems) == 2
    assert any("broken.toml" in p and "`primary`" in p for p in problems)
    assert any("binary.toml" in p for p in problems)


def test_choose_theme_falls_back_with_a_message() -> None:
    available = set(BUNDLED)
    assert choose_theme(None, available, "truecolor") == (DEFAULT_THEME, None)
    assert choose_theme(None, available, "standard") == (ANSI_THEME, None)
    assert choose_theme("kabar-light", available, "standard") == ("kabar-light", None)
    name, message = choose_theme("nope", available, "256")
    assert name == DEFAULT_THEME and message and "nope" in message


class ThemedApp(App[None]):
    def __init__(self, user_dir: Path) -> None:
        super().__init__()
        self.problems = install_themes(self, user_dir)


async def test_themes_register_and_switch(tmp_path: Path) -> None:
    app = ThemedApp(tmp_path)
    async with app.run_test():
        for name in BUNDLED:
            app.theme = name
            styles = reader_styles(app)
            assert styles.per.color and styles.match.bgcolor and not styles.brackets
        app.theme = "kabar-dark"
        assert reader_styles(app).loc.color.name == BUNDLED["kabar-dark"].variables["entity-loc"]


async def test_no_color_styles_do_not_rely_on_colour(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ThemedApp(tmp_path)
    async with app.run_test():
        styles = reader_styles(app)
        assert styles.brackets
        looks = {(s.bold, s.underline, s.italic) for s in (styles.per, styles.loc, styles.org)}
        assert len(looks) == 3
        for style in (styles.per, styles.loc, styles.org, styles.quote, styles.match):
            assert style.color is None and style.bgcolor is None


class ReaderLikeApp(App[None]):
    def __init__(self, theme: str | None = None, color_system: str | None = None) -> None:
        super().__init__()
        setup_themes(self, theme, color_system)


async def test_setup_uses_flag_then_config_and_remembers_palette_choice(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('theme = "kabar-light"\n', encoding="utf-8")
    app = ReaderLikeApp()
    async with app.run_test() as pilot:
        assert app.theme == "kabar-light"
        assert "nord" not in app.available_themes
        app.theme = "kabar-high-contrast"  # what the palette's theme picker does
        await pilot.pause()
    assert load_config(tmp_path / "config.toml").theme == "kabar-high-contrast"

    app = ReaderLikeApp("kabar-ansi")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "kabar-ansi"
    # `--theme` is for this run; the remembered choice stays.
    assert load_config(tmp_path / "config.toml").theme == "kabar-high-contrast"


async def test_the_theme_is_remembered_per_colour_depth(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text('theme = "kabar-light"\n', encoding="utf-8")
    app = ReaderLikeApp(color_system="standard")
    async with app.run_test() as pilot:
        assert app.theme == ANSI_THEME  # the truecolour choice does not apply here
        app.theme = "kabar-high-contrast"  # chosen in the palette on a 16-colour terminal
        await pilot.pause()
    config = load_config(tmp_path / "config.toml")
    assert (config.theme, config.theme_16) == ("kabar-light", "kabar-high-contrast")
    app = ReaderLikeApp(color_system="standard")
    async with app.run_test():
        assert app.theme == ANSI_THEME  # not built on the 16 colours: the ANSI theme wins
    app = ReaderLikeApp(color_system="truecolor")
    async with app.run_test():
        assert app.theme == "kabar-light"


async def test_a_16_colour_safe_choice_is_kept_on_16_colours(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(tmp_path))
    safe = tmp_path / "themes"
    safe.mkdir()
    ansi = (themes_dir() / "kabar-ansi.toml").read_text(encoding="utf-8")
    (safe / "mine.toml").write_text(ansi.replace('"kabar-ansi"', '"mine"'), encoding="utf-8")
    (tmp_path / "config.toml").write_text('theme_16 = "mine"\n', encoding="utf-8")
    app = ReaderLikeApp(color_system="standard")
    async with app.run_test():
        assert app.theme == "mine"


async def test_broken_user_theme_and_unknown_name_warn_and_fall_back(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("KABAR_CONFIG_DIR", str(tmp_path))
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.toml").write_text("name = 'mine'\nprimary = '#zzz'\n")
    app = ReaderLikeApp("mine")
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme in (DEFAULT_THEME, ANSI_THEME)
        messages = [n.message for n in app._notifications]
        assert any("mine.toml" in m and "`primary`" in m for m in messages)
        assert any("Unknown theme mine" in m for m in messages)
