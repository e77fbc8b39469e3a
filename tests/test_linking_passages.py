"""Compact passages (`PassageBlock`, `PassageBuffer`, `PassageStore`) give back what they
were made from, and linking on them finds what linking on lists of passages finds."""

from __future__ import annotations

import dataclasses
import os
import pickle
import zlib

import pytest

from benchmarks.bench_linking import generate
from kabar_tui.core.corpus.linking import LinkIndex, prepare_passages
from kabar_tui.core.corpus.linking_passages import (
    BufferedPassages,
    Passage,
    PassageBlock,
    PassageBuffer,
    PassageStore,
    packed,
    unpacked,
)


def _passages() -> list[Passage]:
    return [
        Passage("a1", 0, "satu dua tiga empat lima enam tujuh delapan", (), ("satu", "dua")),
        Passage("a1", 3, "kata yang ditulis ulang", ("kata yang ditulis ulang",), ()),
        Passage("a1", 7, "é ü 中文 teks lain", (), ("teks", "lain", "kata")),
    ]


def test_a_block_gives_back_the_passages_it_was_made_from() -> None:
    passages = _passages()
    block = PassageBlock.of("a1", passages)
    assert len(block) == 3
    assert list(block) == passages
    assert [block[n] for n in range(-3, 3)] == passages + passages
    assert block[1:] == passages[1:]
    assert list(pickle.loads(pickle.dumps(block))) == passages
    assert pickle.loads(pickle.dumps(block)) == block == PassageBlock.of("a1", passages)
    assert block != PassageBlock.of("a1", passages[:2])
    assert block != PassageBlock.of("a2", passages)
    assert block.texts_of(0, 3) == [p.text for p in passages]
    assert block.texts_of(1, 2) == [passages[1].text]
    assert list(block.content_sizes()) == [2, 0, 3]
    assert list(PassageBlock.of("a2", [])) == []


def test_a_packed_passage_unpacks_to_itself() -> None:
    """What the link state stores of a passage (`link_passages.passage`) gives it back:
    no content words, no quotations, empty ones, any character; not a blob, ValueError."""
    for passage in [*_passages(), *_quoted_passages(), Passage("b", 1, "", (), ())]:
        blob = packed(passage)
        assert unpacked(passage.article, passage.paragraph, blob) == passage
    for damaged in (b"", b"\x00", packed(_passages()[0])[:-3], zlib.compress(b"x")):
        with pytest.raises(ValueError):
            unpacked("a", 0, damaged)


def _quoted_passages() -> list[Passage]:
    """Quotations that are a stretch of their text, and some that are not."""
    return [
        Passage("a1", 2, "dia berkata kami akan datang besok pagi", ("kami akan datang",), ()),
        Passage("a1", 4, "teks tanpa kutipan di sini", ("kutipan dari tempat lain", ""), ()),
        Passage("a1", 5, "é kata ü kata", ("é kata", "kata ü", "kata", "ata ü"), ("kata",)),
    ]


