"""Rebuild the cleaning development set from public scraper repositories.

The articles are the outlets' text, so they are not committed: this script reads them out
of local snapshots of the repositories (made with the project's `fetch` tool, or
`git clone`) and writes one `.txt` file per article into `benchmarks/devset/raw/`
(git-ignored), exactly as the scraper stored it. `sources.json` names, for each article,
the repository, commit, path and record index; `labels.jsonl` holds the hand labels.

Records of CSV/JSON dumps become text the way a crawler that writes field by field does:
each listed field on its own line, in the order given; a field holding a list (or a
Python list written as text) puts each item on its own line. Nothing else is changed.

Saved HTML (a whole page, or an article's body stored as HTML in a SQL dump) becomes text
the way the common BeautifulSoup scraper call makes it (`transform` in `sources.json`):
- `page`: `soup.get_text("\n")` on the whole page, scripts and styles removed first, so
  menus, teaser lists, footers and widgets come along with the article;
- `body`: `element.get_text("\n")` on the article's body element (`select`, a CSS
  selector), so every inline link's text lands on a line of its own.
Each line is stripped and blank lines are dropped, as the usual recipe does.
BeautifulSoup is a build-time tool only (the `devset` extra), never a runtime dependency.

Run: `pip install -e '.[devset]'`, then
`python -m benchmarks.devset.build [--mirror DIR]` (default `/work/.mirror`).
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


def sql_rows(text: str, table: str) -> list[list[str]]:
    """The value tuples of a `INSERT INTO `table` ... VALUES (...), (...);` dump."""
    start = text.index(f"INSERT INTO `{table}`")
    at = text.index("VALUES", start) + len("VALUES")
    rows: list[list[str]] = []
    row: list[str] = []
    value: list[str] = []
    quoted = False
    depth = 0
    while at < len(text):
        char = text[at]
        if quoted:
            if char == "\\":
                nxt = text[at + 1]
                value.append({"n": "\n", "r": "\r", "t": "\t", "0": ""}.get(nxt, nxt))
                at += 2
                continue
            if char == "'":
                quoted = False
            else:
                value.append(char)
        elif char == "'":
            quoted = True
        elif char == "(":
            depth += 1
            row, value = [], []
        elif char in ",)" and depth:
            row.append("".join(value).strip())
            value = []
            if char == ")":
                depth -= 1
                rows.append(row)
        elif char == ";" and not depth:
            break
        elif depth:
            value.append(char)
        at += 1
    return rows


def html_text(html: str, transform: str, select: str | None) -> str:
    """The text a BeautifulSoup scraper gets from `html` (see the module docstring)."""
    from bs4 import BeautifulSoup  # build-time only: the `devset` extra

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    if transform == "page":
        root = soup
    elif transform == "body":
        found = soup.select_one(select) if select else soup
        if found is None:
            raise SystemExit(f"no element matches {select!r}")
        root = found
    else:
        raise ValueError(transform)
    lines = (line.strip() for line in root.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line) + "\n"


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
        if item["format"] in ("html", "sql"):
            html = git_show(repo_dir(args.mirror, item["repo"]), item["commit"], item["path"])
            if item["format"] == "sql":
                row = next(r for r in sql_rows(html, item["table"]) if r[0] == item["record"])
                html = row[item["column"]]
            text = html_text(html, item["transform"], item.get("select"))
        else:
            if key not in cache:
                raw = git_show(repo_dir(args.mirror, item["repo"]), item["commit"], item["path"])
                cache[key] = records(raw, item["format"])
            text = render(cache[key][item["record"]], item["fields"])
        (RAW / f"{item['id']}.txt").write_text(text, encoding="utf-8")
    print(f"wrote {len(spec['articles'])} articles to {RAW}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
