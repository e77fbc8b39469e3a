"""Stored paragraphs are found by the stored search index of their corpus (issue 11),
which follows changed and deleted files. (It replaced the FTS5 `passages` table, which
these tests checked before: layout 9 has no such table.)"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kabar_tui.core.indexing.pipeline import index_corpus
from kabar_tui.core.search.query import HitKind
from kabar_tui.core.store.catalog_open import open_catalog
from tests.test_storage import write_corpus

pytestmark = pytest.mark.usefixtures("private_cache")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "corpus", 6)
    return tmp_path / "corpus"


def found(folder: Path, query: str) -> list[tuple[str, int | None]]:
    """(file, paragraph) of the passages the stored index finds for `query`."""
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    try:
        paths = {head.id: Path(head.path).name for head in catalog.heads()}
        hits = catalog.searcher().search_page(query, limit=100).hits
        return sorted(
            (paths[hit.article_id or ""], hit.paragraph)
            for hit in hits
            if hit.kind == HitKind.PASSAGE
        )
    finally:
        catalog.close()


def test_stored_paragraphs_are_found_by_their_words(corpus_dir: Path) -> None:
    report = index_corpus([corpus_dir])
    article = report.corpus.articles[2]
    [number] = [p.index for p in article.paragraphs if "energi 2" in p.text]
    assert ("002_artikel.txt", number) in found(corpus_dir, '"subsidi energi 2"')
    assert len({name for name, _ in found(corpus_dir, '"DEFISIT"')}) == 6  # case, every article
    assert found(corpus_dir, '"defisit ekonomi"') == []  # a phrase: side by side
    assert found(corpus_dir, '"); DROP TABLE articles; --') == []
    assert found(corpus_dir, "") == []


def test_the_index_follows_changed_and_deleted_files(corpus_dir: Path, tmp_path: Path) -> None:
    index_corpus([corpus_dir])
    (corpus_dir / "001_artikel.txt").write_text(
        "Judul baru tentang bencana\n\nBanjir bandang melanda Garut pada Senin pagi.\n"
    )
    (corpus_dir / "004_artikel.txt").unlink()
    index_corpus([corpus_dir])
    assert found(corpus_dir, '"banjir bandang"') == [("001_artikel.txt", 0)]
    assert sorted({name for name, _ in found(corpus_dir, '"subsidi energi"')}) == [
        "000_artikel.txt",
        "002_artikel.txt",
        "003_artikel.txt",
        "005_artikel.txt",
    ]
    [cache_file] = (tmp_path / "cache").glob("*.sqlite3")
    with sqlite3.connect(cache_file) as db:  # no full-text table of its own any more
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert not {name for name in tables if name.startswith("passages")}
