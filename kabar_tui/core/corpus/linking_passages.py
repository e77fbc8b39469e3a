"""Linking's passages kept compact: one article's in a few objects instead of several per
paragraph, and a whole corpus's in a few large buffers (docs/linking.md, issue 14).

A `Passage` in a list costs its object, its text's string header and a tuple of content
words besides the text itself: about 170 bytes per paragraph, 190 MB at 100k articles,
held from the moment an article is digested until the corpus is linked. `PassageBlock`
holds an article's passages as one string of their texts, one tuple of their content
words, their paragraph numbers and ends in one array, and the quotations of those that
have any (what an indexing worker sends and the cache stores). `PassageBuffer` holds many
articles' passages, taken from their blocks as the digests arrive, in a few large arrays:
the texts as UTF-8 bytes, content words as numbers, and a quotation as the span of its
passage's text it is (news quotes one); `BufferedPassages` is one article's share of it.
Both give `Passage` objects back on demand, equal to the ones they were made from.
`PassageStore` numbers the passages of many blocks (or plain lists) for `LinkIndex`.
`packed` and `unpacked` are one passage as the link state stores it (`link_passages`),
so that an update reads a stored candidate ready instead of making it again from its
paragraph and quotations (docs/incremental.md, "readylink").
"""

from __future__ import annotations

import os
import tempfile
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from sys import intern
from typing import IO, overload

from kabar_tui.core.processes.scratch import read_span


@dataclass(slots=True)
class Passage:
    """What linking keeps about one paragraph: normalized text and its evidence."""

    article: str
    paragraph: int
    text: str  # normalized words joined by single spaces
    quotes: tuple[str, ...]
    content: tuple[str, ...]  # distinct content words written in lowercase (names are not)


_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # any str, as the digests' own bytes take it

# A packed passage's fields: its text, its content words joined by spaces, then one per
# quotation. None of them holds a newline: each is word characters (`lexicon.WORD`)
# joined by single spaces.
_FIELD_END = "\n"


def packed(passage: Passage) -> bytes:
    """A passage's text, content words and quotations as one compressed blob (zlib: about
    260 bytes a passage against 570, the content words mostly repeating the text's)."""
    fields = _FIELD_END.join((passage.text, " ".join(passage.content), *passage.quotes))
    return zlib.compress(fields.encode(_ENCODING, _ERRORS))


def unpacked(article: str, paragraph: int, blob: bytes) -> Passage:
    """The passage `packed` stored; ValueError when `blob` is not one (not zlib's, not
    UTF-8, or too few fields)."""
    try:
        text, content, *quotes = zlib.decompress(blob).decode(_ENCODING, _ERRORS).split(_FIELD_END)
    except zlib.error as error:
        raise ValueError(str(error)) from None
    return Passage(article, paragraph, text, tuple(quotes), tuple(content.split()))


_BlockState = tuple[str, str, "array[int]", tuple[str, ...], "dict[int, tuple[str, ...]] | None"]
_FIELDS = 3  # per passage in PassageBlock.ends: paragraph, end of text, end of content words


