"""Turn theme files into Textual themes, pick one, and give the reader its styles.

Bundled themes come from `themes/`, the user's from `<config dir>/themes/*.toml`
(a user file with a bundled theme's name replaces it). A broken file is skipped with
one message; the app never fails to start because of a theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color, ColorParseError
from textual.filter import LineFilter, Monochrome, NoColor
from textual.theme import BUILTIN_THEMES, Theme

from kabar_tui.config import config_dir, load_config, save_setting
from kabar_tui.core.lexicon import Label
from kabar_tui.core.resources import themes_dir
from kabar_tui.i18n import _
from kabar_tui.present.themes import (
    ANSI_THEME,
    DEFAULT_THEME,
    ThemeFileError,
    ThemeSpec,
    read_theme_dirs,
)


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def theme_from_spec(spec: ThemeSpec) -> Theme:
    """A Textual Theme; ThemeFileError when Textual cannot build its colour system."""
    colours = spec.colours
    theme = Theme(
        name=spec.name,
        primary=colours["primary"],
        secondary=colours.get("secondary"),
        accent=colours.get("accent"),
        warning=colours.get("warning"),
        error=colours.get("error"),
        success=colours.get("success"),
        foreground=colours.get("foreground"),
        background=colours.get("background"),
        surface=colours.get("surface"),
        panel=colours.get("panel"),
        boost=colours.get("boost"),
        dark=spec.dark,
        ansi=spec.ansi,
        variables=spec.variables,
    )
    try:
        theme.to_color_system().generate()
        for value in spec.variables.values():
            if value.startswith(("#", "ansi_")):
                Color.parse(value)
    except (ColorParseError, ValueError, TypeError) as error:
        where = spec.path or spec.name
        raise ThemeFileError(f"{where}: {error}") from None
    return theme


def load_themes(user_dir: Path | None = None) -> tuple[dict[str, Theme], list[str]]:
    """All usable themes by name, and one message per theme file that was skipped."""
    folder = user_themes_dir() if user_dir is None else user_dir
    specs, problems = read_theme_dirs(themes_dir(), folder)
    themes: dict[str, Theme] = {}
    for name, spec in specs.items():
        try:
            themes[name] = theme_from_spec(spec)
        except ThemeFileError as error:
            problems.append(str(error))
    return themes, problems


def choose_theme(
    requested: str | None, available: set[str], color_system: str | None
) -> tuple[str, str | None]:
    """The theme to start with, and a message when the requested one does not exist.

    Without a request, 16-colour terminals get the theme built on their own ANSI
    colours, since truecolour themes are rounded badly to 16 colours.
    """
    fallback = ANSI_THEME if color_system == "standard" else DEFAULT_THEME
    if fallback not in available:
        fallback = DEFAULT_THEME if DEFAULT_THEME in available else "textual-dark"
    if not requested:
        return fallback, None
    if requested in available:
        return requested, None
    message = _("Unknown theme {name}; using {fallback}. Themes: {names}").format(
        name=requested, fallback=fallback, names=", ".join(sorted(available))
    )
    return fallback, message


def install_themes(app: App, user_dir: Path | None = None) -> list[str]:
    """Register every usable theme with the app; return the messages for skipped files."""
    themes, problems = load_themes(user_dir)
    for theme in themes.values():
        app.register_theme(theme)
    return problems


def setup_themes(app: App, requested: str | None = None, color_system: str | None = None) -> None:
    """Give the app kabar's themes and start with the right one; call from `App.__init__`.

    `requested` (from `--theme`) wins over the config. A theme picked later (command
    palette: "Theme") is saved to the config file for this colour depth: `theme_16` on
    16-colour terminals, where only a theme built on the terminal's own colours is taken
    (a truecolour theme rounds badly), `theme` elsewhere. Textual's own themes are hidden:
    they lack the reader's colours and are not contrast-checked.
    """
    problems = install_themes(app)
    ours = {name for name in app.available_themes if name not in BUILTIN_THEMES}
    depth = color_system or app.console.color_system
    sixteen = depth == "standard"
    key = "theme_16" if sixteen else "theme"
    config = load_config()
    configured = config.theme_16 if sixteen else config.theme
    if sixteen and configured in ours and not _is_ansi(app, configured):
        configured = None  # a truecolour choice does not carry over to 16 colours
    name, problem = choose_theme(requested or configured, ours, depth)
    app.theme = name
    for builtin in BUILTIN_THEMES:
        if builtin not in ours:
            app.unregister_theme(builtin)
    for message in [*problems, problem]:
        if message:
            app.notify(message, severity="warning", timeout=10, markup=False)
    remembered = configured or name

    def remember(theme_name: str) -> None:
        nonlocal remembered
        if theme_name == remembered:
            return
        remembered = theme_name
        try:
            save_setting(key, theme_name)
        except OSError as error:
            app.notify(
                _("Could not remember the theme: {error}").format(error=error),
                severity="warning",
                markup=False,
            )

    app.watch(app, "theme", remember, init=False)


def _is_ansi(app: App, name: str | None) -> bool:
    """The theme is built on the terminal's own 16 colours."""
    theme = app.get_theme(name) if name else None
    return bool(theme is not None and theme.ansi)


