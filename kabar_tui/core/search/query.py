"""Parse what the user types into the search box: free words, "phrases" and filters.

The filters are listed once, in `FILTERS`: the parser, the CLI help, the search box's
placeholder and the hint for a filter typed wrong all come from that list. A value may be
quoted (`by:"vladimir putin"`). An unterminated quote counts as a phrase up to the end,
because the query is parsed on every keystroke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kabar_tui.core.search.filter_values import NameMatcher, ValueMatch
from kabar_tui.core.textfold import fold, words


class HitKind(StrEnum):
    """What a search hit is (`Hit.kind`, the values of `type:`); the order is the stored
    search index's kind code (search_store), so new kinds go at the end."""

    PASSAGE = "passage"
    QUOTE = "quote"
    TITLE = "title"
    ENTITY = "entity"


KINDS = tuple(HitKind)
_KIND_NAMES = NameMatcher(KINDS)  # `type:qoute` is taken as quote


@dataclass(frozen=True, slots=True)
class Filter:
    """One search filter: `key:value` in a query."""

    key: str
    value_help: str  # what the value is, as the CLI help shows it
    example: str  # a filter that works, for the hint when the value is missing


FILTERS = (
    Filter("outlet", "NAME", "outlet:kompas"),
    Filter("by", "SPEAKER", "by:jokowi"),
    Filter("type", "|".join(KINDS), "type:quote"),
)
FILTER_KEYS = tuple(f.key for f in FILTERS)
NOT_FILTERS = ("http", "https", "ftp", "mailto")  # a pasted address is not a filter

_KEYS = "|".join(FILTER_KEYS)
_TOKEN = re.compile(
    rf'(?P<key>{_KEYS}):(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))|"(?P<phrase>[^"]*)"?'
)
_FILTER = re.compile(rf'\b(?:{_KEYS}):(?:"[^"]*"|\S+)')
_FILTER_LIKE = re.compile(r'(?:^|\s)([A-Za-z]{2,}):("[^"]*"?|\S*)')


def filters_help() -> str:
    """`outlet:NAME by:SPEAKER type:passage|quote|title|entity "phrase"`."""
    return " ".join(f"{f.key}:{f.value_help}" for f in FILTERS) + ' "phrase"'


def type_values_help() -> str:
    """`type:quote, passage, title, entity`: what `type:` takes, its example first (the
    hint for a `type:` value that matched no kind)."""
    example = next(f.example for f in FILTERS if f.key == "type")
    first = example.partition(":")[2]
    return ", ".join([example, *(kind for kind in KINDS if kind != first)])


def filter_keys_help(separator: str = ", ") -> str:
    """`outlet:, by:, type:`: the keys as typed."""
    return separator.join(f"{key}:" for key in FILTER_KEYS)


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """A filter that cannot work as typed; the front end says it in the user's language."""

    kind: str  # "unknown key", "no value" or "unknown type"
    key: str
    value: str = ""
    example: str = ""


def filter_problem(text: str) -> FilterProblem | None:
    """The first filter in `text` that cannot work as typed: unknown name or type, or no
    value; None when every filter is fine (a clock time or a web address is no filter)."""
    examples = {f.key: f.example for f in FILTERS}
    for match in _FILTER_LIKE.finditer(text):
        key, value = match.group(1), match.group(2).strip('"')
        if key.casefold() in NOT_FILTERS:
            continue
        if key not in FILTER_KEYS:
            return FilterProblem("unknown key", key)
        if not value:
            return FilterProblem("no value", key, example=examples[key])
        if key == "type" and not kind_value(" ".join(words(value))).names:
            return FilterProblem("unknown type", key, value)
    return None


def highlight_terms(text: str) -> list[str]:
    """The words of a query to mark in the reader: its phrases and words, without filters."""
    rest = _FILTER.sub(" ", text)
    phrases = re.findall(r'"([^"]+)"', rest)
    rest = re.sub(r'"[^"]*"', " ", rest)
    return phrases + [word for word in rest.split() if len(word) > 1]


@dataclass(slots=True)
class Query:
    """A parsed query; every text part is already folded."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    kinds: set[HitKind] | None = None  # None: every kind
    kind_values: list[ValueMatch] = field(default_factory=list)  # what each type: kept
    last_is_prefix: bool = False  # the user may still be typing the last term

    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.outlets or self.speakers or self.kinds)


def kind_value(value: str) -> ValueMatch:
    """A `type:` value (folded): a prefix of a kind name or its plural (`q`, `quotes`),
    else the kind it is closest to (`qoute`), as filter values are (`filter_values`)."""
    singular = value.rstrip("s") if value not in KINDS else value
    kinds = frozenset(number for number, kind in enumerate(KINDS) if kind.startswith(singular))
    if kinds:
        return ValueMatch("type", value, kinds)
    return replace(_KIND_NAMES.match("type", singular), typed=value)


def parse_query(text: str) -> Query:
    """Split `text` into free terms, phrases and filters (values folded)."""
    query = Query()
    folded = fold(text)
    free_parts: list[str] = []
    position = 0
    for match in _TOKEN.finditer(folded):
        free_parts.append(folded[position : match.start()])
        position = match.end()
        if match["phrase"] is not None:
            phrase = words(match["phrase"])
            if phrase:
                query.phrases.append(phrase)
            continue
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        value = " ".join(words(value))
        if not value:
            continue  # `outlet:` with nothing typed yet
        if match["key"] == "outlet":
            query.outlets.append(value)
        elif match["key"] == "by":
            query.speakers.append(value)
        else:
            kept = kind_value(value)
            query.kind_values.append(kept)
            kinds = {KINDS[number] for number in kept.names}
            query.kinds = kinds if query.kinds is None else query.kinds | kinds
    tail = folded[position:]
    free_parts.append(tail)
    for part in free_parts:
        query.terms.extend(words(part))
    query.last_is_prefix = bool(query.terms) and bool(tail) and tail[-1:].isalnum()
    return query
