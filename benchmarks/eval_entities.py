"""Measure the entity recogniser and quote attribution against hand-annotated text.

Two sources of gold: the bundled seeds (every non-empty raw line, distinct entities per
article, every quote) and benchmarks/data/annotated.jsonl, sentences written in the
style of detik, kompas, tempo, CNN Indonesia, antaranews, tribunnews and liputan6.
The `dev` part was used while writing the rules. `heldout` (A) was written before the
rules were run on it; its first, blind run is recorded in README; its errors were seen
afterwards and only general rules were added. `heldout-b` was written after that round;
its blind first run is also in README, then general rules were added for its errors.
`heldout-c` was written after that and never tuned on; a last round of general rules was
made after its run (its first figures are in README), then `heldout-d` was written and
used for one last round of general rules (its first figures are in README too).
`heldout-e` was written and run once before a fifth round of general rules, `heldout-f`
after that round; both first runs are in README. `heldout-g` was written after a sixth
round made from F's errors; its first run is in README too.

    python benchmarks/eval_entities.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kabar_tui.core.language.entities import recognise  # noqa: E402
from kabar_tui.core.language.quotes import attribute  # noqa: E402
from kabar_tui.core.model import Quote  # noqa: E402
from kabar_tui.core.resources import seeds_dir  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
LABELS = ("PER", "LOC", "ORG")


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    quotes_gold: int = 0
    quotes_found: int = 0
    quotes_extra: int = 0
    kind_right: int = 0
    speaker_right: int = 0
    errors: list[str] = field(default_factory=list)

    def entities(self, gold: Counter[tuple[str, str]], found: Counter[tuple[str, str]]) -> None:
        for item in gold | found:
            hit = min(gold[item], found[item])
            self.tp[item[1]] += hit
            self.fp[item[1]] += found[item] - hit
            self.fn[item[1]] += gold[item] - hit
            if found[item] > hit:
                self.errors.append(f"  extra   {item}")
            if gold[item] > hit:
                self.errors.append(f"  missed  {item}")

    def quotes(self, gold: list[list], found: list[Quote]) -> None:
        remaining = [q for q in found if q.kind != "indirect"]  # the gold has marks only
        for prefix, kind, speaker, *rest in gold:
            self.quotes_gold += 1
            match = next((q for q in remaining if q.text.startswith(prefix)), None)
            if match is None:
                self.errors.append(f"  quote not found: {prefix!r}")
                continue
            remaining.remove(match)
            self.quotes_found += 1
            self.kind_right += match.kind == kind
            via_right = not rest or match.via == rest[0]
            if match.speaker == speaker and via_right:
                self.speaker_right += 1
            else:
                self.errors.append(
                    f"  speaker {prefix!r}: got {match.speaker!r} via {match.via!r}, "
                    f"want {speaker!r}"
                )
            if match.kind != kind:
                self.errors.append(f"  kind {prefix!r}: got {match.kind}, want {kind}")
        self.quotes_extra += len(remaining)

    def report(self, title: str, verbose: bool) -> None:
        print(f"\n{title}")
        print(f"  {'label':<6}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
        for label in (*LABELS, "all"):
            if label == "all":
                tp, fp, fn = (sum(c.values()) for c in (self.tp, self.fp, self.fn))
            else:
                tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            print(f"  {label:<6}{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}{tp + fn:>7}")
        if self.quotes_gold:
            found = self.quotes_found
            print(
                f"  quotes found {found}/{self.quotes_gold}, extra {self.quotes_extra}; "
                f"kind right {self.kind_right}/{found}; "
                f"speaker accuracy {self.speaker_right / found if found else 0:.3f} "
                f"({self.speaker_right}/{found})"
            )
        if verbose:
            print("\n".join(self.errors))


def evaluate_seeds() -> Score:
    score = Score()
    gold = json.loads((DATA / "seeds_gold.json").read_text(encoding="utf-8"))
    for path in sorted(seeds_dir().glob("*.txt")):
        expected = gold[path.name[:3]]
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        paragraphs = [line for line in lines if line]
        mentions = recognise(paragraphs)
        found = Counter({(m.text, m.label) for m in mentions})
        score.entities(Counter({tuple(e) for e in expected["entities"]}), found)
        score.quotes(expected["quotes"], attribute(paragraphs, mentions))
    return score


def evaluate_annotated(split: str) -> Score:
    score = Score()
    for line in (DATA / "annotated.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["split"] != split:
            continue
        mentions = recognise([item["text"]])
        score.entities(
            Counter(tuple(e) for e in item["entities"]),
            Counter((m.text, m.label) for m in mentions),
        )
        score.quotes(item["quotes"], attribute([item["text"]], mentions))
    return score


def main() -> None:
    verbose = "-v" in sys.argv
    evaluate_seeds().report("seeds (5 articles, raw lines, distinct entities)", verbose)
    evaluate_annotated("dev").report("annotated dev (rules were tuned on these)", verbose)
    evaluate_annotated("heldout").report("annotated held-out A (errors seen once)", verbose)
    evaluate_annotated("heldout-b").report("annotated held-out B (errors seen once)", verbose)
    evaluate_annotated("heldout-c").report("annotated held-out C (first run in README)", verbose)
    evaluate_annotated("heldout-d").report("annotated held-out D (first run in README)", verbose)
    evaluate_annotated("heldout-e").report("annotated held-out E (first run in README)", verbose)
    evaluate_annotated("heldout-f").report("annotated held-out F (first run in README)", verbose)
    evaluate_annotated("heldout-g").report("annotated held-out G (first run in README)", verbose)


if __name__ == "__main__":
    main()
