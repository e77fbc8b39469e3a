"""The Catalog contract: every backing answers like the corpus it was made from.

`catalogs` is parametrised over the backings; each test compares a catalog's answers
with what the corpus itself holds, so a new backing is checked by adding it there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kabar_tui.core.corpus.linking import related
from kabar_tui.core.indexing.pipeline import IndexOptions, build_corpus, finish_corpus, index_corpus
from kabar_tui.core.ingest.sources import discover_paths
from kabar_tui.core.model import Corpus
from kabar_tui.core.store import catalog_open
from kabar_tui.core.store.catalog import (
    LIST_SORTS,
    ArticleHead,
    Catalog,
    CatalogChanges,
    MemoryCatalog,
    entity_key,
    filter_words,
    head_matches,
    sort_heads,
)
from kabar_tui.core.store.catalog_open import open_catalog, recent_catalog, reopen_catalog
from kabar_tui.core.store.catalog_store import StoredCatalog
from kabar_tui.core.store.storage import DB_NAME, Storage, unpack_names


@pytest.fixture(scope="module")
def seed_corpus() -> Corpus:
    return build_corpus(cache=False)


def memory(corpus: Corpus) -> Catalog:
    return MemoryCatalog(corpus)


def stored_catalog(folder: Path, paths: list[Path] | None = None) -> StoredCatalog:
    """Index `paths` (the seeds) into a cache in `folder`, then open it as a command does."""
    with Storage(folder / DB_NAME) as storage:
        index_corpus(paths, cache=storage)
    catalog, problems = open_catalog(paths, Storage(folder / DB_NAME))
    assert catalog is not None, problems
    return catalog


_STORED: dict[str, StoredCatalog] = {}
_STORED_CACHE = tempfile.TemporaryDirectory(prefix="kabar-catalog-")  # removed at exit


def stored(corpus: Corpus) -> Catalog:
    """The seeds as stored in a cache (the same files `corpus` was built from), indexed
    once for the whole module."""
    if "seeds" not in _STORED:
        _STORED["seeds"] = stored_catalog(Path(_STORED_CACHE.name))
    return _STORED["seeds"]


BACKINGS: list[Callable[[Corpus], Catalog]] = [memory, stored]


@pytest.fixture(params=BACKINGS, ids=lambda make: make.__name__)
def catalog(request: pytest.FixtureRequest, seed_corpus: Corpus) -> Catalog:
    return request.param(seed_corpus)


def test_heads_follow_the_corpus(catalog: Catalog, seed_corpus: Corpus) -> None:
    assert len(catalog) == len(seed_corpus.articles)
    assert catalog.heads() == [ArticleHead.of(a) for a in seed_corpus.articles]


def test_one_article_is_whole(catalog: Catalog, seed_corpus: Corpus) -> None:
    for article in seed_corpus.articles:
        assert catalog.article(article.id) == article
    assert catalog.article("no such article") is None
    assert list(catalog.articles()) == seed_corpus.articles


def test_related_links_match_the_linker(catalog: Catalog, seed_corpus: Corpus) -> None:
    assert seed_corpus.links, "the seeds republish passages: they must link"
    for article in seed_corpus.articles:
        assert catalog.related(article.id) == related(seed_corpus, article.id)
        for paragraph in range(len(article.paragraphs)):
            assert catalog.related(article.id, paragraph) == related(
                seed_corpus, article.id, paragraph
            )


def test_passages_are_the_linked_paragraphs_with_their_heads(
    catalog: Catalog, seed_corpus: Corpus
) -> None:
    by_id = {article.id: article for article in seed_corpus.articles}
    places = [(link.target_article, link.target_paragraph) for link in seed_corpus.links]
    places += [(link.source_article, link.source_paragraph) for link in seed_corpus.links]
    missing = [("no such article", 0), (seed_corpus.articles[0].id, 10_000)]
    found = catalog.passages(places + missing)
    assert set(found) == set(places)
    for (article_id, paragraph), (head, text) in found.items():
        assert head == ArticleHead.of(by_id[article_id])
        assert text == by_id[article_id].paragraphs[paragraph].text


def test_links_between_are_oriented_left_to_right(catalog: Catalog, seed_corpus: Corpus) -> None:
    link = seed_corpus.links[0]
    forward = catalog.links_between(link.source_article, link.target_article)
    backward = catalog.links_between(link.target_article, link.source_article)
    assert len(forward) == len(backward) > 0
    assert all(one.source_article == link.source_article for one in forward)
    assert all(one.source_article == link.target_article for one in backward)


def test_story_siblings_and_compare_candidates(catalog: Catalog, seed_corpus: Corpus) -> None:
    story = next(s for s in seed_corpus.stories if len(s.articles) > 1)
    first = story.articles[0]
    siblings = catalog.story_siblings()[first]
    assert [head.id for head in siblings] == story.articles[1:]
    candidates = catalog.compare_candidates(first)
    assert {head.id for head, _count in candidates} == set(story.articles[1:])
    counts = [count for _head, count in candidates]
    assert counts == sorted(counts, reverse=True)


def test_entity_mentions_page_through_every_mention(catalog: Catalog, seed_corpus: Corpus) -> None:
    name, _label = catalog.entity_names()[0]
    expected = [
        (article.id, mention.paragraph, mention.start)
        for article in seed_corpus.articles
        for mention in article.entities
        if entity_key(mention) == name
    ]
    mentions, articles = catalog.mention_count(name)
    assert mentions == len(expected)
    assert articles == len({article for article, _, _ in expected})
    seen = []
    offset = 0
    while page := catalog.mentions(name, offset, 2):
        for occurrence in page:
            paragraph = catalog.article(occurrence.article.id).paragraphs[occurrence.paragraph]
            assert occurrence.text == paragraph.text
            seen += [(occurrence.article.id, m.paragraph, m.start) for m in occurrence.mentions]
        offset += len(page)
    assert sorted(seen) == sorted(expected)


def test_quotes_come_with_their_article(catalog: Catalog, seed_corpus: Corpus) -> None:
    expected = [(a.id, q) for a in seed_corpus.articles for q in a.quotes]
    assert [(head.id, quote) for head, quote in catalog.quotes()] == expected


def test_prefix_matching(catalog: Catalog, seed_corpus: Corpus) -> None:
    first = seed_corpus.articles[0].id
    assert [head.id for head in catalog.matching(first)] == [first]
    assert catalog.matching("\x00none") == []


def test_search_answers(catalog: Catalog) -> None:
    page = catalog.searcher().search_page("kim jong", 0, 5)
    assert page.total > 0 and page.hits


def test_articles_arriving_show_at_once() -> None:
    corpus = build_corpus(cache=False)
    catalog = MemoryCatalog(linked=False)
    catalog.add_articles(corpus.articles[:2])
    assert [head.id for head in catalog.heads()] == [a.id for a in corpus.articles[:2]]
    assert catalog.head(corpus.articles[2].id) is None
    catalog.add_articles(corpus.articles[2:3])  # after a look-up: the heads' index grows too
    assert catalog.head(corpus.articles[2].id) == ArticleHead.of(corpus.articles[2])
    assert catalog.article(corpus.articles[1].id) is corpus.articles[1]
    assert not catalog.linked


def test_the_stored_catalog_loads_no_article_at_open(tmp_path: Path) -> None:
    catalog = stored_catalog(tmp_path)
    assert catalog._heads is None and catalog._searcher is None
    assert catalog.linked and not catalog.problems


def test_a_changed_file_is_not_opened_from_the_cache(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(Path(build_corpus(cache=False).articles[0].path).parent.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    stored_catalog(tmp_path / "cache", [folder]).close()
    changed = sorted(folder.glob("*.txt"))[0]
    # The same size and the modification time put back: the change time still tells.
    before = changed.stat()
    text = changed.read_bytes()
    changed.write_bytes(text.replace(b"Rusia", b"Rusla", 1))
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert changed.stat().st_size == before.st_size
    catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is None and problems == []


def _seed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(Path(build_corpus(cache=False).articles[0].path).parent.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


def _without_file_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-file check of a cached open fails, so only the folder's snapshot can open it."""

    def refused(self: Storage) -> dict[str, tuple[str, str]]:
        raise AssertionError("every file's stored signature was read")

    monkeypatch.setattr(Storage, "known_articles", refused)


