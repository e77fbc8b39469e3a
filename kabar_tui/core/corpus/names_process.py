"""Name resolution run in a spawned process (`core.processes.spawned`) while the first index stores
its link index.

A child forked from the main process during linking inherits the digests' passages and
the link index, and keeps them resident even once let go of (pymalloc keeps partly used
arenas): at 100k articles it peaked at 2.18 GB. A spawned process starts empty and is
sent only what `resolve_digest` reads: per article its id, title and packed rest
(`digest.packed_rest`, or the bytes `without_rest` held) and the stories, as rows and
arrays a few thousand articles at a time: not pickled, whose memo of a million objects
would grow the main process while it holds the link index. The quotation group numbers
follow once the main process has them (their process can outlast linking: at 100k
articles it did by 40 s, which names waited before; docs/indexing.md, "tailcut"). The
`Resolution` comes back pickled, as from the forked child before (docs/indexing.md,
"namespawn").
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from typing import IO

from kabar_tui.core.corpus.digest import ArticleDigest, CorpusDigest, unpack_rest
from kabar_tui.core.corpus.quote_table import QuoteTable
from kabar_tui.core.corpus.resolve import Resolution, resolve_digest
from kabar_tui.core.model import Story
from kabar_tui.core.processes.heap import release_free_memory
from kabar_tui.core.processes.spawned import (
    SpawnedCall,
    chunk_rows,
    read_chunks,
    read_json,
    read_message,
    write_chunks,
    write_json,
    write_message,
)

_NONE = array("i")  # the mentions of a digest once resolution has read them

# Typecodes of arrays of codes into fewer names than these.
_NARROW = (("B", 1 << 8), ("H", 1 << 16))


class SpawnedNames(SpawnedCall[Resolution]):
    """`resolve_digest` of the articles and stories given, in a spawned process started
    and sent them now; the quotation group numbers, which resolution asks for last, are
    sent once known (`send_numbers`: the pipeline's come from their own process, which
    may still be running). `result()` waits for it."""

    def __init__(
        self, articles: Sequence[ArticleDigest], rests: Iterable[bytes], stories: Sequence[Story]
    ) -> None:
        send = partial(_send, articles=articles, rests=rests, stories=stories)
        super().__init__(__name__, send, "name resolution", more=True)

    def send_numbers(self, numbers: Sequence[int] | None) -> None:
        """The quotation group numbers, or None: worked out there."""
        self.send_rest(partial(_send_numbers, numbers=numbers))


def _send(
    pipe: IO[bytes],
    articles: Sequence[ArticleDigest],
    rests: Iterable[bytes],
    stories: Sequence[Story],
) -> None:
    """A header (the number of articles, the stories), then per article its (id, title)
    row and packed rest."""
    header = {
        "articles": len(articles),
        "stories": [[story.id, story.title, story.articles] for story in stories],
    }
    write_json(pipe, header)
    del header
    write_chunks(pipe, ([article.id, article.title] for article in articles), rests)


def _send_numbers(pipe: IO[bytes], numbers: Sequence[int] | None) -> None:
    """Whether the numbers are given, then the numbers."""
    write_json(pipe, numbers is not None)
    if numbers is not None:
        write_message(pipe, array("i", numbers).tobytes())


def work(inbound: IO[bytes]) -> Resolution:
    """In the spawned process: read the articles first (the parent sends them at once and
    goes on), unpack them an article at a time, in corpus order, and resolve their names;
    the quotation group numbers are read when resolution asks for them."""
    header = read_json(inbound)
    stories = [Story(id, list(members), title) for id, title, members in header["stories"]]
    chunks = read_chunks(inbound, header["articles"])
    digest = CorpusDigest()
    for (article_id, title), packed in chunk_rows(chunks, header["articles"]):
        article = ArticleDigest(
            article_id, "", title, None, array("i"), [], array("i"), [], {}, Counter()
        )
        digest.refill(article, unpack_rest(packed))
        digest.articles.append(article)
    resolution = resolve_digest(digest, stories, partial(_numbers, inbound, digest))
    del digest  # the rests unpacked: let go of before the resolution is made compact
    return compact(resolution)


def _numbers(inbound: IO[bytes], digest: CorpusDigest) -> Sequence[int]:
    """The quotation group numbers sent, or worked out here when none were.

    Resolution asks for them last, once it has read every mention: after them it reads
    the articles' ids and quotations alone (`group_quote_rows`, `quote_group_numbers`).
    So the digests' mentions, abbreviations and caption names are let go of here, and
    with what resolution let go of before (its clusters) given back to the system
    first: this process may wait for the numbers beside the quotation process and the
    main process storing the link state (docs/indexing.md, "sumpeak")."""
    for article in digest.articles:
        article.mentions, article.abbreviations, article.caption_people = _NONE, {}, Counter()
    release_free_memory()
    if not read_json(inbound):
        # imported here: the numbers are sent but for a few quotations, so numpy stays out
        from kabar_tui.core.corpus.quote_grouping import quote_group_numbers

        return quote_group_numbers(digest.articles)
    numbers = array("i")
    numbers.frombytes(read_message(inbound))
    return numbers


def compact(resolution: Resolution) -> Resolution:
    """The resolution as the main process holds it to the end of the index: the quotation
    groups in numbers (`QuoteTable`), each mention's code in as few bytes as the names'
    count allows. The same values, in 189 MB of the main process instead of 684 MB at 100k
    articles (docs/indexing.md, "resolpieces")."""
    count = len(resolution.names)
    narrow = next((code for code, codes in _NARROW if count <= codes), "i")
    resolution.mention_names = [array(narrow, codes) for codes in resolution.mention_names]
    resolution.quote_groups = QuoteTable.of(resolution.quote_groups)
    return resolution
