"""Files added to a cached corpus update its cross-article results (core.corpus.incremental):
the same links and stories as a full run, names merged into the stored entities."""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import pytest

from benchmarks.corpus import raw_articles
from benchmarks.textgen import paragraph
from kabar_tui.core.corpus import incremental
from kabar_tui.core.corpus.incremental import _merge_entities
from kabar_tui.core.corpus.linking import SIMILAR, LinkIndex, Passage, passage_of
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import IndexReport, index_corpus
from kabar_tui.core.model import EntityRecord, Link
from kabar_tui.core.resources import seeds_dir
from kabar_tui.core.store.catalog import MemoryCatalog
from kabar_tui.core.store.catalog_open import open_catalog
from kabar_tui.core.store.storage import _PART, Storage
from tests import stored_names

GENERATED = 150
# A paragraph every other article ends with: its fingerprint postings grow too common
# (more than 64 paragraphs), so what later paragraphs see depends on order.
FOOTER = (
    "Artikel ini telah tayang sebelumnya dan diperbarui oleh tim redaksi dengan tambahan "
    "informasi dari narasumber yang dapat dipercaya di lapangan pada hari yang sama."
)


pytestmark = pytest.mark.usefixtures("cache_on")


def event(number: int, rng: random.Random) -> str:
    """A paragraph telling event `number` in words no other event uses (rare words), in
    other words each time: similar-event links, not same-text ones."""
    return (
        f"{paragraph(rng)} Petugas mencatat zat{number}ra zat{number}rb zat{number}rc "
        f"muncul di sekitar lokasi kejadian. {paragraph(rng)}"
    )


def article(text: str, extra: list[str]) -> str:
    """A generated raw article with paragraphs put before its body."""
    return text.replace("A\nA\n\n", "A\nA\n\n" + "".join(p + "\n\n" for p in extra), 1)


def write_corpus(folder: Path) -> None:
    shutil.copytree(seeds_dir(), folder)
    rng = random.Random(11)
    for number, (name, text) in enumerate(raw_articles(GENERATED, seed=7)):
        extra = [event(number % 20, rng)] if number % 3 == 0 else []
        if number % 2:
            extra.append(FOOTER)
        (folder / f"{name}.txt").write_text(article(text, extra), encoding="utf-8")


def add_files(folder: Path, prefix: str, start: int, count: int, common: int = 0) -> None:
    """Files that sort after the others: copies of earlier articles (same-text links),
    new ones telling known events, the footer; the first `common` also use the rare
    words of event 0, which stop being rare."""
    rng = random.Random(start)
    originals = raw_articles(GENERATED + start + count, seed=7)
    for n in range(count):
        name, text = originals[(start + 7 * n) % GENERATED]
        extra = [event((start + n) % 20, rng), FOOTER]
        if n < common:
            extra.append(f"{paragraph(rng)} Kadar zat0ra zat0rb terus dipantau. {paragraph(rng)}")
        if n % 3 == 0:
            name, text = originals[GENERATED + start + n]
        (folder / f"{prefix}_{n:03d}_{name}.txt").write_text(
            article(text, extra) + "\nDiperbarui.\n", encoding="utf-8"
        )


def link_set(links: list[Link]) -> list[tuple]:
    return sorted(map(dataclasses.astuple, links))


def full_run(folder: Path, cache: Path) -> IndexReport:
    with Storage(cache) as storage:
        return index_corpus([folder], cache=storage, keep_articles=False, incremental=False)


def assert_same_as_full(report: IndexReport, folder: Path, cache: Path) -> IndexReport:
    full = full_run(folder, cache)
    assert link_set(report.corpus.links) == link_set(full.corpus.links)
    assert report.corpus.stories == full.corpus.stories
    return full


