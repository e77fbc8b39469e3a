"""Parse what the user types into the search box: free words, "phrases" and filters.

Filters: `outlet:NAME`, `by:SPEAKER`, `type:quote|passage|title|entity`; a value may be
quoted (`by:"vladimir putin"`). An unterminated quote counts as a phrase up to the end,
because the query is parsed on every keystroke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kabar_tui.core.textfold import fold, words

KINDS = ("passage", "quote", "title", "entity")

_TOKEN = re.compile(
    r'(?P<key>outlet|by|type):(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S*))|"(?P<phrase>[^"]*)"?'
)


@dataclass(slots=True)
class Query:
    """A parsed query; every text part is already folded."""

    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    kinds: set[str] | None = None  # None: every kind
    last_is_prefix: bool = False  # the user may still be typing the last term

    def is_empty(self) -> bool:
        return not (self.terms or self.phrases or self.outlets or self.speakers or self.kinds)


def _kinds_for(value: str) -> set[str]:
    """`type:` values: a prefix of a kind name or its plural (`q`, `quotes`)."""
    value = value.rstrip("s") if value not in KINDS else value
    return {kind for kind in KINDS if kind.startswith(value)}


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
            kinds = _kinds_for(value)
            query.kinds = kinds if query.kinds is None else query.kinds | kinds
    tail = folded[position:]
    free_parts.append(tail)
    for part in free_parts:
        query.terms.extend(words(part))
    query.last_is_prefix = bool(query.terms) and bool(tail) and tail[-1:].isalnum()
    return query
