"""Exact-span entity F1 on public annotated Indonesian news, dev splits only.

NER-UI dev.01 (indolem), idner-news-2k dev (Kompas) and NERGrit valid (indonlu), read
from `fetch` snapshots by kabar_tui/train/corpora.py; labels mapped to PER/LOC/ORG. Each
sentence is given to the recogniser as a one-paragraph article, printed as a news site
would print it; a found entity counts only if it has exactly the gold entity's characters
and label.

    python -m benchmarks.eval_ner_public [--rules | --tagger] [--model FILE.npz]
        [--conventions] [-v]

`--rules` scores the rule recogniser alone (the figures before the trained tagger),
`--tagger` the trained tagger alone (with the rules' output as its features), and no
option the reader's recogniser: the tagger with the rules' curated decisions merged in.
`--conventions` first maps the gold spans of a data set whose annotation guidelines
differ from the reader's conventions where they differ as a rule, not by chance
(`CONVENTIONS`; docs/entities.md, "Conventions"): the raw figures are the ones without
it. Test splits are never read.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from kabar_tui.core.corpus.resolve import _abbreviates
from kabar_tui.core.language.entities.gazetteer import gazetteer_entry
from kabar_tui.core.language.entities.recogniser import tag
from kabar_tui.core.language.entities.rules import recognise_with_bases
from kabar_tui.core.model import Mention
from kabar_tui.train.corpora import CORPORA, Sentence, detokenize, load, spans_of

LABELS = ("PER", "LOC", "ORG")
Recogniser = Callable[[Sequence[str]], list[Mention]]


Span = tuple[int, int, str]  # start, end (characters), label
BRACKETED = re.compile(r"(.*\S)\s*\((\w+)\)")


def without_lowercase_head(text: str, spans: set[Span]) -> set[Span]:
    """NERGrit writes a place's lowercase head word into its name (`desa Kramas`, 135 of
    191 such heads in train), and so does idner-news-2k (`kawasan Pantura`); the reader's
    names start with a word not in lowercase."""
    mapped = set()
    for start, end, label in spans:
        while text[start : start + 1].islower() and " " in text[start:end]:
            start = text.index(" ", start, end) + 1
        mapped.add((start, end, label))
    return mapped


def abbreviation_apart(text: str, spans: set[Span]) -> set[Span]:
    """idner-news-2k makes a long form and its bracketed abbreviation one span (`Bursa Efek
    Indonesia (BEI)`, 62 of 2,196 train entities); the reader, like NER-UI and NERGrit,
    two mentions of one entity (`PT Pertamina (Persero)` is one name)."""
    mapped = set()
    for start, end, label in spans:
        split = BRACKETED.fullmatch(text, start, end)
        if split and _abbreviates(split[2], split[1]):
            mapped |= {(start, split.end(1), label), (split.start(2), split.end(2), label)}
        else:
            mapped.add((start, end, label))
    return mapped


# Nations the gazetteer names by a name CLDR does not give them (`Inggris Raya`)
NATIONS = frozenset({"Inggris", "Palestina"})


@cache
def countries() -> frozenset[str]:
    """Canonical names of countries and continents (CLDR territories)."""
    import babel

    names = set(NATIONS)
    for locale in (babel.Locale("id"), babel.Locale("en")):
        for code, name in locale.territories.items():
            if code not in ("001", "ZZ"):
                names.add(name)
    return frozenset(names)


def is_country(name: str) -> bool:
    entry = gazetteer_entry(name)
    return entry is not None and entry[0] == "LOC" and entry[1] in countries()


CAPITALISED_WORDS = re.compile(r"\b[A-Z][\w'-]*(?: [A-Z][\w'-]*)*")


def countries_labelled(text: str, spans: set[Span]) -> set[Span]:
    """idner-news-2k labels a country where it is named as a place (`ke Israel`: 71 of 74
    in train) but mostly not as an actor or adjective (`serangan Israel`, `turis
    Tiongkok`: 143 of 198 unlabelled), where NER-UI labels 116 of 138 and NERGrit 296 of
    314; the reader, like those two, names a country a place wherever it is written. Adds
    the country names in runs of capitalised words that no gold name touches."""
    mapped = set(spans)
    for run in CAPITALISED_WORDS.finditer(text):
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", run[0])]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 3), i, -1):
                start, end = run.start() + words[i][0], run.start() + words[j - 1][1]
                if is_country(text[start:end]) and not any(
                    s[0] < end and start < s[1] for s in spans
                ):
                    mapped.add((start, end, "LOC"))
                    i = j - 1
                    break
            i += 1
    return mapped


# Per data set, the gold mappings `--conventions` applies.
CONVENTIONS: dict[str, tuple[Callable[[str, set[Span]], set[Span]], ...]] = {
    "nerui": (),
    "idner": (abbreviation_apart, without_lowercase_head, countries_labelled),
    "nergrit": (without_lowercase_head,),
}


def score(
    sentences: list[Sentence],
    recognise: Recogniser,
    verbose: bool = False,
    conventions: Sequence[Callable[[str, set[Span]], set[Span]]] = (),
) -> dict:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for sentence in sentences:
        text, spans = detokenize(sentence.words)
        found = {(m.start, m.end, m.label) for m in recognise([text])}
        gold = {(spans[i][0], spans[j - 1][1], label) for i, j, label in spans_of(sentence.tags)}
        for convention in conventions:
            gold = convention(text, gold)
        for item in found | gold:
            label = item[2]
            if item in found and item in gold:
                tp[label] += 1
            elif item in found:
                fp[label] += 1
            else:
                fn[label] += 1
        if verbose and found != gold:
            print(text)
            for start, end, label in sorted(gold - found):
                print(f"   missed {label} {text[start:end]}")
            for start, end, label in sorted(found - gold):
                print(f"   extra  {label} {text[start:end]}")
    result = {}
    for label in (*LABELS, "all"):
        if label == "all":
            t, p, n = (sum(c.values()) for c in (tp, fp, fn))
        else:
            t, p, n = tp[label], fp[label], fn[label]
        precision = t / (t + p) if t + p else 0.0
        recall = t / (t + n) if t + n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[label] = (precision, recall, f1, t + n)
    return result


def report(name: str, result: dict) -> None:
    print(f"\n{name}")
    print(f"  {'label':<6}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
    for label, (precision, recall, f1, gold) in result.items():
        print(f"  {label:<6}{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}{gold:>7}")


def tagger_alone(paragraphs: Sequence[str]) -> list[Mention]:
    """The trained tagger's own answer, before the rules' curated mentions are merged in."""
    rules = recognise_with_bases(paragraphs)
    return [m for found in tag(paragraphs, rules, everywhere=True).values() for m in found]


def main() -> None:
    from kabar_tui.core.language.entities import recognise, recognise_rules, tagger

    if "--model" in sys.argv:  # a model being tried, not the shipped one
        tagger.MODEL_PATH = Path(sys.argv[sys.argv.index("--model") + 1])
    if "--rules" in sys.argv:
        recognise = recognise_rules
    elif "--tagger" in sys.argv:
        recognise = tagger_alone
    verbose = "-v" in sys.argv
    mapped = "--conventions" in sys.argv
    names = {"nerui": "NER-UI dev.01", "idner": "idner-news-2k dev", "nergrit": "NERGrit valid"}
    for corpus in CORPORA:
        conventions = CONVENTIONS[corpus] if mapped else ()
        name = names[corpus] + (
            f" ({', '.join(c.__name__ for c in conventions)})" if conventions else ""
        )
        report(name, score(load(corpus, "dev"), recognise, verbose, conventions))


if __name__ == "__main__":
    main()