@pytest.mark.parametrize("spilled", [False, True])
def test_a_buffer_gives_back_the_passages_it_took(spilled: bool, tmp_path) -> None:
    """Many articles' passages in one buffer: each article's share gives back its own,
    quotations found in the text or not, any character, and pickles as a block; the
    same once its texts were moved to a file."""
    buffer = PassageBuffer()
    first, second = _passages(), _quoted_passages()
    third = [dataclasses.replace(p, article="a3") for p in second]
    shares = [
        buffer.take("a1", PassageBlock.of("a1", first)),
        buffer.take("a2", []),
        buffer.take("a1", second),
        buffer.take("a3", third),
    ]
    if spilled:
        buffer.spill_texts(str(tmp_path))
        assert not isinstance(buffer._data, bytearray)
    assert len(buffer) == 9
    assert [list(share) for share in shares] == [first, [], second, third]
    share = shares[0]
    assert isinstance(share, BufferedPassages) and len(share) == 3
    assert [share[n] for n in range(-3, 3)] == first + first
    assert share[1:] == first[1:]
    assert share.texts_of(0, 3) == [p.text for p in first]
    assert share.texts_of(1, 2) == [first[1].text]
    assert list(share.content_sizes()) == [2, 0, 3]
    assert [share.content_at(n) for n in range(3)] == [p.content for p in first]
    assert list(share.content_words()) == [w for p in first for w in p.content]
    assert list(share.paragraphs()) == [0, 3, 7]
    assert share.quoted() == [(1, first[1].quotes)]
    assert shares[3].quoted() == [(n, p.quotes) for n, p in enumerate(third) if p.quotes]
    assert list(shares[3].content_sizes()) == [0, 0, 1]
    assert share == PassageBlock.of("a1", first) == share
    assert share != shares[2] and share != PassageBlock.of("a2", first)
    copied = pickle.loads(pickle.dumps(share))  # its own passages, not the buffer
    assert type(copied) is PassageBlock and copied == share
    with pytest.raises(IndexError):
        share[3]


def test_a_store_numbers_blocks_lists_and_appended_passages_in_order() -> None:
    first, second = _passages(), [dataclasses.replace(p, article="a2") for p in _passages()]
    buffered = [dataclasses.replace(p, article="a4") for p in _quoted_passages()]
    store = PassageStore()
    store.extend(PassageBlock.of("a1", first))
    store.extend([])
    store.extend(second)
    extra = dataclasses.replace(first[0], article="a3")
    store.append(extra)
    store.append(extra)
    store.extend(PassageBuffer().take("a4", buffered))
    expected = [*first, *second, extra, extra, *buffered]
    assert len(store) == len(expected)
    assert list(store) == expected
    assert [store[n] for n in range(len(expected))] == expected
    assert store[-1] == buffered[-1]
    assert store.texts(1, 7) == [p.text for p in expected[1:7]]
    assert store.texts(6, 11) == [p.text for p in expected[6:11]]
    quoted = [(n, p.quotes) for n, p in enumerate(expected) if p.quotes]
    assert quoted[:2] == [(1, first[1].quotes), (4, second[1].quotes)]
    assert store.quoted(0, len(expected)) == quoted
    assert store.quoted(2, 4) == []
    assert store.quoted(9, 11) == quoted[3:]
    assert list(store.content_words()) == [w for p in expected for w in p.content]
    assert list(store.content_sizes()) == [len(p.content) for p in expected]
    assert list(store.places()) == [(p.article, p.paragraph) for p in expected]
    assert [store.content_of(n) for n in range(len(expected))] == [p.content for p in expected]
    assert len(second) == 3  # a caller's list is kept, never appended to


@pytest.mark.parametrize("compact", ["blocks", "buffer"])
def test_linking_blocks_finds_what_linking_lists_finds(compact: str) -> None:
    """Forked look-ups too: the child reads the blocks the parent holds. In a buffer the
    articles come in another order (as they arrive from the workers) than linked."""
    articles, _ = generate(300, seed=7)
    lists = [(a.id, prepare_passages(a)) for a in articles]
    if compact == "blocks":
        blocks = [(article_id, PassageBlock.of(article_id, found)) for article_id, found in lists]
    else:
        buffer = PassageBuffer()
        shares = {article_id: buffer.take(article_id, found) for article_id, found in lists[::-1]}
        blocks = [(article_id, shares[article_id]) for article_id, _ in lists]
    from_lists = LinkIndex.build_prepared(lists, workers=1)
    from_blocks = LinkIndex.build_prepared(blocks, workers=1)
    assert len(from_lists.links) > 20
    assert from_blocks.links == from_lists.links
    assert from_blocks.deferred == from_lists.deferred
    assert list(from_blocks.passages) == list(from_lists.passages)
    assert list(from_blocks.postings[0].items()) == list(from_lists.postings[0].items())
    for article in articles[-20:]:  # a built index grows from blocks as from lists
        extra = prepare_passages(article)
        renamed = [dataclasses.replace(p, article=p.article + "x") for p in extra]
        assert from_blocks.add_prepared(
            article.id + "x", PassageBlock.of(article.id + "x", renamed)
        ) == (from_lists.add_prepared(article.id + "x", renamed))
    assert from_blocks.links == from_lists.links


