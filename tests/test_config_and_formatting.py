from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from kabar_tui.config import load_config, save_setting
from kabar_tui.core.shortening import shortened
from kabar_tui.present.formatting import format_date, format_relative, locale_or_default

WIB = timezone(timedelta(hours=7))


def test_broken_config_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = [unclosed")
    config = load_config(path)
    assert config.theme is None
    assert config.warnings and "not valid TOML" in config.warnings[0]


def test_save_setting_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('lang = "id"\n\n[keymap]\n"app.quit" = "ctrl+q"\n')
    save_setting("theme", 'dark "x"', path)
    save_setting("lang", "en", path)
    config = load_config(path)
    assert (config.theme, config.lang) == ('dark "x"', "en")
    assert config.keymap == {"app.quit": "ctrl+q"}


def test_dates_in_both_languages() -> None:
    moment = datetime(2023, 9, 17, 18, 44, tzinfo=WIB)
    assert format_date(moment, "id") == "17 Sep 2023"
    assert "Sep" in format_date(moment, "en")
    assert format_relative(moment, moment + timedelta(days=3), "id") == "3 hari yang lalu"
    assert format_relative(moment, moment + timedelta(days=3), "en") == "3 days ago"


def test_locale_names() -> None:
    assert locale_or_default("id_ID.UTF-8") == "id_ID"
    assert locale_or_default("C") == "en"


def test_server_locales_read_as_english() -> None:
    """`C`, `POSIX` and `C.UTF-8` are what SSH sessions on servers usually carry."""
    for name in ("C", "C.UTF-8", "C.utf8", "POSIX", "posix"):
        assert locale_or_default(name) == "en", name
    moment = datetime(2023, 9, 17, 18, 44, tzinfo=WIB)
    assert format_date(moment, locale_or_default("C.UTF-8")) == format_date(moment, "en")
    assert locale_or_default(None) == "en"


def test_shortened_cuts_visibly_within_the_limit() -> None:
    """One rule for `kabar related`'s passages, the copy notice, compare's ids and the
    side panes: at most `limit` characters, `…` last when cut, no space before it."""
    assert shortened("Korea Utara", 11) == "Korea Utara"
    assert shortened("Korea Utara", 10) == "Korea Uta…"
    assert shortened("Korea Utara", 7) == "Korea…"  # `Korea ` cut: the space is dropped
    assert shortened("002_38d6ff41fa904c66", 11) == "002_38d6ff…"
    long = "kata " * 100
    assert len(shortened(long, 160)) <= 160 and shortened(long, 160).endswith("a…")


def test_shortened_at_a_word_goes_back_to_a_space_past_the_middle() -> None:
    """The "also in" lines' titles: cut where a word ends, its punctuation dropped."""
    assert shortened("Harga Beras, Premium Tembus Rekor", 16, at_word=True) == "Harga Beras…"
    assert shortened("Pemberantasan Korupsi", 10, at_word=True) == "Pemberant…"  # no space past 5
    assert shortened("Kim bertemu Putin", 30, at_word=True) == "Kim bertemu Putin"
