"""Name resolution run in a spawned process (`core.spawned`) while the first index stores
its link index.

A child forked from the main process during linking inherits the digests' passages and
the link index, and keeps them resident even once let go of (pymalloc keeps partly used
arenas): at 100k articles it peaked at 2.18 GB. A spawned process starts empty and is
sent only what `resolve_digest` reads: per article its id, title and packed rest
(`digest.packed_rest`, or the bytes `without_rest` held), the stories and the quotation
group numbers, as rows and arrays a few thousand articles at a time: not pickled, whose
memo of a million objects would grow the main process while it holds the link index.
The `Resolution` comes back pickled, as from the forked child before (docs/indexing.md,
"namespawn").
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from typing import IO

from kabar_tui.core.digest import ArticleDigest, CorpusDigest, unpack_rest
from kabar_tui.core.model import Story
from kabar_tui.core.quote_table import QuoteTable
from kabar_tui.core.resolve import Resolution, resolve_digest
from kabar_tui.core.spawned import (
    SpawnedCall,
    chunk_rows,
    read_chunks,
    read_json,
    read_message,
    write_chunks,
    write_json,
    write_message,
)

# Typecodes of arrays of codes into fewer names than these.
_NARROW = (("B", 1 << 8), ("H", 1 << 16))


class SpawnedNames(SpawnedCall[Resolution]):
    """`resolve_digest` of the articles, stories and quotation group numbers given, in a
    spawned process started and sent its input now; `result()` waits for it."""

    def __init__(
        self,
        articles: Sequence[ArticleDigest],
        rests: Iterable[bytes],
        stories: Sequence[Story],
        numbers: Sequence[int] | None,
    ) -> None:
        send = partial(_send, articles=articles, rests=rests, stories=stories, numbers=numbers)
        super().__init__(__name__, send, "name resolution")


def _send(
    pipe: IO[bytes],
    articles: Sequence[ArticleDigest],
    rests: Iterable[bytes],
    stories: Sequence[Story],
    numbers: Sequence[int] | None,
) -> None:
    """A header (the number of articles, the stories), the quotation group numbers, then
    per article its (id, title) row and packed rest."""
    header = {
        "articles": len(articles),
        "stories": [[story.id, story.title, story.articles] for story in stories],
        "numbers": numbers is not None,
    }
    write_json(pipe, header)
    del header
    if numbers is not None:
        write_message(pipe, array("i", numbers).tobytes())
    write_chunks(pipe, ([article.id, article.title] for article in articles), rests)


def work(inbound: IO[bytes]) -> Resolution:
    """In the spawned process: read all the input first (the parent sends it at once and
    goes on), then unpack it an article at a time, in corpus order."""
    header = read_json(inbound)
    stories = [Story(id, list(members), title) for id, title, members in header["stories"]]
    numbers = None
    if header["numbers"]:
        numbers = array("i")
        numbers.frombytes(read_message(inbound))
    chunks = read_chunks(inbound, header["articles"])
    digest = CorpusDigest()
    for (article_id, title), packed in chunk_rows(chunks, header["articles"]):
        article = ArticleDigest(
            article_id, "", title, None, array("i"), [], array("i"), [], {}, Counter()
        )
        digest.refill(article, unpack_rest(packed))
        digest.articles.append(article)
    given = numbers
    resolution = resolve_digest(digest, stories, None if given is None else lambda: given)
    del digest  # the rests unpacked: let go of before the resolution is made compact
    return compact(resolution)


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