class PassageBlock(Sequence[Passage]):
    """The passages of one article, compact (see the module's docstring)."""

    __slots__ = ("article", "content", "ends", "quotes", "texts")

    def __init__(
        self,
        article: str,
        texts: str,
        ends: array[int],
        content: tuple[str, ...],
        quotes: dict[int, tuple[str, ...]] | None,
    ) -> None:
        self.article = article
        self.texts = texts  # the passages' texts, one after the other
        self.ends = ends  # per passage: paragraph, end of its text, end of its content words
        self.content = content  # every passage's content words, one after the other
        self.quotes = quotes  # passage slot -> quotations, for those that have any

    @classmethod
    def of(cls, article: str, passages: Iterable[Passage]) -> PassageBlock:
        texts: list[str] = []
        ends = array("i")
        content: list[str] = []
        quotes: dict[int, tuple[str, ...]] = {}
        length = 0
        for slot, passage in enumerate(passages):
            texts.append(passage.text)
            length += len(passage.text)
            content.extend(passage.content)
            ends.extend((passage.paragraph, length, len(content)))
            if passage.quotes:
                quotes[slot] = passage.quotes
        return cls(article, "".join(texts), ends, tuple(content), quotes or None)

    def __getstate__(self) -> _BlockState:
        return self.article, self.texts, self.ends, self.content, self.quotes

    def __setstate__(self, state: _BlockState) -> None:
        self.article, self.texts, self.ends, self.content, self.quotes = state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PassageBlock):
            return NotImplemented
        return self.__getstate__() == other.__getstate__()

    def __len__(self) -> int:
        return len(self.ends) // _FIELDS

    @overload
    def __getitem__(self, slot: int) -> Passage: ...

    @overload
    def __getitem__(self, slot: slice) -> list[Passage]: ...

    def __getitem__(self, slot: int | slice) -> Passage | list[Passage]:
        ends = self.ends
        if type(slot) is not int or not 0 <= slot * _FIELDS < len(ends):
            if isinstance(slot, slice):
                return [self[n] for n in range(*slot.indices(len(self)))]
            if not -len(self) <= slot < 0:
                raise IndexError(slot)
            slot += len(self)
        at = slot * _FIELDS
        if slot:
            text_start, content_start = ends[at - 2], ends[at - 1]
        else:
            text_start = content_start = 0
        return Passage(
            self.article,
            ends[at],
            self.texts[text_start : ends[at + 1]],
            self.quotes.get(slot, ()) if self.quotes else (),
            self.content[content_start : ends[at + 2]],
        )

    def __iter__(self) -> Iterator[Passage]:
        return (self[slot] for slot in range(len(self)))

    def texts_of(self, first: int, end: int) -> list[str]:
        """The texts of passages first..end-1 of the block."""
        texts = self.texts
        start = self.ends[first * _FIELDS - 2] if first else 0
        found = []
        for stop in self.ends[first * _FIELDS + 1 : end * _FIELDS : _FIELDS]:
            found.append(texts[start:stop])
            start = stop
        return found

    def content_sizes(self) -> Iterator[int]:
        content_ends = self.ends[2::_FIELDS]
        return map(int.__sub__, content_ends, chain((0,), content_ends))

    def content_at(self, slot: int) -> tuple[str, ...]:
        """The content words of passage `slot`, without making the passage."""
        ends = self.ends
        at = slot * _FIELDS
        return self.content[ends[at - 1] if slot else 0 : ends[at + 2]]

    def content_words(self) -> Iterable[str]:
        return self.content

    def paragraphs(self) -> Iterable[int]:
        return self.ends[0::_FIELDS]

    def quoted(self) -> list[tuple[int, tuple[str, ...]]]:
        """(slot, quotations) of the passages that have any, in order."""
        return sorted(self.quotes.items()) if self.quotes else []


