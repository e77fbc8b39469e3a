"""Interface language: catalogs complete and current, language choice, locale formatting."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import kabar_tui
from kabar_tui import i18n
from kabar_tui.present.formatting import (
    format_number,
    format_published,
    format_relative,
    zone_label,
)

ROOT = Path(kabar_tui.__file__).resolve().parent.parent
WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@pytest.fixture
def indonesian() -> Iterator[None]:
    i18n.set_language("id")
    yield
    i18n.set_language("en")


LITERAL_CALL = re.compile(r"""\b_\(\s*(?:"([^"\\]*)"|'([^'\\]*)')\s*\)""")


def ui_messages() -> set[str | tuple[str, str]]:
    """Every `_()`/`ngettext()` string in kabar_tui/, found as `pybabel extract -F babel.cfg`
    does, plus plain `_("...")` calls its Python 3.11 extractor misses inside f-strings."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    for path in (ROOT / "kabar_tui").rglob("*.py"):
        for double, single in LITERAL_CALL.findall(path.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def indonesian_catalog():
    path = i18n.LOCALE_DIR / "id" / "LC_MESSAGES" / "kabar.po"
    with path.open("rb") as handle:
        return read_po(handle, locale="id")


def test_extraction_sees_the_ui_strings() -> None:
    assert "Unknown theme {name}; using {fallback}. Themes: {names}" in ui_messages()


def test_every_ui_string_has_an_indonesian_translation() -> None:
    catalog = indonesian_catalog()
    problems = []
    for message in sorted(ui_messages(), key=str):
        key = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(key)
        strings = [] if entry is None else entry.string
        strings = [strings] if isinstance(strings, str) else list(strings)
        if entry is None or not all(strings) or entry.fuzzy:
            problems.append(f"untranslated: {key!r}")
            continue
        wanted = set(PLACEHOLDER.findall(key))
        if any(set(PLACEHOLDER.findall(s)) != wanted for s in strings):
            problems.append(f"placeholders differ: {key!r}")
    assert not problems, "run pybabel extract/update (README, Translations):\n" + "\n".join(
        problems
    )


def test_compiled_catalog_matches_its_source() -> None:
    mo_path = i18n.LOCALE_DIR / "id" / "LC_MESSAGES" / "kabar.mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in indonesian_catalog():
        if entry.id and not entry.fuzzy:
            key = entry.id if isinstance(entry.id, str) else entry.id[0]
            want = entry.string if isinstance(entry.string, str) else entry.string[0]
            assert compiled.gettext(key) == want, f"stale kabar.mo (pybabel compile): {key!r}"


def test_po_is_compiled_in_memory_when_mo_is_missing(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "id" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    source = i18n.LOCALE_DIR / "id" / "LC_MESSAGES" / "kabar.po"
    (folder / "kabar.po").write_bytes(source.read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    translations = i18n.load_translations("id")
    assert translations.gettext("Unknown theme {name}; using {fallback}. Themes: {names}")
    assert translations.gettext("Unknown theme {name}; using {fallback}. Themes: {names}") != (
        "Unknown theme {name}; using {fallback}. Themes: {names}"
    )


def test_language_order_flag_then_config_then_environment() -> None:
    env = {"LANG": "id_ID.UTF-8"}
    assert i18n.resolve_language("en", "id", env) == "en"
    assert i18n.resolve_language(None, "en", env) == "en"
    assert i18n.resolve_language(None, None, env) == "id"
    assert i18n.resolve_language(None, None, {"LC_ALL": "C", "LANG": "id_ID.UTF-8"}) == "id"
    assert i18n.resolve_language(None, None, {"LC_ALL": "en_US.UTF-8", "LANG": "id_ID"}) == "en"
    assert i18n.resolve_language(None, None, {"LANGUAGE": "fr:id", "LANG": "C"}) == "id"
    assert i18n.resolve_language("xx", None, {}) == "en"
    assert i18n.resolve_language(None, None, {}) == "en"
    assert i18n.match_language("id-ID") == "id" and i18n.match_language("in_ID") == "id"


def test_set_language_switches_the_interface(indonesian) -> None:
    assert i18n.current_language() == "id"
    assert i18n._("Unknown theme {name}; using {fallback}. Themes: {names}").startswith("Tema ")
    i18n.set_language("en")
    assert i18n._("Unknown theme {name}; using {fallback}. Themes: {names}").startswith("Unknown")
    assert i18n.set_language("klingon") == "en"


def test_published_time_in_the_articles_own_zone() -> None:
    moment = datetime(2023, 9, 17, 18, 44, tzinfo=WIB)
    assert format_published(moment, "id") == "Minggu, 17 Sep 2023 18.44 WIB"
    assert format_published(moment, "en") == "Sunday, 17 Sep 2023 6:44\u202fPM WIB"
    makassar = datetime(2024, 2, 14, 7, 5, tzinfo=WITA)
    assert format_published(makassar, "id") == "Rabu, 14 Feb 2024 07.05 WITA"
    assert format_published(None, "id") == "-"


def test_zone_labels() -> None:
    assert zone_label(datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=9)))) == "WIT"
    assert zone_label(datetime(2024, 1, 1, tzinfo=UTC)) == "UTC"
    assert zone_label(datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=5.5)))) == ("UTC+05:30")
    assert zone_label(datetime(2024, 1, 1)) == ""


def test_relative_times_and_numbers_in_both_languages() -> None:
    moment = datetime(2023, 9, 17, 18, 44, tzinfo=WIB)
    later = moment + timedelta(hours=5)
    assert format_relative(moment, later, "id") == "5 jam yang lalu"
    assert format_relative(moment, later, "en") == "5 hours ago"
    assert format_relative(later, moment, "id") == "dalam 5 jam"
    # Same instant written in another zone: still five hours.
    assert format_relative(moment, later.astimezone(UTC), "id") == "5 jam yang lalu"
    assert format_number(1234567.5, "id") == "1.234.567,5"
    assert format_number(1234567.5, "en") == "1,234,567.5"