def test_an_unchanged_folder_opens_by_its_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _seed_folder(tmp_path)
    first = stored_catalog(tmp_path / "cache", [folder])
    count = len(first)
    first.close()
    _without_file_checks(monkeypatch)
    again, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert again is not None and again.key == first.key and problems == []
    assert len(again) == count > 1
    again.close()


def test_a_folder_just_indexed_opens_by_its_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing remembers the folders' snapshot with the corpus it stored, so the open
    that follows (the reader's, after indexing a change it watched) is the fast one; a
    file changed after indexing is still seen."""
    folder = _seed_folder(tmp_path)
    with Storage(tmp_path / "cache" / DB_NAME) as storage:
        report = index_corpus([folder], cache=storage, keep_articles=False)
    with monkeypatch.context() as patched:
        _without_file_checks(patched)
        catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
        assert catalog is not None and catalog.key == report.key and problems == []
        catalog.close()
    with sorted(folder.glob("*.txt"))[0].open("ab") as opened:
        opened.write(b"\nSatu baris lagi.\n")
    catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is None and problems == []


@pytest.mark.parametrize("change", ["added", "removed", "appended", "renamed"])
def test_a_changed_folder_is_checked_file_by_file(tmp_path: Path, change: str) -> None:
    folder = _seed_folder(tmp_path)
    stored_catalog(tmp_path / "cache", [folder]).close()
    files = sorted(folder.glob("*.txt"))
    if change == "added":
        (folder / "new.txt").write_bytes(files[0].read_bytes() + b"\nSatu baris lagi.\n")
    elif change == "removed":
        files[0].unlink()
    elif change == "appended":
        with files[0].open("ab") as opened:
            opened.write(b"\nSatu baris lagi.\n")
    else:
        files[0].rename(folder / "renamed.txt")
    catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is None and problems == []


def test_a_file_rewritten_in_place_changes_no_folder_and_is_still_seen(tmp_path: Path) -> None:
    """Why an open without a watcher looks at every file, not at the folders' times first:
    a file rewritten in place (same size, its modification time set back, as a copy
    keeping times does) leaves its folder's times as they were; only the file's own
    change time tells it. An open trusting unchanged folders would answer the corpus
    before the edit, silently."""
    folder = _seed_folder(tmp_path)
    stored_catalog(tmp_path / "cache", [folder]).close()
    target = sorted(folder.glob("*.txt"))[0]
    folder_before, before = os.stat(folder), os.stat(target)
    text = bytearray(target.read_bytes())
    at = text.index(b"a")
    text[at : at + 1] = b"o"
    with target.open("r+b") as opened:  # in place: the same inode, no new name
        opened.write(text)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    folder_after, after = os.stat(folder), os.stat(target)
    assert (folder_after.st_mtime_ns, folder_after.st_ctime_ns) == (
        folder_before.st_mtime_ns,
        folder_before.st_ctime_ns,
    )
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is None and problems == []  # not the stored corpus: indexing follows


def test_a_folder_is_walked_once_unchanged_and_again_when_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unchanged folder is walked once, by the digest's own walk (no list of files made
    or sorted); a changed one again by `discover_paths`, whose statuses serve the digest
    and the file-by-file check (no third look at a file), before it is indexed."""
    folder = _seed_folder(tmp_path)
    stored_catalog(tmp_path / "cache", [folder]).close()
    scanned: list[str] = []
    real_scandir, real_listdir = os.scandir, os.listdir

    def counted(path):
        scanned.append(os.fspath(path))
        return real_scandir(path)

    def listed(path):  # the digest's walk lists names
        scanned.append(os.fspath(path))
        return real_listdir(path)

    with monkeypatch.context() as patched:
        patched.setattr(os, "scandir", counted)
        patched.setattr(os, "listdir", listed)
        patched.setattr(catalog_open, "discover_paths", None)  # not called
        catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
        assert catalog is not None and problems == []
        catalog.close()
    assert scanned == [os.path.realpath(folder)]
    scanned.clear()
    (folder / "new.txt").write_bytes(sorted(folder.glob("*.txt"))[0].read_bytes() + b"\nLagi.\n")
    monkeypatch.setattr(os, "scandir", counted)
    monkeypatch.setattr(os, "listdir", listed)
    catalog, problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is None and problems == []
    assert scanned == [os.path.realpath(folder)] * 2


def test_the_digest_walk_meets_the_files_as_discover_paths_does(tmp_path: Path) -> None:
    """The remembered digest is made of `discover_paths`' statuses in the order it met the
    files; the digest's own walk must meet them in that order (subfolders, a file linked
    from elsewhere, a folder linked, which neither follows), else every open would take
    the slow path."""
    folder = _seed_folder(tmp_path)
    seeds = sorted(folder.glob("*.txt"))
    for depth, name in enumerate(("b", "a", "c/d")):
        (folder / name).mkdir(parents=True)
        (folder / name / f"{depth}.txt").write_bytes(seeds[depth].read_bytes())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "far.txt").write_bytes(seeds[0].read_bytes())
    (folder / "linked.txt").symlink_to(elsewhere / "far.txt")
    (folder / "linked-folder").symlink_to(elsewhere)
    statuses: dict[str, os.stat_result] = {}
    files, problems = discover_paths([folder, folder / "a"], statuses)
    walked = catalog_open._walked_snapshot([folder, folder / "a"])
    assert walked == catalog_open._snapshot(files, statuses, problems) != ""
    assert len(files) == len(seeds) + 4
    (folder / "a" / "1.txt").write_bytes(b"changed in place " + seeds[1].read_bytes())
    assert catalog_open._walked_snapshot([folder, folder / "a"]) != walked


