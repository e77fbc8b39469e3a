"""Linking's look-ups in spawned worker processes that share the corpus's arrays through
one file mapped into each (docs/indexing.md, "linkspawn").

A worker forked from the main process counted every page it inherited: every digest
with its passages as Python objects (1.72 GB at 100k articles). A spawned worker is a
fresh interpreter that maps a temporary file holding what linking a range of passages
reads, as flat arrays: the postings (`FlatPostings`), each passage's content word
numbers, its text, quotations, article and paragraph, and the vocabulary with its
counts; it makes a `Passage` only for the passages it scores. Several workers map the
same pages: no worker copies them. The texts and quotations are not read through the
mapping but with `os.pread` (a range's texts at once, a scored passage's with its
quotations): each is read a few times, and every mapped page read stays in the worker's
resident size until it ends (about 430 MB of texts at 100k articles: docs/indexing.md,
"peaksum"). The file is unlinked from the start (it is gone when the last process
holding it ends) and passed to each worker as an open descriptor.

Ranges are taken one at a time from a counter at the head of the file, behind a POSIX
record lock (owned per process, so the processes sharing the descriptor exclude each
other); the main process takes them too, with its own objects.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import tempfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from itertools import pairwise
from typing import IO, TYPE_CHECKING, Any, Literal

from kabar_tui.core.corpus.linking_passages import Passage
from kabar_tui.core.processes.scratch import read_span
from kabar_tui.core.processes.spawned import SpawnedCall, read_json, write_json

if TYPE_CHECKING:
    from kabar_tui.core.corpus.linking import Linked
    from kabar_tui.core.corpus.linking_corpus import CorpusArrays

_ITEMSIZE = {"int32": 4, "int64": 8}
# Strings encoded at once while the file is written (a few MB of bytes, held twice).
_WRITE_BATCH = 4096
_ALIGN = 64  # every array starts on a cache line (numpy reads it without copying)
_COUNTER = 8  # bytes at the head of the file: the next range to take
_ENCODING, _ERRORS = "utf-8", "surrogatepass"
# The postings' arrays, as `FlatPostings` names them (its scalars go in the layout).
_POSTING_ARRAYS = ("keys", "offsets", "members", "full_at", "directory")

Layout = dict[str, Any]  # name -> [offset, dtype, count] of each array, and scalars


class SharedCorpus:
    """The temporary file, written now; `take` is the range counter. OSError when it
    cannot be written (the caller links in this process alone)."""

    def __init__(self, arrays: CorpusArrays) -> None:
        from kabar_tui.core.corpus.linking_arrays import release_free_memory

        self.file: IO[bytes] = tempfile.TemporaryFile(dir=spill_folder())  # noqa: SIM115
        try:
            self.layout = _write(arrays, self.file)
            self.file.flush()
        except BaseException:
            self.file.close()
            raise
        # The batches of strings were made in the heap's free pages (given back after
        # pass 1) and freed there: given back again, or the main process holds them
        # through linking (116 MB at 100k articles: docs/indexing.md, "plateau").
        release_free_memory()

    def take(self) -> int:
        """The next range's number (one past the last once all are taken)."""
        return _take(self.file.fileno())

    def close(self) -> None:
        self.file.close()


def spill_folder() -> str | None:
    """The cache's folder, when it exists and can be written: on disk, where the file's
    pages can be dropped and read again. The system's temporary folder is often a tmpfs,
    where the file (774 MB at 100k articles) would hold memory no process's size shows.
    None (that folder) otherwise."""
    from kabar_tui.core.store.storage import cache_dir

    folder = cache_dir()
    return str(folder) if os.access(folder, os.W_OK | os.X_OK) and folder.is_dir() else None


class SpawnedLinks(SpawnedCall["dict[int, Linked]"]):
    """The ranges a spawned worker took from `shared`'s counter, linked there; `result()`
    gives them by range number. OSError when no process can be started."""

    def __init__(self, shared: SharedCorpus, ranges: list[tuple[int, int]]) -> None:
        descriptor = shared.file.fileno()
        message = {"descriptor": descriptor, "layout": shared.layout, "ranges": ranges}
        super().__init__(
            __name__, partial(write_json, value=message), "linking", pass_fds=(descriptor,)
        )


