"""What the article list shows: the rows of an order (ids and title lengths, sorted,
filtered and counted by the catalog: SQL for a stored one), and the heads and "also in"
lines read so far, a screenful and a margin at a time. The catalog's thread reads them
(`Listing.of`, `read_rows`); nothing here walks every head of a big corpus."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from kabar_tui.core.store.catalog import (
    LIST_SORTS,
    ArticleHead,
    Catalog,
    ListOrder,
    head_matches,
    list_sort_key,
)

SORTS = LIST_SORTS
ROWS_READ_TOGETHER = 120  # heads read in one question: a screenful or two and a margin

OrderKey = tuple[str, tuple[str, ...]]  # (sorted by, filter words)


@dataclass(slots=True)
class RowsRead:
    """A catalog's answer for the list: an order (when asked), heads and "also in" lines."""

    key: OrderKey | None = None
    order: ListOrder | None = None
    heads: list[ArticleHead] = field(default_factory=list)
    siblings: dict[str, list[ArticleHead]] = field(default_factory=dict)


def read_rows(catalog: Catalog, ids: Sequence[str], key: OrderKey | None = None) -> RowsRead:
    """In the catalog's thread: the order `key` (sorted by, filter words) when given, and
    the heads and "also in" lines of `ids` (of the order's first rows when `ids` is empty)."""
    order = catalog.list_order(key[0], list(key[1])) if key is not None else None
    wanted = list(ids) or (order.ids[:ROWS_READ_TOGETHER] if order is not None else [])
    siblings = catalog.siblings_of(wanted) if catalog.linked else {}
    return RowsRead(key, order, catalog.heads_of(wanted), siblings)


@dataclass(slots=True)
class Listing:
    """The list of one catalog: its orders asked so far (unfiltered, and the last filtered
    one), the heads read so far."""

    known: dict[str, ArticleHead] = field(default_factory=dict)
    # For each article in a story, the story's other articles ("also in ..." lines).
    siblings: dict[str, list[ArticleHead]] = field(default_factory=dict)
    orders: dict[OrderKey, ListOrder] = field(default_factory=dict)
    # The files' paths of the catalog, with their articles' ids (read when files changed).
    ids_by_path: dict[str, str] = field(default_factory=dict)
    # Files changed on disk since the catalog was indexed: the rows gone, those processed.
    _gone: set[str] = field(default_factory=set)
    _previewed: dict[str, ArticleHead] = field(default_factory=dict)

    @classmethod
    def of(
        cls, catalog: Catalog, sort_by: str = "date", between: Callable[[], object] = list
    ) -> Listing:
        """Ask the catalog (in a thread: a stored one queries) for the rows by date, then
        (after `between`: the questions asked meanwhile) the heads of the first ones."""
        order = catalog.list_order(sort_by)
        between()
        read = read_rows(catalog, order.ids[:ROWS_READ_TOGETHER])
        read.key, read.order = (sort_by, ()), order
        listing = cls()
        listing.learn(read)
        return listing

    @classmethod
    def first(cls, heads: list[ArticleHead]) -> Listing:
        """The newest rows alone, listed while the catalog's thread works out the rest."""
        order = ListOrder([head.id for head in heads], [len(head.title) for head in heads])
        return cls({head.id: head for head in heads}, orders={("date", ()): order})

    def learn(self, read: RowsRead) -> None:
        self.known.update((head.id, head) for head in read.heads)
        self.siblings.update(read.siblings)
        if read.key is not None and read.order is not None:
            if read.key[1]:  # of the filtered orders only the last is kept (typing one is many)
                for key in [key for key in self.orders if key[1]]:
                    del self.orders[key]
            self.orders[read.key] = self._with_changes(read.key, read.order)

    def add(self, heads: list[ArticleHead]) -> None:
        """Articles arrived while loading (a catalog in memory): every order is asked again."""
        self.known.update((head.id, head) for head in heads)
        self.orders.clear()

    def replace(self, gone: set[str], heads: list[ArticleHead]) -> None:
        """Files changed on disk, seen before the catalog follows: the rows of `gone` out,
        and `heads` (new or changed) in every order whose filter they match, placed by its
        sort among the rows read (the catalog indexed with them sorts them exactly). An
        order asked of this catalog later gets the same changes (`learn`)."""
        for article_id in gone:
            self._previewed.pop(article_id, None)
        self._gone |= gone
        self._previewed.update((head.id, head) for head in heads)
        self.known.update((head.id, head) for head in heads)
        for key, order in self.orders.items():
            self.orders[key] = self._with_changes(key, order)

    def _with_changes(self, key: OrderKey, order: ListOrder) -> ListOrder:
        """`order` without the rows gone or previewed, then with the previewed ones its
        filter words match, each before the first row read that sorts after it (at the
        end when none does)."""
        if not self._gone and not self._previewed:
            return order
        by, words = key
        out = self._gone | self._previewed.keys()
        rows = [(i, n) for i, n in zip(order.ids, order.title_lengths, strict=True) if i not in out]
        read = [(row, self.known[i]) for row, (i, _) in enumerate(rows) if i in self.known]
        read_keys = [list_sort_key(head, by) for _, head in read]
        placed: dict[int, list[ArticleHead]] = {}
        for head in self._previewed.values():
            if head_matches(head, list(words)):
                after = bisect_right(read_keys, list_sort_key(head, by))
                placed.setdefault(read[after][0] if after < len(read) else len(rows), []).append(
                    head
                )
        ids: list[str] = []
        title_lengths: list[int] = []
        for row in range(len(rows) + 1):
            for head in sorted(placed.get(row, ()), key=lambda head: list_sort_key(head, by)):
                ids.append(head.id)
                title_lengths.append(len(head.title))
            if row < len(rows):
                ids.append(rows[row][0])
                title_lengths.append(rows[row][1])
        return ListOrder(ids, title_lengths)


class ListedRows(Sequence[ArticleHead]):
    """An order's rows as heads: the head read, else one with the id alone (an empty
    title) until it is read."""

    def __init__(self, order: ListOrder, known: dict[str, ArticleHead]) -> None:
        self.order = order
        self.ids = order.ids
        self.title_lengths = order.title_lengths
        self._known = known

    def __len__(self) -> int:
        return len(self.ids)

    def head(self, row: int) -> ArticleHead | None:
        return self._known.get(self.ids[row])

    @overload
    def __getitem__(self, row: int) -> ArticleHead: ...
    @overload
    def __getitem__(self, row: slice) -> list[ArticleHead]: ...
    def __getitem__(self, row: int | slice) -> ArticleHead | list[ArticleHead]:
        if isinstance(row, slice):
            return [self._as_head(i) for i in self.ids[row]]
        return self._as_head(self.ids[row])

    def __iter__(self) -> Iterator[ArticleHead]:
        return map(self._as_head, self.ids)

    def _as_head(self, article_id: str) -> ArticleHead:
        return self._known.get(article_id) or ArticleHead(article_id, "")


NO_ROWS = ListedRows(ListOrder(), {})
