"""Processed articles with a realistic vocabulary, for search benchmarks (issue 11).

`textgen`'s vocabulary is 165 words, so every query matches thousands of passages and
recall figures say little. Here real sentences (the seed articles, the dev split of
`benchmarks/data/annotated.jsonl`, never its held-out split, and the cleaning dev set
when `python -m benchmarks.devset.build` has rebuilt it) are mutated: about a third
of their longer words are replaced by words of a generated lexicon drawn with Zipf's law
(rank r with probability ~1/r), so the vocabulary grows with the corpus as a real one does
(Heaps' law) and rare words are as selective as real rare words. Lexicon words are made
of Indonesian-like syllables and affixes. Same count and seed, same articles.

`articles(count, seed)` returns processed `Article`s (titles, paragraphs, quotes, person
mentions with canonical names), ready to store.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from kabar_tui.core.model import Article, Mention, Paragraph, Quote

ROOT = Path(__file__).resolve().parent.parent
LEXICON = 400_000
PEOPLE = 20_000
PARAGRAPHS = (6, 14)
MUTATED = 0.35  # share of words of four letters or more replaced by lexicon words
OUTLETS = ["Kompas", "Detik", "Okezone", "Tempo", "CNN Indonesia", "Antara", "Republika"]
_ONSETS = ["", "b", "c", "d", "g", "h", "j", "k", "l", "m", "n", "ng", "ny", "p", "r", "s", "t"]
_ONSETS += ["w", "y", "br", "kr", "pr", "tr", "st"]
_VOWELS = ["a", "a", "i", "u", "e", "o"]
_CODAS = ["", "", "", "n", "ng", "r", "k", "t", "s", "h", "l", "m"]
_PREFIXES = ["", "", "", "me", "mem", "men", "meng", "di", "ber", "ter", "pe", "pen", "ke", "se"]
_SUFFIXES = ["", "", "", "kan", "an", "i", "nya", "lah"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_WORD = re.compile(r"[A-Za-z]{4,}")


def real_sentences(devset: bool = True) -> list[str]:
    """Sentences of the seed articles, of the annotated dev split and, when it has been
    rebuilt (`python -m benchmarks.devset.build`) and `devset` is set, of the cleaning dev
    set (tests leave it out: it is not in the repository, so they would differ)."""
    texts = []
    files = sorted((ROOT / "seeds").glob("*.txt"))
    if devset:
        files += sorted((ROOT / "benchmarks" / "devset" / "raw").glob("*.txt"))
    for path in files:
        texts += [line for line in path.read_text(encoding="utf-8").splitlines() if len(line) > 80]
    for line in (ROOT / "benchmarks" / "data" / "annotated.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record.get("split") == "dev":
            texts.append(record["text"])
    sentences = [s.strip() for text in texts for s in _SENTENCE.split(text)]
    return [s for s in sentences if len(s.split()) >= 6]


def lexicon(size: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        root = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice((1, 2, 2, 2, 3, 3)))
        )
        word = rng.choice(_PREFIXES) + root + rng.choice(_SUFFIXES)
        if len(word) >= 3 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf(rng: random.Random, size: int) -> int:
    """A rank from 0 to size - 1 with probability about proportional to 1 / (rank + 1)."""
    return min(int(size ** rng.random()) - 1, size - 1)


class Generator:
    def __init__(self, seed: int, devset: bool = True) -> None:
        self.rng = random.Random(seed)
        self.sentences = real_sentences(devset)
        self.words = lexicon(LEXICON, seed)
        self.people = [
            f"{first.capitalize()} {last.capitalize()}"
            for first, last in zip(
                lexicon(PEOPLE, seed + 1), lexicon(PEOPLE, seed + 2), strict=True
            )
        ]

    def _mutate(self, sentence: str) -> str:
        rng, words = self.rng, self.words

        def replace(match: re.Match[str]) -> str:
            if rng.random() >= MUTATED:
                return match.group()
            word = words[_zipf(rng, LEXICON)]
            return word.capitalize() if match.group()[0].isupper() else word

        return _WORD.sub(replace, sentence)

    def paragraph(self) -> str:
        picked = [self.rng.choice(self.sentences) for _ in range(self.rng.randint(1, 3))]
        return " ".join(self._mutate(sentence) for sentence in picked)

    def article(self, number: int) -> Article:
        rng = self.rng
        texts = [self.paragraph() for _ in range(rng.randint(*PARAGRAPHS))]
        title = " ".join(texts[0].split()[: rng.randint(6, 11)]).rstrip(".,")
        mentions = []
        quotes = []
        for index in rng.sample(range(len(texts)), k=min(3, len(texts))):
            person = self.people[_zipf(rng, PEOPLE)]
            text = f"{texts[index]} kata {person}."
            texts[index] = text
            start = text.rindex(person)
            mentions.append(Mention(person, "PER", index, start, start + len(person), person))
            if rng.random() < 0.5:
                end = text.find(",", 20)
                end = end if end > 0 else len(text) // 2
                quotes.append(Quote(text[:end], "indirect", person, index, 0, end, person))
        return Article(
            id=f"g{number:07d}",
            path=f"/generated/g{number:07d}.txt",
            title=title,
            paragraphs=[Paragraph(i, text, i + 1) for i, text in enumerate(texts)],
            outlet=rng.choice(OUTLETS),
            entities=mentions,
            quotes=quotes,
            content_hash=f"{number:032x}",
        )


def articles(count: int, seed: int = 11) -> list[Article]:
    generator = Generator(seed)
    return [generator.article(number) for number in range(count)]