def _take(descriptor: int) -> int:
    fcntl.lockf(descriptor, fcntl.LOCK_EX, _COUNTER, 0)
    try:
        number = int.from_bytes(os.pread(descriptor, _COUNTER, 0), "little")
        os.pwrite(descriptor, (number + 1).to_bytes(_COUNTER, "little"), 0)
    finally:
        fcntl.lockf(descriptor, fcntl.LOCK_UN, _COUNTER, 0)
    return number


def _write(arrays: CorpusArrays, file: IO[bytes]) -> Layout:
    """Write what a worker reads, an array after another; their places and the scalars.
    Strings are written a batch at a time: the main process holds no copy of them all."""
    layout: Layout = {}
    file.write(bytes(_COUNTER))

    def put(name: str, data: Any, dtype: str) -> None:
        at = file.tell()
        if at % _ALIGN:
            file.write(bytes(_ALIGN - at % _ALIGN))
            at = file.tell()
        view = memoryview(data).cast("B")
        file.write(view)
        layout[name] = [at, dtype, len(view) // _ITEMSIZE[dtype]]

    put("starts", arrays.starts, "int64")
    put("content_offsets", arrays.content_offsets, "int64")
    put("content_ids", arrays.content_ids, "int32")
    for kind in ("fingerprints", "words"):
        postings = getattr(arrays, kind)
        for name in _POSTING_ARRAYS:
            data = getattr(postings, name)
            put(f"{kind}.{name}", data, str(data.dtype))
        layout[f"{kind}.lowest"] = int(postings.lowest)
        layout[f"{kind}.shift"] = int(postings.shift)
    frequency = arrays.index.frequency
    put("frequency", array("q", map(frequency.__getitem__, arrays.vocabulary)), "int64")
    layout["counted"] = arrays.index.counted
    put("vocabulary", _strings(file, _batched(arrays.vocabulary)), "int64")
    passages = arrays.passages
    batches = range(0, len(passages), _WRITE_BATCH)
    count = len(passages)
    texts = (passages.texts(first, min(first + _WRITE_BATCH, count)) for first in batches)
    put("texts", _strings(file, texts), "int64")
    quote_firsts = array("q", [0])
    put("quotes", _strings(file, _quotes(passages, batches, quote_firsts)), "int64")
    put("quote_firsts", quote_firsts, "int64")
    article_ids: list[str] = []
    article_of, paragraphs = array("i"), array("i")
    for article, paragraph in passages.places():
        if not article_ids or article_ids[-1] != article:
            article_ids.append(article)
        article_of.append(len(article_ids) - 1)
        paragraphs.append(paragraph)
    put("article_of", article_of, "int32")
    put("paragraphs", paragraphs, "int32")
    put("articles", _strings(file, _batched(article_ids)), "int64")
    return layout


def _quotes(passages: Any, batches: range, firsts: array[int]) -> Iterator[list[str]]:
    """Every passage's quotations, a batch of passages at a time; `firsts` gets where
    each passage's begin among them, and where the last ends."""
    for first in batches:
        end = min(first + batches.step, len(passages))
        quoted = dict(passages.quoted(first, end))
        found: list[str] = []
        for number in range(first, end):
            its = quoted.get(number, ())
            found.extend(its)
            firsts.append(firsts[-1] + len(its))
        yield found


def _batched(strings: list[str]) -> Iterator[list[str]]:
    return (strings[at : at + _WRITE_BATCH] for at in range(0, len(strings), _WRITE_BATCH))


def _strings(file: IO[bytes], batches: Iterable[list[str]]) -> array[int]:
    """Write the strings encoded one after another; where the first begins in the file
    and where each ends."""
    ends = array("q", [file.tell()])
    for strings in batches:
        encoded = [text.encode(_ENCODING, _ERRORS) for text in strings]
        at = ends[-1]
        for data in encoded:
            at += len(data)
            ends.append(at)
        file.write(b"".join(encoded))
        del encoded
    return ends


def work(inbound: IO[bytes]) -> dict[int, Linked]:
    """In the spawned process: map the file, take ranges until none is left, link them."""
    message = read_json(inbound)
    descriptor, ranges = message["descriptor"], message["ranges"]
    mapped = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
    arrays = _mapped_arrays(mapped, message["layout"], descriptor)
    linked: dict[int, Linked] = {}
    while (number := _take(descriptor)) < len(ranges):
        linked[number] = arrays.link(*ranges[number])
    return linked


def _mapped_arrays(mapped: mmap.mmap, layout: Layout, descriptor: int) -> CorpusArrays:
    """The `CorpusArrays` of the main process, made of views of the mapped file (its
    texts and quotations read from `descriptor`, the same file)."""
    import numpy as np

    from kabar_tui.core.corpus.linking import LinkIndex
    from kabar_tui.core.corpus.linking_arrays import FlatPostings
    from kabar_tui.core.corpus.linking_corpus import CorpusArrays

    def view(name: str) -> np.ndarray:
        at, dtype, count = layout[name]
        return np.frombuffer(mapped, dtype=dtype, count=count, offset=at)

    def postings(kind: str) -> FlatPostings:
        keys, offsets, members, full_at, directory = (
            view(f"{kind}.{name}") for name in _POSTING_ARRAYS
        )
        lowest, shift = (np.uint64(layout[f"{kind}.{name}"]) for name in ("lowest", "shift"))
        return FlatPostings(keys, offsets, members, full_at, directory, lowest, shift)

    def strings(name: str) -> list[str]:
        ends = view(name).tolist()
        return [mapped[a:b].decode(_ENCODING, _ERRORS) for a, b in pairwise(ends)]

    vocabulary = strings("vocabulary")
    index = LinkIndex()
    index._frequency = Counter(dict(zip(vocabulary, view("frequency").tolist(), strict=True)))
    index._counted = layout["counted"]
    index._passages = MappedPassages(descriptor, vocabulary, strings("articles"), view)
    return CorpusArrays.mapped(
        index,
        view("starts"),
        view("content_offsets"),
        view("content_ids"),
        vocabulary,
        postings("words"),
        postings("fingerprints"),
    )


class MappedPassages:
    """The passages as `CorpusArrays.link` reads them (by number, and a range's texts),
    each made when asked for: its numbers from the mapped file's views (`view`), its
    texts read from the file (`descriptor`)."""

    def __init__(self, descriptor: int, vocabulary: list[str], articles: list[str], view: Any):
        self._descriptor = descriptor
        self._vocabulary = vocabulary
        self._articles = articles
        # memoryviews: a number read is a Python int at once (a numpy scalar is slower)
        self._texts = _numbers(view("texts"), "q")  # where each text begins, and the last ends
        self._quotes = _numbers(view("quotes"), "q")
        self._quote_firsts = _numbers(view("quote_firsts"), "q")
        self._content_offsets = _numbers(view("content_offsets"), "q")
        self._content_ids = _numbers(view("content_ids"), "i")
        self._article_of = _numbers(view("article_of"), "i")
        self._paragraphs = _numbers(view("paragraphs"), "i")

    def __len__(self) -> int:
        return len(self._paragraphs)

    def __getitem__(self, number: int) -> Passage:
        quotes: tuple[str, ...] = ()
        first, end = self._quote_firsts[number], self._quote_firsts[number + 1]
        if first < end:
            quotes = tuple(map(partial(self._string, self._quotes), range(first, end)))
        offsets = self._content_offsets
        words = self._content_ids[offsets[number] : offsets[number + 1]]
        return Passage(
            self._articles[self._article_of[number]],
            self._paragraphs[number],
            self._string(self._texts, number),
            quotes,
            tuple(map(self._vocabulary.__getitem__, words)),
        )

    def _string(self, ends: memoryview, number: int) -> str:
        return self._read(ends[number], ends[number + 1]).decode(_ENCODING, _ERRORS)

    def _read(self, start: int, stop: int) -> bytes:
        return read_span(self._descriptor, start, stop - start, "linking's shared file")

    def texts(self, first: int, end: int) -> list[str]:
        """The texts of passages `first` to `end`, read at once."""
        if first >= end:
            return []
        ends = self._texts
        base = ends[first]
        data = self._read(base, ends[end])
        return [
            data[ends[number] - base : ends[number + 1] - base].decode(_ENCODING, _ERRORS)
            for number in range(first, end)
        ]


def _numbers(values: Any, kind: Literal["i", "q"]) -> memoryview[int]:
    return memoryview(values).cast("B").cast(kind)
