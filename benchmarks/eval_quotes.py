"""Statement recall and speaker accuracy on the PFSA-ID dev files (Kompas news).

PFSA-ID (sigit-purnomo/pfsa-id, CC BY-NC-SA) labels public figures' statements, their
speakers and cues token by token. It is used here for measuring only: nothing from it is
shipped or committed. Only the dev files are read, by name; the test split is never
opened. Fetch the repository first (its snapshot is a bare git directory) and give its
path:

    python -m benchmarks.eval_quotes [--repo /work/.mirror/sigit-purnomo+pfsa-id/repo]
                                     [--spaced] [-v]

Rebuilding the articles. The files are tokens, one sentence per block, articles one
after another. An article starts at a dateline (`JAKARTA , KOMPAS —`); the few without
one stay joined to the article before. Quote marks are printed as Kompas prints them
(`”` opens and closes; some articles use `“ ”`): which mark opens is read from the
mark's turn in the article (odd opens, even closes), which is how the text was written,
and it sets the spacing (`bantuan. ”Saya minta ... jalan,” kata Presiden`). `--spaced`
puts a space on both sides of every mark instead, so that spacing tells nothing. The
sentence splitter left an opening mark at the end of the sentence before; it is moved to
the start of its quotation. Paragraphs are sentences, except that a quotation and the
sentence that ends it stay one paragraph (Kompas prints them so).

Gold speaker of a statement: the PERSON or PERSONCOREF labelled after it in its last
sentence (`kata Presiden`), or right before it; with a pronoun cue (`katanya`) or a
pronoun (`dia`) it is the person labelled last before the statement. Cases: `named`
(a PERSON span), `short-name` (a PERSONCOREF name: `kata Kusnawan`), `pronoun`. A found
speaker is right when its name words (titles and ranks set aside) are the gold's, a part
of them, or the full name the gold shortens (`Lalu Kusnawan` for `Kusnawan`); a gold that
is only a title (`kata Presiden`) also accepts the name the article writes after that
title (`Presiden Joko Widodo`).

A statement is found when a quote covers at least 80% of it and at most 25% of the quote
lies outside it (a quotation printed over two of PFSA's sentences is one statement).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kabar_tui.core.language.entities import gazetteer, key_tuple, recognise  # noqa: E402
from kabar_tui.core.language.quotes import attribute  # noqa: E402
from kabar_tui.core.model import Quote  # noqa: E402

DEFAULT_REPO = Path("/work/.mirror/sigit-purnomo+pfsa-id/repo")
# The dev files only, by name. `corpus/pfsa-id-test/test-data.txt` is never read.
DEV_FILES = (
    "corpus/pfsa-id/dev-20.txt",
    "corpus/pfsa-id/dev-30.txt",
    "corpus/pfsa-id/dev-40.txt",
    "corpus/pfsa-id-test/dev.txt",
)
MARKS = frozenset('“”"„«»')
NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "?", "!", ")", "]", "%", "/"})
NO_SPACE_AFTER = frozenset({"(", "[", "/"})
PRONOUNS = frozenset({"dia", "ia", "beliau", "mereka", "nya"})
CASES = ("named", "short-name", "pronoun")


@dataclass
class Span:
    label: str
    start: int  # token index, inclusive
    end: int  # token index, exclusive


@dataclass
class Article:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)


@dataclass
class Built:
    paragraphs: list[str]
    where: list[tuple[int, int, int]]  # per token: (paragraph, start, end)


def read_dev_file(repo: Path, name: str) -> str:
    if name not in DEV_FILES:
        raise ValueError(f"{name} is not a dev file")
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"HEAD:{name}"],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    ).stdout


def articles_of(text: str) -> list[Article]:
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        token, _, tag = line.partition("\t")
        current.append((token, tag or "O"))
    if current:
        sentences.append(current)
    articles: list[Article] = []
    for sentence in sentences:
        dateline = len(sentence) > 3 and sentence[2][0] == "KOMPAS" and sentence[1][0] == ","
        if dateline or not articles:
            articles.append(Article())
        article = articles[-1]
        article.sentence_starts.append(len(article.tokens))
        for token, tag in sentence:
            article.tokens.append(token)
            article.tags.append(tag)
    return articles


def spans_of(article: Article) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for index, tag in enumerate(article.tags):
        if tag == "O":
            continue
        prefix, _, label = tag.partition("-")
        if prefix in "BU":
            start = index
        if prefix in "LU":
            spans.append(Span(label, start, index + 1))
    return spans


def build(article: Article, spaced: bool) -> Built:
    """Paragraph texts and each token's place, marks spaced by their turn (see module doc)."""
    tokens = article.tokens
    opens: dict[int, bool] = {}
    inside = False
    for index, token in enumerate(tokens):
        if token[0] in MARKS:
            opens[index] = not inside
            inside = not inside
    starts = set(article.sentence_starts)
    # An opening mark the splitter left at a sentence's end starts the next sentence.
    for index in list(opens):
        if opens[index] and index + 1 in starts and len(tokens[index]) == 1:
            starts.discard(index + 1)
            starts.add(index)
    paragraphs: list[str] = []
    where: list[tuple[int, int, int]] = []
    text = ""
    inside = False
    glue_next = True
    for index, token in enumerate(tokens):
        if index in starts and index and not inside:
            paragraphs.append(text)
            text, glue_next = "", True
        is_mark = index in opens
        if is_mark:
            inside = opens[index]
        closing_mark = is_mark and not opens[index] and len(token) == 1
        glue = glue_next or token in NO_SPACE_BEFORE or (closing_mark and not spaced)
        if token == "-" and text[-1:].isalnum() and index + 1 < len(tokens):
            glue = tokens[index + 1][:1].isalnum()
        if not glue:
            text += " "
        where.append((len(paragraphs), len(text), len(text) + len(token)))
        text += token
        glue_next = token in NO_SPACE_AFTER or (
            is_mark and opens[index] and len(token) == 1 and not spaced
        )
        if token == "-" and glue and text[-2:-1].isalnum():
            glue_next = True
    paragraphs.append(text)
    return Built(paragraphs, where)


