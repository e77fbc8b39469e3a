"""A whole cross-article stage after a changed or removed file writes its results over
the rows of the corpus stored before (retired, `Storage._retire`), only the parts
(`storage._PART`) that differ, and stores what `kabar index --rebuild` stores."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.textgen import paragraph
from kabar_tui.core.corpus import incremental
from kabar_tui.core.indexing.pipeline import IndexReport, index_corpus
from kabar_tui.core.store import storage as storage_module
from kabar_tui.core.store.storage import RETIRED, Storage, _numbered
from kabar_tui.core.store.storage_sqlite import LINK_TABLES
from tests import stored_names
from tests.test_digest_store import assert_same_as_rebuilt
from tests.test_incremental import write_corpus

DAMAGED = "cache rows of the corpus did not match their checksum"


pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("over") / "news"
    write_corpus(folder)
    return folder


class Written:
    """How many parts a whole stage made, and how many it wrote again."""

    def __init__(self) -> None:
        self.made = 0
        self.written = 0


@contextmanager
def parts_written(monkeypatch: pytest.MonkeyPatch) -> Iterator[Written]:
    counted = Written()
    over = storage_module._PartsOver
    made, replace = over._made, over._replace

    def counted_made(self, part, value, rows) -> None:  # type: ignore[no-untyped-def]
        counted.made += 1
        made(self, part, value, rows)

    def counted_replace(self, part, rows) -> None:  # type: ignore[no-untyped-def]
        counted.written += 1
        replace(self, part, rows)

    with monkeypatch.context() as patch:
        patch.setattr(over, "_made", counted_made)
        patch.setattr(over, "_replace", counted_replace)
        yield counted


def middle(folder: Path) -> Path:
    files = sorted(folder.glob("*.txt"))
    return files[len(files) // 2]


def change(path: Path, extra: str = "Paragraf tambahan redaksi.") -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{extra}\n", encoding="utf-8")


def indexed(folder: Path, cache: Path) -> IndexReport:
    with Storage(cache) as storage:
        report = index_corpus([folder], cache=storage, keep_articles=False)
        assert storage.warnings == []
    return report


def link_state(cache: Path, key: str) -> dict[str, list[tuple]]:
    """Every row of the link state stored under `key`, but its number, by table."""
    with sqlite3.connect(cache) as db:
        ((state, *counts),) = db.execute(
            "SELECT id, articles, passages FROM link_states WHERE corpus_key = ?", (key,)
        )
        found: dict[str, list[tuple]] = {"link_states": [tuple(counts)]}
        for table in LINK_TABLES[1:]:
            rows = db.execute(f"SELECT * FROM {table} WHERE state = ?", (state,))
            found[table] = sorted(row[1:] for row in rows)
    return found


def assert_same_state_as_rebuilt(cache: Path, key: str, rebuilt: Path) -> None:
    """The link state is the one `--rebuild` stores (`assert_same_as_rebuilt` made it)."""
    stored, expected = link_state(cache, key), link_state(rebuilt, key)
    assert len(expected["link_fingerprints"]) > 1000
    for table, rows in expected.items():
        assert stored[table] == rows, table


@contextmanager
def states_kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """What `incremental._kept_state` found: the stored state written over, or None."""
    found: list[object] = []
    kept_state = incremental._kept_state

    def counted(*args):  # type: ignore[no-untyped-def]
        found.append(kept_state(*args))
        return found[-1]

    with monkeypatch.context() as patch:
        patch.setattr(incremental, "_kept_state", counted)
        yield found


def stored_keys(cache: Path) -> list[str]:
    with sqlite3.connect(cache) as db:
        return [key for (key,) in db.execute("SELECT key FROM corpora")]


def test_a_changed_file_writes_only_the_parts_that_differ(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    first = indexed(folder, cache)
    change(middle(folder))
    with parts_written(monkeypatch) as counted, states_kept(monkeypatch) as kept:
        again = indexed(folder, cache)
    assert (again.processed, again.articles) == (1, first.articles)
    # Its article's name rows, the corpus's list of articles: a few of hundreds of parts.
    assert 0 < counted.written < counted.made / 10, (counted.written, counted.made)
    assert stored_keys(cache) == [again.key]  # the retired corpus became this one
    # The link state's rows of the articles before it are kept.
    assert [getattr(state, "first", None) for state in kept] == [again.articles // 2]
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")
    assert_same_state_as_rebuilt(cache, again.key, tmp_path / "rebuilt.sqlite3")


def test_a_removed_file_keeps_the_parts_before_it(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    first = indexed(folder, cache)
    files = sorted(folder.glob("*.txt"))
    files[-3].unlink()  # late in arrival order: most positions stay
    with parts_written(monkeypatch) as counted, states_kept(monkeypatch) as kept:
        again = indexed(folder, cache)
    assert (again.processed, again.articles) == (0, first.articles - 1)
    assert 0 < counted.written < counted.made / 2, (counted.written, counted.made)
    assert [getattr(state, "first", None) for state in kept] == [first.articles - 3]
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")
    assert_same_state_as_rebuilt(cache, again.key, tmp_path / "rebuilt.sqlite3")


def test_the_first_file_removed_and_another_changed_give_what_rebuild_gives(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every position shifts, names and entities go and come (numbers freed and taken)."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    indexed(folder, cache)
    files = sorted(folder.glob("*.txt"))
    files[0].unlink()
    change(files[1], "Menurut Zulkarnaen Wiratmadja, Kementerian Urusan Zebra akan bertindak.")
    with parts_written(monkeypatch) as counted, states_kept(monkeypatch) as kept:
        again = indexed(folder, cache)
    assert counted.made and counted.written
    assert [getattr(state, "first", None) for state in kept] == [0]
    assert not any(key.startswith(RETIRED) for key in stored_keys(cache))
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")
    assert_same_state_as_rebuilt(cache, again.key, tmp_path / "rebuilt.sqlite3")


def test_a_damaged_row_left_in_place_is_found_at_the_next_load(news: Path, tmp_path: Path) -> None:
    """Parts whose checksum matches are not read again (as for an added file): a damaged
    row there is found by the next whole load, which runs the whole stage again."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    indexed(folder, cache)
    with stored_names.connect(cache) as db:
        assert db.execute(stored_names.FIRST_NAME_BUMPED, (3,)).rowcount == 1
    change(middle(folder))
    indexed(folder, cache)
    with Storage(cache) as storage:
        found = index_corpus([folder], cache=storage, keep_articles=False)
    assert not found.corpus_from_cache
    assert any(DAMAGED in problem.message for problem in found.corpus.problems)
    assert_same_as_rebuilt(found, cache, folder, tmp_path / "rebuilt.sqlite3")


