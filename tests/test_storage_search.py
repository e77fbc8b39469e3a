"""The persistent full-text index of paragraphs (issue 11): filled as articles are stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kabar_tui.core import storage_sqlite
from kabar_tui.core.pipeline import index_corpus
from kabar_tui.core.storage import Storage
from tests.test_storage import write_corpus

pytestmark = pytest.mark.skipif(not storage_sqlite.HAS_FTS5, reason="SQLite without FTS5")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", 6)
    return tmp_path / "corpus"


def found(cache: Storage, query: str) -> list[tuple[str, int]]:
    return sorted((Path(path).name, position) for path, position, _ in cache.search_passages(query))


def test_stored_paragraphs_are_found_by_their_words(corpus_dir: Path, tmp_path: Path) -> None:
    with Storage(tmp_path / "cache" / "test.sqlite3") as cache:
        report = index_corpus([corpus_dir], cache=cache)
        article = report.corpus.articles[2]
        [number] = [p.index for p in article.paragraphs if "energi 2" in p.text]
        assert found(cache, "subsidi energi 2") == [("002_artikel.txt", number)]
        assert len(found(cache, "DEFISIT")) == 6  # case and every article
        assert found(cache, "defis") == found(cache, "defisit")  # the last word a prefix
        assert found(cache, "defisit ekonom") == []  # every word in one paragraph
        assert found(cache, '"); DROP TABLE articles; --') == []
        assert found(cache, "") == []


def test_the_index_follows_changed_and_deleted_files(corpus_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache" / "test.sqlite3"
    with Storage(path) as cache:
        index_corpus([corpus_dir], cache=cache)
        (corpus_dir / "001_artikel.txt").write_text(
            "Judul baru tentang bencana\n\nBanjir bandang melanda Garut pada Senin pagi.\n"
        )
        (corpus_dir / "004_artikel.txt").unlink()
        index_corpus([corpus_dir], cache=cache)
        assert found(cache, "banjir garut") == [("001_artikel.txt", 0)]
        assert [name for name, _ in found(cache, "subsidi energi")] == [
            "000_artikel.txt",
            "002_artikel.txt",
            "003_artikel.txt",
            "005_artikel.txt",
        ]
    with sqlite3.connect(path) as db:  # the index holds exactly the stored paragraphs
        indexed = db.execute("SELECT count(*) FROM passages WHERE passages MATCH 'subsidi'")
        stored = db.execute("SELECT count(*) FROM paragraphs WHERE text LIKE '%subsidi%'")
        assert indexed.fetchone() == stored.fetchone() == (4,)


def test_rebuild_empties_the_index(corpus_dir: Path, tmp_path: Path) -> None:
    with Storage(tmp_path / "cache" / "test.sqlite3") as cache:
        index_corpus([corpus_dir], cache=cache)
        cache.clear()
        assert found(cache, "defisit") == []
        index_corpus([corpus_dir], cache=cache)
        assert len(found(cache, "defisit")) == 6
