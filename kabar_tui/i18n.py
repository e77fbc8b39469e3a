"""Interface language: every UI string goes through `_` / `ngettext` (gettext, babel catalogs).

English is the source language; other languages live in
`kabar_tui/locale/<lang>/LC_MESSAGES/kabar.po` with the compiled `kabar.mo` beside it
(`pybabel compile -d kabar_tui/locale -D kabar`). When a `.mo` is missing the `.po` is
compiled in memory with babel, so a checkout or an install without compiled catalogs
still speaks the language. The language comes from `--lang`, then the config's `lang`,
then LANGUAGE/LC_ALL/LC_MESSAGES/LANG.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "kabar"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
ENVIRONMENT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations.ngettext(singular, plural, count)


def available_languages() -> list[str]:
    """`en` plus every language with a catalog."""
    found = {
        path.name
        for path in LOCALE_DIR.glob("*")
        if (path / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
        or (path / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
    }
    return sorted(found | {SOURCE_LANGUAGE})


def match_language(name: str | None) -> str | None:
    """The supported language a setting like `id_ID.UTF-8`, `id-ID` or `in` asks for."""
    if not name:
        return None
    code = name.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    code = {"in": "id", "ind": "id", "eng": "en"}.get(code, code)
    return code if code in available_languages() else None


def resolve_language(
    requested: str | None = None,
    configured: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> str:
    """`--lang`, then the config, then the environment; English when none is supported."""
    environ = os.environ if environ is None else environ
    candidates: list[str | None] = [requested, configured]
    for variable in ENVIRONMENT_VARIABLES:
        value = environ.get(variable, "")
        # LANGUAGE may list several (`id:en`); C/POSIX mean "no preference".
        candidates.extend(part for part in value.split(":") if part not in ("C", "POSIX"))
    for candidate in candidates:
        language = match_language(candidate)
        if language:
            return language
    return SOURCE_LANGUAGE


def load_translations(language: str) -> gettext.NullTranslations:
    """The catalog for `language` (compiled `.mo`, else its `.po` compiled in memory)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo_path, po_path = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo_path.is_file():
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po_path.is_file():
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return gettext.GNUTranslations(buffer)
    return gettext.NullTranslations()


def set_language(language: str) -> str:
    """Switch the interface language; returns the one in use (English when unsupported)."""
    global _translations, _language
    _language = match_language(language) or SOURCE_LANGUAGE
    _translations = load_translations(_language)
    return _language


def current_language() -> str:
    """The interface language, also the babel locale for dates and numbers."""
    return _language
