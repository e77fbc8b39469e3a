"""Linking's passages kept compact: one article's in a few objects instead of several per
paragraph (docs/linking.md, issue 14).

A `Passage` in a list costs its object, its text's string header and a tuple of content
words besides the text itself: about 170 bytes per paragraph, 190 MB at 100k articles,
held from the moment an article is digested until the corpus is linked. `PassageBlock`
holds an article's passages as one string of their texts, one tuple of their content
words, their paragraph numbers and ends in one array, and the quotations of those that
have any; it gives `Passage` objects back on demand, equal to the ones it was made from.
`PassageStore` numbers the passages of many blocks (or plain lists) for `LinkIndex`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import overload


@dataclass(slots=True)
class Passage:
    """What linking keeps about one paragraph: normalized text and its evidence."""

    article: str
    paragraph: int
    text: str  # normalized words joined by single spaces
    quotes: tuple[str, ...]
    content: tuple[str, ...]  # distinct content words written in lowercase (names are not)


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
        if type(block) is PassageBlock:
            ends = block.ends
            at = slot * _FIELDS
            return block.content[ends[at - 1] if slot else 0 : ends[at + 2]]
        return block[slot].content

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
            if type(block) is PassageBlock:
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
            if isinstance(block, PassageBlock):
                if block.quotes:
                    found.extend(
                        (start + at, quotes)
                        for at, quotes in sorted(block.quotes.items())
                        if slot <= at < stop
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

    def content_sizes(self) -> Iterator[int]:
        """How many content words each passage has, in order."""
        return chain.from_iterable(map(_content_sizes, self._blocks))


def _places(block: Sequence[Passage]) -> Iterable[tuple[str, int]]:
    if type(block) is PassageBlock:
        return zip(repeat(block.article), block.ends[0::_FIELDS])
    return ((passage.article, passage.paragraph) for passage in block)


def _content_words(block: Sequence[Passage]) -> Iterable[str]:
    if type(block) is PassageBlock:
        return block.content
    return chain.from_iterable(passage.content for passage in block)


def _content_sizes(block: Sequence[Passage]) -> Iterable[int]:
    if type(block) is PassageBlock:
        return block.content_sizes()
    return (len(passage.content) for passage in block)
