"""The reader's entity errors on the public dev sets, counted by kind.

Every false positive (a found name that is no gold name) and false negative (a gold name
not found) of `benchmarks.eval_ner_public` is put in one kind, so that the kinds add up
to the set's FP and FN: the annotation conventions the reader deliberately differs on
(docs/entities.md, "Conventions") apart from errors a reader would notice. Dev splits
only; no test split is read.

    python -m benchmarks.ner_error_kinds [--set idner] [-v KIND] [--who]

`--who` splits each kind by who made the error, against the tagger alone (every word
decoded, the rules' output as its features: `eval_ner_public --tagger`): a false positive
the tagger alone also reads is the tagger's, one it does not is the rules' (a curated
mention the merge kept); a gold name the tagger alone also misses is the tagger's, one it
finds is lost in the merge.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

from benchmarks.eval_ner_public import BRACKETED, Span, is_country, tagger_alone
from kabar_tui.core.corpus.resolve import _abbreviates
from kabar_tui.core.language.entities import gazetteer_entry, recognise
from kabar_tui.train.corpora import CORPORA, detokenize, load, spans_of

# Words after which a place is named as a place (where idner labels a country LOC)
LOCATIVE = frozenset({"di", "ke", "dari", "menuju", "dengan", "antara", "sejak"})
# Titles and honorifics the reader keeps out of a person's name (docs/entities.md)
TITLE_WORDS = frozenset(
    [
        "bung",
        "ki",
        "kyai",
        "kiai",
        "drs",
        "drs.",
        "dr",
        "dr.",
        "prof",
        "prof.",
        "ir",
        "ir.",
        "haji",
        "h.",
        "hj",
        "ustaz",
        "ustadz",
        "gus",
        "raden",
        "sh",
        "se",
        "ba",
        "mba",
    ]
)


# Words that open the name of an organisation's body (`Dewan Pimpinan Pusat Partai Demokrat`)
BODIES = frozenset({"Dewan", "Kantor", "Badan", "Komite", "Majelis", "Pengurus", "DPP", "DPD"})


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _word_before(text: str, start: int) -> str:
    words = text[:start].split()
    return words[-1].casefold() if words else ""


def _gold_kind(text: str, gold: Span, found: set[Span]) -> str:
    """The kind of a gold name not found."""
    start, end, label = gold
    over = [f for f in found if _overlaps(f, gold)]
    if not over:
        return "missed: nothing found over its words"
    split = BRACKETED.fullmatch(text, start, end)
    if split and _abbreviates(split[2], split[1]):
        return "convention: long form and bracketed abbreviation one span"
    words = text[start:end].split()
    if words[0].islower() and any(f[0] > start and f[1] == end for f in over):
        return "convention: lowercase head inside the name (`desa Kramas`)"
    if words[-1].islower() and any(f[0] == start and f[1] < end for f in over):
        return "convention: lowercase direction after the name (`Afrika timur`)"
    if words[0].startswith("(") or words[-1].count(")") > words[-1].count("("):
        return "annotation slip: a bracket inside the gold span (`(Jokowi)`)"
    if label == "ORG" and any(
        f[0] < start and f[1] == end and f[2] == label and text[f[0] : start].split()[0] in BODIES
        for f in over
    ):
        return "convention: an organisation's body named whole (`DPP Partai Golkar`)"
    if label == "PER" and words[0].casefold() in TITLE_WORDS:
        return "convention: title or honorific inside the person's name"
    if label == "PER" and text[start:end].split()[-1].casefold().rstrip(".") in TITLE_WORDS:
        return "convention: degree inside the person's name"
    same_words = [f for f in over if f[:2] == gold[:2]]
    if same_words:
        return f"label: gold {label}, found {same_words[0][2]}"
    if any(f[2] == label for f in over):
        return "boundary: same label, other words"
    return "boundary and label"


def _found_kind(text: str, item: Span, gold: set[Span]) -> str:
    """The kind of a found name that is no gold name and covers no gold name's words."""
    start, end, label = item
    name = text[start:end]
    if label == "LOC" and is_country(name):
        if _word_before(text, start) in LOCATIVE:
            return "unlabelled country named as a place (`di`, `ke`, `dari`)"
        return "convention: unlabelled country as an actor or adjective (`tentara Jepang`)"
    if label == "LOC" and gazetteer_entry(name):
        return "unlabelled known place (gazetteer)"
    return f"extra {label}"


def error_kinds(
    corpus: str, who: bool = False
) -> tuple[Counter[str], dict[str, list[str]], Counter[str]]:
    """Per kind: how many FP and FN (`kind/FP`, `kind/FN`), with examples; with `who`,
    also how many of them the tagger alone makes the same way (`kind/FP/tagger`,
    `kind/FN/tagger`)."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    totals: Counter[str] = Counter()
    for sentence in load(corpus, "dev"):
        text, spans = detokenize(sentence.words)
        found = {(m.start, m.end, m.label) for m in recognise([text])}
        gold = {(spans[i][0], spans[j - 1][1], label) for i, j, label in spans_of(sentence.tags)}
        alone = {(m.start, m.end, m.label) for m in tagger_alone([text])} if who else set()
        totals["FP"] += len(found - gold)
        totals["FN"] += len(gold - found)
        kind_of_found: dict[Span, str] = {}
        for item in sorted(gold - found):
            kind = _gold_kind(text, item, found)
            counts[kind + "/FN"] += 1
            counts[kind + "/FN/tagger"] += who and item not in alone
            read = [f"{text[f[0] : f[1]]} ({f[2]})" for f in sorted(found) if _overlaps(f, item)]
            examples[kind].append(f"{text[item[0] : item[1]]} ({item[2]}) -> {' + '.join(read)}")
            for f in found - gold:
                if _overlaps(f, item):
                    kind_of_found.setdefault(f, kind)
        for item in sorted(found - gold):
            kind = kind_of_found.get(item) or _found_kind(text, item, gold)
            counts[kind + "/FP"] += 1
            counts[kind + "/FP/tagger"] += who and item in alone
            if item not in kind_of_found:
                examples[kind].append(f"{text[item[0] : item[1]]} ({item[2]})")
    return counts, examples, totals


def main() -> None:
    corpora = [sys.argv[sys.argv.index("--set") + 1]] if "--set" in sys.argv else CORPORA
    shown = sys.argv[sys.argv.index("-v") + 1] if "-v" in sys.argv else None
    who = "--who" in sys.argv
    for corpus in corpora:
        counts, examples, totals = error_kinds(corpus, who)
        kinds = sorted(
            {k.rsplit("/", 1)[0] for k in counts if k.endswith(("/FP", "/FN"))},
            key=lambda k: (-(counts[k + "/FP"] + counts[k + "/FN"]), k),
        )
        print(f"\n{corpus}: FP {totals['FP']}, FN {totals['FN']}")
        split = "  tagger: FP / FN" if who else ""
        print(f"  {'FP':>4} {'FN':>4}{split}  kind")
        for kind in kinds:
            by_tagger = f"{counts[kind + '/FP/tagger']:>10} / {counts[kind + '/FN/tagger']:<3}"
            print(
                f"  {counts[kind + '/FP']:>4} {counts[kind + '/FN']:>4}"
                f"{by_tagger if who else ''}  {kind}"
            )
            if shown and shown in kind:
                for example in examples[kind]:
                    print(f"              {example}")


if __name__ == "__main__":
    main()