class PassageBuffer:
    """Many articles' passages in a few large arrays (see the module's docstring): a
    corpus's, filled as its digests arrive (`take`), so that holding them makes no object
    per article or paragraph and letting go of them gives whole pages back."""

    __slots__ = (
        "_codes",
        "_content",
        "_content_ends",
        "_data",
        "_paragraphs",
        "_quote_ends",
        "_quotes",
        "_text_ends",
        "_text_starts",
        "_words",
    )

    def __init__(self) -> None:
        # every passage's text in UTF-8, and after it its quotations not found in it
        self._data: bytearray | _Spilled = bytearray()
        self._paragraphs = array("i")
        self._text_starts = array("q")  # per passage: where its text starts in _data
        self._text_ends = array("q")  # and ends
        self._content = array("i")  # content words, as numbers into _words
        self._content_ends = array("q")  # per passage: the end of its words in _content
        self._quotes = array("q")  # start and end in _data of each quotation
        self._quote_ends = array("q")  # per passage: the end of its quotations (pairs)
        self._words: list[str] = []  # each distinct content word once
        self._codes = _Codes(self._words)

    def __len__(self) -> int:
        return len(self._paragraphs)

    def take(self, article: str, passages: Iterable[Passage]) -> BufferedPassages:
        """An article's passages added (copied), as its share of the buffer."""
        data = self._data
        if not isinstance(data, bytearray):
            raise ValueError("passages taken into a buffer whose texts went to a file")
        first = len(self._paragraphs)
        for passage in passages:
            self._add(data, passage)
        return BufferedPassages(article, self, first, len(self._paragraphs) - first)

    def _add(self, data: bytearray, passage: Passage) -> None:
        start = len(data)
        text = passage.text.encode(_ENCODING, _ERRORS)
        data += text
        self._paragraphs.append(passage.paragraph)
        self._text_starts.append(start)
        self._text_ends.append(len(data))
        self._content.extend(map(self._codes.__getitem__, passage.content))
        self._content_ends.append(len(self._content))
        if passage.quotes:
            padded = b" " + text + b" "
            for quote in passage.quotes:
                quoted = quote.encode(_ENCODING, _ERRORS)
                at = padded.find(b" " + quoted + b" ") if quoted else -1
                if at < 0:  # not a stretch of the text: written after it
                    at = len(data) - start
                    data += quoted
                self._quotes.extend((start + at, start + at + len(quoted)))
        self._quote_ends.append(len(self._quotes) // 2)

    def passage(self, article: str, number: int) -> Passage:
        content_ends, quote_ends = self._content_ends, self._quote_ends
        if number:
            words, quoted = content_ends[number - 1], quote_ends[number - 1]
        else:
            words = quoted = 0
        start, end = self._text_starts[number], self._text_ends[number]
        spans = self._quotes[2 * quoted : 2 * quote_ends[number]]
        # the text and its quotations (in it, or written after it) read as one span
        data = self._data[start : max(end, *spans[1::2])] if spans else self._data[start:end]
        bounds = zip(spans[0::2], spans[1::2], strict=True)
        return Passage(
            article,
            self._paragraphs[number],
            data[: end - start].decode(_ENCODING, _ERRORS),
            tuple(data[a - start : b - start].decode(_ENCODING, _ERRORS) for a, b in bounds),
            tuple(map(self._words.__getitem__, self._content[words : content_ends[number]])),
        )

    def text(self, number: int) -> str:
        return self._data[self._text_starts[number] : self._text_ends[number]].decode(
            _ENCODING, _ERRORS
        )

    def texts(self, first: int, end: int) -> list[str]:
        """The texts of passages first..end-1, read as one span."""
        if first >= end:
            return []
        starts, ends = self._text_starts, self._text_ends
        base = starts[first]
        data = self._data[base : ends[end - 1]]
        return [
            data[starts[n] - base : ends[n] - base].decode(_ENCODING, _ERRORS)
            for n in range(first, end)
        ]

    def spill_texts(self, folder: str | None) -> None:
        """Move the texts and quotations (most of the buffer: 427 MB at 100k articles) to
        a temporary file in `folder`, read back a span at a time: linking reads each
        text a few times, and holding them all kept the main process's peak up
        (docs/indexing.md, "plateau"). Left in memory when the file cannot be written,
        or there is no `os.pread` (Windows). No passage is taken after."""
        data = self._data
        if not isinstance(data, bytearray) or not data or not hasattr(os, "pread"):
            return
        try:
            file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (held by _Spilled)
        except OSError:
            return
        try:
            file.write(data)
            file.flush()
        except OSError:
            file.close()
            return
        self._data = _Spilled(file, len(data))

    def content(self, number: int) -> tuple[str, ...]:
        ends = self._content_ends
        start = ends[number - 1] if number else 0
        return tuple(map(self._words.__getitem__, self._content[start : ends[number]]))

    def content_words(self, first: int, end: int) -> Iterator[str]:
        """The content words of passages first..end-1, one after the other."""
        ends = self._content_ends
        start = ends[first - 1] if first else 0
        stop = ends[end - 1] if end else 0
        return map(self._words.__getitem__, self._content[start:stop])

    def content_sizes(self, first: int, end: int) -> Iterator[int]:
        ends = self._content_ends[first - 1 if first else 0 : end]
        if not first:
            ends.insert(0, 0)
        return map(int.__rsub__, ends, ends[1:])

    def paragraphs(self, first: int, end: int) -> array[int]:
        return self._paragraphs[first:end]

    def quotes(self, number: int) -> tuple[str, ...]:
        ends = self._quote_ends
        start, end = ends[number - 1] if number else 0, ends[number]
        if start == end:
            return ()
        spans, data = self._quotes[2 * start : 2 * end], self._data
        bounds = zip(spans[0::2], spans[1::2], strict=True)
        return tuple(data[a:b].decode(_ENCODING, _ERRORS) for a, b in bounds)

    def content_numbers(self) -> tuple[array[int], list[str]]:
        """Every passage's content words one after the other, as numbers into the list of
        distinct words (numbered in order of first use): the buffer's own, not copies."""
        return self._content, self._words

    def quoted(self, first: int, end: int) -> list[int]:
        """Those of passages first..end-1 that have quotations."""
        ends = self._quote_ends
        before = ends[first - 1] if first else 0
        found = []
        for number in range(first, end):
            if ends[number] != before:
                found.append(number)
                before = ends[number]
        return found


class _Spilled:
    """Bytes moved to a temporary file (`PassageBuffer.spill_texts`), read back a slice
    at a time with `os.pread`: no page of them counts in the process's size."""

    __slots__ = ("_file", "_size")

    def __init__(self, file: IO[bytes], size: int) -> None:
        self._file = file
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, where: slice) -> bytes:
        start, stop, _ = where.indices(self._size)
        if stop <= start:
            return b""
        return read_span(self._file.fileno(), start, stop - start, "the passages' temporary file")


