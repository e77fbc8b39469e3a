"""Publication times as Indonesian outlets write them, read with babel's CLDR names.

Month and day names (Indonesian and English, wide and abbreviated) are read from babel
once at import and compiled into one pattern, so parsing a line costs one regex search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from babel.dates import get_day_names, get_month_names

from kabar_tui.core.text import data_pairs

NAME_LOCALES = ("id", "en")
ZONES = {
    "WIB": timezone(timedelta(hours=7), "WIB"),
    "WITA": timezone(timedelta(hours=8), "WITA"),
    "WIT": timezone(timedelta(hours=9), "WIT"),
    "UTC": UTC,
    "GMT": UTC,
}
# Indonesian outlets publish in WIB; a time written without a zone is read as WIB.
DEFAULT_ZONE = ZONES["WIB"]


def fold_name(name: str) -> str:
    """`Jum'at` / `Jum’at` / `JUMAT` -> `jumat`, the key of the name tables."""
    return name.casefold().replace("'", "").replace("’", "").rstrip(".")


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for locale in NAME_LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                table[fold_name(name)] = number
    for spelling, number in data_pairs("date_aliases.txt"):
        table[fold_name(spelling)] = int(number)
    return table


def _day_table() -> set[str]:
    days: set[str] = set()
    for locale in NAME_LOCALES:
        for width in ("wide", "abbreviated"):
            days.update(fold_name(name) for name in get_day_names(width, locale=locale).values())
    return days


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
MONTHS = _month_table()
DAYS = _day_table()
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_TIME = (
    r"(?:\s*[,|\-–—]?\s*(?:pukul\s+|jam\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
    r"(?:[:.]\d{2})?)?\s*(?P<zone>WITA|WIB|WIT|UTC|GMT)?"
)
_DAY = r"(?:(?P<dayname>[A-Za-z]+(?:['’][a-z]+)?)\.?\s*,?\s*)?"
DAY_MONTH_YEAR = re.compile(
    _DAY + rf"(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_ALT})\.?\s*,?\s+(?P<year>\d{{4}})\b" + _TIME,
    re.IGNORECASE,
)
MONTH_DAY_YEAR = re.compile(
    _DAY + rf"(?P<month>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b" + _TIME,
    re.IGNORECASE,
)
# `05/06/2025, 10:12 WIB` (Kompas): day/month/year, always with a time so that dates
# mentioned in passing like `(4/6/2025)` are not taken for publication times.
NUMERIC = re.compile(
    r"(?<![\d/])(?P<dayname>)(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}),?\s+"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<zone>WITA|WIB|WIT|UTC|GMT)?"
)

# `2023-03-16` or `2025-09-17T15:06:17+07:00`: the date field crawlers write (ISO 8601).
ISO = re.compile(
    r"(?<![\d/-])(?P<dayname>)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)"
    r"(?:[T ](?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?::\d\d(?:\.\d+)?)?"
    r"\s*(?P<zone>Z|[+-][01]\d:?\d\d|WITA|WIB|WIT|UTC|GMT)?)?(?![\d-])"
)


@dataclass(slots=True, frozen=True)
class FoundDate:
    """A publication time and where its text sits in the line."""

    moment: datetime
    start: int
    end: int


def find_date(line: str) -> FoundDate | None:
    """The first full date (day, month name, four-digit year) in `line`, with its time."""
    if not _YEAR.search(line):
        return None
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC, ISO):
        for match in pattern.finditer(line):
            found = _to_found(match)
            if found:
                return found
    return None


def _to_found(match: re.Match[str]) -> FoundDate | None:
    numeric = match.re is NUMERIC or match.re is ISO
    month = int(match["month"]) if numeric else MONTHS.get(fold_name(match["month"]))
    if month is None:
        return None
    hour = int(match["hour"]) if match["hour"] else 0
    minute = int(match["minute"]) if match["minute"] else 0
    zone = _zone(match["zone"])
    try:
        moment = datetime(int(match["year"]), month, int(match["day"]), hour, minute, tzinfo=zone)
    except ValueError:
        return None
    start = match.start()
    if match["dayname"] and fold_name(match["dayname"]) not in DAYS:
        start = match.start("day") if match.re is DAY_MONTH_YEAR else match.start("month")
    return FoundDate(moment, start, match.end())


def _zone(name: str | None) -> timezone:
    """`WIB`, `Z` or `+07:00`; none written means WIB."""
    if not name:
        return DEFAULT_ZONE
    if name[0] in "+-":
        digits = name[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        return timezone(-offset if name[0] == "-" else offset)
    return UTC if name == "Z" else ZONES[name.upper()]
