"""The core must stay usable without textual: a core module importing it fails here."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import kabar_tui

PACKAGE = Path(kabar_tui.__file__).parent
FRONT_ENDS = {"ui"}


def core_modules() -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in FRONT_ENDS
    ]


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_modules_do_not_import_textual_in_source() -> None:
    """The core, every stage package under it, and the presentation helpers the CLI uses."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for folder in ("core", "present")
        for path in PACKAGE.joinpath(folder).rglob("*.py")
        if any(name.split(".")[0] == "textual" for name in imported_names(path))
    ]
    assert not offenders, f"core modules import textual: {offenders}"


def test_core_does_not_import_its_front_ends_or_presentation() -> None:
    front = ("kabar_tui.ui", "kabar_tui.cli", "kabar_tui.present")
    offenders = [
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in PACKAGE.joinpath("core").rglob("*.py")
        for name in imported_names(path)
        if name.startswith(front)
    ]
    assert not offenders, f"core modules import a front end: {offenders}"


# SQL that only SQLite speaks; the SQLite module says it, the query layer does not
SQLITE_ONLY = re.compile(
    r"INSERT OR |PRAGMA |INDEXED BY|WITHOUT ROWID|sqlite_(?:master|schema)|last_insert_rowid",
)


def sql_strings(path: Path) -> list[str]:
    """The string literals of a module that are code, not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_sqlite_only_sql_outside_the_sqlite_module() -> None:
    """The query layer stays backend-neutral for a second database (issue 11)."""
    offenders = [
        f"{path.relative_to(PACKAGE)}: {text[:60]!r}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "storage_sqlite.py"
        for text in sql_strings(path)
        if SQLITE_ONLY.search(text)
    ]
    assert not offenders, offenders


def test_the_sql_check_sees_sqlite_only_sql() -> None:
    found = sql_strings(PACKAGE / "core" / "store" / "storage_sqlite.py")
    assert any(SQLITE_ONLY.search(text) for text in found)


def test_every_core_package_is_a_package() -> None:
    """Each stage folder has its `__init__.py`, so a non-editable install ships it."""
    folders = {path.parent for path in PACKAGE.joinpath("core").rglob("*.py")}
    missing = [str(folder) for folder in folders if not (folder / "__init__.py").is_file()]
    assert not missing, missing


def test_importing_the_core_and_cli_does_not_load_textual() -> None:
    modules = sorted(
        ".".join(("kabar_tui", *path.relative_to(PACKAGE).with_suffix("").parts))
        for path in core_modules()
        if path.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name.removesuffix('.__init__'))\n"
        "loaded = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_check_sees_the_core() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in core_modules()}
    assert {
        "core/model.py",
        "core/ingest/sources.py",
        "core/language/entities/tagger.py",
        "core/indexing/pipeline.py",
        "core/store/catalog.py",
        "present/themes.py",
    } <= names
