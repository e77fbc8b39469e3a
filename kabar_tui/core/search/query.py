"""Parse what the user types into the search box: free words, "phrases" and filters.

The filters are listed once, in `FILTERS`, each with its key, its help, how its values are
matched and which documents it keeps: the parser, the search engine, the CLI help, the
search box's placeholder and the hint for a filter typed wrong all come from that list. A
value may be quoted (`by:"vladimir putin"`). A "phrase" is no filter, but part of the
syntax; an unterminated quote counts as a phrase up to the end, because the query is
parsed on every keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Protocol, TypeVar

from kabar_tui.core.search.filter_values import NameMatcher, ValueMatch
from kabar_tui.core.textfold import fold, words

if TYPE_CHECKING:  # numpy is not imported here: the search box parses on the event loop
    import numpy as np

    from kabar_tui.core.search.search import Texts

_T = TypeVar("_T")


class HitKind(StrEnum):
    """What a search hit is (`Hit.kind`, the values of `type:`); the order is the stored
    search index's kind code (search_store), so new kinds go at the end."""

    PASSAGE = "passage"
    QUOTE = "quote"
    TITLE = "title"
    ENTITY = "entity"


KINDS = tuple(HitKind)
_KIND_NAMES = NameMatcher(KINDS)  # `type:qoute` is taken as quote
_QUOTE = KINDS.index(HitKind.QUOTE)


class FilterSource(Protocol):
    """What a filter reads of a search index (`SearchEngine` answers)."""

    def column(self, name: str) -> np.ndarray:
        """A column of `DocumentColumns` ("kinds", "owners", "labels", ...) as int64, one
        value per document (-1: none)."""
        ...

    def outlets(self) -> Texts:
        """Each article's outlet, folded, by article number."""
        ...

    def label_texts(self) -> Texts: ...

    def kept(self, key: str, build: Callable[[], _T]) -> _T:
        """What `build` makes (a filter's names), made once per index size."""
        ...


@dataclass(frozen=True, slots=True)
class Filter:
    """One search filter, `key:value` in a query, and all the search needs of it.

    A value (its folded words) is matched with the names the filter chooses among: by
    `match_as_parsed` when those names are fixed (the kinds: the search box hints at once
    at a value matching none), else by `match`, with the index's names. `keeps` then
    says, from what every value of the filter in the query matched, which codes each
    column of a kept document may hold (`{"kinds": {1}}`); the engine keeps the documents
    holding them, in every column named, for every filter typed. To add a filter, add an
    entry to FILTERS."""

    key: str
    value_help: str  # what the value is, as the CLI help shows it
    example: str  # a filter that works, for the hint when the value is missing
    keeps: Callable[[FilterSource, list[ValueMatch]], dict[str, Collection[int]]]
    match: Callable[[FilterSource, str], ValueMatch] | None = None
    match_as_parsed: Callable[[str], ValueMatch] | None = None


def kind_value(value: str) -> ValueMatch:
    """A `type:` value (folded): a prefix of a kind name or its plural (`q`, `quotes`),
    else the kind it is closest to (`qoute`), as filter values are (`filter_values`)."""
    singular = value.rstrip("s") if value not in KINDS else value
    kinds = frozenset(number for number, kind in enumerate(KINDS) if kind.startswith(singular))
    if kinds:
        return ValueMatch("type", value, kinds)
    return replace(_KIND_NAMES.match("type", singular), typed=value)


def _kinds_kept(source: FilterSource, matches: list[ValueMatch]) -> dict[str, Collection[int]]:
    """`type:`: the kinds any value named (a kind's number in KINDS is its code)."""
    kinds: set[int] = set()
    return {"kinds": kinds.union(*(match.names for match in matches))}


def _outlet_names(source: FilterSource) -> NameMatcher:
    """The distinct outlets (folded) of the indexed articles."""

    def build() -> NameMatcher:
        outlets = source.outlets()
        names = dict.fromkeys(outlets[number] for number in range(len(outlets)))
        names.pop("", None)  # an article whose outlet is unknown
        return NameMatcher(list(names))

    return source.kept("outlet", build)


def _outlets_kept(source: FilterSource, matches: list[ValueMatch]) -> dict[str, Collection[int]]:
    """`outlet:`: the documents of the articles of an outlet any value matched."""
    names = _outlet_names(source).names
    wanted = {names[number] for match in matches for number in match.names}
    outlets = source.outlets()
    return {"owners": [number for number in range(len(outlets)) if outlets[number] in wanted]}


def _speaker_names(source: FilterSource) -> tuple[NameMatcher, list[int]]:
    """The distinct speakers of the indexed quotes, with their label numbers (entities
    have labels too: PER, LOC, ORG, never speakers)."""

    def build() -> tuple[NameMatcher, list[int]]:
        kinds, labels = source.column("kinds"), source.column("labels")
        numbers = sorted(set(labels[(kinds == _QUOTE) & (labels >= 0)].tolist()))
        texts = source.label_texts()
        return NameMatcher([texts[number] for number in numbers]), numbers

    return source.kept("by", build)


