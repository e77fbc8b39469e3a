"""Dates, times and numbers for people, in the interface locale, via babel's CLDR data."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_time, format_timedelta
from babel.numbers import format_decimal

DEFAULT_LOCALE = "en"
# The "no locale" settings of servers reached over SSH. babel 2.19 parses `C` as
# `en_US_POSIX` (12-hour clock, odd symbols); people there expect plain English.
POSIX_LOCALES = frozenset({"c", "posix"})


def locale_or_default(name: str | None) -> str:
    """A babel locale name for `name` (`id_ID.UTF-8` -> `id_ID`), English when unknown."""
    if not name:
        return DEFAULT_LOCALE
    cleaned = name.split(".")[0].split("@")[0].replace("-", "_")
    if not cleaned or cleaned.lower() in POSIX_LOCALES:
        return DEFAULT_LOCALE
    try:
        return str(Locale.parse(cleaned))
    except (ValueError, UnknownLocaleError):
        return DEFAULT_LOCALE


@lru_cache(maxsize=16)
def _cldr(locale: str) -> Locale:
    """Parsed once per name: babel would parse the name again on every call (a list of
    10k dated rows spent a quarter of a second on it)."""
    return Locale.parse(locale)


def format_date(moment: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`17 Sep 2023` / `17 Sep 2023` in the article's own time zone; `-` when unknown."""
    if moment is None:
        return "-"
    return _format_day(moment.date(), locale)


@lru_cache(maxsize=4096)
def _format_day(day: date, locale: str) -> str:
    """Rows share days, and babel takes a good 50 µs a date (half of `kabar list` at 10k)."""
    return _babel_date(day, format="medium", locale=_cldr(locale))


def format_datetime(moment: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """Date and time in the article's own time zone, with its zone offset."""
    if moment is None:
        return "-"
    return _babel_datetime(moment, format="medium", tzinfo=moment.tzinfo, locale=_cldr(locale))


def zone_label(moment: datetime) -> str:
    """The zone as Indonesian readers write it: WIB/WITA/WIT, else `UTC+hh:mm`; '' if naive."""
    offset = moment.utcoffset()
    if offset is None:
        return ""
    named = {7: "WIB", 8: "WITA", 9: "WIT"}
    hours = offset / timedelta(hours=1)
    if hours in named:
        return named[int(hours)]
    if offset == timedelta(0):
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_published(moment: datetime | None, locale: str = DEFAULT_LOCALE) -> str:
    """`Minggu, 17 Sep 2023 18.44 WIB`: weekday, date and time where the article was written."""
    if moment is None:
        return "-"
    cldr = _cldr(locale)
    day = _babel_datetime(moment, format="EEEE, d MMM y", tzinfo=moment.tzinfo, locale=cldr)
    time = format_time(moment, format="short", tzinfo=moment.tzinfo, locale=cldr)
    return f"{day} {time} {zone_label(moment)}".rstrip()


def format_relative(moment: datetime, now: datetime, locale: str = DEFAULT_LOCALE) -> str:
    """`3 days ago` / `3 hari yang lalu`."""
    return format_timedelta(moment - now, add_direction=True, locale=_cldr(locale))


def format_number(value: float, locale: str = DEFAULT_LOCALE) -> str:
    return format_decimal(value, locale=_cldr(locale))
