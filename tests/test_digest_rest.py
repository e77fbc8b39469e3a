"""A first index lets go of each digest's rest once it is stored (issue 14): linking holds
only the passages, id, title, date and word counts of every article, and what resolution
and the search index need is read back from the cache after linking; the results are
those of indexing with every article held."""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest

from kabar_tui.core import pipeline
from kabar_tui.core.digest import (
    ArticleDigest,
    DigestUnreadable,
    held_back,
    unpack_digest,
    unpack_rest,
)
from kabar_tui.core.export import corpus_to_dict
from kabar_tui.core.pipeline import CorpusWork, IndexOptions, IndexReport, index_corpus
from kabar_tui.core.search_store import open_search
from kabar_tui.core.sources import read_sources
from kabar_tui.core.storage import Storage
from tests.test_incremental import link_set, write_corpus
from tests.test_search_store import queries


@pytest.fixture(autouse=True)
def cache_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs without the cache (conftest); here it is the subject."""
    monkeypatch.delenv("KABAR_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rest") / "news"
    write_corpus(folder)
    return folder


@pytest.fixture(scope="module")
def held(news: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[IndexReport, Path]:
    """Every article processed and its corpus stored with every article held."""
    path = tmp_path_factory.mktemp("held") / "cache.sqlite3"
    with Storage(path) as cache:
        return index_corpus([news], cache=cache, keep_articles=True), path


class _Watched:
    """A stage put before linking and one after the others: what the digests hold then,
    and how many whole ones are alive in this process."""

    def __init__(self) -> None:
        self.before_linking: list[bool] = []
        self.whole_alive = -1
        self.at_end: list[bool] = []

    def before(self, work: CorpusWork) -> None:
        self.before_linking = [held_back(article) for article in work.digest.articles]
        self.whole_alive = sum(
            isinstance(thing, ArticleDigest) and not held_back(thing) for thing in gc.get_objects()
        )

    def after(self, work: CorpusWork) -> None:
        self.at_end = [held_back(article) for article in work.digest.articles]


def _streamed(
    news: Path, path: Path, damage: pipeline.CorpusStage | None = None
) -> tuple[IndexReport, _Watched, list[str]]:
    """A first index of `news` into `path`, watched; `damage` runs before linking."""
    watched = _Watched()
    stages = list(pipeline.CORPUS_STAGES)
    stages.insert(1, ("watch", watched.before))
    if damage is not None:
        stages.insert(1, ("damage", damage))
    stages.append(("watch again", watched.after))
    options = IndexOptions(corpus_stages=tuple(stages))
    with Storage(path) as cache:
        report = index_corpus([news], cache=cache, keep_articles=False, options=options)
        return report, watched, cache.warnings


def assert_same_results(report: IndexReport, path: Path, held: tuple[IndexReport, Path]) -> None:
    """Links, stories, entities, quotation groups, the stored corpus and search pages:
    those of the index that held every article."""
    expected, expected_path = held
    assert link_set(report.corpus.links) == link_set(expected.corpus.links)
    assert report.corpus.stories == expected.corpus.stories
    assert report.corpus.entities == expected.corpus.entities
    assert report.corpus.quote_groups == expected.corpus.quote_groups
    with Storage(path) as storage, Storage(expected_path) as expected_storage:
        whole = storage.load_corpus(report.key)
        kept = expected_storage.load_corpus(expected.key)
        assert whole is not None and kept is not None
        assert corpus_to_dict(whole) == corpus_to_dict(kept)
        searcher = open_search(storage, report.key)
        expected_searcher = open_search(expected_storage, expected.key)
        assert searcher is not None and expected_searcher is not None
        found = 0
        for query in queries(kept, 30, 3):
            page = expected_searcher.search_page(query, 0, 20)
            assert searcher.search_page(query, 0, 20) == page, query
            found += page.total > 0
        assert found > 30


def test_a_first_index_links_holding_no_digest_whole_and_gives_the_same_results(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path]
) -> None:
    report, watched, warnings = _streamed(news, tmp_path / "cache.sqlite3")
    assert warnings == []
    assert watched.before_linking and all(watched.before_linking)
    assert watched.whole_alive == 0  # no digest holds its quotations or mentions here
    assert len(watched.at_end) == len(watched.before_linking)
    assert not any(watched.at_end)  # read back by the end of the stages
    assert_same_results(report, tmp_path / "cache.sqlite3", held)


def test_digests_unreadable_after_they_were_stored_are_made_again_from_their_articles(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path]
) -> None:
    """A digest row damaged between the per-file stage and linking: the forked children
    cannot read it back (they fail, and this process does their work), and this process
    reads its article whole instead. Same results."""
    path = tmp_path / "cache.sqlite3"

    def damage(work: CorpusWork) -> None:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE article_digests SET data = ? WHERE article % 3 = 0", (b"x",))

    report, watched, warnings = _streamed(news, path, damage)
    assert all(watched.before_linking) and not any(watched.at_end)
    assert any("did not match their checksum" in warning for warning in warnings)
    assert_same_results(report, path, held)


def test_a_stored_rest_is_what_the_whole_digest_holds(news: Path, tmp_path: Path) -> None:
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([news], cache=cache, keep_articles=False)
        sources = read_sources([news])[0]
        stored = cache.load_digests(sources)
    assert len(stored) == len(sources)
    quoted = 0
    for source in sources:
        row = stored[source.path]
        digest, forms, _ = unpack_digest(
            row.data, source.id, source.content_hash, row.title, row.published
        )
        rest = unpack_rest(row.data)
        assert rest == (digest.quotes, digest.abbreviations, digest.caption_people, forms)
        quoted += bool(digest.quotes)
    assert quoted
    with pytest.raises(DigestUnreadable):
        unpack_rest(b"x")


def test_a_digest_not_stored_is_held_whole(news: Path, tmp_path: Path) -> None:
    """Without a cache to read it back from (writing failed), nothing is let go of."""
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        watched = _Watched()
        stages = list(pipeline.CORPUS_STAGES)
        stages.insert(1, ("watch", watched.before))
        cache.write_error = "cache not written: a test said so"
        options = IndexOptions(corpus_stages=tuple(stages))
        index_corpus([news], cache=cache, keep_articles=False, options=options)
    assert watched.before_linking and not any(watched.before_linking)