def test_the_digest_walk_keeps_a_file_linked_within_one_root_once(tmp_path: Path) -> None:
    """One root: a file reached both by its name and through links (in its folder, from
    a subfolder) is one article, kept where the walk first met it, as `discover_paths`
    keeps it; the walk looks for repeats only when a link was followed."""
    folder = _seed_folder(tmp_path)
    seeds = sorted(folder.glob("*.txt"))
    (folder / "sub").mkdir()
    (folder / "sub" / "again.txt").symlink_to(seeds[0])
    (folder / "zz-again.txt").symlink_to(seeds[1])
    (folder / "0-again.txt").symlink_to(folder / "sub" / "again.txt")
    statuses: dict[str, os.stat_result] = {}
    files, problems = discover_paths([folder], statuses)
    assert len(files) == len(seeds) and problems == []
    walked = catalog_open._walked_snapshot([folder])
    assert walked == catalog_open._snapshot(files, statuses, problems) != ""
    (folder / "zz-again.txt").unlink()
    assert catalog_open._walked_snapshot([folder]) == walked  # the same files
    (folder / "sub" / "again.txt").unlink()
    (folder / "sub" / "again.txt").write_bytes(seeds[0].read_bytes())
    assert catalog_open._walked_snapshot([folder]) != walked


def test_a_folder_with_a_file_that_is_no_article_says_so_at_every_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _seed_folder(tmp_path)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 400)
    stored_catalog(tmp_path / "cache", [folder]).close()
    catalog, _problems = open_catalog([folder], Storage(tmp_path / "cache" / DB_NAME))
    assert catalog is not None and [p.path for p in catalog.problems][-1:] == [
        str(folder / "binary.txt")
    ]
    catalog.close()


