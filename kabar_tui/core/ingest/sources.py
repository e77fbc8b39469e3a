"""Find article files and read them safely: every bad input becomes a one-line Problem."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import functools
import hashlib
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kabar_tui.core.model import Problem
from kabar_tui.core.safe import UNSAFE, visible

MAX_FILE_BYTES = 5 * 1024 * 1024  # a scraped article is a few KB; 5 MB is surely not one
ARTICLE_SUFFIX = ".txt"
MAX_STRAY_NULS = 16  # more NUL bytes than this (and than 1% of the file): binary
# A Unicode noncharacter: never in a real file name we keep as text, so it marks the rest
# of a `path_key` as the hex of a path's bytes.
RAW_PATH_MARK = "\ufdd0"
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xef\xbb\xbf", "utf-8"),
)


@dataclass(slots=True, frozen=True)
class Source:
    """The raw text of one article file."""

    id: str
    path: str  # `path_key`: the path, or its bytes when they are not text
    text: str
    content_hash: str


def is_article_name(name: str) -> bool:
    """Whether a file of this name is an article: what a folder walk takes (hidden names
    too: nothing is left out unsaid) and what a watcher of the folders reports, alike."""
    return name.endswith(ARTICLE_SUFFIX)


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders (recursively, `*.txt`) into a sorted list of files."""
    files, problems = discover_paths(paths)
    return [Path(file) for file in files], problems


def discover_paths(
    paths: Iterable[str | Path], statuses: dict[str, os.stat_result] | None = None
) -> tuple[list[str], list[Problem]]:
    """`discover` as path strings: making 10k `Path` objects costs more than finding them,
    and a cached open (`catalog_open`) needs no more. With `statuses`, each file's
    `stat` is put there, taken during the walk, so a caller that checks the files'
    metadata walks the tree once."""
    files: list[str] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            problems.append(Problem(str(raw), "no such file or folder", fatal=True))
        elif path.is_dir():
            found = _article_files(path, problems, statuses)
            if not found:
                problems.append(
                    Problem(str(raw), f"folder has no article files (*{ARTICLE_SUFFIX})", True)
                )
            files.extend(found)
        elif path.is_file():
            resolved = str(path.resolve())
            files.append(resolved)
            if statuses is not None:
                with contextlib.suppress(OSError):  # then checked on its own
                    statuses[resolved] = os.stat(resolved)
        else:
            problems.append(Problem(str(raw), "not a regular file", fatal=True))
    unique = list(dict.fromkeys(files))
    return unique, problems


def _article_files(
    folder: Path, problems: list[Problem], statuses: dict[str, os.stat_result] | None = None
) -> list[str]:
    """Resolved `*.txt` files under `folder`, sorted, symlinked folders not followed.

    What `sorted(folder.rglob(...))` + `resolve()` gives, with os.scandir instead: pathlib's
    per-file costs were most of the time to reopen a cached 10k-article corpus. A folder
    or entry that cannot be read is skipped with a warning in `problems`.
    """
    # (sort key, resolved path); in the key NUL, which no name holds, stands for the
    # separator: it sorts as the list of the path's parts would, many times faster.
    found: list[tuple[str, str]] = []
    pending = [os.path.realpath(folder)]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError as error:
            problems.append(Problem(current, _folder_skipped(error)))
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif is_article_name(entry.name) and entry.is_file():
                    resolved = os.path.realpath(entry.path) if entry.is_symlink() else entry.path
                    if statuses is not None:
                        statuses[resolved] = entry.stat()
                    found.append((entry.path.replace(os.sep, "\0"), resolved))
            except FileNotFoundError:
                continue  # removed while the folder was read: as if never there
            except OSError as error:
                problems.append(Problem(entry.path, _folder_skipped(error)))
    found.sort()
    return [resolved for _, resolved in found]


def _folder_skipped(error: OSError) -> str:
    if error.errno in (errno.ENAMETOOLONG, errno.ELOOP):
        return "skipped: nested too deep (the path is too long to open)"
    return f"skipped: cannot read ({error.strerror or error})"


def path_key(path: str | Path) -> str:
    """The text a file is known by (`Source.path`, the cache): its path, when that is text.

    A file name need not be valid UTF-8; Python then holds its bytes as lone surrogates,
    which no text encoder (SQLite, hashing, the terminal) accepts. Such a path, or one that
    contains the marker itself, is kept as the marker and its bytes in hex: exact, and
    never equal to the key of another path (a noncharacter never ends a folder walk).
    """
    text = os.fspath(path)
    if text.isascii():  # most paths: no need to look further
        return text
    if RAW_PATH_MARK not in text:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return text
    return RAW_PATH_MARK + os.fsencode(text).hex()


