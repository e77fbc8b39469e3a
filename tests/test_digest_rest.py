"""A first index lets go of each digest's rest as it arrives (issue 14): linking holds
only the passages, id, title, date and word counts of every article, and what resolution
and the search index need is held packed and unpacked after linking; the results are
those of indexing with every article held, whatever happens to the cache meanwhile (a
write failing partway, another kabar storing a file again)."""

from __future__ import annotations

import contextlib
import gc
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from kabar_tui.core.corpus.digest import (
    ArticleDigest,
    DigestUnreadable,
    held_back,
    unpack_digest,
    unpack_held_digest,
    unpack_rest,
    without_rest,
)
from kabar_tui.core.corpus.linking_passages import BufferedPassages, PassageBlock
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import (
    CorpusWork,
    IndexOptions,
    IndexReport,
    SpawnMinimums,
    index_corpus,
)
from kabar_tui.core.ingest.sources import read_sources
from kabar_tui.core.search.search_store import open_search
from kabar_tui.core.store import storage as storage_module
from kabar_tui.core.store.export import corpus_to_dict
from kabar_tui.core.store.storage import Storage
from tests.test_incremental import link_set, write_corpus
from tests.test_search_store import queries

pytestmark = pytest.mark.usefixtures("cache_on")


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
        self.in_buffer: list[bool] = []  # each digest's passages in the corpus's buffer
        self.blocks_alive = -1
        self.passages_at_end = -1

    def before(self, work: CorpusWork) -> None:
        self.before_linking = [held_back(article) for article in work.digest.articles]
        self.whole_alive = sum(
            isinstance(thing, ArticleDigest) and not held_back(thing) for thing in gc.get_objects()
        )
        self.in_buffer = [
            isinstance(article.passages, BufferedPassages)
            and article.passages.buffer is work.digest.passages
            for article in work.digest.articles
        ]
        self.blocks_alive = sum(isinstance(thing, PassageBlock) for thing in gc.get_objects())

    def after(self, work: CorpusWork) -> None:
        self.at_end = [held_back(article) for article in work.digest.articles]
        self.passages_at_end = len(work.digest.passages) + sum(
            len(article.passages) for article in work.digest.articles
        )


def _streamed(
    news: Path,
    path: Path,
    damage: pipeline.CorpusStage | None = None,
    spawn_min: SpawnMinimums | None = None,
) -> tuple[IndexReport, _Watched, list[str]]:
    """A first index of `news` into `path`, watched; `damage` runs before linking."""
    watched = _Watched()
    stages = list(pipeline.CORPUS_STAGES)
    stages.insert(1, ("watch", watched.before))
    if damage is not None:
        stages.insert(1, ("damage", damage))
    stages.append(("watch again", watched.after))
    options = IndexOptions(corpus_stages=tuple(stages), spawn_min=spawn_min or SpawnMinimums())
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
    # the passages held in one buffer as they arrived, no article's block left; let go
    # of once linked
    assert len(watched.in_buffer) == len(watched.before_linking) and all(watched.in_buffer)
    assert watched.blocks_alive == 0
    assert watched.passages_at_end == 0
    assert_same_results(report, tmp_path / "cache.sqlite3", held)