def test_files_of_one_name_keep_their_corpus_ids(tmp_path: Path, seed_corpus: Corpus) -> None:
    seeds = sorted(Path(seed_corpus.articles[0].path).parent.glob("*.txt"))
    for outlet, seed in (("antara", seeds[0]), ("okezone", seeds[1])):
        (tmp_path / "articles" / outlet).mkdir(parents=True)
        (tmp_path / "articles" / outlet / "0001.txt").write_bytes(seed.read_bytes())
    catalog = stored_catalog(tmp_path / "cache", [tmp_path / "articles"])
    assert [head.id for head in catalog.heads()] == ["antara/0001", "okezone/0001"]
    assert catalog.article("okezone/0001").title == seed_corpus.articles[1].title
    assert catalog.article("0001") is None
    assert [head.id for head in catalog.matching("okez")] == ["okezone/0001"]
    assert [article.id for article in catalog.articles()] == ["antara/0001", "okezone/0001"]


def test_a_damaged_article_row_is_a_warning_not_a_wrong_article(
    tmp_path: Path, seed_corpus: Corpus
) -> None:
    catalog = stored_catalog(tmp_path)
    victim = seed_corpus.articles[2]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute(
            "UPDATE paragraphs SET text = 'Teks palsu.' WHERE position = 0 AND article = "
            "(SELECT id FROM articles WHERE article_id = ?)",
            (victim.id,),
        )
    assert catalog.article(victim.id) is None
    assert any("checksum" in problem.message for problem in catalog.problems)
    assert catalog.article(seed_corpus.articles[1].id) == seed_corpus.articles[1]
    catalog.close()
    # Set aside: the next open indexes again, and the article comes back whole.
    again, _ = open_catalog(None, Storage(tmp_path / DB_NAME))
    assert again is None
    with Storage(tmp_path / DB_NAME) as storage:
        rebuilt = index_corpus(cache=storage).corpus
    assert rebuilt.article(victim.id) == victim
    reopened = stored_catalog(tmp_path)
    assert reopened.article(victim.id) == victim


def test_entity_pages_are_the_memory_catalogs_pages(seed_corpus: Corpus) -> None:
    stored_seeds = stored(seed_corpus)
    in_memory = memory(seed_corpus)
    for name, _label in in_memory.entity_names()[:5]:
        assert stored_seeds.mention_count(name) == in_memory.mention_count(name)
        for offset, limit in ((0, 1), (0, 3), (2, 2), (1, 100), (10_000, 5)):
            assert stored_seeds.mentions(name, offset, limit) == in_memory.mentions(
                name, offset, limit
            )
    assert stored_seeds.mentions("no such name") == []
    assert stored_seeds.mention_count("no such name") == (0, 0)