def test_numbers_stay_where_they_can_and_have_no_holes() -> None:
    before = {"c": 0, "gone": 1, "a": 5}
    assert _numbered(["a", "b", "c"], before) == {"c": 0, "a": 1, "b": 2}
    assert _numbered(["a", "b", "c"], None) == {"a": 0, "b": 1, "c": 2}
    assert _numbered(["x", "c"], before) == {"c": 0, "x": 1}
    kept = _numbered(["c", "gone", "a", "new"], before)
    assert kept == {"c": 0, "gone": 1, "a": 2, "new": 3}


def test_a_retired_corpus_taken_meanwhile_is_not_written_over(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retired corpus is looked for before the write lock is taken: when it is no
    longer retired under the lock (another kabar wrote its results over it), the
    results are stored as a new corpus and the other's is left as it is."""
    other, folder = tmp_path / "other", tmp_path / "news"
    shutil.copytree(news, folder)
    other.mkdir()
    for path in sorted(news.glob("*.txt"))[:20]:
        shutil.copy(path, other / path.name)
    cache = tmp_path / "cache.sqlite3"
    indexed(folder, cache)
    kept = indexed(other, cache)
    with Storage(cache) as storage:
        expected = storage.load_corpus(kept.key)
    change(middle(folder))
    with sqlite3.connect(cache) as db:
        (taken,) = db.execute("SELECT id FROM corpora WHERE key = ?", (kept.key,)).fetchone()
    found = storage_module._retired

    def taken_meanwhile(db: sqlite3.Connection):  # type: ignore[no-untyped-def]
        retired = found(db)
        assert retired is not None
        return taken, retired[1]

    monkeypatch.setattr(storage_module, "_retired", taken_meanwhile)
    again = indexed(folder, cache)
    monkeypatch.undo()
    with Storage(cache) as storage:
        assert storage.load_corpus(kept.key) == expected
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")


SHARED = (
    "Warga kampung nelayan di pesisir utara menggelar doa bersama setiap malam Jumat "
    "untuk keselamatan para awak kapal yang berlayar jauh ke perairan timur."
)


def full_keys(cache: Path, key: str) -> set[int]:
    """The fingerprint postings grown too common in the link state stored under `key`."""
    with sqlite3.connect(cache) as db:
        return {
            fingerprint
            for (fingerprint,) in db.execute(
                "SELECT f.key FROM link_fingerprints f JOIN link_states s ON s.id = f.state "
                "WHERE s.corpus_key = ? AND f.last = -1",
                (key,),
            )
        }


def test_postings_that_stop_or_start_being_too_common_are_written_again(
    news: Path, tmp_path: Path
) -> None:
    """A paragraph 65 articles share fills its postings (64 at most); one of them
    removed, they hold the 64 again; a 65th added by a change, they fill again: the rows
    of those postings before the first change are written again either way."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    posters = sorted(folder.glob("bench_*.txt"))[10:75]
    for path in posters:
        change(path, SHARED)
    cache = tmp_path / "cache.sqlite3"
    first = indexed(folder, cache)
    filled = full_keys(cache, first.key)
    posters[40].unlink()
    removed = indexed(folder, cache)
    assert filled - full_keys(cache, removed.key)  # grown too common no longer
    assert_same_as_rebuilt(removed, cache, folder, tmp_path / "rebuilt1.sqlite3")
    assert_same_state_as_rebuilt(cache, removed.key, tmp_path / "rebuilt1.sqlite3")
    change(sorted(folder.glob("bench_*.txt"))[100], SHARED)
    changed = indexed(folder, cache)
    assert full_keys(cache, changed.key) - full_keys(cache, removed.key)  # full again
    assert_same_as_rebuilt(changed, cache, folder, tmp_path / "rebuilt2.sqlite3")
    assert_same_state_as_rebuilt(cache, changed.key, tmp_path / "rebuilt2.sqlite3")


def deferred_before(cache: Path, key: str, passage: int) -> list[tuple]:
    """The stored deferred pairs whose source is below `passage`."""
    return [row for row in link_state(cache, key)["link_deferred"] if row[0] < passage]


def test_deferred_pairs_before_the_change_are_written_again_when_rarity_changes(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole run judges every pair on the final word counts: a removal that makes a
    word rare again changes which early pairs are deferred, before the removed file."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    rng = random.Random(5)
    files = sorted(folder.glob("bench_*.txt"))
    for pair in range(3):  # early pairs sharing one rare word and the word to be made rare
        for path in files[2 * pair : 2 * pair + 2]:
            change(  # the footer's words (not rare) but for the two
                path,
                f"{paragraph(rng)} Tim redaksi zatqa dengan informasi zatqa narasumber "
                f"zatr{pair} yang dapat zatqa dipercaya di lapangan zatqa pada hari sama "
                f"zatqa telah tayang. {paragraph(rng)}",
            )
    for path in files[100:127]:  # 33 paragraphs in all: not rare (32 at most)
        change(path, f"{paragraph(rng)} Kadar zatqa diperiksa ulang. {paragraph(rng)}")
    cache, before = tmp_path / "cache.sqlite3", tmp_path / "before.sqlite3"
    first = indexed(folder, cache)
    with sqlite3.connect(cache) as source, sqlite3.connect(before) as target:
        source.backup(target)
    files[120].unlink()
    with states_kept(monkeypatch) as kept:
        again = indexed(folder, cache)
    state = kept[0]
    assert isinstance(state, incremental._Kept) and state.deferred == 0 < state.passage
    # The pairs before the removed file are not those stored before it went.
    early = deferred_before(cache, again.key, state.passage)
    assert early != deferred_before(before, first.key, state.passage)
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")
    assert_same_state_as_rebuilt(cache, again.key, tmp_path / "rebuilt.sqlite3")


NEWS_PAGE = (
    "Advertisement\n\n{title}\n\nRahman Asmardika , Jurnalis-Minggu, 17 September 2023 "
    "|18:44 WIB\n{title}\nA\nA\n\n{first}\n\n{second}\n"
)
DRAINS = (
    "Pemerintah kota menyiapkan anggaran khusus untuk memperbaiki saluran air di kawasan "
    "timur setelah banjir besar melanda permukiman warga selama tiga hari berturut-turut."
)
HARBOUR = (
    "Warga kampung nelayan di pesisir utara mengeluhkan bau menyengat dari tumpukan sampah "
    "plastik yang terbawa arus sungai hingga ke dermaga tempat perahu mereka ditambatkan."
)
GUARDED = "Para petugas terus berjaga di lokasi hingga malam hari agar keadaan tetap aman."


def article_ids(cache: Path, names: list[str]) -> list[int]:
    with sqlite3.connect(cache) as db:
        return [
            db.execute("SELECT id FROM articles WHERE path LIKE ?", (f"%{name}",)).fetchone()[0]
            for name in names
        ]


def test_the_newest_file_edited_is_not_kept_in_the_link_state_as_it_was(
    news: Path, tmp_path: Path
) -> None:
    """The last-arrived file holds the highest article id, which a delete frees: edited
    (its paragraph count kept), its link state rows must still be written again, so a
    copy of its new paragraph added later links to it as in `--rebuild`."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    indexed(folder, cache)
    last = folder / "zz_last.txt"
    last.write_text(
        NEWS_PAGE.format(title="saluran air diperbaiki", first=DRAINS, second=GUARDED),
        encoding="utf-8",
    )
    indexed(folder, cache)
    (before,) = article_ids(cache, ["zz_last.txt"])
    last.write_text(
        NEWS_PAGE.format(title="saluran air diperbaiki", first=HARBOUR, second=GUARDED),
        encoding="utf-8",
    )
    edited = indexed(folder, cache)
    assert edited.processed == 1
    # A new id: a stored corpus still names the old one.
    assert article_ids(cache, ["zz_last.txt"]) != [before]
    assert_same_as_rebuilt(edited, cache, folder, tmp_path / "rebuilt1.sqlite3")
    assert_same_state_as_rebuilt(cache, edited.key, tmp_path / "rebuilt1.sqlite3")
    (folder / "zzz_copy.txt").write_text(
        NEWS_PAGE.format(title="sampah di dermaga", first=HARBOUR, second=""), encoding="utf-8"
    )
    added = indexed(folder, cache)
    assert added.updated == 1
    assert {
        (link.source_article, link.target_article)
        for link in added.corpus.links
        if link.source_article.startswith("zzz_copy")
    } == {("zzz_copy", "zz_last")}
    assert_same_as_rebuilt(added, cache, folder, tmp_path / "rebuilt2.sqlite3")
    assert_same_state_as_rebuilt(cache, added.key, tmp_path / "rebuilt2.sqlite3")


def test_a_name_moved_between_the_two_newest_files_is_stored_where_it_went(
    news: Path, tmp_path: Path
) -> None:
    """The two last-arrived files hold the highest ids, which a delete frees: a name
    moved from the end of one to the start of the other leaves the names of their part
    in the same order, yet their rows must say where each name is now."""
    folder = tmp_path / "news"
    shutil.copytree(news, folder)
    cache = tmp_path / "cache.sqlite3"
    indexed(folder, cache)
    opening, closing = folder / "zz_a.txt", folder / "zz_b.txt"

    def write(said: str, saying: str) -> None:
        opening.write_text(
            NEWS_PAGE.format(
                title="jembatan baru diresmikan hari ini",
                first="JAKARTA - Presiden Joko Widodo meresmikan jembatan baru pada Senin pagi.",
                second="Jembatan itu menghubungkan dua kecamatan." + said,
            ),
            encoding="utf-8",
        )
        closing.write_text(
            NEWS_PAGE.format(
                title="warga menyambut jembatan baru",
                first=saying + "Warga Surabaya menyambut baik jembatan baru tersebut.",
                second="Mereka berharap perjalanan menjadi lebih singkat.",
            ),
            encoding="utf-8",
        )

    write(" Hal itu disampaikan oleh Budi Santoso di lokasi.", "")
    first = indexed(folder, cache)
    # Both in one part of the name tables (32 articles).
    assert (first.articles - 2) // 32 == (first.articles - 1) // 32
    before = article_ids(cache, ["zz_a.txt", "zz_b.txt"])
    write("", "Budi Santoso mengatakan, ")
    again = indexed(folder, cache)
    assert again.processed == 2
    assert not set(article_ids(cache, ["zz_a.txt", "zz_b.txt"])) & set(before)
    assert_same_as_rebuilt(again, cache, folder, tmp_path / "rebuilt.sqlite3")
    # The reader finds an entity's mentions through these rows (`catalog_store`).
    moved = stored_names.named_mentions(cache, "zz_")
    assert ("zz_b", 0, "Budi Santoso") in moved
    assert moved == stored_names.named_mentions(tmp_path / "rebuilt.sqlite3", "zz_")


def stored_rows(cache: Path) -> dict[str, list[tuple]]:
    """Every per-corpus row stored, its parts' checksums and the corpora's, by table."""
    with sqlite3.connect(cache) as db:
        return {
            table: db.execute(f"SELECT * FROM {table}").fetchall()  # in key order
            for table in (*storage_module._CORPUS_TABLES, "corpus_parts")
        } | {"corpora": db.execute("SELECT id, checksum FROM corpora").fetchall()}


def test_rows_written_a_few_at_a_time_are_those_written_at_once(
    news: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The per-corpus rows are made and written a batch at a time (`_ROW_BATCH`), never
    a whole table at once: batches of 3 rows, split anywhere in a part, store the same
    rows in the same order, parts and checksums as one batch of every table's rows, for
    a first index and for one written over a retired corpus."""
    folders, caches = [tmp_path / "whole", tmp_path / "batched"], []
    for folder in folders:
        shutil.copytree(news, folder)
    sizes: dict[str, list[int]] = {}
    add = storage_module._Parts.add

    def counted(self, table, rows) -> None:  # type: ignore[no-untyped-def]
        sizes.setdefault(table, []).append(len(rows))
        add(self, table, rows)

    for step in ("first", "over"):
        found = []
        for folder, batch in zip(folders, (10**9, 3), strict=True):
            sizes.clear()
            with monkeypatch.context() as patch:
                patch.setattr(storage_module, "_ROW_BATCH", batch)
                patch.setattr(storage_module._Parts, "add", counted)
                if step == "over":
                    change(middle(folder))
                indexed(folder, folder.parent / f"{folder.name}.sqlite3")
            found.append(stored_rows(folder.parent / f"{folder.name}.sqlite3"))
            caches.append(dict(sizes))
        whole, batched = found
        assert whole == batched, step
        for table in ("quote_occurrences", "entity_articles", "story_articles", "links"):
            assert len(whole[table]) > 3, table  # more than one batch
        assert all(len(sizes) == 1 for sizes in caches[-2].values())
        # the name tables are made an article at a time (`_name_rows`): the others by rows
        rows = {t: sizes for t, sizes in caches[-1].items() if t not in storage_module._UNREAD}
        assert max(map(max, rows.values())) == 3
        assert len(caches[-1]["quote_occurrences"]) > 10