class _Codes(dict[str, int]):
    """content word -> its number in `words`, numbered on first use."""

    __slots__ = ("words",)

    def __init__(self, words: list[str]) -> None:
        super().__init__()
        self.words = words

    def __missing__(self, word: str) -> int:
        code = self[word] = len(self.words)
        self.words.append(intern(word))
        return code


class BufferedPassages(Sequence[Passage]):
    """One article's passages in a `PassageBuffer`: passages first..first+size-1."""

    __slots__ = ("article", "buffer", "first", "size")

    def __init__(self, article: str, buffer: PassageBuffer, first: int, size: int) -> None:
        self.article = article
        self.buffer = buffer
        self.first = first
        self.size = size

    def __reduce__(self) -> tuple[object, tuple[str, list[Passage]]]:
        """Pickled as a block of its own passages, not with the whole buffer."""
        return PassageBlock.of, (self.article, list(self))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (PassageBlock, BufferedPassages)):
            return NotImplemented
        return self.article == other.article and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return self.size

    @overload
    def __getitem__(self, slot: int) -> Passage: ...

    @overload
    def __getitem__(self, slot: slice) -> list[Passage]: ...

    def __getitem__(self, slot: int | slice) -> Passage | list[Passage]:
        if type(slot) is not int or not 0 <= slot < self.size:
            if isinstance(slot, slice):
                return [self[n] for n in range(*slot.indices(self.size))]
            if not -self.size <= slot < 0:
                raise IndexError(slot)
            slot += self.size
        return self.buffer.passage(self.article, self.first + slot)

    def __iter__(self) -> Iterator[Passage]:
        return (self[slot] for slot in range(self.size))

    def texts_of(self, first: int, end: int) -> list[str]:
        """The texts of passages first..end-1 of the article."""
        return self.buffer.texts(self.first + first, self.first + end)

    def content_sizes(self) -> Iterator[int]:
        return self.buffer.content_sizes(self.first, self.first + self.size)

    def content_at(self, slot: int) -> tuple[str, ...]:
        return self.buffer.content(self.first + slot)

    def content_words(self) -> Iterable[str]:
        return self.buffer.content_words(self.first, self.first + self.size)

    def paragraphs(self) -> Iterable[int]:
        return self.buffer.paragraphs(self.first, self.first + self.size)

    def quoted(self) -> list[tuple[int, tuple[str, ...]]]:
        """(slot, quotations) of the passages that have any, in order."""
        first, buffer = self.first, self.buffer
        return [
            (number - first, buffer.quotes(number))
            for number in buffer.quoted(first, first + self.size)
        ]


# Passages of one article held compact: `PassageStore` reads them without making each.
_COMPACT = (PassageBlock, BufferedPassages)


