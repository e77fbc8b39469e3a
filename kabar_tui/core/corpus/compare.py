"""Two outlets' versions of one story side by side: aligned paragraphs, word changes, quotes.

Paragraphs are aligned by the corpus links between the two articles, keeping both in
reading order (a heaviest chain of non-crossing links); a linked paragraph that one
outlet moved elsewhere is shown unaligned with a note of where the other has it.
Inside aligned paragraphs a word-level diff marks what each version has that the other
lacks. Quotes are compared by their words, so one outlet's quote missing in the other
is listed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz

from kabar_tui.core.lexicon import WORD
from kabar_tui.core.model import Article, Corpus, Link, Quote
from kabar_tui.core.textfold import strip_diacritics

Span = tuple[int, int]  # character offsets into a paragraph's text

SAME_QUOTE_RATIO = 85  # rapidfuzz ratio of folded quote words: the same quotation
_TOKEN = re.compile(r"\S+")


@dataclass(slots=True)
class Row:
    """One line of the comparison: a paragraph of each side, or of one side only."""

    left: int | None
    right: int | None
    kind: str | None = None  # the link's kind when both sides are present
    score: float | None = None
    left_changes: list[Span] = field(default_factory=list)
    right_changes: list[Span] = field(default_factory=list)
    moved_to: int | None = None  # the other side links this paragraph elsewhere


@dataclass(slots=True)
class Comparison:
    left: Article
    right: Article
    rows: list[Row]
    only_left_quotes: list[Quote]
    only_right_quotes: list[Quote]

    @property
    def aligned(self) -> int:
        return sum(1 for row in self.rows if row.left is not None and row.right is not None)


class Linked(Protocol):
    """What holds the links between articles: a Catalog, or a Corpus in memory."""

    def links_between(self, left_id: str, right_id: str) -> list[Link]: ...


def monotone_links(links: list[Link]) -> list[Link]:
    """The heaviest set of links that keeps both articles in order (each paragraph once)."""
    ordered = sorted(links, key=lambda link: (link.source_paragraph, link.target_paragraph))
    best: list[float] = []
    previous: list[int] = []
    for i, link in enumerate(ordered):
        best.append(link.score)
        previous.append(-1)
        for j in range(i):
            earlier = ordered[j]
            if (
                earlier.source_paragraph < link.source_paragraph
                and earlier.target_paragraph < link.target_paragraph
                and best[j] + link.score > best[i]
            ):
                best[i] = best[j] + link.score
                previous[i] = j
    if not ordered:
        return []
    index = max(range(len(ordered)), key=lambda i: best[i])
    chain = []
    while index >= 0:
        chain.append(ordered[index])
        index = previous[index]
    return chain[::-1]


def word_diff(left: str, right: str) -> tuple[list[Span], list[Span]]:
    """Spans of words only the left text has, and only the right has (case kept)."""
    left_tokens = list(_TOKEN.finditer(left))
    right_tokens = list(_TOKEN.finditer(right))
    matcher = difflib.SequenceMatcher(
        None,
        [strip_diacritics(t.group()).casefold() for t in left_tokens],
        [strip_diacritics(t.group()).casefold() for t in right_tokens],
        autojunk=False,
    )
    left_spans: list[Span] = []
    right_spans: list[Span] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            left_spans.append((left_tokens[i1].start(), left_tokens[i2 - 1].end()))
        if j2 > j1:
            right_spans.append((right_tokens[j1].start(), right_tokens[j2 - 1].end()))
    return left_spans, right_spans


def _quote_key(quote: Quote) -> str:
    return " ".join(WORD.findall(strip_diacritics(quote.text).casefold()))


def quotes_only_in(quotes: list[Quote], others: list[Quote]) -> list[Quote]:
    """The quotes of one version that the other does not print (in other words or at all)."""
    other_keys = [_quote_key(q) for q in others]
    lonely = []
    for quote in quotes:
        key = _quote_key(quote)
        if not any(
            fuzz.ratio(key, other) >= SAME_QUOTE_RATIO
            or (min(len(key), len(other)) >= 20 and fuzz.partial_ratio(key, other) >= 95)
            for other in other_keys
        ):
            lonely.append(quote)
    return lonely


def _unmatched(
    left_from: int,
    left_to: int,
    right_from: int,
    right_to: int,
    moved_left: dict[int, int],
    moved_right: dict[int, int],
) -> list[Row]:
    """Rows for the paragraphs between two aligned pairs: the left version's, then the right's."""
    rows = [Row(i, None, moved_to=moved_left.get(i)) for i in range(left_from, left_to)]
    rows += [Row(None, j, moved_to=moved_right.get(j)) for j in range(right_from, right_to)]
    return rows


def compare_articles(linked: Linked, left: Article, right: Article) -> Comparison:
    """Align `left` and `right` paragraph by paragraph and mark what differs, by the links
    `linked` (a Catalog, or a Corpus) holds between them."""
    links = linked.links_between(left.id, right.id)
    chain = monotone_links(links)
    chosen_left = {link.source_paragraph for link in chain}
    chosen_right = {link.target_paragraph for link in chain}
    moved_left: dict[int, int] = {}
    moved_right: dict[int, int] = {}
    for link in sorted(links, key=lambda link: -link.score):
        if link.source_paragraph not in chosen_left:
            moved_left.setdefault(link.source_paragraph, link.target_paragraph)
        if link.target_paragraph not in chosen_right:
            moved_right.setdefault(link.target_paragraph, link.source_paragraph)
    rows: list[Row] = []
    i = j = 0
    for link in chain:
        rows += _unmatched(
            i, link.source_paragraph, j, link.target_paragraph, moved_left, moved_right
        )
        i, j = link.source_paragraph, link.target_paragraph
        left_changes, right_changes = word_diff(left.paragraphs[i].text, right.paragraphs[j].text)
        rows.append(Row(i, j, link.kind, link.score, left_changes, right_changes))
        i, j = i + 1, j + 1
    rows += _unmatched(i, len(left.paragraphs), j, len(right.paragraphs), moved_left, moved_right)
    return Comparison(
        left,
        right,
        rows,
        quotes_only_in(left.quotes, right.quotes),
        quotes_only_in(right.quotes, left.quotes),
    )


def compare_candidates(corpus: Corpus, article_id: str) -> list[tuple[Article, int]]:
    """The other articles of the article's stories, most linked paragraphs first."""
    members: list[str] = []
    for story in corpus.stories:
        if article_id in story.articles:
            members.extend(a for a in story.articles if a != article_id and a not in members)
    counts = dict.fromkeys(members, 0)
    for link in corpus.links:
        if link.source_article == article_id and link.target_article in counts:
            counts[link.target_article] += 1
        elif link.target_article == article_id and link.source_article in counts:
            counts[link.source_article] += 1
    found = [(corpus.article(other), count) for other, count in counts.items()]
    ranked = [(article, count) for article, count in found if article is not None]
    ranked.sort(key=lambda item: -item[1])
    return ranked


def _quote_json(quote: Quote) -> dict:
    return {
        "text": quote.text,
        "speaker": quote.speaker_canonical or quote.speaker,
        "paragraph": quote.paragraph,
    }


def comparison_json(comparison: Comparison) -> dict:
    """The comparison as plain data (`kabar compare --json`)."""

    def side(article: Article, index: int | None, changes: list[Span]) -> dict | None:
        if index is None:
            return None
        return {
            "paragraph": index,
            "text": article.paragraphs[index].text,
            "changed": [list(span) for span in changes],
            "quotes": [_quote_json(q) for q in article.quotes if q.paragraph == index],
        }

    return {
        "left": {"id": comparison.left.id, "outlet": comparison.left.outlet},
        "right": {"id": comparison.right.id, "outlet": comparison.right.outlet},
        "rows": [
            {
                "kind": row.kind,
                "score": row.score,
                "moved_to": row.moved_to,
                "left": side(comparison.left, row.left, row.left_changes),
                "right": side(comparison.right, row.right, row.right_changes),
            }
            for row in comparison.rows
        ],
        "only_left_quotes": [_quote_json(q) for q in comparison.only_left_quotes],
        "only_right_quotes": [_quote_json(q) for q in comparison.only_right_quotes],
    }
