"""Does other code process files to the same articles? Runs the per-file stage (cleaning,
entities, quotes, then what a worker sends back: the stored rows, digest and search terms)
with the code of each checkout on the files of the folders, and entity recognition plus
quote attribution on generated news (16 articles at a time and one at a time), and
compares everything printed.

    python benchmarks/same_per_file.py BEFORE_CHECKOUT AFTER_CHECKOUT DIR [DIR ...]

A speed change must leave this identical (docs/entities.md, "tagspeed"). Each checkout's
output is written to a temporary file as one line per article (`corpus_to_dict`'s article
JSON, and the worker's StoredArticle made plain); the first differing line is shown.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

DUMP = r'''
import array, dataclasses, json, sys
from pathlib import Path
from benchmarks.textgen import paragraphs
from kabar_tui.core.language.entities import recognise, recognise_many
from kabar_tui.core.store.export import article_to_dict
from kabar_tui.core.indexing.pipeline import IndexOptions, _process_many, _Shape
from kabar_tui.core.language.quotes import attribute
from kabar_tui.core.ingest.sources import Source, read_source


def plain(x):
    """Anything a worker sends back as lists, tuples and dicts of plain values."""
    if isinstance(x, (str, int, float, bool, type(None), bytes)):
        return x
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, {f: plain(getattr(x, f)) for f in x._fields})
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(map(repr, map(plain, x)))
    if isinstance(x, dict):
        return [(plain(k), plain(v)) for k, v in x.items()]
    if isinstance(x, array.array):
        return (x.typecode, x.tolist())
    if hasattr(x, "tolist"):
        return x.tolist()
    if dataclasses.is_dataclass(x):
        fields = [f.name for f in dataclasses.fields(x)]
        return (type(x).__name__, {name: plain(getattr(x, name)) for name in fields})
    if hasattr(x, "__dict__"):
        return (type(x).__name__, plain(vars(x)))
    if hasattr(x, "__slots__"):
        return (type(x).__name__, {k: plain(getattr(x, k)) for k in x.__slots__ if hasattr(x, k)})
    return repr(x)


out = open(sys.argv[1], "w", encoding="utf-8")
options = IndexOptions()
for folder in sys.argv[2:]:
    files = sorted(p for p in Path(folder).iterdir() if p.is_file())
    sources = [s for s in map(read_source, files) if isinstance(s, Source)]
    for start in range(0, len(sources), options.batch):
        part = sources[start : start + options.batch]
        for source, result in zip(part, _process_many(part, options, _Shape())):
            shown = result if isinstance(result, str) else article_to_dict(result)
            out.write(source.path + "\t" + json.dumps(shown, sort_keys=True, default=str) + "\n")
        for source, result in zip(part, _process_many(part, options, _Shape(True, True, True))):
            out.write(source.path + "\t" + repr(plain(result)) + "\n")
texts = paragraphs(400 * 8, seed=3)
articles = [texts[i : i + 8] for i in range(0, len(texts), 8)]
for i in range(0, len(articles), 16):
    for article, found in zip(articles[i : i + 16], recognise_many(articles[i : i + 16])):
        out.write(repr(found) + "\n" + repr(attribute(article, found)) + "\n")
for article in articles[:100]:
    found = recognise(article)
    out.write(repr(found) + "\n" + repr(attribute(article, found)) + "\n")
'''


def dump(checkout: Path, folders: list[str], into: Path) -> str:
    environment = dict(os.environ, PYTHONPATH=str(checkout), PYTHONHASHSEED="0")
    subprocess.run(
        [sys.executable, "-c", DUMP, str(into), *folders],
        cwd=checkout,
        env=environment,
        check=True,
    )
    return hashlib.sha256(into.read_bytes()).hexdigest()


def main() -> None:
    before, after = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    folders = [str(Path(folder).resolve()) for folder in sys.argv[3:]]
    with tempfile.TemporaryDirectory() as scratch:
        first, second = Path(scratch, "before.txt"), Path(scratch, "after.txt")
        digests = dump(before, folders, first), dump(after, folders, second)
        lines = first.read_text(encoding="utf-8").splitlines()
        print(f"before {digests[0][:16]}, after {digests[1][:16]}: {len(lines)} lines")
        if digests[0] == digests[1]:
            print("the same")
            return
        for number, (old, new) in enumerate(
            zip(lines, second.read_text(encoding="utf-8").splitlines(), strict=False), 1
        ):
            if old != new:
                print(f"line {number} differs:\n- {old[:300]}\n+ {new[:300]}")
                break
        raise SystemExit(1)


if __name__ == "__main__":
    main()