def key_path(key: str) -> Path:
    """The file a `path_key` names."""
    if key.startswith(RAW_PATH_MARK):
        return Path(os.fsdecode(bytes.fromhex(key[len(RAW_PATH_MARK) :])))
    return Path(key)


def display_path(key: str) -> str:
    """A `path_key` as a person reads it: undecodable bytes and controls shown visibly."""
    return visible(str(key_path(key)))


def article_ids(files: Sequence[str | Path]) -> list[str]:
    """One id per file, unique in the corpus and the same on every run over it.

    The file name without `.txt`; when several files share it (`okezone/0001.txt`,
    `antara/0001.txt`), the fewest trailing folders that tell them apart
    (`okezone/0001`); if even their full paths read the same (they differ only in an
    invisible or undecodable character), a short hash of the path's bytes is added.
    """
    ids = _stems(files)
    if UNSAFE.search("".join(ids)):  # one search over all: most names need no change
        ids = list(map(visible, ids))
    if len(set(ids)) == len(ids):  # most corpora: every name its own
        return ids
    by_id: dict[str, list[int]] = {}
    for index, article_id in enumerate(ids):
        by_id.setdefault(article_id, []).append(index)
    for members in by_id.values():
        if len(members) > 1:
            _tell_apart(files, ids, members)
    counts = Counter(ids)
    for index, article_id in enumerate(ids):
        if counts[article_id] > 1:
            digest = hashlib.blake2b(os.fsencode(files[index]), digest_size=4).hexdigest()
            ids[index] = f"{article_id}~{digest}"
    return ids


@functools.lru_cache(maxsize=4096)
def _visible_folders(folder: str) -> tuple[str, ...]:
    return tuple(visible(part) for part in folder.split(os.sep) if part)


def _folders(file: str | Path) -> tuple[str, ...]:
    """The names of the folders holding a resolved file, outermost first, made visible."""
    return _visible_folders(os.path.dirname(file))


def _stems(files: Sequence[str | Path]) -> list[str]:
    """`Path(file).stem` of each file, without a Path or a call per file: at 100k files
    the calls were most of the cost of the ids, which every `kabar index` makes."""
    stems = []
    for file in (os.fspath(file) for file in files):
        name = file[file.rfind(os.sep) + 1 :] if os.altsep is None else os.path.basename(file)
        dot = name.rfind(".")
        stems.append(name[:dot] if 0 < dot < len(name) - 1 else name)
    return stems


def _tell_apart(files: Sequence[str | Path], ids: list[str], members: list[int]) -> None:
    folders = {i: _folders(files[i]) for i in members}
    deepest = max(len(parts) for parts in folders.values())
    for depth in range(1, deepest + 1):
        tails = {i: "/".join([*folders[i][-depth:], ids[i]]) for i in members}
        if len(set(tails.values())) == len(members) or depth == deepest:
            for i in members:
                ids[i] = tails[i]
            return


def read_source(path: Path) -> Source | Problem:
    """Read one file as text, or say in one line why it cannot be an article.

    UTF-8 (with or without a BOM), UTF-16 and UTF-32 with a BOM. A few stray NUL bytes do
    not make a text binary; the cleaner drops them. Old Mac line ends (a lone CR) end
    lines like LF does.
    """
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
    text = _decode(data)
    if isinstance(text, _Undecodable):
        return Problem(str(path), text.message)
    if not text.strip():
        return Problem(str(path), "skipped: empty file")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return Source(
        id=visible(path.stem),  # `article_ids` tells apart files of one name
        path=path_key(path),
        text=_line_ends(text),
        content_hash=digest,
    )


@dataclass(slots=True, frozen=True)
class _Undecodable:
    message: str


def _decode(data: bytes) -> str | _Undecodable:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                return _Undecodable(f"skipped: not valid {encoding.upper()} (byte {error.start})")
    nuls = data.count(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if nuls:
            return _Undecodable("skipped: binary file, not text")
        return _Undecodable(f"skipped: not valid UTF-8 (byte {error.start}); save it as UTF-8")
    if nuls > max(MAX_STRAY_NULS, len(data) // 100):
        return _Undecodable("skipped: binary file, not text (or UTF-16 without a BOM)")
    return text


def _line_ends(text: str) -> str:
    """Lone CRs (old Mac files) as line ends, when they are most of the line ends."""
    if "\r" not in text:
        return text
    lone = text.count("\r") - text.count("\r\n")
    if lone <= text.count("\n") - text.count("\r\n"):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_sources(paths: Iterable[str | Path]) -> tuple[list[Source], list[Problem]]:
    """Discover and read every article file under `paths`."""
    files, problems = discover(paths)
    sources: list[Source] = []
    for file, article_id in zip(files, article_ids(files), strict=True):
        result = read_source(file)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            sources.append(dataclasses.replace(result, id=article_id))
    return sources, problems
