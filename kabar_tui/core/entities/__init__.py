"""People, places and organisations in Indonesian news text: the one seam the pipeline calls.

`recognise` runs the rule recogniser (gazetteer, cues, article-wide resolution: rules.py)
and gives what it found to the trained tagger (tagger.py) as features; the tagger's
labels are the answer, except in Title Case lines (headlines), where capitals say nothing
and only names the rules already know are kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from kabar_tui.core.entities.features import rule_tags, tokenize
from kabar_tui.core.entities.rules import gazetteer, gazetteer_entry, recognise_with_bases
from kabar_tui.core.entities.rules import recognise as recognise_rules
from kabar_tui.core.entities.tagger import model
from kabar_tui.core.model import Article, Mention

SENTENCE_END = frozenset(".!?")
# Why the rules found a name (rules.BASES) when their answer stands over the tagger's.
CURATED = frozenset({"known", "club", "tail", "head", "resolved", "region", "acronym", "titled"})


def _sentences(tokens: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """[start, end) token ranges of sentences: a stop followed by a word that is not lowercase."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for index, (word, _, _) in enumerate(tokens):
        if word in SENTENCE_END and (
            index + 1 == len(tokens) or not tokens[index + 1][0][:1].islower()
        ):
            ranges.append((start, index + 1))
            start = index + 1
    if start < len(tokens):
        ranges.append((start, len(tokens)))
    return ranges


def recognise(paragraphs: Sequence[str]) -> list[Mention]:
    """Mentions in paragraphs of one article (paragraph = position in the list), in order."""
    rules = recognise_with_bases(paragraphs)
    by_paragraph: dict[int, list[Mention]] = {}
    for m in rules.mentions:
        by_paragraph.setdefault(m.paragraph, []).append(m)
    headlines = rules.headlines
    found = [m for m in rules.mentions if headlines[m.paragraph]]
    batch: list[tuple[list[str], list[str]]] = []
    places: list[tuple[int, list[tuple[str, int, int]]]] = []
    for index, text in enumerate(paragraphs):
        if headlines[index]:
            continue
        tokens = tokenize(text)
        ruled = [
            (m.start, m.end, m.label, rules.bases[index, m.start, m.end])
            for m in by_paragraph.get(index, [])
        ]
        tags = rule_tags([(s, e) for _, s, e in tokens], ruled)
        for start, end in _sentences(tokens):
            batch.append(([w for w, _, _ in tokens[start:end]], tags[start:end]))
            places.append((index, tokens[start:end]))
    tagged: dict[int, list[Mention]] = {}
    for (index, tokens), labels in zip(places, model().decode(batch), strict=True):
        text = paragraphs[index]
        for first, last, label in _spans(labels):
            start, end = tokens[first][1], tokens[last - 1][2]
            tagged.setdefault(index, []).append(Mention(text[start:end], label, index, start, end))
    for index, mentions in tagged.items():
        found.extend(_merge(mentions, by_paragraph.get(index, []), rules.bases))
    for index in by_paragraph.keys() - tagged.keys():
        if not headlines[index]:
            found.extend(_merge([], by_paragraph[index], rules.bases))
    found.sort(key=lambda m: (m.paragraph, m.start))
    return found


def _merge(
    tagged: list[Mention], ruled: list[Mention], bases: dict[tuple[int, int, int], str]
) -> list[Mention]:
    """One paragraph's mentions: where the rules decided from the curated lists (a known
    name, a title or head before a name, a club, a branch and its region, a name resolved
    from the rest of the article), the rules' mention; elsewhere the tagger's. Where the
    tagger found a name that a curated mention cuts into, the rules' reading of the rest
    of those words stands (`Kementerian Agama | Lalu Ahmad Zaenuri`)."""
    kept = [m for m in ruled if bases[m.paragraph, m.start, m.end] in CURATED]
    overruled = [t for t in tagged if any(_overlap(t, k) for k in kept) or _lowercase_edge(t)]
    kept += [t for t in tagged if t not in overruled]
    kept += [
        m
        for m in ruled
        if (
            bases[m.paragraph, m.start, m.end] == "context"
            or (
                bases[m.paragraph, m.start, m.end] == "unknown"
                and any(_overlap(m, t) for t in overruled)
            )
        )
        and not any(_overlap(m, k) for k in kept)
    ]
    return kept


def _lowercase_edge(mention: Mention) -> bool:
    """A name that starts or ends with a lowercase word (`angkasa Vostochny Cosmodrome`):
    the tagger was unsure where it is."""
    words = mention.text.split()
    return words[0][:1].islower() or words[-1][:1].islower()


def _overlap(one: Mention, other: Mention) -> bool:
    return one.start < other.end and other.start < one.end


def _spans(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """(first, end, label) of each entity in a BIO sequence; a stray I- opens one."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for index, tag in enumerate((*labels, "O")):
        if start >= 0 and (tag == "O" or tag.startswith("B-") or tag[2:] != label):
            spans.append((start, index, label))
            start = -1
        if tag != "O" and start < 0:
            start, label = index, tag[2:]
    return spans


def find_entities(article: Article) -> list[Mention]:
    mentions = recognise([p.text for p in article.paragraphs])
    for mention in mentions:
        mention.paragraph = article.paragraphs[mention.paragraph].index
    return mentions


__all__ = ["find_entities", "gazetteer", "gazetteer_entry", "recognise", "recognise_rules"]
