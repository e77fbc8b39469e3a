"""Find article files and read them safely: every bad input becomes a one-line Problem."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kabar_tui.core.model import Problem

MAX_FILE_BYTES = 5 * 1024 * 1024  # a scraped article is a few KB; 5 MB is surely not one
ARTICLE_SUFFIX = ".txt"


@dataclass(slots=True, frozen=True)
class Source:
    """The raw text of one article file."""

    id: str
    path: str
    text: str
    content_hash: str


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, `*.txt`) into a sorted list of files."""
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            problems.append(Problem(str(raw), "no such file or folder", fatal=True))
        elif path.is_dir():
            found = _article_files(path)
            if not found:
                problems.append(
                    Problem(str(raw), f"folder has no article files (*{ARTICLE_SUFFIX})", True)
                )
            files.extend(found)
        elif path.is_file():
            files.append(path.resolve())
        else:
            problems.append(Problem(str(raw), "not a regular file", fatal=True))
    unique = list(dict.fromkeys(files))
    return unique, problems


def _article_files(folder: Path) -> list[Path]:
    """Resolved `*.txt` files under `folder`, sorted, symlinked folders not followed.

    What `sorted(folder.rglob(...))` + `resolve()` gives, with os.scandir instead: pathlib's
    per-file costs were most of the time to reopen a cached 10k-article corpus.
    """
    found: list[tuple[list[str], str]] = []  # (sort key, resolved path)
    pending = [os.path.realpath(folder)]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif entry.name.endswith(ARTICLE_SUFFIX) and entry.is_file():
                    resolved = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
                    found.append((entry.path.split(os.sep), resolved))
            except OSError:
                continue
    found.sort()
    return [Path(resolved) for _, resolved in found]


def read_source(path: Path) -> Source | Problem:
    """Read one file as UTF-8 text, or say in one line why it cannot be an article."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            mb = size / (1024 * 1024)
            return Problem(str(path), f"skipped: {mb:.1f} MB is too large for an article")
        data = path.read_bytes()
    except OSError as error:
        return Problem(str(path), f"cannot read: {error.strerror or error}")
    if not data.strip():
        return Problem(str(path), "skipped: empty file")
    if b"\x00" in data[:8192]:
        return Problem(str(path), "skipped: binary file, not text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Problem(
            str(path), f"skipped: not valid UTF-8 (byte {error.start}); save it as UTF-8"
        )
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return Source(id=path.stem, path=str(path), text=text, content_hash=digest)


def read_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[Problem]]:
    """Discover and read every article file under `paths`."""
    files, problems = discover(paths)
    sources: list[Source] = []
    for file in files:
        result = read_source(file)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            sources.append(result)
    return sources, problems