def test_with_names_resolved_apart_the_end_unpacks_each_rest_as_it_goes(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names resolved in their process (as from 2,000 articles on): no digest is given its
    rest back; storing the results holds none whole, and the search index unpacks each
    rest as it reaches its article, once (unpacked all at once, the rests were held
    through the whole end: 0.4 GB at 100k articles). The results stay the same."""
    whole_while_storing: list[int] = []
    save_results = Storage.save_results

    def counted(self: Storage, *args: object) -> None:
        whole_while_storing.append(
            sum(isinstance(o, ArticleDigest) and not held_back(o) for o in gc.get_objects())
        )
        save_results(self, *args)  # type: ignore[arg-type]

    unpacked: list[int] = []
    take = pipeline._HeldRest.take

    def taken(self: pipeline._HeldRest, at: int) -> object:
        unpacked.append(at)
        return take(self, at)

    monkeypatch.setattr(Storage, "save_results", counted)
    monkeypatch.setattr(pipeline._HeldRest, "take", taken)
    apart = SpawnMinimums(names=1)  # the search index still built here, in a thread
    report, watched, warnings = _streamed(news, tmp_path / "cache.sqlite3", spawn_min=apart)
    assert warnings == []
    assert watched.before_linking and all(watched.at_end)  # still packed after the stages
    assert whole_while_storing == [0]
    assert unpacked == list(range(len(watched.at_end)))  # each once, in corpus order
    assert_same_results(report, tmp_path / "cache.sqlite3", held)


def test_digests_damaged_in_the_cache_after_they_were_stored_change_nothing(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path]
) -> None:
    """A digest row damaged between the per-file stage and linking: the rest is not read
    back from the cache, so the forked children and this process unpack it as held."""
    path = tmp_path / "cache.sqlite3"

    def damage(work: CorpusWork) -> None:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE article_digests SET data = ? WHERE article % 3 = 0", (b"x",))

    report, watched, warnings = _streamed(news, path, damage)
    assert all(watched.before_linking) and not any(watched.at_end)
    assert warnings == []
    assert_same_results(report, path, held)


def _failing_after(calls: int) -> Callable[..., None]:
    """`Storage.save_records` writing its first `calls` batches, then failing as a write
    past the busy timeout does: the warning recorded and the connection closed."""
    save_records = Storage.save_records
    made = [0]

    def save(self: Storage, *args: object, **kwargs: object) -> None:
        made[0] += 1
        if made[0] <= calls:
            save_records(self, *args, **kwargs)  # type: ignore[arg-type]
            return
        with contextlib.suppress(storage_module._Skipped), self._guard("written"):
            raise sqlite3.OperationalError("database is locked")

    return save


def assert_same_corpus(report: IndexReport, held: tuple[IndexReport, Path]) -> None:
    expected = held[0].corpus
    assert link_set(report.corpus.links) == link_set(expected.links)
    assert report.corpus.stories == expected.stories
    assert report.corpus.entities == expected.entities
    assert report.corpus.quote_groups == expected.quote_groups


def test_a_cache_write_failing_partway_leaves_the_index_its_results(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache closed by a failed write after some articles were stored (locked past
    the busy timeout, disk full): the index finishes with the same results and says the
    cache was not written."""
    monkeypatch.setattr(Storage, "save_records", _failing_after(1))
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        options = IndexOptions(save_every=8)
        report = index_corpus([news], cache=cache, keep_articles=False, options=options)
        warnings = cache.warnings
    assert report.processed == len(read_sources([news])[0])
    assert any(w.startswith("cache not written") and "locked" in w for w in warnings)
    assert_same_corpus(report, held)


def test_a_file_stored_again_by_another_kabar_while_linking_leaves_the_index_its_results(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path]
) -> None:
    """Another kabar (a reader's watcher) stores an edited file again while this first
    index links: this index finishes with what it read (the next run takes the edit)."""
    path = tmp_path / "cache.sqlite3"
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    edited = sorted(folder.glob("*.txt"))[len(list(folder.glob("*.txt"))) // 2]

    def store_an_edit(work: CorpusWork) -> None:
        edited.write_text(edited.read_text(encoding="utf-8") + "\nParagraf baru.\n", "utf-8")
        with Storage(path) as other:
            assert index_corpus([folder], cache=other, keep_articles=False).processed == 1

    report, watched, warnings = _streamed(folder, path, store_an_edit)
    assert warnings == []
    assert all(watched.before_linking) and not any(watched.at_end)
    assert_same_corpus(report, held)


def test_the_held_rest_is_what_the_whole_digest_holds(news: Path, tmp_path: Path) -> None:
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
        whole = (list(digest.quotes), dict(digest.abbreviations), digest.caption_people, forms)
        rest = without_rest(digest, forms)
        assert held_back(digest) and not digest.quotes and not digest.mentions
        assert unpack_rest(rest) == whole
        quoted += bool(whole[0])
    assert quoted
    with pytest.raises(DigestUnreadable):
        unpack_rest(b"x")


def _fields(digest: ArticleDigest) -> tuple:
    block = digest.passages
    passages = (block.article, block.texts, block.ends, block.content, block.quotes)  # type: ignore[attr-defined]
    return (
        digest.id,
        digest.content_hash,
        digest.title,
        digest.published,
        digest.paragraph_words,
        passages,
        digest.mentions,
        digest.quotes,
        digest.abbreviations,
        digest.caption_people,
    )


def test_a_stored_digest_unpacked_without_its_rest_is_one_let_go_of_it(
    news: Path, tmp_path: Path
) -> None:
    """`unpack_held_digest` (a whole stage reading the stored digests) gives what
    `unpack_digest` then `without_rest` give: the same digest, terms and rest."""
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([news], cache=cache, keep_articles=False)
        sources = read_sources([news])[0]
        stored = cache.load_digests(sources)
    quoted = named = 0
    for source in sources:
        row = stored[source.path]
        given = (row.data, source.id, source.content_hash, row.title, row.published)
        digest, forms, terms = unpack_digest(*given)
        whole = (list(digest.quotes), dict(digest.abbreviations), digest.caption_people, forms)
        rest = without_rest(digest, forms)
        slim, held, slim_terms = unpack_held_digest(*given)
        assert held_back(slim)
        assert _fields(slim) == _fields(digest)
        assert slim_terms == terms
        assert unpack_rest(held) == unpack_rest(rest) == whole
        quoted += bool(whole[0])
        named += bool(whole[3])
    assert quoted and named


def test_a_digest_not_stored_is_let_go_of_too(
    news: Path, tmp_path: Path, held: tuple[IndexReport, Path]
) -> None:
    """A cache that cannot be written from the start: the rest is held packed all the
    same (nothing is read back from the cache), with the same results."""
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        watched = _Watched()
        stages = list(pipeline.CORPUS_STAGES)
        stages.insert(1, ("watch", watched.before))
        cache.write_error = "cache not written: a test said so"
        options = IndexOptions(corpus_stages=tuple(stages))
        report = index_corpus([news], cache=cache, keep_articles=False, options=options)
    assert watched.before_linking and all(watched.before_linking)
    assert_same_corpus(report, held)
