"""The CRF tagger's features: one definition shared by training and run time.

A word's attributes depend only on the word itself, so run time sums their weights once
per word form and offset (`OFFSETS`) and caches the rows. Two small families depend on
more than the form: whether the word opens its sentence (`position_attributes`) and what
the rule recogniser said about it (`rule_attributes`), computed per token at run time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from operator import itemgetter
from string import ascii_lowercase, ascii_uppercase, digits

from kabar_tui.core.language.entities.gazetteer import gazetteer, token_key
from kabar_tui.core.lexicon import TAGGER_TOKEN, data_lines

OFFSETS = (-2, -1, 0, 1, 2)
BOUNDARY = {-2: "<s2>", -1: "<s>", 1: "</s>", 2: "</s2>"}  # words beyond the sentence
QUOTE_OPENERS = frozenset({"“", '"', "”", "(", "'"})  # a capital after them says little
SHAPE_RUNS = re.compile(r"(.)\1+")
# `shape`'s letters for ASCII, where upper, lower and digit are exactly A-Z, a-z and 0-9
_ASCII_SHAPE = str.maketrans(
    ascii_uppercase + ascii_lowercase + digits, "X" * 26 + "x" * 26 + "d" * 10
)
CLUSTERS_FILE = "entities/clusters.tsv"
LOWERCASE_FILE = "entities/lowercase_words.txt"


@dataclass(frozen=True, slots=True)
class WordLists:
    """What the reader's curated lists say about single words, for features."""

    single_names: dict[str, str]  # word -> label of a one-word gazetteer name
    name_parts: dict[str, str]  # word -> labels of longer gazetteer names it is part of
    cues: dict[str, str]  # word -> the cue kinds it belongs to, joined
    not_entities: frozenset[str]
    clusters: dict[str, str]  # lowercase word -> its word cluster (kabar_tui/train/wordstats.py)
    lowercase: frozenset[str]  # words the training text writes in lowercase inside a sentence


@cache
def word_lists() -> WordLists:
    gaz = gazetteer()
    single: dict[str, str] = {}
    parts: dict[str, set[str]] = {}
    for key, (label, _) in gaz.names.items():
        if len(key) == 1:
            if key[0] not in gaz.common_word_places:  # `Palu`: a hammer unless a cue says
                single[key[0]] = label
        else:
            for word in key:
                for piece in word.split():
                    parts.setdefault(piece, set()).add(label)
    cue_kinds: dict[str, set[str]] = {}
    named = {
        "per": gaz.person_cues,
        "orgctx": gaz.org_context,
        "locctx": gaz.loc_context,
        "orghead": gaz.org_heads,
        "lochead": gaz.loc_heads,
        "dir": gaz.directions,
    }
    for kind, phrases in named.items():
        for phrase in phrases:
            for word in phrase:
                cue_kinds.setdefault(word, set()).add(kind)
    single_words = {
        "orgtail": gaz.org_tails,
        "orgword": gaz.org_words,
        "loctail": gaz.loc_tails,
        "regorg": gaz.regional_orgs,
    }
    for kind, words in single_words.items():
        for word in words:
            cue_kinds.setdefault(word, set()).add(kind)
    return WordLists(
        single_names=single,
        name_parts={w: "".join(sorted(labels)) for w, labels in parts.items()},
        cues={w: "+".join(sorted(kinds)) for w, kinds in cue_kinds.items()},
        not_entities=gaz.not_entities,
        clusters=dict(line.split("\t") for line in data_lines(CLUSTERS_FILE)),
        lowercase=frozenset(data_lines(LOWERCASE_FILE)),
    )


def shape(word: str) -> str:
    """Xx for Jakarta, X for KPK, Xx-x for Jong-un, d for 2024: runs collapsed. (ASCII
    mapped by one `translate`, runs collapsed by `groupby`: `SHAPE_RUNS.sub` called
    Python code for every run, and a new word form's rows asked for it five times.)"""
    mapped = (
        word.translate(_ASCII_SHAPE)
        if word.isascii()
        else "".join(
            "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
            for ch in word
        )
    )
    if "\n" in mapped:  # `.` of SHAPE_RUNS leaves runs of line breaks as they are
        return SHAPE_RUNS.sub(r"\1", mapped)
    return "".join(map(itemgetter(0), groupby(mapped)))


def word_attributes(word: str, offset: int) -> list[str]:
    """The attributes of `word` seen at `offset` from the word being labelled."""
    if word in BOUNDARY.values():
        return [f"{offset}:{word}"]
    return _attributes(word, offset, word.lower(), token_key(word), shape(word), word_lists())


