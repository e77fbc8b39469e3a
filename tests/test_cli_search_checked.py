"""`kabar search` answers from the corpus last found for its folders while a thread checks
that the folders still hold it (at 100k files the check is 0.4 s of mostly kernel time);
when they do not, it answers from what they hold, as before."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kabar_tui.cli import main as kabar
from kabar_tui.core import catalog_open, pipeline
from kabar_tui.core.pipeline import build_corpus

SEEDS = build_corpus(cache=False)


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A copy of the seeds, with a cache of the test's own."""
    monkeypatch.delenv("KABAR_NO_CACHE", raising=False)
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    news = tmp_path / "news"
    news.mkdir()
    for article in SEEDS.articles:
        source = Path(article.path)
        (news / source.name).write_bytes(source.read_bytes())
    return news


def searched(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    assert kabar(["search", *words]) == 0
    return capsys.readouterr().out


def test_the_remembered_corpus_is_searched_while_the_folders_are_checked(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = searched(capsys, "kim jong", str(folder))  # indexes
    assert searched(capsys, "kim jong", str(folder)) == first  # opens it, and remembers it
    checks: list[str] = []
    check = catalog_open.open_catalog

    def recorded(*args, **options):
        checks.append(threading.current_thread().name)
        return check(*args, **options)

    def processing_fails(*args: object, **options: object) -> None:
        raise AssertionError("the stored corpus was processed again")

    monkeypatch.setattr(catalog_open, "open_catalog", recorded)
    monkeypatch.setattr(pipeline, "build_corpus", processing_fails)
    assert searched(capsys, "kim jong", str(folder)) == first
    assert len(checks) == 1 and checks[0] != threading.current_thread().name


def test_a_file_changed_since_is_searched_as_it_is_now(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):  # indexed, then opened and remembered
        assert "Zyxwvutski" not in searched(capsys, "Zyxwvutski", str(folder))
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\nMenteri Zyxwvutski tiba di Jakarta pada Senin "
        "untuk membahas kerja sama perdagangan dengan pemerintah daerah setempat.\n",
        encoding="utf-8",
    )
    assert "Zyxwvutski" in searched(capsys, "Zyxwvutski", str(folder))


def test_without_a_remembered_corpus_the_folders_are_opened_as_before(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_open, "recent_catalog", lambda paths=None: None)
    assert "Kim Jong" in searched(capsys, "kim jong", str(folder))