def test_every_entity_s_count_is_the_memory_catalog_s(seed_corpus: Corpus) -> None:
    """The stored counts come from the entities' rows (`entity_articles`), not from a
    count of the mentions: they must be those of the mentions, for every name."""
    stored_seeds = stored(seed_corpus)
    in_memory = memory(seed_corpus)
    names = in_memory.entity_names()
    assert len(names) > 20
    for name, _label in names:
        assert stored_seeds.mention_count(name) == in_memory.mention_count(name), name
        assert stored_seeds.mentions(name, 1, 3) == in_memory.mentions(name, 1, 3), name


def test_mention_names_are_stored_one_row_per_article(seed_corpus: Corpus) -> None:
    """An article's names packed in one row (layout 14), not a row per mention."""
    catalog = stored(seed_corpus)
    assert isinstance(catalog, StoredCatalog)
    rows = catalog.storage.select(
        "SELECT article, names FROM mention_names WHERE corpus = ? ORDER BY article",
        (catalog.number,),
    )
    with_mentions = [n for n, article in enumerate(seed_corpus.articles) if article.entities]
    assert [article for article, _ in rows] == with_mentions
    for article, packed in rows:
        assert len(unpack_names(packed)) == len(seed_corpus.articles[article].entities)


def test_unresolved_mentions_are_paged_by_their_text(tmp_path: Path) -> None:
    """A mention left without a name (canonical '') is grouped under its text, beside the
    resolved mentions of an entity of that name: found by reading the mentions, as no
    entity lists its article."""

    def finish_unresolved(corpus: Corpus) -> None:
        finish_corpus(corpus)
        top = corpus.entities[0].canonical
        for article in corpus.articles[::2]:
            for position, mention in enumerate(article.entities):
                if mention.canonical == top or position % 5 == 0:
                    mention.canonical = ""

    options = IndexOptions(finish=finish_unresolved)
    with Storage(tmp_path / DB_NAME) as storage:
        corpus = index_corpus(None, cache=storage, options=options).corpus
    in_memory = memory(corpus)
    texts = {m.text for a in corpus.articles for m in a.entities if not m.canonical}
    top = corpus.entities[0].canonical
    assert top in texts and len(texts) > 5
    catalog, problems = open_catalog(None, Storage(tmp_path / DB_NAME))
    assert catalog is not None, problems
    for name in sorted(texts):
        assert catalog.mention_count(name) == in_memory.mention_count(name), name
        for offset, limit in ((0, 2), (1, 100)):
            assert catalog.mentions(name, offset, limit) == in_memory.mentions(
                name, offset, limit
            ), name
    assert catalog.mention_count(top)[0] == corpus.entities[0].mentions  # half unresolved
    assert catalog.storage.select("SELECT COUNT(*) FROM names WHERE text = ''") == [(1,)]
    catalog.close()


def test_the_stored_catalog_answers_from_a_worker_thread(seed_corpus: Corpus) -> None:
    catalog = stored(seed_corpus)
    first = seed_corpus.articles[0]
    with ThreadPoolExecutor(max_workers=2) as workers:
        found = list(workers.map(catalog.article, [first.id, first.id]))
    assert found == [first, first]
    assert not catalog.problems


def test_content_hashes_by_file(catalog: Catalog, seed_corpus: Corpus) -> None:
    expected = {article.path: article.content_hash for article in seed_corpus.articles}
    assert catalog.content_hashes() == expected


def test_the_stored_catalog_sorts_its_newest_heads_as_the_list_does(seed_corpus: Corpus) -> None:
    catalog = stored(seed_corpus)
    by_date = sort_heads(catalog.heads(), "date")
    assert (
        any(head.published is None for head in by_date)
        or len({head.published for head in by_date}) > 1
    )
    for limit in (1, 3, len(by_date) + 1):
        assert catalog.newest_heads(limit) == by_date[:limit]


def test_a_catalog_opened_again_answers_alone(seed_corpus: Corpus) -> None:
    catalog = stored(seed_corpus)
    again = catalog.opened_again()
    assert again is not catalog and again.heads() == catalog.heads()
    again.close()
    assert catalog.article(catalog.heads()[0].id) is not None
    memory_catalog = MemoryCatalog(seed_corpus)
    assert memory_catalog.opened_again() is memory_catalog


def test_changes_between_two_catalogs_by_file() -> None:
    before = {"a.txt": "1", "b.txt": "2", "c.txt": "3"}
    after = {"a.txt": "1", "b.txt": "9", "d.txt": "4"}
    changes = CatalogChanges.between(before, after)
    assert changes == CatalogChanges(
        frozenset({"d.txt"}), frozenset({"b.txt"}), frozenset({"c.txt"})
    )
    assert changes and not CatalogChanges.between(before, dict(before))


