"""Every mention and quote recognition gives on the dev sets, one line each, for comparing
two checkouts' output byte for byte (a speed change must leave it unchanged; the
evaluations print scores only).

    python benchmarks/dev_output.py OUT

Writes: each sentence of the NER-UI, idner and NERGrit dev sets recognised alone, and the
same sentences 8 to an article, 8 articles at a time (`recognise_many`), with their quotes;
then the PFSA-ID dev files, each article built as `eval_quotes` builds it both ways (with
and without spaces before marks), recognised and attributed. Dev splits only.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.eval_quotes import (  # noqa: E402
    DEFAULT_REPO,
    DEV_FILES,
    articles_of,
    build,
    read_dev_file,
)
from kabar_tui.core.language.entities import recognise, recognise_many  # noqa: E402
from kabar_tui.core.language.quotes import attribute  # noqa: E402
from kabar_tui.train.corpora import CORPORA, detokenize, load  # noqa: E402


def main() -> None:
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for corpus in CORPORA:
            texts = [detokenize(sentence.words)[0] for sentence in load(corpus, "dev")]
            for text in texts:
                out.write(f"{corpus}\t{recognise([text])!r}\n")
            articles = [texts[i : i + 8] for i in range(0, len(texts), 8)]
            for i in range(0, len(articles), 8):
                part = articles[i : i + 8]
                for article, found in zip(part, recognise_many(part), strict=True):
                    out.write(f"{corpus}\t{found!r}\t{attribute(article, found)!r}\n")
        for name in DEV_FILES:
            for article in articles_of(read_dev_file(DEFAULT_REPO, name)):
                for spaced in (True, False):
                    paragraphs = build(article, spaced).paragraphs
                    found = recognise(paragraphs)
                    out.write(f"{name}\t{found!r}\t{attribute(paragraphs, found)!r}\n")


if __name__ == "__main__":
    main()