def form_attributes(word: str) -> list[list[str]]:
    """`word_attributes` of the word at each of `OFFSETS`, its case, key and shape read
    once: what a new word form's score rows are built from (`CrfModel.add_forms`)."""
    if word in BOUNDARY.values():
        return [[f"{offset}:{word}"] for offset in OFFSETS]
    lower, key, shaped, lists = word.lower(), token_key(word), shape(word), word_lists()
    return [_attributes(word, offset, lower, key, shaped, lists) for offset in OFFSETS]


def _attributes(
    word: str, offset: int, lower: str, key: str, shaped: str, lists: WordLists
) -> list[str]:
    attributes = [f"{offset}:w={lower}", f"{offset}:s={shaped}"]
    cue = lists.cues.get(key)
    if cue:
        attributes.append(f"{offset}:cue={cue}")
    single = lists.single_names.get(key)
    if single:
        attributes.append(f"{offset}:gaz={single}")
    if abs(offset) == 2:
        return attributes
    part = lists.name_parts.get(key)
    if part:
        attributes.append(f"{offset}:part={part}")
    if key in lists.not_entities:
        attributes.append(f"{offset}:notent")
    if offset:
        return attributes
    attributes.append("bias")
    # the word's own cluster only: its neighbours' (`X menuduh`) outweighed what the
    # tagger knew of the word itself (`Netflix` is a company), docs/entities.md
    cluster = lists.clusters.get(lower)
    if cluster:
        attributes.append(f"c={cluster}")
    attributes.extend(f"p{n}={lower[:n]}" for n in (2, 3) if len(lower) > n)
    attributes.extend(f"x{n}={lower[-n:]}" for n in (2, 3, 4) if len(lower) > n)
    if word[:1].isupper():
        attributes.append("title" if word[1:].islower() else "caps")
        if lower in lists.lowercase:
            attributes.append("lowerseen")
    if len(word) == 1:
        attributes.append("single")
    return attributes


def position_attributes(words: Sequence[str], index: int) -> list[str]:
    """What depends on where the word is: a capital at a sentence start says little."""
    if index == 0:
        return ["first:upper"] if words[0][:1].isupper() else ["first:lower"]
    if words[index - 1] in QUOTE_OPENERS:
        return ["afterquote:upper"] if words[index][:1].isupper() else []
    return []


def rule_attributes(rule_tags: Sequence[str], index: int) -> list[str]:
    """The rule recogniser's tag for this word (`B-ORG/head`: BIO, label and why the rules
    found it), and the tags of the words next to it."""
    tag = rule_tags[index]
    attributes = [f"r={tag}", f"r={tag.partition('/')[0]}"] if tag != "O" else ["r=O"]
    if index > 0 and rule_tags[index - 1] != "O":
        attributes.append(f"r-1={rule_tags[index - 1]}")
    if index + 1 < len(rule_tags) and rule_tags[index + 1] != "O":
        attributes.append(f"r+1={rule_tags[index + 1]}")
    return attributes


def sentence_attributes(words: Sequence[str], rule_tags: Sequence[str]) -> list[list[str]]:
    """Every attribute of every word of one sentence: what training sees."""
    padded = ["<s2>", "<s>", *words, "</s>", "</s2>"]
    return [
        [
            *(a for k in OFFSETS for a in word_attributes(padded[i + 2 + k], k)),
            *position_attributes(words, i),
            *rule_attributes(rule_tags, i),
        ]
        for i in range(len(words))
    ]


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of each token the tagger labels."""
    return [(m.group(), m.start(), m.end()) for m in TAGGER_TOKEN.finditer(text)]


def rule_tags(
    spans: Sequence[tuple[int, int]], mentions: Sequence[tuple[int, int, str, str]]
) -> list[str]:
    """Tags (`B-ORG/head`) over token `spans` from the rules' mentions, given as (start,
    end, label, basis) in characters."""
    return rule_tags_at([start for start, _ in spans], [end for _, end in spans], mentions)


def rule_tags_at(
    starts: Sequence[int], ends: Sequence[int], mentions: Sequence[tuple[int, int, str, str]]
) -> list[str]:
    """`rule_tags` over tokens given as their starts and ends (ascending): each mention's
    first token found by bisection, so the cost follows the mentions, not the words."""
    count = len(starts)
    tags = ["O"] * count
    for start, end, label, basis in mentions:
        first = bisect_left(starts, start)
        if first == count or starts[first] != start:
            continue
        tags[first], inside = _RULE_TAGS[label, basis]
        index = first + 1
        while index < count and ends[index] <= end:
            tags[index] = inside
            index += 1
    return tags


class _RuleTags(dict[tuple[str, str], tuple[str, str]]):
    """(label, basis) -> its B- and I- rule tags, made once: a paragraph tags many
    mentions with the same few."""

    def __missing__(self, key: tuple[str, str]) -> tuple[str, str]:
        label, basis = key
        tags = self[key] = (f"B-{label}/{basis}", f"I-{label}/{basis}")
        return tags


_RULE_TAGS = _RuleTags()
