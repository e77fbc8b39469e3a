"""Score the cleaner on the development set of real scrapes (`benchmarks/devset/`).

Run `python -m benchmarks.devset.build` first (it rebuilds the raw articles from the
scrapers' public repositories), then `python -m benchmarks.eval_clean [-v]`.

Measured against the hand labels in `benchmarks/devset/labels.jsonl`:
- paragraphs kept: a labelled body paragraph counts as kept when all its words appear, in
  order and contiguously, in the cleaned body (so rejoining or splitting lines is fine,
  losing or altering words is not). Glued words the labels say an editor splits
  (`fixes`) must come out split, and words split that should not be fail too. A
  paragraph longer than a few sentences (a whole article on one line) is scored
  sentence by sentence;
- junk leaked: a labelled junk line or crawler field (URL, date) that starts or was
  rejoined into a kept paragraph, or an inline junk snippet whose words are still in the
  body; reported per dump shape;
- duplicates kept: a labelled repeat that starts or was rejoined into a kept paragraph;
- title, outlet, author, published time right, over the articles whose labels state them.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kabar_tui.core.ingest.clean import clean_source
from kabar_tui.core.ingest.sources import Source
from kabar_tui.core.model import Article

DEVSET = Path(__file__).parent / "devset"
_TOKEN = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])[,]?\s+(?=[\"“A-Z])|(?<=[.!?\"”]),(?=[\"“A-Z])")
LONG_PARAGRAPH_CHARS = 1200
FIELDS = ("title", "outlet", "author", "published", "credited_source")


def tokens(text: str) -> str:
    return " " + " ".join(_TOKEN.findall(text.casefold())) + " "


@dataclass
class Tally:
    kept: int = 0
    paragraphs: int = 0
    kept_by: dict[str, int] = field(default_factory=dict)
    paragraphs_by: dict[str, int] = field(default_factory=dict)
    leaked: dict[str, int] = field(default_factory=dict)
    junk: dict[str, int] = field(default_factory=dict)
    dups_kept: int = 0
    dups: int = 0
    right: dict[str, int] = field(default_factory=dict)
    stated: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def units(text: str) -> list[str]:
    if len(text) <= LONG_PARAGRAPH_CHARS:
        return [text]
    return [part for part in _SENTENCE_END.split(text) if part.strip()]


def score_article(label: dict, raw: str, article: Article, tally: Tally) -> None:
    lines = raw.split("\n")
    body = tokens(" ".join(p.text for p in article.paragraphs))
    inline: dict[int, list[str]] = {}
    for number, snippet in label["inline_junk"]:
        inline.setdefault(number, []).append(snippet)
    aid, shape = label["id"], label["shape"]

    fixes: dict[int, list[tuple[str, str]]] = {}
    for number, wrong, right in label.get("fixes", []):
        fixes.setdefault(number, []).append((wrong, right))

    def line_text(number: int) -> str:
        """The line as a careful editor keeps it: inline junk out, glued words split."""
        text = lines[number - 1]
        for snippet in inline.get(number, []):
            text = text.replace(snippet, " ")
        for wrong, right in fixes.get(number, []):
            text = text.replace(wrong, right)
        return text

    for group in label["paragraphs"]:
        for unit in units(" ".join(line_text(n) for n in group)):
            words = tokens(unit)
            if words.strip():
                tally.paragraphs += 1
                tally.paragraphs_by[shape] = tally.paragraphs_by.get(shape, 0) + 1
                if words in body:
                    tally.kept += 1
                    tally.kept_by[shape] = tally.kept_by.get(shape, 0) + 1
                else:
                    tally.failures.append(f"{aid}: lost L{group[0]}: {unit.strip()[:90]!r}")
    # Whole junk lines are judged by line number (a tag `Thailand` is also a body word);
    # inline snippets, which share a line with body text, by their words.
    kept_lines = {p.line for p in article.paragraphs}
    kept_lines |= {e.line for e in article.edits if e.kind == "rejoined"}
    whole = [(n, lines[n - 1]) for n in label["junk"]]
    whole += [(n, lines[n - 1]) for n in label["meta"][1:]]  # crawler fields after the title
    for number, text in whole:
        if not text.strip():
            continue
        tally.junk[shape] = tally.junk.get(shape, 0) + 1
        if number in kept_lines:
            tally.leaked[shape] = tally.leaked.get(shape, 0) + 1
            tally.failures.append(f"{aid}: junk kept L{number}: {text.strip()[:90]!r}")
    for number, snippets in inline.items():
        for snippet in snippets:
            tally.junk[shape] = tally.junk.get(shape, 0) + 1
            if tokens(snippet) in body:
                tally.leaked[shape] = tally.leaked.get(shape, 0) + 1
                tally.failures.append(f"{aid}: junk kept in L{number}: {snippet[:90]!r}")
    for number in label["duplicates"]:
        tally.dups += 1
        if number in kept_lines:
            tally.dups_kept += 1
            tally.failures.append(f"{aid}: duplicate kept L{number}")
    got = {
        "title": " ".join(article.title.split()).casefold(),
        "outlet": article.outlet,
        "author": article.author,
        "published": article.published,
        "credited_source": article.credited_source,
    }
    for key in FIELDS:
        want = label[key]
        if want is None:
            continue
        tally.stated[key] = tally.stated.get(key, 0) + 1
        value = got[key]
        if key == "title":
            ok = value == " ".join(want.split()).casefold()
        elif key == "published":
            ok = value is not None and value.isoformat().startswith(want)
        else:
            ok = value == want
        if ok:
            tally.right[key] = tally.right.get(key, 0) + 1
        else:
            tally.failures.append(f"{aid}: {key} {value!r}, want {want!r}")


def evaluate() -> Tally:
    tally = Tally()
    labels = [json.loads(line) for line in (DEVSET / "labels.jsonl").read_text().splitlines()]
    for label in labels:
        path = DEVSET / "raw" / f"{label['id']}.txt"
        if not path.exists():
            raise SystemExit(f"{path} is missing: run `python -m benchmarks.devset.build` first")
        raw = path.read_bytes().decode("utf-8")  # keep lone \r as written
        article = clean_source(Source(label["id"], str(path), raw, ""))
        score_article(label, raw, article, tally)
    return tally


def main(argv: list[str]) -> int:
    tally = evaluate()
    if "-v" in argv:
        print("\n".join(tally.failures))
    pct = lambda a, b: f"{100 * a / b:5.1f}% ({a}/{b})" if b else "  n/a"  # noqa: E731
    print(f"{'paragraphs kept':<23}{pct(tally.kept, tally.paragraphs)}")
    for shape in sorted(tally.paragraphs_by):
        kept = tally.kept_by.get(shape, 0)
        print(f"{'  kept ' + shape:<23}{pct(kept, tally.paragraphs_by[shape])}")
    for shape in sorted(tally.junk):
        print(f"{'junk leaked ' + shape:<23}{pct(tally.leaked.get(shape, 0), tally.junk[shape])}")
    print(f"{'duplicates kept':<23}{pct(tally.dups_kept, tally.dups)}")
    for key in FIELDS:
        name = key.replace("_", " ") + " right"
        print(f"{name:<23}{pct(tally.right.get(key, 0), tally.stated.get(key, 0))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