def test_what_an_update_stores_is_read_from_the_index_as_from_its_passages() -> None:
    """An incremental update stores each passage's place, each deferred pair's shared
    words and every posting as rows: read without making passages (and from flat
    postings in C), they are what reading the passages and postings gives, for a built
    index (blocks, flat postings) and one grown after (lists, dict postings)."""
    articles, _ = generate(300, seed=7)
    index = LinkIndex.build_prepared(
        [(a.id, PassageBlock.of(a.id, prepare_passages(a))) for a in articles[:250]], workers=1
    )

    def expected_rows(postings: object) -> list[tuple]:
        rows = []
        for key, posting in postings.items():  # type: ignore[attr-defined]
            numbers = [] if posting is None else [posting] if type(posting) is int else posting
            last = numbers[-1] if numbers else -1
            rows.append((5, key, last, b"".join(n.to_bytes(4, "little") for n in numbers)))
        return rows

    for grown in (False, True):
        if grown:
            for article in articles[250:]:
                index.add_prepared(article.id, prepare_passages(article))
        passages = list(index.passages)
        deferred = index.deferred
        assert len(deferred) > 20
        every = [
            (a, b, " ".join(sorted(set(passages[a].content) & set(passages[b].content))))
            for a, b in zip(deferred[0::2], deferred[1::2], strict=True)
        ]
        assert list(index.deferred_words()) == every
        # from a passage on (a link state written over keeps the pairs before it)
        middle = deferred[len(deferred) // 2 // 2 * 2] + 1
        later = [pair for pair in every if pair[0] >= middle]
        assert later and len(later) < len(every)
        assert list(index.deferred_words(middle)) == later
        assert list(index.passage_places()) == [(p.article, p.paragraph) for p in passages]
        fingerprints, words = index.posting_rows(5, -1)
        assert list(fingerprints) == expected_rows(index.postings[0])
        assert list(words) == expected_rows(index.postings[1])


def _taken_into_a_buffer(order: str) -> tuple[list, PassageBuffer, list]:
    """300 generated articles' passage lists, and their shares of one buffer taken in the
    buffer's order, with the first article taken twice, or in reverse order."""
    articles, _ = generate(300, seed=7)
    lists = [(a.id, prepare_passages(a)) for a in articles]
    buffer = PassageBuffer()
    taken = lists + lists[:1] if order == "twice" else lists
    shares = [(article_id, buffer.take(article_id, found)) for article_id, found in taken]
    if order == "reversed":
        buffer = PassageBuffer()
        by_id = {article_id: buffer.take(article_id, found) for article_id, found in lists[::-1]}
        shares = [(article_id, by_id[article_id]) for article_id, _ in lists]
    return lists, buffer, shares


@pytest.mark.parametrize("order", ["buffer", "twice", "reversed"])
def test_a_buffer_s_content_numbers_are_linked_without_a_copy(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Passages that are all of one buffer, in its order (a first index's), are linked on
    the buffer's own content numbers and words; others (an article taken twice, so the
    buffer holds passages linking skips, or another order) on numbers made afresh. The
    links are those of linking lists either way."""
    import numpy as np

    from kabar_tui.core.corpus import linking_corpus

    lists, buffer, shares = _taken_into_a_buffer(order)
    made: list = []
    init = linking_corpus.CorpusArrays.__init__

    def noted(self, index, starts) -> None:  # type: ignore[no-untyped-def]
        init(self, index, starts)
        made.append(self)

    monkeypatch.setattr(linking_corpus.CorpusArrays, "__init__", noted)
    from_buffer = LinkIndex.build_prepared(shares, workers=1)
    from_lists = LinkIndex.build_prepared(lists, workers=1)
    numbers, words = buffer.content_numbers()
    shared = np.shares_memory(made[0].content_ids, np.frombuffer(numbers, dtype=np.int32))
    assert shared == (order == "buffer")
    assert made[0].vocabulary == words or order != "buffer"
    assert (made[0].content_ids == made[1].content_ids).all() or order == "reversed"
    assert made[0].vocabulary == made[1].vocabulary or order == "reversed"
    assert len(from_lists.links) > 20
    assert from_buffer.links == from_lists.links
    assert from_buffer.deferred == from_lists.deferred
    assert from_buffer.frequency == from_lists.frequency
    assert list(from_buffer.postings[1].items()) == list(from_lists.postings[1].items())


@pytest.mark.parametrize("order", ["buffer", "twice", "reversed"])
def test_a_buffer_s_deferred_words_are_read_from_it_directly(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deferred pairs' shared words (what storing the link state writes) of passages
    that are all of one buffer, in its order (a first index's), are read from the buffer
    without finding each passage's block; of others, block by block. The same words as
    linking lists either way."""
    from kabar_tui.core.corpus.linking_passages import PassageStore

    lists, _, shares = _taken_into_a_buffer(order)
    from_buffer = LinkIndex.build_prepared(shares, workers=1)
    from_lists = LinkIndex.build_prepared(lists, workers=1)
    expected = list(from_lists.deferred_words())
    assert len(expected) > 20
    found: list[int] = []
    place = PassageStore._place

    def noted(self, number):  # type: ignore[no-untyped-def]
        found.append(number)
        return place(self, number)

    monkeypatch.setattr(PassageStore, "_place", noted)
    assert list(from_buffer.deferred_words()) == expected
    assert (not found) == (order == "buffer")


@pytest.mark.skipif(not hasattr(os, "pread"), reason="texts stay in memory without pread")
def test_a_buffer_s_texts_go_to_a_file_in_the_folder_given(tmp_path) -> None:
    """Its texts held in no process memory: in a file (unlinked) in the folder given;
    left in memory when none can be made there; nothing taken after."""
    buffer = PassageBuffer()
    buffer.take("a1", _quoted_passages())
    buffer.spill_texts(str(tmp_path / "missing"))  # no such folder: kept as it is
    assert isinstance(buffer._data, bytearray)
    size = len(buffer._data)
    buffer.spill_texts(str(tmp_path))
    file = buffer._data._file  # type: ignore[union-attr]
    assert os.fstat(file.fileno()).st_size == size
    if os.path.isdir("/proc/self/fd"):
        assert os.readlink(f"/proc/self/fd/{file.fileno()}").startswith(str(tmp_path) + os.sep)
    assert [buffer.passage("a1", n) for n in range(3)] == _quoted_passages()
    with pytest.raises(ValueError, match="went to a file"):
        buffer.take("a2", _passages())


def test_the_pipeline_links_with_the_texts_in_a_file(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first index's linking reads the corpus's texts from the file; the same links."""
    from kabar_tui.core.corpus.digest import CorpusDigest
    from kabar_tui.core.indexing import pipeline

    monkeypatch.setenv("KABAR_CACHE_DIR", str(tmp_path))
    articles, _ = generate(120, seed=3)
    seen: list[bool] = []
    build = LinkIndex.build_prepared

    def noted(articles, workers=None):  # type: ignore[no-untyped-def]
        listed = list(articles)
        seen.append(all(not isinstance(p.buffer._data, bytearray) for _, p in listed if p))
        return build(listed, workers)

    monkeypatch.setattr(LinkIndex, "build_prepared", noted)
    work = pipeline.CorpusWork(CorpusDigest.of(articles))
    pipeline._link(work)
    assert seen == [hasattr(os, "pread")]
    monkeypatch.setattr(LinkIndex, "build_prepared", build)
    assert work.links == LinkIndex.build(articles, workers=1).links
    assert len(work.links) > 10