@dataclass(frozen=True, slots=True)
class ReaderStyles:
    """Rich styles for the article view; with NO_COLOR they lean on bold/underline/italic.

    `brackets` marks entities with brackets as well when colour cannot tell them apart.
    """

    per: Style
    loc: Style
    org: Style
    quote: Style
    speaker: Style
    match: Style
    removed: Style
    brackets: bool = False

    def entity(self, kind: str) -> Style:
        styles: dict[str, Style] = {Label.PER: self.per, Label.LOC: self.loc, Label.ORG: self.org}
        return styles.get(kind, Style(bold=True))


def reader_styles(app: App) -> ReaderStyles:
    """Styles from the current theme's reader variables."""
    if app.no_color:
        return ReaderStyles(
            per=Style(bold=True),
            loc=Style(underline=True),
            org=Style(bold=True, underline=True),
            quote=Style(italic=True),
            speaker=Style(bold=True, italic=True),
            match=Style(reverse=True),
            removed=Style(strike=True, dim=True),
            brackets=True,
        )
    variables = app.get_css_variables()

    def colour(name: str, fallback: str) -> str:
        return _rich_colour(variables.get(name, fallback))

    return ReaderStyles(
        per=Style(color=colour("entity-per", "magenta")),
        loc=Style(color=colour("entity-loc", "cyan")),
        org=Style(color=colour("entity-org", "yellow")),
        quote=Style(color=colour("quote", "green"), italic=True),
        speaker=Style(color=colour("speaker", "white"), bold=True),
        match=Style(color=colour("match-text", "black"), bgcolor=colour("match", "yellow")),
        removed=Style(color=colour("removed", "bright_black"), strike=True),
    )


def _rich_colour(value: str) -> str:
    """Rich names the ANSI colours without the `ansi_` prefix (`ansi_bright_red`)."""
    return value.removeprefix("ansi_")


_DEFAULT_COLOURS = Style(color="default", bgcolor="default")


@lru_cache(maxsize=1024)
def _without_colour(style: Style) -> Style:
    """`style` in the terminal's default colours; reverse video where a colour other than
    the terminal's background showed behind the text (a cursor row, a selection, a bar)."""
    behind = style.color if style.reverse else style.bgcolor
    painted = behind is not None and not behind.is_default
    return style + _DEFAULT_COLOURS + Style(reverse=painted)


class TerminalColoursOff(LineFilter):
    """NO_COLOR on a theme of the terminal's own colours. Textual's greyscale filter reads
    those colours as black (they have no RGB value: every cell came out black on black),
    and its NoColor filter loses the cursor row; this keeps it, in reverse video."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else _without_colour(style), control)
            for text, style, control in segments
        ]


def no_color_filters(app: App, filters: Sequence[LineFilter]) -> list[LineFilter]:
    """The app's line filters with the NO_COLOR one that suits its theme: Textual chooses
    it once, when the app is made, before kabar's theme (maybe the ANSI one) is set."""
    if not (app.no_color and app.native_ansi_color):
        return list(filters)
    return [
        _TERMINAL_COLOURS_OFF if isinstance(line_filter, Monochrome | NoColor) else line_filter
        for line_filter in filters
    ]


_TERMINAL_COLOURS_OFF = TerminalColoursOff()