def title_words() -> frozenset[str]:
    gaz = gazetteer()
    words = {word for phrase in gaz.person_cues for word in phrase}
    return frozenset(words | {"kombes", "pol", "h", "hj", "dr", "ir", "drs", "st", "se", "sh"})


def name_words(name: str, titles: frozenset[str]) -> tuple[set[str], set[str]]:
    words = set(key_tuple(name))
    return words - titles, words


def speaker_right(
    found: str | None, gold: str, fuller: list[str], paragraphs: list[str], titles: frozenset[str]
) -> bool:
    if not found:
        return False
    found_core, found_all = name_words(found, titles)
    gold_core, gold_all = name_words(gold, titles)
    if not gold_core:  # a title only: `kata Presiden`
        if gold_all <= found_all:
            return True
        return any(f"{gold} {found}" in p for p in paragraphs) or any(
            f"{gold} {found}" in name for name in fuller
        )
    if not found_core:
        return False
    if gold_core <= found_core:
        return True
    return any(found_core <= name_words(name, titles)[0] for name in [gold, *fuller])


@dataclass
class Score:
    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    right: Counter[str] = field(default_factory=Counter)
    quotes: int = 0
    extra: int = 0
    failures: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


def gold_speaker(
    article: Article, spans: list[Span], statement: Span
) -> tuple[str, str, list[str]] | None:
    """(case, gold name, fuller names for it) of a statement, None when nothing says."""
    tokens = article.tokens
    sentence_ends = [*article.sentence_starts[1:], len(tokens)]
    last_sentence_end = next(e for e in sentence_ends if e >= statement.end)
    people = [s for s in spans if s.label in ("PERSON", "PERSONCOREF")]
    statements = [s for s in spans if s.label == "STATEMENT"]
    next_statement = min(
        (s.start for s in statements if s.start >= statement.end), default=len(tokens)
    )
    limit = min(last_sentence_end, next_statement)
    after = [s for s in people if statement.end <= s.start < limit]
    cue_coref = any(s.label == "CUECOREF" and statement.end <= s.start < limit for s in spans)
    first_sentence_start = max(s for s in article.sentence_starts if s <= statement.start)
    before = [s for s in people if first_sentence_start <= s.start and s.end <= statement.start]
    chosen = after[0] if after else (None if cue_coref else (before[-1] if before else None))

    def text_of(span: Span) -> str:
        return " ".join(tokens[span.start : span.end])

    def fuller_for(name: str) -> list[str]:
        words = set(key_tuple(name))
        return [
            text_of(s)
            for s in people
            if s.label == "PERSON"
            and s.start < statement.start
            and words <= set(key_tuple(text_of(s)))
        ]

    if chosen is not None and text_of(chosen).casefold() not in PRONOUNS:
        name = text_of(chosen)
        case = "named" if chosen.label == "PERSON" else "short-name"
        return case, name, fuller_for(name)
    earlier = [
        s for s in people if s.end <= statement.start and text_of(s).casefold() not in PRONOUNS
    ]
    if not earlier:
        return None
    name = text_of(earlier[-1])
    return "pronoun", name, fuller_for(name)