def indexed_copy(news: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the `news` folder in `tmp_path`, first indexed into a cache there: the
    folder and the cache file."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
    return folder, path


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("incremental") / "news"
    write_corpus(folder)
    return folder


def test_added_files_update_links_and_stories_as_a_full_run_does(
    news: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        assert first.updated == 0
        kinds = {link.kind for link in first.corpus.links}
        assert SIMILAR in kinds and len(kinds) >= 2  # what makes the comparison worth it
        add_files(folder, "zz1", 0, 6)
        added = index_corpus([folder], cache=cache, keep_articles=False)
        assert (added.updated, added.processed) == (6, 6)
        assert added.articles == first.articles + 6
        assert len(added.corpus.links) > len(first.corpus.links)
        full = assert_same_as_full(added, folder, tmp_path / "full1.sqlite3")
        assert len(full.corpus.stories) > len(first.corpus.stories)
        # a second update goes on from the state the first one stored
        add_files(folder, "zz2", 40, 3)
        again = index_corpus([folder], cache=cache, keep_articles=False)
        assert again.updated == 3
        assert_same_as_full(again, folder, tmp_path / "full2.sqlite3")
        reopened = index_corpus([folder], cache=cache, keep_articles=False)
        assert reopened.corpus_from_cache  # stored under the new key, checksums hold
    assert link_set(reopened.corpus.links) == link_set(again.corpus.links)


def test_similar_links_go_when_their_words_stop_being_rare(news: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz", 0, 40, common=40)
        added = index_corpus([folder], cache=cache, keep_articles=False)
    assert added.updated == 40
    full = assert_same_as_full(added, folder, tmp_path / "full.sqlite3")
    old_similar = {x for x in link_set(first.corpus.links) if x[-1] == SIMILAR}
    now = set(link_set(full.corpus.links))
    assert old_similar - now  # some similar-event links of the first run went


def test_the_reader_opens_the_updated_corpus(news: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    index_corpus([folder], keep_articles=False)
    add_files(folder, "zz", 0, 2)
    added = index_corpus([folder], keep_articles=False)
    assert added.updated == 2
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    new_ids = [head.id for head in catalog.heads() if head.id.startswith("zz")]
    assert len(new_ids) == 2
    related = {link.target_article for link in catalog.links_of(new_ids[0])}
    expected = {
        link.seen_from(new_ids[0]).target_article
        for link in added.corpus.links
        if new_ids[0] in (link.source_article, link.target_article)
    }
    assert related == expected and related
    page = catalog.searcher().search_page("zat0ra", limit=500)
    assert any((hit.article_id or "").startswith("zz") for hit in page.hits)


def test_names_of_added_articles_join_the_stored_entities(news: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz", 0, 6)
        added = index_corpus([folder], cache=cache, keep_articles=False)
    full = full_run(folder, tmp_path / "full.sqlite3")
    before = {e.canonical: e for e in first.corpus.entities}
    after = {e.canonical: e for e in added.corpus.entities}
    grown = [
        name for name, e in after.items() if name in before and e.mentions > before[name].mentions
    ]
    assert grown  # the copies' mentions were counted into the stored entities
    assert all(any(a.startswith("zz") for a in after[name].articles) for name in grown)
    # stored: the entities' article lists grew at their end, the list ranked as a full
    # run ranks it, in the whole load as in the stored catalog
    with Storage(tmp_path / "cache.sqlite3") as cache:
        reopened = index_corpus([folder], cache=cache, keep_articles=False)
        assert reopened.corpus_from_cache
        whole = {e.canonical: e for e in reopened.corpus.entities}
        for name in grown:
            assert whole[name].articles == before[name].articles + after[name].articles
        ranks = [(-e.mentions, e.canonical) for e in reopened.corpus.entities]
        assert ranks == sorted(ranks)
        catalog, _ = open_catalog([folder], cache=cache)
        assert catalog is not None
        assert catalog.entities() == reopened.corpus.entities
    assert sum(e.mentions for e in added.corpus.entities) == sum(
        e.mentions for e in full.corpus.entities
    )
    # how far incremental names are from a full resolution: the same canonical names
    same = {(e.canonical, e.label, e.mentions) for e in added.corpus.entities} & {
        (e.canonical, e.label, e.mentions) for e in full.corpus.entities
    }
    assert len(same) >= 0.9 * len(full.corpus.entities)


def rebuilt(cache: Path, folder: Path, copy: Path) -> IndexReport:
    """What `kabar index --rebuild` gives on a copy of `cache`: emptied but for the order
    files arrived in, then every file processed and the whole stage run."""
    with sqlite3.connect(cache) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with Storage(copy) as storage:
        storage.clear()
        return index_corpus([folder], cache=storage, keep_articles=False, incremental=False)


def stored_order(cache: Path, key: str) -> list[str]:
    with Storage(cache) as storage:
        corpus = storage.load_corpus(key)
    assert corpus is not None
    return [article.id for article in corpus.articles]


def test_files_sorting_before_the_others_are_added_in_arrival_order(
    news: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "aa", 0, 6)  # names that sort before every stored file
        added = index_corpus([folder], cache=cache, keep_articles=False)
        assert (added.updated, added.processed) == (6, 6)
        add_files(folder, "ab", 40, 3)
        again = index_corpus([folder], cache=cache, keep_articles=False)
        assert again.updated == 3
    order = stored_order(path, again.key)
    assert [name[:3] for name in order[first.articles :]] == ["aa_"] * 6 + ["ab_"] * 3
    full = rebuilt(path, folder, tmp_path / "full.sqlite3")
    assert full.updated == 0 and full.processed == full.articles == again.articles
    assert stored_order(tmp_path / "full.sqlite3", full.key) == order
    assert link_set(again.corpus.links) == link_set(full.corpus.links)
    assert again.corpus.stories == full.corpus.stories
    assert len(again.corpus.links) > len(first.corpus.links)
    assert sum(e.mentions for e in again.corpus.entities) == sum(
        e.mentions for e in full.corpus.entities
    )
    with Storage(path) as cache:  # the whole stored corpus, names and quotations included
        whole = cache.load_corpus(again.key)
    assert whole is not None
    assert sorted(len(g.occurrences) for g in whole.quote_groups) == sorted(
        len(g.occurrences) for g in full.corpus.quote_groups
    )


def test_a_changed_file_runs_the_whole_stage(news: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        changed = folder / "bench_000004.txt"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nParagraf baru.\n")
        again = index_corpus([folder], cache=cache, keep_articles=False)
        assert (again.updated, again.processed) == (0, 1)
        (folder / "bench_000005.txt").unlink()
        add_files(folder, "zz", 0, 1)
        removed = index_corpus([folder], cache=cache, keep_articles=False)
        assert removed.updated == 0
    assert_same_as_full(removed, folder, tmp_path / "full.sqlite3")


def assert_added_falls_back(folder: Path, path: Path, tmp_path: Path) -> None:
    """Two files added to a cache whose link state is damaged: the whole stage runs, says
    so, and gives what a full run gives."""
    add_files(folder, "zz", 0, 2)
    with Storage(path) as cache:
        again = index_corpus([folder], cache=cache, keep_articles=False)
    assert again.updated == 0
    assert any("stored link state not used" in p.message for p in again.corpus.problems)
    assert_same_as_full(again, folder, tmp_path / "full.sqlite3")


def test_a_damaged_link_state_falls_back_to_the_whole_stage(news: Path, tmp_path: Path) -> None:
    folder, path = indexed_copy(news, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM link_passages WHERE number % 7 = 3")
    assert_added_falls_back(folder, path, tmp_path)
    with Storage(path) as cache:  # the whole stage stored a sound state again
        add_files(folder, "zzz", 10, 1)  # sorts after the others
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 1


def test_kabar_index_updates_and_rebuild_recomputes(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "news"
    shutil.copytree(seeds_dir(), folder)
    for name, text in raw_articles(20, seed=3):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "KABAR_CACHE_DIR": str(cache)}
    env.pop("KABAR_NO_CACHE", None)

    def kabar_index(*args: str) -> str:
        command = [sys.executable, "-m", "kabar_tui", "index", str(folder), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return done.stdout

    def state() -> list[tuple]:
        with sqlite3.connect(cache / "kabar-cache.sqlite3") as db:
            return db.execute(
                "SELECT s.articles FROM link_states s JOIN corpora c ON c.key = s.corpus_key"
            ).fetchall()

    assert "25 articles, 25 processed" in kabar_index()
    assert state() == [(25,)]
    add_files(folder, "zz", 0, 1)
    assert "26 articles, 1 processed, 25 from cache" in kabar_index()
    assert state() == [(26,)]  # the state went on to the new corpus
    add_files(folder, "aa", 3, 1)  # sorts before every other file: added after them
    assert "27 articles, 1 processed, 26 from cache" in kabar_index()
    assert state() == [(27,)]

    def order() -> list[str]:
        with sqlite3.connect(cache / "kabar-cache.sqlite3") as db:
            rows = db.execute("SELECT article_id FROM corpus_articles ORDER BY position")
            return [article_id for (article_id,) in rows]

    arrived = order()
    assert arrived[-1].startswith("aa_") and arrived != sorted(arrived)
    assert "27 articles, 27 processed, 0 from cache" in kabar_index("--rebuild")
    assert state() == [(27,)]
    assert order() == arrived  # the rebuild links in the order the updates did


def test_deferred_pairs_are_judged_again_when_the_rarity_limit_rises(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above 32,000 paragraphs the most paragraphs a rare word may be in grows with the
    corpus (0.1% of them), and pairs deferred for want of rare words are judged again.
    Here a larger share brings that within a small corpus: two words in 40 paragraphs
    are too common for the stored corpus and rare once 48 files are added."""
    from kabar_tui.core.corpus import incremental, linking

    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    rng = random.Random(5)
    for number in range(40):
        path = folder / f"bench_{number * 3 + 1:06d}.txt"
        phrase = f"{paragraph(rng)} Warga mencatat medwa medwb muncul di sekitar lokasi itu."
        path.write_text(article(path.read_text(encoding="utf-8"), [phrase]), encoding="utf-8")
    pairs = "SELECT source, target FROM link_similar"
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        with sqlite3.connect(path) as db:
            similar_before = set(db.execute(pairs))
            (passages,) = db.execute("SELECT passages FROM link_states").fetchone()
        share = 32.9 / passages  # the limit stays 32 for the stored corpus
        monkeypatch.setattr(linking, "RARE_SHARE", share)
        monkeypatch.setattr(incremental, "RARE_SHARE", share)
        add_files(folder, "zz", 0, 48)
        one_by_one: list[int] = []
        read = incremental._StoredPassages._read

        def counted_read(self: incremental._StoredPassages, number: int) -> Passage:
            one_by_one.append(number)
            return read(self, number)

        monkeypatch.setattr(incremental._StoredPassages, "_read", counted_read)
        added = index_corpus([folder], cache=cache, keep_articles=False)
    assert added.updated == 48
    assert one_by_one == []  # the pairs judged again read their passages in batches
    with sqlite3.connect(path) as db:
        similar_after = set(db.execute(pairs))
    # pairs of stored paragraphs that became similar-event pairs: deferred ones judged again
    assert {(a, b) for a, b in similar_after - similar_before if a < passages}
    assert_same_as_full(added, folder, tmp_path / "full.sqlite3")


def test_only_similar_pairs_resting_on_counted_words_are_judged_again(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored similar-event pair's verdict changes only with the counts of its words:
    one added article making the words of event 0 common has the pairs resting on its
    words judged again (those of event 0 go), the others keep their stored verdict, and
    the links are still a full run's."""
    from kabar_tui.core.corpus import incremental

    judged: list[tuple] = []
    read_pairs = incremental._similar_pairs_with

    def recording(storage: Storage, state: int, words: Iterable[str]) -> list:
        found = read_pairs(storage, state, words)
        judged.extend(found)
        return found

    monkeypatch.setattr(incremental, "_similar_pairs_with", recording)
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        first = index_corpus([folder], cache=cache, keep_articles=False)
        with sqlite3.connect(path) as db:
            (stored,) = db.execute("SELECT COUNT(*) FROM link_similar").fetchone()
        rng = random.Random(3)
        name, text = raw_articles(1, seed=41)[0]
        common = [f"{paragraph(rng)} Kadar zat0ra zat0rb terus dipantau." for _ in range(40)]
        (folder / f"zz_{name}.txt").write_text(article(text, common), encoding="utf-8")
        added = index_corpus([folder], cache=cache, keep_articles=False)
    assert added.updated == 1
    assert 0 < len(judged) < stored
    assert_same_as_full(added, folder, tmp_path / "full.sqlite3")
    old_similar = {x for x in link_set(first.corpus.links) if x[-1] == SIMILAR}
    now = set(link_set(added.corpus.links))
    assert old_similar - now  # event 0's links went: judged again
    assert old_similar & now  # the others were kept


def test_damaged_rows_are_found_before_an_update_that_reads_them_and_after_any(
    news: Path, tmp_path: Path
) -> None:
    """An update reads and checks only the parts of the corpus's rows (`storage._PART`)
    it reads or writes in: a damaged row there stops it (the name rows of the part the
    new articles' names join; an entity row, as entities are read whole). A damaged row
    in a part it does not touch is left to the next whole load, which finds it, as it
    finds a row changed after an update, old or new."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    clean = tmp_path / "clean.sqlite3"
    damaged = "cache rows of the corpus did not match their checksum"
    with Storage(clean) as cache:
        kept = index_corpus([folder], cache=cache, keep_articles=False).articles
    assert kept % _PART["mention_names"][0]  # the last stored article's part takes the new
    add_files(folder, "zz1", 0, 2)
    copies = iter(range(10))

    def update_after(damage: str, *values: object) -> tuple[IndexReport, Path]:
        path = tmp_path / f"cache{next(copies)}.sqlite3"
        shutil.copy(clean, path)
        with stored_names.connect(path) as db:
            assert db.execute(damage, values).rowcount == 1
        with Storage(path) as cache:
            return index_corpus([folder], cache=cache, keep_articles=False), path

    name_row = stored_names.FIRST_NAME_BUMPED
    for stopped, _ in (
        update_after(name_row, kept - 1),
        update_after("UPDATE entities SET mentions = mentions + 1 WHERE position = 0"),
    ):
        assert stopped.updated == 0
        assert any(damaged in p.message for p in stopped.corpus.problems)
        assert_same_as_full(stopped, folder, tmp_path / "full.sqlite3")
    untouched, path = update_after(name_row, 3)
    assert untouched.updated == 2  # it reads no name row of article 3's part
    with Storage(path) as cache:
        found = index_corpus([folder], cache=cache, keep_articles=False)
        assert not found.corpus_from_cache
        assert any(damaged in p.message for p in found.corpus.problems)
        add_files(folder, "zz2", 10, 2)
        added = index_corpus([folder], cache=cache, keep_articles=False)
        assert added.updated == 2
        assert index_corpus([folder], cache=cache, keep_articles=False).corpus_from_cache
    for article in (3, added.articles - 1):  # a stored article's row, then a new one's
        with stored_names.connect(path) as db:
            db.execute(stored_names.FIRST_NAME_BUMPED, (article,))
        with Storage(path) as cache:
            again = index_corpus([folder], cache=cache, keep_articles=False)
        assert not again.corpus_from_cache
        assert any(damaged in p.message for p in again.corpus.problems)


def test_a_searcher_of_the_corpus_before_an_update_answers_nothing(
    news: Path, tmp_path: Path, monkeypatch
) -> None:
    """An update in place stores the corpus under its new key and its new search index
    under the same number: the reader's searcher opened before must not read those rows
    as its own (wrong hits, a false "damaged"), nor rebuild; its successor answers."""
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    index_corpus([folder], keep_articles=False)
    before, _ = open_catalog([folder])
    assert before is not None
    old = before.searcher()
    assert old.search_page("presiden", limit=5).total
    add_files(folder, "zz", 0, 2)
    assert index_corpus([folder], keep_articles=False).updated == 2
    assert old.search_page("presiden", limit=5).total == 0
    assert old.search_page("zat0ra", limit=5).total == 0
    assert not [w for w in before.problems if "search" in str(w)]
    after, _ = open_catalog([folder])
    assert after is not None
    assert after.searcher().search_page("presiden", limit=5).total
    before.close()
    after.close()


def test_two_updates_made_from_one_stored_corpus_store_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader and `kabar index --watch` may both see one new file: the update that
    comes second finds the corpus changed under it and does not append the file again."""
    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "news"
    folder.mkdir()
    seeds = sorted(seeds_dir().glob("*.txt"))
    for seed in seeds[:-1]:
        shutil.copy(seed, folder / seed.name)
    index_corpus([folder], keep_articles=False)
    shutil.copy(seeds[-1], folder / seeds[-1].name)

    planned, first_done = threading.Event(), threading.Event()
    real_update = pipeline.update
    calls: list[int] = []

    def waiting_update(*args, **options):
        calls.append(1)
        found = real_update(*args, **options)
        if len(calls) == 1:  # the first one waits, its update made, until the other ends
            planned.set()
            first_done.wait(60)
        return found

    monkeypatch.setattr(pipeline, "update", waiting_update)
    reports: list[IndexReport | BaseException] = []

    def run() -> None:
        try:
            reports.append(index_corpus([folder], keep_articles=False, workers=1))
        except BaseException as error:  # said by the assertion below
            reports.append(error)

    second = threading.Thread(target=run)
    second.start()
    assert planned.wait(60)
    first = threading.Thread(target=run)
    first.start()
    first.join(60)
    first_done.set()
    second.join(60)
    assert all(isinstance(r, IndexReport) and r.cache_error is None for r in reports), reports
    catalog, _ = open_catalog([folder])
    assert catalog is not None
    ids = [head.id for head in catalog.heads()]
    assert len(ids) == len(seeds) == len(set(ids))
    catalog.close()


def test_a_name_read_with_another_label_joins_the_stored_entity() -> None:
    """A full run keys names by spelling and votes the label; an update does the same: a
    person the tagger read once as an organisation stays one person, and a label the new
    mentions outnumber is taken."""
    stored = [
        EntityRecord("Sergei Shoigu", "PER", ["Shoigu"], 40, ["a", "b"]),
        EntityRecord("Banjar", "ORG", [], 1, ["a"]),
    ]
    added = [
        EntityRecord("Sergei Shoigu", "ORG", [], 2, ["c"]),
        EntityRecord("Banjar", "LOC", [], 3, ["c", "d"]),
    ]
    entities, rename, touched = _merge_entities(stored, added)
    assert [(e.canonical, e.label, e.mentions) for e in entities] == [
        ("Sergei Shoigu", "PER", 42),
        ("Banjar", "LOC", 4),
    ]
    assert rename == {} and touched == {0: ["c"], 1: ["c", "d"]}


def test_merging_names_leaves_the_stored_entities_as_they_were() -> None:
    """The merge takes the stored records as they are and copies those it changes, so
    the stored list reads the same after it; a fuzzy match is still found among the
    stored entities of the added one's label sharing a word start (only those buckets
    are filled now), and not among another label's."""
    stored = [
        EntityRecord("Sergei Shoigu", "PER", ["Shoigu"], 40, []),
        EntityRecord("Joko Widodo", "ORG", [], 5, []),
        EntityRecord("Joko Widodo", "PER", ["Jokowi"], 7, []),
        EntityRecord("Banjar", "LOC", [], 1, []),
    ]
    before = [(e.canonical, e.label, list(e.aliases), e.mentions, list(e.articles)) for e in stored]
    added = [
        EntityRecord("Joko Widodoo", "PER", [], 2, ["c"]),
        EntityRecord("Sergei Shoigu", "PER", [], 1, ["d"]),
    ]
    entities, rename, touched = _merge_entities(stored, added)
    assert [
        (e.canonical, e.label, list(e.aliases), e.mentions, list(e.articles)) for e in stored
    ] == before
    assert rename == {"Joko Widodoo": "Joko Widodo"} and touched == {2: ["c"], 0: ["d"]}
    assert (entities[2].mentions, entities[2].aliases) == (9, ["Joko Widodoo", "Jokowi"])
    assert entities[1] is stored[1] and entities[3] is stored[3]
    assert (entities[0].mentions, entities[0].articles) == (41, ["d"])


def test_stored_candidates_are_read_in_batches_not_one_by_one(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linking an added article reads its stored candidates' paragraphs a batch at a time
    (`_StoredPassages.fetch`), not three queries per candidate (`_read`); the links stay
    a full run's (the tests above)."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz1", 0, 4)
        one_by_one: list[int] = []
        fetched: list[int] = []
        read, fetch = incremental._StoredPassages._read, incremental._StoredPassages.fetch

        def counted_read(self: incremental._StoredPassages, number: int) -> Passage:
            one_by_one.append(number)
            return read(self, number)

        def counted_fetch(self: incremental._StoredPassages, numbers: Iterable[int]) -> None:
            numbers = list(numbers)
            fetched.extend(n for n in numbers if n < self.first_new)
            fetch(self, numbers)

        monkeypatch.setattr(incremental._StoredPassages, "_read", counted_read)
        monkeypatch.setattr(incremental._StoredPassages, "fetch", counted_fetch)
        added = index_corpus([folder], cache=cache, keep_articles=False)
    assert added.updated == 4
    assert fetched  # stored candidates there were, all read by `fetch`
    assert one_by_one == []


def test_stored_candidates_are_read_ready_from_the_link_state(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stored candidate is read packed with its place (`link_passages.passage`), a
    batch at a time: no paragraph or quotation is read to make it again, and it is the
    passage a full run makes of that paragraph and its quotations."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz1", 0, 4)
        statements: list[str] = []  # run while fetching
        made: dict[int, Passage] = {}
        fetching = threading.Event()
        select = Storage.select
        fetch = incremental._StoredPassages.fetch

        def noted(self: Storage, sql: str, parameters: object = ()) -> object:
            if fetching.is_set():
                statements.append(sql)
            return select(self, sql, parameters)  # type: ignore[arg-type]

        def kept(self: incremental._StoredPassages, numbers: Iterable[int]) -> None:
            fetching.set()
            try:
                fetch(self, numbers)
            finally:
                fetching.clear()
            made.update((n, p) for n, p in self.made.items() if n < self.first_new)

        monkeypatch.setattr(Storage, "select", noted)
        monkeypatch.setattr(incremental._StoredPassages, "fetch", kept)
        added = index_corpus([folder], cache=cache, keep_articles=False)
        monkeypatch.undo()
        assert added.updated == 4
        assert made  # stored candidates there were
        assert statements
        assert all("FROM link_passages" in sql for sql in statements)
        assert len(statements) < len(made)  # batches, not a statement each
    full = index_corpus([folder], cache=False, keep_articles=True)
    by_place = {(a.id, p.index): (a, p) for a in full.corpus.articles for p in a.paragraphs}
    for passage in made.values():
        article, paragraph = by_place[passage.article, passage.paragraph]
        quotes = [q.text for q in article.quotes if q.paragraph == paragraph.index]
        expected = passage_of(article.id, paragraph.index, paragraph.text, quotes)
        assert passage.text == expected.text
        assert passage.quotes == expected.quotes
        assert set(passage.content) == set(expected.content)


def test_a_stored_passage_that_does_not_unpack_falls_back_to_the_whole_stage(
    news: Path, tmp_path: Path
) -> None:
    folder, path = indexed_copy(news, tmp_path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE link_passages SET passage = x'789c0300'")  # cut short
    assert_added_falls_back(folder, path, tmp_path)


def test_an_update_runs_with_the_collector_paused(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kabar index` (no other thread) links, groups and merges an added article with the
    cyclic collector paused, as it processes and stores: it makes no cycles to speak of,
    and the collector walked its objects again and again (docs/incremental.md)."""
    if threading.active_count() != 1:
        pytest.skip("the collector is paused only where no other thread runs")
    import gc

    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    seen: list[bool] = []
    update = pipeline.update

    def noted(*args):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return update(*args)

    monkeypatch.setattr(pipeline, "update", noted)
    with Storage(tmp_path / "cache.sqlite3") as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz1", 0, 2)
        added = index_corpus([folder], cache=cache, keep_articles=False)
    assert added.updated == 2
    assert seen == [False]
    assert gc.isenabled()


def test_stored_postings_are_a_row_per_key_read_back_as_linked(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each posting of the link state is one row (its passages one blob): every posting
    of the linked corpus reads back as linking held it (a number, a list, or too common);
    a row that is not a posting's makes the update fall back to the whole stage."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    held: list[tuple[dict, dict]] = []
    save = pipeline.save_link_state

    def noted(storage, key, index, articles, let_go=False):  # type: ignore[no-untyped-def]
        held.append(tuple(dict(postings.items()) for postings in index.postings))
        save(storage, key, index, articles, let_go)

    monkeypatch.setattr(pipeline, "save_link_state", noted)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        ((fingerprints, words),) = held
        assert None in fingerprints.values()
        assert any(type(p) is list for p in fingerprints.values())
        assert any(type(p) is int for p in words.values())
        ((state,),) = cache.select("SELECT id FROM link_states")
        for table, column, expected in (
            ("link_fingerprints", "key", fingerprints),
            ("link_words", "word", words),
        ):
            ((rows,),) = cache.select(f"SELECT COUNT(*) FROM {table}")
            assert rows == len(expected)
            assert incremental._postings(cache, state, table, column, expected) == expected
    with sqlite3.connect(path) as db:
        db.execute("UPDATE link_fingerprints SET members = x'010203' WHERE last >= 0")
    assert_added_falls_back(folder, path, tmp_path)


def test_a_first_index_lets_go_of_the_link_index_as_it_stores_the_same_state(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first index stores the link state letting go of the index's postings and
    passages as they are written (the main process shrinks beside the names process):
    the same rows as stored keeping them, similar-event links' passages numbered too."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    save = pipeline.save_link_state
    indexes: list[LinkIndex] = []

    def stored(keep: bool):  # type: ignore[no-untyped-def]
        def noted(storage, key, index, articles, let_go=False):  # type: ignore[no-untyped-def]
            assert let_go
            indexes.append(index)
            save(storage, key, index, articles, let_go=not keep)

        monkeypatch.setattr(pipeline, "save_link_state", noted)
        path = tmp_path / f"cache-{keep}.sqlite3"
        with Storage(path) as cache:
            index_corpus([folder], cache=cache, keep_articles=False)
            tables = [
                name
                for (name,) in cache.select(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'link_%'"
                )
            ]
            return {table: cache.select(f"SELECT * FROM {table}") for table in tables}

    kept, let_go = stored(keep=True), stored(keep=False)
    assert kept == let_go
    assert kept["link_similar"] and kept["link_fingerprints"] and kept["link_passages"]
    held, dropped = indexes
    assert len(held) and all(len(postings) for postings in held.postings)
    assert not len(dropped) and not any(len(p) for p in dropped.postings)


def test_the_keys_a_write_over_deletes_are_found_as_a_set_would() -> None:
    """Posting keys are held as a sorted array (a set of millions of ints is 10x larger);
    membership must be a set's, at both ends of the 64-bit range and for words."""
    rng = random.Random(14)
    keys = [rng.randrange(-(2**63), 2**63) for _ in range(5_000)] + [-(2**63), 2**63 - 1]
    asked = keys[::3] + [rng.randrange(-(2**63), 2**63) for _ in range(5_000)] + [0]
    held = incremental._StoredKeys(iter(keys), numbers=True)
    assert held.among(asked) == [key in set(keys) for key in asked]
    assert incremental._StoredKeys(iter([]), numbers=True).among([1, 2]) == [False, False]
    words = incremental._StoredKeys(iter(["banjir", "gempa"]), numbers=False)
    assert words.among(["gempa", "angin"]) == [True, False]


RENAMED = (
    "Ganjar tinjau banjir\n\n"
    "Gubernur Ganjar Pranowa meninjau banjir di Semarang, Senin (4/3/2024).\n\n"
    "Menurut Ganjar Pranowa, bantuan sudah dikirim kepada warga.\n\n"
    "Ganjar Pranowa kemudian meninggalkan lokasi."
)


def test_the_entity_view_of_an_updated_cache_is_that_of_its_mentions(
    news: Path,
    tmp_path: Path,
) -> None:
    """The stored view counts and pages a name from its entities' rows (`entities`,
    `entity_articles`): after updates in place they must still say what the mentions'
    names say (a full load's corpus, read by MemoryCatalog)."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    path = tmp_path / "cache.sqlite3"
    with Storage(path) as cache:
        index_corpus([folder], cache=cache, keep_articles=False)
        add_files(folder, "zz1", 0, 6)
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 6
        add_files(folder, "zz2", 40, 3)
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 3
        # a name spelled a little differently joins the stored entity, renamed to its name
        (folder / "zz3_renamed.txt").write_text(RENAMED, encoding="utf-8")
        assert index_corpus([folder], cache=cache, keep_articles=False).updated == 1
        loaded = index_corpus([folder], cache=cache)
        assert loaded.corpus_from_cache
    in_memory = MemoryCatalog(loaded.corpus)
    catalog, problems = open_catalog([folder], Storage(path))
    assert catalog is not None, problems
    assert any(  # the new spelling joined the stored entity: the case this guards
        e.canonical == "Ganjar Pranowo" and "Ganjar Pranowa" in e.aliases
        for e in loaded.corpus.entities
    )
    names = in_memory.entity_names()
    assert catalog.entity_names() == names and len(names) > 20
    for name, _ in names:
        assert catalog.mention_count(name) == in_memory.mention_count(name), name
        for offset, limit in ((0, 3), (2, 50)):
            assert catalog.mentions(name, offset, limit) == in_memory.mentions(
                name, offset, limit
            ), name
    catalog.close()