def test_the_recent_catalog_of_folders_is_opened_without_a_look_at_them(
    tmp_path: Path, private_cache: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(Path(build_corpus(cache=False).articles[0].path).parent.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    index_corpus([folder], keep_articles=False)
    assert recent_catalog([folder]) is None  # nothing opened it yet
    opened, _problems = open_catalog([folder])
    assert opened is not None
    count = len(opened)
    opened.close()

    sorted(folder.glob("*.txt"))[0].unlink()
    recent = recent_catalog([folder])
    assert recent is not None and recent.key == opened.key  # stale, as asked
    assert len(recent) == count > 1
    recent.close()
    assert open_catalog([folder]) == (None, [])  # the check sees the file gone
    assert recent_catalog([tmp_path]) is None
    assert reopen_catalog(opened.key) is not None
    assert reopen_catalog("no such corpus") is None


NON_ASCII_TITLES = {2: "ÉLYSÉE", 3: "Élysée di Straße", 4: "élysée"}


@pytest.fixture(scope="module")
def generated_catalogs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Catalog, Catalog]:
    """Seeds and 40 generated articles (several outlets, some undated, stories), stored
    and in memory: the list's orders and filters answered by SQL and by Python."""
    from benchmarks.corpus import raw_articles
    from kabar_tui.core.resources import seeds_dir

    folder = tmp_path_factory.mktemp("listed") / "news"
    shutil.copytree(seeds_dir(), folder)
    for number, (name, text) in enumerate(raw_articles(40, seed=3)):
        if number % 7 == 0:  # undated: its date line goes
            text = "\n".join(line for line in text.splitlines() if not line[:1].isdigit())
        if number in NON_ASCII_TITLES:  # capitals SQLite's LOWER does not fold
            title = text.split("\n\n")[1]
            text = text.replace(title, f"{NON_ASCII_TITLES[number]} {title}")
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    cache = tmp_path_factory.mktemp("listed-cache")
    stored_one = stored_catalog(cache, [folder])
    corpus = stored_one.whole_corpus()
    assert corpus is not None
    return stored_one, MemoryCatalog(corpus)


@pytest.mark.parametrize("by", LIST_SORTS)
@pytest.mark.parametrize(
    "typed", ["", "a", "KIM jong", "an e", "zzzz", "100%", "a_b", "o\\", "élysée", "STRASSE"]
)
def test_the_stored_list_order_is_the_memory_one(
    generated_catalogs: tuple[Catalog, Catalog], by: str, typed: str
) -> None:
    """Sorted, filtered and counted by SQL, as `sort_heads` and `head_matches` do."""
    stored_one, in_memory = generated_catalogs
    words = filter_words(typed)
    order = stored_one.list_order(by, words)
    assert order == in_memory.list_order(by, words)
    heads = in_memory.heads()
    assert {head.published is None for head in heads} == {True, False}
    expected = [h for h in sort_heads(heads, by) if head_matches(h, words)]
    assert order.ids == [head.id for head in expected]
    assert order.title_lengths == [len(head.title) for head in expected]
    if typed == "":
        assert len(order.ids) == len(heads)
    if typed == "élysée":  # whatever the case of its letters, as in memory
        assert len(order.ids) == len(NON_ASCII_TITLES)
        assert isinstance(stored_one, StoredCatalog)
        again = stored_one.opened_again()  # the reader's catalog thread has its own connection
        try:
            assert again.list_order(by, words) == order
        finally:
            again.close()


def test_the_heads_and_siblings_of_some_rows(generated_catalogs: tuple[Catalog, Catalog]) -> None:
    stored_one, in_memory = generated_catalogs
    every = in_memory.story_siblings()
    assert every, "the generated corpus has stories"
    ids = [*[head.id for head in in_memory.heads()][::3], "no such id"]
    assert (
        stored_one.heads_of(ids)
        == in_memory.heads_of(ids)
        == [in_memory.head(i) for i in ids if in_memory.head(i) is not None]
    )
    assert stored_one.siblings_of(ids) == in_memory.siblings_of(ids)
    assert in_memory.siblings_of(ids) == {i: every[i] for i in ids if i in every}
    assert stored_one.ids_by_path() == {head.path: head.id for head in in_memory.heads()}


def _refuse_looking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every way `open_catalog` looks at the folders fails the test."""

    def refused(*args: object, **options: object) -> None:
        raise AssertionError("the folders were looked at")

    _without_file_checks(monkeypatch)
    monkeypatch.setattr(catalog_open, "_walked_snapshot", refused)
    monkeypatch.setattr(catalog_open, "discover_paths", refused)


def _vouched_folder(tmp_path: Path) -> tuple[Path, Path, str]:
    """The seeds in a folder, indexed into a cache: (folder, cache folder, corpus key)."""
    folder = _seed_folder(tmp_path)
    cache = tmp_path / "cache"
    catalog = stored_catalog(cache, [folder])
    key = catalog.key
    catalog.close()
    return folder, cache, key


def _say(vouch: catalog_open.FolderVouch, folder: Path, cache: Path) -> None:
    """What a watcher does once watching has begun: look at every file, then vouch."""
    catalog, problems = open_catalog([folder], Storage(cache / DB_NAME))
    assert catalog is not None and problems == []
    vouch.say(catalog)
    catalog.close()


def test_a_live_watchers_word_opens_the_folder_without_looking_until_it_reports_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, cache, key = _vouched_folder(tmp_path)
    vouch = catalog_open.FolderVouch([folder], cache)
    assert vouch.hold()
    try:
        _say(vouch, folder, cache)
        with monkeypatch.context() as patched:
            _refuse_looking(patched)
            catalog, problems = open_catalog([folder], Storage(cache / DB_NAME), vouched=True)
            assert catalog is not None and catalog.key == key and problems == []
            assert len(catalog) == 5
            catalog.close()
        # Only the commands take it: the watcher's own check looks at every file.
        with sorted(folder.glob("*.txt"))[0].open("ab") as opened:
            opened.write(b"\nSatu baris lagi.\n")
        catalog, problems = open_catalog([folder], Storage(cache / DB_NAME))
        assert catalog is None and problems == []
        # The watcher is told of the change and takes its word back: the next open looks.
        vouch.withdraw()
        catalog, problems = open_catalog([folder], Storage(cache / DB_NAME), vouched=True)
        assert catalog is None and problems == []
    finally:
        vouch.release()


def test_one_watcher_vouches_for_a_set_of_folders(tmp_path: Path) -> None:
    folder, cache, _key = _vouched_folder(tmp_path)
    first = catalog_open.FolderVouch([folder], cache)
    second = catalog_open.FolderVouch([folder], cache)
    assert first.hold()
    assert not second.hold()
    first.release()
    assert second.hold()
    second.release()


VOUCHING_CHILD = """
import sys
import threading
import time
from pathlib import Path
from kabar_tui.core.store.catalog_open import FolderVouch, open_catalog
from kabar_tui.core.store.storage import DB_NAME, Storage

folder, cache = Path(sys.argv[1]), Path(sys.argv[2])
vouch = FolderVouch([folder], cache)
assert vouch.hold()
catalog, _ = open_catalog([folder], Storage(cache / DB_NAME))
vouch.say(catalog)
catalog.close()


def ticks():  # a watcher's ticks: the word renewed
    while True:
        vouch.renew()
        time.sleep(0.2)


threading.Thread(target=ticks, daemon=True).start()
print("vouched", flush=True)
sys.stdin.read()
"""


def test_the_word_of_a_watcher_that_has_gone_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A watcher killed without a word (its meta row and lock file left as they were):
    its lock went with it, so the next open looks at the files and sees a change."""
    import subprocess
    import sys

    # The lock alone decides here: on a loaded machine the child's ticks can lag past the
    # freshness window, which is another test's subject.
    monkeypatch.setattr(catalog_open, "VOUCH_FRESH_S", 600.0)
    folder, cache, _key = _vouched_folder(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", VOUCHING_CHILD, str(folder), str(cache)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "vouched"
        with sorted(folder.glob("*.txt"))[0].open("ab") as opened:
            opened.write(b"\nSatu baris lagi.\n")
        # Alive and not told yet (the notification's window): its word is taken.
        catalog, _problems = open_catalog([folder], Storage(cache / DB_NAME), vouched=True)
        assert catalog is not None
        catalog.close()
    finally:
        child.kill()
        child.wait()
    catalog, problems = open_catalog([folder], Storage(cache / DB_NAME), vouched=True)
    assert catalog is None and problems == []
    # A watcher started since holds the lock, but the word is not its own.
    vouch = catalog_open.FolderVouch([folder], cache)
    assert vouch.hold()
    try:
        catalog, problems = open_catalog([folder], Storage(cache / DB_NAME), vouched=True)
        assert catalog is None and problems == []
    finally:
        vouch.release()


def _taken(folder: Path, cache: Path, roots: list[Path] | None = None) -> bool:
    """Whether a command opening `roots` (the folder) takes a watcher's word for them."""
    roots = roots or [folder]
    with Storage(cache / DB_NAME) as storage:
        word = catalog_open._remembered_snapshot(storage, roots)[3]
        return bool(word) and catalog_open._vouched_corpus(storage, roots, word) is not None


def test_a_word_not_renewed_is_not_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A watcher stopped (Ctrl-Z) holds its lock but no longer renews its word (review S3):
    a word older than VOUCH_FRESH_S is not taken; renewed, it is again."""
    folder, cache, _key = _vouched_folder(tmp_path)
    vouch = catalog_open.FolderVouch([folder], cache)
    assert vouch.hold()
    try:
        _say(vouch, folder, cache)
        assert _taken(folder, cache)
        said_at = catalog_open._clock()
        later = said_at + catalog_open.VOUCH_FRESH_S + 1
        monkeypatch.setattr(catalog_open, "_clock", lambda: later)
        assert not _taken(folder, cache)
        vouch.renew()  # the watcher's next tick
        assert _taken(folder, cache)
        vouch.withdraw()
        vouch.renew()  # a tick renews only a word not taken back
        assert not _taken(folder, cache)
    finally:
        vouch.release()


def test_no_word_for_files_given_as_roots(tmp_path: Path) -> None:
    """A file given as a root is watched by its inode, which an editor's save (a new file
    renamed over it) replaces: later saves are not reported (review S4)."""
    folder, cache, _key = _vouched_folder(tmp_path)
    files = sorted(folder.glob("*.txt"))
    for roots in ([files[0], files[1]], [folder, files[0]]):
        vouch = catalog_open.FolderVouch(roots, cache)
        assert not vouch.hold()
        vouch.release()
    vouch = catalog_open.FolderVouch([folder], cache)
    assert vouch.hold()
    vouch.release()


def test_no_word_when_an_article_links_to_a_file_outside_the_folders(tmp_path: Path) -> None:
    """The walk follows a link to a file elsewhere; the watcher is not told of writes to
    it there (review S2)."""
    folder, cache = _seed_folder(tmp_path), tmp_path / "cache"
    outside = tmp_path / "outside"
    outside.mkdir()
    first = sorted(folder.glob("*.txt"))[0]
    first.rename(outside / first.name)
    (folder / "link.txt").symlink_to(outside / first.name)
    stored_catalog(cache, [folder]).close()
    vouch = catalog_open.FolderVouch([folder], cache)
    assert vouch.hold()
    try:
        _say(vouch, folder, cache)
        assert not _taken(folder, cache)
        # A link to a file inside the folders is watched there.
        (folder / "link.txt").unlink()
        (folder / "inside").mkdir()
        (outside / first.name).rename(folder / "inside" / first.name)
        (folder / "link.txt").symlink_to(folder / "inside" / first.name)
        stored_catalog(cache, [folder]).close()
        _say(vouch, folder, cache)
        assert _taken(folder, cache)
    finally:
        vouch.release()


def test_a_watcher_that_met_a_commands_check_vouches_after_all(tmp_path: Path) -> None:
    """A command checks the lock (a shared lock for a moment) just as the watcher takes it:
    the watcher's `hold` fails, and it tries again when it says its word, or at its next
    tick (review S6)."""
    import fcntl

    folder, cache, _key = _vouched_folder(tmp_path)
    lock = catalog_open._vouch_lock(cache, [folder])
    lock.parent.mkdir(parents=True, exist_ok=True)
    for tick in (False, True):
        probe = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)  # as `_vouched_corpus` does
        vouch = catalog_open.FolderVouch([folder], cache)
        try:
            assert not vouch.hold()
            if tick:
                _say(vouch, folder, cache)  # still checked: said once the lock is taken
                os.close(probe)
                assert not _taken(folder, cache)
                vouch.renew()
            else:
                os.close(probe)
                _say(vouch, folder, cache)
            assert _taken(folder, cache)
        finally:
            vouch.release()
        assert not _taken(folder, cache)


MOUNTS = r"""/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export /home/ana/berita nfs4 rw,vers=4.2 0 0
//nas/kliping /mnt/kliping\040lama cifs rw 0 0
ana@vps:/data /mnt/vps fuse.sshfs rw 0 0
/dev/sdb1 /media/usb fuseblk rw 0 0
server:/export /media/usb/nfs nfs rw 0 0
tmpfs /media/usb/nfs tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/home/ana/berita", True),
        ("/home/ana/berita/2024/a.txt", True),
        ("/home/ana/berita-lokal", False),
        ("/home/ana", False),
        ("/mnt/kliping lama/x", True),
        ("/mnt/vps/korpus", True),
        ("/media/usb/korpus", False),
        ("/media/usb/nfs/korpus", False),  # mounted over by a local filesystem
    ],
)
def test_folders_on_network_filesystems_are_not_vouched_for(path: str, network: bool) -> None:
    """Another machine's writes to a shared folder are not notified here (review S3)."""
    assert catalog_open._network_filesystem(path, MOUNTS) is network
