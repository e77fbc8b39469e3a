"""Page chrome: lines that belong to the website around an article, not to the article.

Whole-line labels and line patterns live in data files (`labels.txt`, `patterns.txt`) so
new outlets' furniture is added without touching code. Decisions that need context (what
follows a `Baca Juga` marker, the trailing menu) are made in `clean`, using the scores of
`text`.
"""

from __future__ import annotations

import re
from importlib.resources.abc import Traversable

from kabar_tui.core.lexicon import data_value, numbered_data_lines
from kabar_tui.core.model import RemovalReason
from kabar_tui.core.text import (
    capitalised_share,
    ends_sentence,
    prefixed_verbs,
    stopword_density,
    words,
)


def reason_rows(name: str, root: Traversable | None = None) -> list[tuple[str, RemovalReason]]:
    """`key <TAB> reason` rows of a data file, each reason a `RemovalReason` (an unknown
    one raises `DataFileError` with the file and line)."""
    rows = []
    for number, line in numbered_data_lines(name, root):
        key, _, reason = line.partition("\t")
        rows.append((key.strip(), data_value(RemovalReason, reason.strip(), name, number, root)))
    return rows


LABELS = {label.casefold(): reason for label, reason in reason_rows("labels.txt")}
_PATTERN_ROWS = reason_rows("patterns.txt")
_REASONS = [reason for _, reason in _PATTERN_ROWS]
_CHROME = re.compile(
    "|".join(f"(?P<p{i}>{pattern})" for i, (pattern, _) in enumerate(_PATTERN_ROWS)),
    re.IGNORECASE,
)
# Bare labels after which promo titles follow, one a line; and labels for tag lists.
RELATED_MARKERS = frozenset(k for k, r in LABELS.items() if r == RemovalReason.RELATED_LINK_PROMO)
TAG_MARKERS = frozenset(k for k, r in LABELS.items() if r == RemovalReason.TAGS)
MAX_CHROME_CHARS = 200
PROSE_VERBS = 2  # two prefixed verbs make a sentence, not a headline
MAX_LABEL_CHARS = max(len(label) for label in LABELS) + 2  # a colon and a space
_TRAILING_SIGNATURE = re.compile(
    r"\s*(?:\[[a-z]{1,5}(?:/[a-z]{1,5})+\]|\([a-z]{1,5}(?:/[a-z]{1,5})+\))$"
)


def label_key(text: str) -> str:
    return text.casefold().rstrip(":").strip()


def chrome_reason(text: str) -> RemovalReason | None:
    """Why a whole line is page chrome, or None when it may be article text."""
    if len(text) > MAX_CHROME_CHARS:
        return None  # labels and patterns are all short lines
    reason = LABELS.get(label_key(text)) if len(text) <= MAX_LABEL_CHARS else None
    if reason:
        return reason
    match = _CHROME.fullmatch(text)
    if match is None or match.lastgroup is None:
        return None
    return _REASONS[int(match.lastgroup[1:])]


def trailing_signature(text: str) -> re.Match[str] | None:
    """Editor initials closing a paragraph: `... hingga saat itu. [ah/ft]`."""
    if not text.endswith(("]", ")")):
        return None
    return _TRAILING_SIGNATURE.search(text)


def looks_like_headline(text: str) -> bool:
    """A promo or menu title: short, mostly capitalised words, few function words."""
    tokens = words(text)
    if not tokens or len(tokens) > 20 or prefixed_verbs(tokens) >= PROSE_VERBS:
        return False
    if capitalised_share(tokens) >= 0.6:
        return True
    return not ends_sentence(text) and len(tokens) <= 12 and stopword_density(tokens) < 0.1


def title_case(text: str) -> bool:
    """Headline capitalisation: nearly every content word capitalised, as prose never is."""
    if text.count(" ") > 40:  # cheap exit for paragraphs
        return False
    tokens = words(text)
    return 3 <= len(tokens) <= 25 and capitalised_share(tokens) >= 0.85


def looks_like_tag_list(text: str) -> bool:
    """`Kim Jong Un, Rusia, Korea Utara` or `#KimJongUn #Rusia`: names, no sentence."""
    if ends_sentence(text):
        return False
    if text.startswith("#"):
        return True
    items = [item.strip() for item in text.split(",")]
    return len(items) >= 2 and all(item and len(item.split()) <= 4 for item in items)
