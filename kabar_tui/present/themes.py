"""Theme files: reading, checking and WCAG contrast, without textual.

A theme file is TOML: Textual theme fields at the top level (`name`, `dark`, `ansi`,
`primary`, ..., `panel`) and a `[variables]` table holding the reader's own colours
(`entity-per`, `entity-loc`, `entity-org`, `quote`, `speaker`, `match`, `match-text`,
`removed`) plus any other Textual variables. Colours are `#rgb`/`#rrggbb` or the
terminal's own `ansi_*` names; anything else is refused with a one-line reason, so the
UI can fall back to the default theme instead of crashing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_THEME = "kabar-dark"
ANSI_THEME = "kabar-ansi"

COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
REQUIRED_FIELDS = ("primary", "foreground", "background")
READER_VARIABLES = (
    "entity-per",
    "entity-loc",
    "entity-org",
    "quote",
    "speaker",
    "match",
    "match-text",
    "removed",
)
# Reader colours drawn as text on the page; `match` is a background, `match-text` on it.
TEXT_VARIABLES = ("entity-per", "entity-loc", "entity-org", "quote", "speaker")

# The standard xterm palette: what the `ansi_*` names look like on most terminals. Only
# used to judge contrast; the terminal draws its own palette.
ANSI_PALETTE: dict[str, tuple[int, int, int]] = {
    "ansi_black": (0, 0, 0),
    "ansi_red": (205, 0, 0),
    "ansi_green": (0, 205, 0),
    "ansi_yellow": (205, 205, 0),
    "ansi_blue": (0, 0, 238),
    "ansi_magenta": (205, 0, 205),
    "ansi_cyan": (0, 205, 205),
    "ansi_white": (229, 229, 229),
    "ansi_bright_black": (127, 127, 127),
    "ansi_bright_red": (255, 0, 0),
    "ansi_bright_green": (0, 255, 0),
    "ansi_bright_yellow": (255, 255, 0),
    "ansi_bright_blue": (92, 92, 255),
    "ansi_bright_magenta": (255, 0, 255),
    "ansi_bright_cyan": (0, 255, 255),
    "ansi_bright_white": (255, 255, 255),
}
ANSI_DEFAULT = "ansi_default"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


class ThemeFileError(ValueError):
    """A theme file that cannot be used; the message names the file and the reason."""


@dataclass(slots=True)
class ThemeSpec:
    """One theme as read from its file, checked but not yet turned into a Textual Theme."""

    name: str
    dark: bool
    ansi: bool
    colours: dict[str, str]
    variables: dict[str, str] = field(default_factory=dict)
    path: Path | None = None


def is_colour(value: str) -> bool:
    return bool(_HEX.fullmatch(value)) or value in ANSI_PALETTE or value == ANSI_DEFAULT


def parse_theme(text: str, path: Path | None = None) -> ThemeSpec:
    """Check one theme file's text; raise ThemeFileError with a one-line reason."""
    where = str(path) if path else "theme"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeFileError(f"{where}: not valid TOML ({error})") from None
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ThemeFileError(f"{where}: `name` should be lowercase letters, digits and dashes")
    flags = {}
    for flag, default in (("dark", True), ("ansi", False)):
        value = data.get(flag, default)
        if not isinstance(value, bool):
            raise ThemeFileError(f"{where}: `{flag}` should be true or false")
        flags[flag] = value
    colours: dict[str, str] = {}
    for key in COLOUR_FIELDS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not is_colour(value):
            raise ThemeFileError(f"{where}: `{key}` = {value!r} is not a colour")
        colours[key] = value
    missing = [key for key in REQUIRED_FIELDS if key not in colours]
    if missing:
        raise ThemeFileError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(data) - {"name", "dark", "ansi", "variables", *COLOUR_FIELDS})
    if unknown:
        raise ThemeFileError(f"{where}: unknown key {unknown[0]!r}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
        isinstance(value, str) for value in variables.values()
    ):
        raise ThemeFileError(f"{where}: `[variables]` should be a table of strings")
    missing = [key for key in READER_VARIABLES if key not in variables]
    if missing:
        raise ThemeFileError(f"{where}: `[variables]` is missing {', '.join(missing)}")
    for key in READER_VARIABLES:
        if not is_colour(variables[key]) or variables[key] == ANSI_DEFAULT:
            raise ThemeFileError(f"{where}: `{key}` = {variables[key]!r} is not a colour")
    return ThemeSpec(name, flags["dark"], flags["ansi"], colours, dict(variables), path)


def read_theme_file(path: Path) -> ThemeSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ThemeFileError(f"{path}: cannot read ({error})") from None
    return parse_theme(text, path)


def read_theme_dirs(*folders: Path) -> tuple[dict[str, ThemeSpec], list[str]]:
    """Themes from each folder's `*.toml`, later folders overriding earlier ones by name.

    Returns the usable themes and one message per file that was skipped.
    """
    themes: dict[str, ThemeSpec] = {}
    problems: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                spec = read_theme_file(path)
            except ThemeFileError as error:
                problems.append(str(error))
                continue
            themes[spec.name] = spec
    return themes, problems


def rgb(spec: ThemeSpec, value: str, role: str = "foreground") -> tuple[int, int, int]:
    """The colour a value stands for; `ansi_default` is the terminal's own fore/background."""
    if value == ANSI_DEFAULT:
        fallback = "ansi_black" if spec.dark == (role == "background") else "ansi_white"
        value = spec.variables.get(f"ansi-{role}", fallback)
        if value == ANSI_DEFAULT or not is_colour(value):
            value = fallback
    if value in ANSI_PALETTE:
        return ANSI_PALETTE[value]
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: tuple[int, int, int]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def reading_pairs(spec: ThemeSpec) -> list[tuple[str, str, float]]:
    """(what, on what, contrast) for every text colour the reader draws on each page colour."""
    pairs: list[tuple[str, str, float]] = []
    foreground = spec.colours["foreground"]
    for ground in ("background", "surface"):
        if ground not in spec.colours:
            continue
        back = rgb(spec, spec.colours[ground], "background")
        for name in ("foreground", *TEXT_VARIABLES, "removed"):
            value = foreground if name == "foreground" else spec.variables[name]
            pairs.append((name, ground, contrast_ratio(rgb(spec, value), back)))
    match_back = rgb(spec, spec.variables["match"], "background")
    match_text = rgb(spec, spec.variables["match-text"])
    pairs.append(("match-text", "match", contrast_ratio(match_text, match_back)))
    return pairs


def colour_distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """Euclidean distance in RGB, weighted for the eye (a cheap 'redmean' approximation)."""
    mean_red = (a[0] + b[0]) / 2
    dr, dg, db = a[0] - b[0], a[1] - b[1], a[2] - b[2]
    return (
        (2 + mean_red / 256) * dr * dr + 4 * dg * dg + (2 + (255 - mean_red) / 256) * db * db
    ) ** 0.5
