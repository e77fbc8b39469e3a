"""Tune `filter_values.MIN_SCORE`: how often a typed-wrong filter value finds its name,
and how often a value naming nothing in the corpus is taken as some other name.

Names are real: the curated gazetteer (people's bodies, places, organisations), the
outlets the metadata rules know, the people and speakers of the annotated dev split
(never its held-out splits) and the speakers of the seed articles. Half of them (drawn
at random) play the corpus, the other half values that name nothing in it. Typed values
are a name's last word or the whole name with one typo (two for 8 letters or more),
made as people make them: a letter dropped, doubled, swapped with the next, replaced by
a neighbour on the keyboard, or a vowel left out. Content words of the Indonesian word
list that no name holds are the other negatives.

    python benchmarks/tune_filter_values.py [--seed 1] [--scores 75 80 85 100]

A score of 100 is matching as typed only (the fuzzy step finds nothing new).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kabar_tui.core.indexing.pipeline import build_corpus  # noqa: E402
from kabar_tui.core.language.entities.gazetteer import curated_names  # noqa: E402
from kabar_tui.core.lexicon import data_lines  # noqa: E402
from kabar_tui.core.search.filter_values import MIN_FUZZY_CHARS, NameMatcher  # noqa: E402
from kabar_tui.core.text import data_pairs  # noqa: E402
from kabar_tui.core.textfold import fold, words  # noqa: E402

_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_VOWELS = "aeiou"


def _neighbours(letter: str) -> str:
    for row_number, row in enumerate(_KEYBOARD):
        at = row.find(letter)
        if at >= 0:
            near = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
            for other in (row_number - 1, row_number + 1):
                if 0 <= other < len(_KEYBOARD):
                    near += _KEYBOARD[other][at : at + 1]
            return near
    return ""


def typo(word: str, rng: random.Random) -> str:
    """One slip of the fingers, never on the first letter (people get that one right)."""
    for _ in range(20):
        at = rng.randrange(1, len(word))
        kind = rng.choice(["drop", "double", "swap", "near", "vowel"])
        if kind == "drop":
            made = word[:at] + word[at + 1 :]
        elif kind == "double":
            made = word[:at] + word[at] + word[at:]
        elif kind == "swap" and at + 1 < len(word):
            made = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif kind == "near" and _neighbours(word[at]):
            made = word[:at] + rng.choice(_neighbours(word[at])) + word[at + 1 :]
        elif kind == "vowel" and word[at] in _VOWELS:
            made = word[:at] + word[at + 1 :]
        else:
            continue
        if made != word and made.strip():
            return made
    return word


def real_names() -> list[str]:
    names = {name for _, name, _ in curated_names()}
    names |= {outlet for _, outlet in data_pairs("outlets.txt")}
    names |= {outlet for _, outlet in data_pairs("outlet_domains.txt")}
    for line in (ROOT / "benchmarks" / "data" / "annotated.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record.get("split") != "dev":
            continue
        names |= {text for text, label in record["entities"] if label == "PER"}
        names |= {quote[2] for quote in record["quotes"] if len(quote) > 2 and quote[2]}
    corpus = build_corpus(cache=False)
    for article in corpus.articles:
        names |= {q.speaker_canonical or q.speaker for q in article.quotes if q.speaker}
    return sorted(name for name in names if len(fold(name)) >= MIN_FUZZY_CHARS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--scores", type=float, nargs="+", default=[70, 75, 77.5, 80, 82.5, 85, 90, 100]
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    names = real_names()
    rng.shuffle(names)
    corpus, unseen = names[: len(names) // 2], names[len(names) // 2 :]
    folded = [fold(name) for name in corpus]

    typed: list[tuple[str, int]] = []  # (value, the corpus name it was meant for)
    for number, name in enumerate(corpus):
        name_words = words(fold(name))
        for run in dict.fromkeys([name_words[-1], " ".join(name_words)]):
            if len(run) < MIN_FUZZY_CHARS:
                continue
            value = typo(run, rng)
            if len(run) >= 8:
                value = typo(value, rng)
            typed.append((" ".join(words(value)), number))
    absent = [" ".join(words(fold(name))) for name in unseen]
    ordinary = [
        word
        for word in sorted(data_lines("words_id.txt"))
        if len(word) >= 5 and not any(word in name for name in folded)
    ]
    ordinary = rng.sample(ordinary, min(len(ordinary), 600))
    print(
        f"{len(corpus)} corpus names, {len(typed)} typed-wrong values, {len(absent)} names "
        f"absent from the corpus, {len(ordinary)} ordinary words (seed {args.seed})"
    )
    print(
        "min score | + typos | typo found | typo taken as another | absent name taken | word taken"
    )
    rules = [(score, False) for score in args.scores] + [(score, True) for score in args.scores]
    for score, by_typos in rules:
        matcher = NameMatcher(corpus, min_score=score, by_typos=by_typos)
        found = wrong = 0
        for value, meant in typed:
            match = matcher.match("by", value)
            if meant in match.names:
                found += 1
            elif match.names:
                wrong += 1
        absent_taken = sum(bool(matcher.match("by", value).names) for value in absent)
        word_taken = sum(bool(matcher.match("by", value).names) for value in ordinary)
        print(
            f"{score:9.1f} | {'yes' if by_typos else 'no':>7} | {found / len(typed):10.3f} | "
            f"{wrong / len(typed):21.3f} | "
            f"{absent_taken / len(absent):17.3f} | {word_taken / len(ordinary):10.3f}"
        )


if __name__ == "__main__":
    main()
