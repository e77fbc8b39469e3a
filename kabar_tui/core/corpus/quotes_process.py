"""Quotation grouping (`quote_grouping.quote_group_numbers`) run in a spawned process
(`core.processes.spawned`) while the main process links.

The child forked for it inherited every digest with its passages (1.06 GB at 100k
articles) and unpacked the digests' rest in its copy: 1.69 GB. Grouping reads the
quotations' texts alone, so a spawned process is sent, per article, either the packed
rest holding them (the bytes `without_rest` held: unpacked there, not here) or, for a
digest holding its quotations, their texts; it keeps only their keys (`quote_key`) and
sends the group numbers back (docs/indexing.md, "quotespawn").
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from functools import partial
from itertools import tee
from typing import IO

from kabar_tui.core.processes.spawned import (
    SpawnedCall,
    chunk_rows,
    read_chunks,
    read_json,
    write_chunks,
    write_json,
)

# Per article: its quotations' texts, or its packed rest (`digest.packed_rest`) holding them.
QuotesSent = list[str] | bytes


class SpawnedQuoteGroups(SpawnedCall["array[int]"]):  # array: not subscriptable at run time
    """`quote_group_numbers` of `count` articles' quotations, each given as `QuotesSent`,
    in a spawned process started and sent them now; `result()` waits for it."""

    def __init__(self, count: int, quotations: Iterable[QuotesSent]) -> None:
        super().__init__(__name__, partial(_send, count, quotations), "quotation grouping")


def _send(count: int, quotations: Iterable[QuotesSent], pipe: IO[bytes]) -> None:
    """The number of articles, then per article a row (its quotations' texts, or null)
    and bytes (its packed rest, or none)."""
    write_json(pipe, count)
    rows, packed = tee(quotations)
    write_chunks(
        pipe,
        (None if isinstance(texts, bytes) else texts for texts in rows),
        (rest if isinstance(rest, bytes) else b"" for rest in packed),
    )


def work(inbound: IO[bytes]) -> array[int]:
    """In the spawned process: read all the input first (the parent sends it at once and
    goes on), then key each article's quotations, in corpus order, and group them."""
    count = read_json(inbound)
    chunks = read_chunks(inbound, count)
    # imported once read: the parent waits while its input fills the pipe, not for this
    from kabar_tui.core.corpus.digest import unpack_rest
    from kabar_tui.core.corpus.quote_grouping import key_group_numbers, quote_key

    keys: list[str] = []
    for texts, packed in chunk_rows(chunks, count):
        if texts is None:
            texts = [quote[0] for quote in unpack_rest(packed)[0]]
        keys += map(quote_key, texts)
    return key_group_numbers(keys)