class PassageStore:
    """Passages numbered in order across many articles' blocks (or plain lists of
    `Passage`), as `LinkIndex` looks them up; `append` adds one passage at a time."""

    __slots__ = ("_blocks", "_count", "_firsts", "_open")

    def __init__(self) -> None:
        self._blocks: list[Sequence[Passage]] = []
        self._firsts: list[int] = []  # number of each block's first passage
        self._count = 0
        self._open: list[Passage] | None = None  # the block `append` adds to, its own

    def extend(self, passages: Sequence[Passage]) -> None:
        """Add an article's passages (kept as given: a block is not copied)."""
        if len(passages):
            self._blocks.append(passages)
            self._firsts.append(self._count)
            self._count += len(passages)
            self._open = None

    def append(self, passage: Passage) -> None:
        if self._open is None:
            self._open = []
            self._blocks.append(self._open)
            self._firsts.append(self._count)
        self._open.append(passage)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def _place(self, number: int) -> tuple[Sequence[Passage], int]:
        if not 0 <= number < self._count:
            raise IndexError(number)
        block = bisect_right(self._firsts, number) - 1
        return self._blocks[block], number - self._firsts[block]

    @overload
    def __getitem__(self, number: int) -> Passage: ...

    @overload
    def __getitem__(self, number: slice) -> list[Passage]: ...

    def __getitem__(self, number: int | slice) -> Passage | list[Passage]:
        if type(number) is int and 0 <= number < self._count:  # what linking asks
            firsts = self._firsts
            block = bisect_right(firsts, number) - 1
            return self._blocks[block][number - firsts[block]]
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(self._count))]
        if not -self._count <= number < 0:
            raise IndexError(number)
        return self[number + self._count]

    def __iter__(self) -> Iterator[Passage]:
        return chain.from_iterable(self._blocks)

    def places(self) -> Iterator[tuple[str, int]]:
        """(article, paragraph) of every passage, in order, without making the passages."""
        return chain.from_iterable(map(_places, self._blocks))

    def content_of(self, number: int) -> tuple[str, ...]:
        """The content words of passage `number`, without making the passage."""
        block, slot = self._place(number)
        if isinstance(block, _COMPACT):
            return block.content_at(slot)
        return block[slot].content

    def content_reader(self) -> Callable[[int], tuple[str, ...]]:
        """`content_of`, or the buffer's own `PassageBuffer.content` when these are all the
        passages of one buffer in its order (a first index's): then no block is found
        per passage (that was two thirds of finding the deferred pairs' words)."""
        buffer = self._one_buffer()
        return self.content_of if buffer is None else buffer.content

    def texts(self, first: int, end: int) -> list[str]:
        """The texts of passages first..end-1."""
        found: list[str] = []
        if first >= end:
            return found
        _, slot = self._place(first)
        at = bisect_right(self._firsts, first) - 1
        blocks = self._blocks
        left = end - first
        while left > 0:
            block = blocks[at]
            stop = min(len(block), slot + left)
            if isinstance(block, _COMPACT):
                found.extend(block.texts_of(slot, stop))
            else:
                found.extend([passage.text for passage in block[slot:stop]])
            left -= stop - slot
            at, slot = at + 1, 0
        return found

    def quoted(self, first: int, end: int) -> list[tuple[int, tuple[str, ...]]]:
        """(number, quotations) of the passages first..end-1 that have any."""
        found: list[tuple[int, tuple[str, ...]]] = []
        number = first
        while number < end:
            block, slot = self._place(number)
            stop = min(len(block), slot + end - number)
            start = number - slot  # the block's first passage
            if isinstance(block, _COMPACT):
                found.extend(
                    (start + at, quotes) for at, quotes in block.quoted() if slot <= at < stop
                )
            else:
                found.extend(
                    (start + at, block[at].quotes) for at in range(slot, stop) if block[at].quotes
                )
            number += stop - slot
        return found

    def content_words(self) -> Iterator[str]:
        """Every passage's content words, in order."""
        return chain.from_iterable(map(_content_words, self._blocks))

    def content_numbers(self) -> tuple[array[int], list[str]] | None:
        """`PassageBuffer.content_numbers` when these are all the passages of one buffer,
        in its order (a first index's: each digest's passages were moved into the
        corpus's buffer as it arrived); None otherwise."""
        buffer = self._one_buffer()
        return None if buffer is None else buffer.content_numbers()

    def _one_buffer(self) -> PassageBuffer | None:
        """The buffer these passages are all of, in its order, or None."""
        blocks = self._blocks
        if not blocks or type(blocks[0]) is not BufferedPassages:
            return None
        buffer = blocks[0].buffer
        if len(buffer) != self._count:
            return None
        for block, first in zip(blocks, self._firsts, strict=True):
            if type(block) is not BufferedPassages or block.buffer is not buffer:
                return None
            if block.first != first:
                return None
        return buffer

    def content_sizes(self) -> Iterator[int]:
        """How many content words each passage has, in order."""
        return chain.from_iterable(map(_content_sizes, self._blocks))


def _places(block: Sequence[Passage]) -> Iterable[tuple[str, int]]:
    if isinstance(block, _COMPACT):
        return zip(repeat(block.article), block.paragraphs())
    return ((passage.article, passage.paragraph) for passage in block)


def _content_words(block: Sequence[Passage]) -> Iterable[str]:
    if isinstance(block, _COMPACT):
        return block.content_words()
    return chain.from_iterable(passage.content for passage in block)


def _content_sizes(block: Sequence[Passage]) -> Iterable[int]:
    if isinstance(block, _COMPACT):
        return block.content_sizes()
    return (len(passage.content) for passage in block)
