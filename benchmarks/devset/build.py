"""Rebuild the cleaning development set from public scraper repositories.

The articles are the outlets' text, so they are not committed: this script reads them out
of local snapshots of the repositories (made with the project's `fetch` tool, or
`git clone`) and writes one `.txt` file per article into `benchmarks/devset/raw/`
(git-ignored), exactly as the scraper stored it. `sources.json` names, for each article,
the repository, commit, path and record index; `labels.jsonl` holds the hand labels.

Records of CSV/JSON dumps become text the way a crawler that writes field by field does:
each listed field on its own line, in the order given; a field holding a list (or a
Python list written as text) puts each item on its own line. Nothing else is changed.

Run: `python -m benchmarks.devset.build [--mirror DIR]` (default `/work/.mirror`).
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = HERE / "sources.json"
RAW = HERE / "raw"


def repo_dir(mirror: Path, repo: str) -> Path:
    base = mirror / repo.replace("/", "+")
    for candidate in (base / "repo" / ".git", base / "repo", base):
        if (candidate / "HEAD").exists() or (candidate / ".git").exists():
            return candidate
    raise SystemExit(f"no snapshot of {repo} under {mirror}: fetch it first")


def git_show(git_dir: Path, commit: str, path: str) -> str:
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        capture_output=True,
        check=True,
    )
    return out.stdout.decode("utf-8")


def records(text: str, kind: str) -> list[dict[str, object]]:
    if kind == "csv":
        csv.field_size_limit(1 << 30)
        return list(csv.DictReader(io.StringIO(text)))
    if kind == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if kind == "json":
        return list(json.loads(text))
    raise ValueError(kind)


def field_lines(value: object) -> list[str]:
    """One field's text lines; a list (or a list written as a Python literal) item by item."""
    if isinstance(value, list):
        return [str(item) for item in value]
    text = "" if value is None else str(value)
    if text.startswith("[") and text.endswith("]"):
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return [text]
        if isinstance(items, list):
            return [str(item) for item in items]
    return [text]


def render(record: dict[str, object], fields: list[str]) -> str:
    lines: list[str] = []
    for name in fields:
        lines.extend(field_lines(record.get(name)))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    args = parser.parse_args(argv)
    spec = json.loads(SOURCES.read_text(encoding="utf-8"))
    RAW.mkdir(exist_ok=True)
    cache: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    for item in spec["articles"]:
        key = (item["repo"], item["commit"], item["path"])
        if key not in cache:
            text = git_show(repo_dir(args.mirror, item["repo"]), item["commit"], item["path"])
            cache[key] = records(text, item["format"])
        record = cache[key][item["record"]]
        (RAW / f"{item['id']}.txt").write_text(render(record, item["fields"]), encoding="utf-8")
    print(f"wrote {len(spec['articles'])} articles to {RAW}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