def evaluate(articles: list[Article], spaced: bool, score: Score, titles: frozenset[str]) -> None:
    for article in articles:
        built = build(article, spaced)
        spans = spans_of(article)
        found = attribute(built.paragraphs, recognise(built.paragraphs))
        score.quotes += len(found)
        matched: set[int] = set()
        for statement in (s for s in spans if s.label == "STATEMENT"):
            content = [
                i
                for i in range(statement.start, statement.end)
                if article.tokens[i][0] not in MARKS
            ]
            if not content:
                continue
            gold = gold_speaker(article, spans, statement)
            case = gold[0] if gold else "unattributed"
            score.gold[case] += 1
            chars: dict[int, set[int]] = {}
            for i in content:
                paragraph, start, end = built.where[i]
                chars.setdefault(paragraph, set()).update(range(start, end))
            size = sum(len(c) for c in chars.values())
            best: tuple[float, int, Quote] | None = None
            for number, quote in enumerate(found):
                inside = chars.get(quote.paragraph)
                if not inside:
                    continue
                quote_chars = set(range(quote.start, quote.end))
                overlap = len(quote_chars & inside)
                if overlap and (best is None or overlap > best[0]):
                    best = (overlap, number, quote)
            first_paragraph, first_start, _ = built.where[content[0]]
            excerpt = built.paragraphs[first_paragraph][first_start : first_start + 70]
            covered = 0.0
            if best is not None:
                covered = sum(
                    len(set(range(q.start, q.end)) & chars.get(q.paragraph, set()))
                    for q in found
                    if q.paragraph in chars
                )
            outside = 0.0
            if best is not None:
                outside = 1 - best[0] / max(1, best[2].end - best[2].start)
            if best is None or covered < 0.8 * size or outside > 0.25:
                score.failures.append(f"  missed [{case}] {excerpt!r}")
                continue
            matched.add(best[1])
            score.found[case] += 1
            if gold is None:
                continue
            _, name, fuller = gold
            quote = best[2]
            if speaker_right(quote.speaker, name, fuller, built.paragraphs, titles):
                score.right[case] += 1
            else:
                earlier = [
                    q.speaker
                    for q in found
                    if (q.paragraph, q.start) < (quote.paragraph, quote.start) and q.speaker
                ]
                score.failures.append(
                    f"  speaker [{case}] got {quote.speaker!r}, want {name!r}: {excerpt!r}"
                    f"\n      earlier speakers: {earlier[-4:]}"
                )
        for number, quote in enumerate(found):
            if number not in matched and quote.kind != "indirect":
                score.extra += 1
                score.extras.append(f"  extra [{quote.kind}] {quote.text[:70]!r} ({quote.speaker})")


def report(name: str, score: Score, seconds: float, verbose: bool) -> None:
    gold_total = sum(score.gold.values())
    found_total = sum(score.found.values())
    print(f"\n{name}: {gold_total} statements, {score.quotes} quotes found in {seconds:.1f} s")
    print(
        f"  statement recall {found_total / gold_total:.3f} ({found_total}/{gold_total}); "
        f"quotes matching no statement: {score.extra}"
    )
    scored = [case for case in CASES if score.found[case]]
    right = sum(score.right[case] for case in scored)
    attributed = sum(score.found[case] for case in scored)
    print(f"  speaker accuracy {right / attributed:.3f} ({right}/{attributed})")
    for case in (*CASES, "unattributed"):
        if not score.gold[case]:
            continue
        found, gold = score.found[case], score.gold[case]
        line = f"    {case:<13} recall {found / gold:.3f} ({found}/{gold})"
        if case != "unattributed" and found:
            line += f", speaker {score.right[case] / found:.3f} ({score.right[case]}/{found})"
        print(line)
    if verbose:
        print("\n".join(score.failures))
        print("\n".join(score.extras))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO)
    parser.add_argument("--spaced", action="store_true", help="a space both sides of every mark")
    parser.add_argument("--file", choices=DEV_FILES, action="append", help="default: all")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    args = parser.parse_args()
    titles = title_words()
    for name in args.file or DEV_FILES:
        articles = articles_of(read_dev_file(args.repo, name))
        score = Score()
        started = time.perf_counter()
        evaluate(articles, args.spaced, score, titles)
        report(name, score, time.perf_counter() - started, args.verbose)


if __name__ == "__main__":
    main()