def _speakers_kept(source: FilterSource, matches: list[ValueMatch]) -> dict[str, Collection[int]]:
    """`by:`: the quotes whose speaker every value matched."""
    _, label_numbers = _speaker_names(source)
    kept = [{label_numbers[number] for number in match.names} for match in matches]
    return {"kinds": {_QUOTE}, "labels": set.intersection(*kept)}


FILTERS = (
    Filter(
        "outlet",
        "NAME",
        "outlet:kompas",
        _outlets_kept,
        match=lambda source, value: _outlet_names(source).match("outlet", value),
    ),
    Filter(
        "by",
        "SPEAKER",
        "by:jokowi",
        _speakers_kept,
        match=lambda source, value: _speaker_names(source)[0].match("by", value),
    ),
    Filter("type", "|".join(KINDS), "type:quote", _kinds_kept, match_as_parsed=kind_value),
)
NOT_FILTERS = ("http", "https", "ftp", "mailto")  # a pasted address is not a filter

_FILTER_LIKE = re.compile(r'(?:^|\s)([A-Za-z]{2,}):("[^"]*"?|\S*)')


@cache
def _patterns(keys: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A query's parts (a filter or a "phrase") and its filters, for these keys."""
    either = "|".join(keys)
    token = rf'(?P<key>{either}):(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))|"(?P<phrase>[^"]*)"?'
    return re.compile(token), re.compile(rf'\b(?:{either}):(?:"[^"]*"|\S+)')


def filters_help(filters: Sequence[Filter] = FILTERS) -> str:
    """`outlet:NAME by:SPEAKER type:passage|quote|title|entity "phrase"` (a "phrase" is
    no `key:` filter: the parser finds it, and the engine keeps the texts holding it)."""
    return " ".join(f"{f.key}:{f.value_help}" for f in filters) + ' "phrase"'


def type_values_help() -> str:
    """`type:quote, passage, title, entity`: what `type:` takes, its example first (the
    hint for a `type:` value that matched no kind)."""
    example = next(f.example for f in FILTERS if f.key == "type")
    first = example.partition(":")[2]
    return ", ".join([example, *(kind for kind in KINDS if kind != first)])


def filter_keys_help(separator: str = ", ", filters: Sequence[Filter] = FILTERS) -> str:
    """`outlet:, by:, type:`: the keys as typed."""
    return separator.join(f"{f.key}:" for f in filters)


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """A filter that cannot work as typed; the front end says it in the user's language."""

    kind: str  # "unknown key", "no value" or "unknown type" (a value no fixed name has)
    key: str
    value: str = ""
    example: str = ""


def filter_problem(text: str, filters: Sequence[Filter] = FILTERS) -> FilterProblem | None:
    """The first filter in `text` that cannot work as typed: unknown name or type, or no
    value; None when every filter is fine (a clock time or a web address is no filter)."""
    by_key = {f.key: f for f in filters}
    for match in _FILTER_LIKE.finditer(text):
        key, value = match.group(1), match.group(2).strip('"')
        if key.casefold() in NOT_FILTERS:
            continue
        found = by_key.get(key)
        if found is None:
            return FilterProblem("unknown key", key)
        if not value:
            return FilterProblem("no value", key, example=found.example)
        if found.match_as_parsed and not found.match_as_parsed(" ".join(words(value))).names:
            return FilterProblem("unknown type", key, value)
    return None


def highlight_terms(text: str, filters: Sequence[Filter] = FILTERS) -> list[str]:
    """The words of a query to mark in the reader: its phrases and words, without filters."""
    rest = _patterns(tuple(f.key for f in filters))[1].sub(" ", text)
    phrases = re.findall(r'"([^"]+)"', rest)
    rest = re.sub(r'"[^"]*"', " ", rest)
    return phrases + [word for word in rest.split() if len(word) > 1]


@dataclass(slots=True)
class Query:
    """A parsed query; every text part is already folded."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)  # the values, by key
    matched: list[ValueMatch] = field(default_factory=list)  # by `match_as_parsed`
    last_is_prefix: bool = False  # the user may still be typing the last term

    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.filters)


def parse_query(text: str, filters: Sequence[Filter] = FILTERS) -> Query:
    """Split `text` into free terms, phrases and filters (values folded); a value of a
    filter with fixed names is matched here."""
    query = Query()
    by_key = {f.key: f for f in filters}
    folded = fold(text)
    free_parts: list[str] = []
    position = 0
    for match in _patterns(tuple(by_key))[0].finditer(folded):
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
        query.filters.setdefault(match["key"], []).append(value)
        match_as_parsed = by_key[match["key"]].match_as_parsed
        if match_as_parsed is not None:
            query.matched.append(match_as_parsed(value))
    tail = folded[position:]
    free_parts.append(tail)
    for part in free_parts:
        query.terms.extend(words(part))
    query.last_is_prefix = bool(query.terms) and bool(tail) and tail[-1:].isalnum()
    return query
