"""What the article list shows, worked out once per catalog: the heads in each order, and
the other outlets of each story. The loading thread makes it (the catalog's queries and
the sort of 10k heads stay off the event loop); arriving articles extend it. A head by
its id is the catalog's to say (`Catalog.head`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kabar_tui.core.catalog import ArticleHead, Catalog

SORTS = ("date", "outlet")


def sort_heads(heads: list[ArticleHead], by: str) -> list[ArticleHead]:
    """Newest first by date (undated last), or alphabetical by outlet then newest.

    By the moment's timestamp: comparing 10k zoned datetimes asks each for its offset at
    every comparison (0.12 s, against a few milliseconds)."""
    dated = sorted((h for h in heads if h.published is not None), key=_timestamp, reverse=True)
    ordered = dated + [h for h in heads if h.published is None]
    if by == "outlet":
        ordered.sort(key=lambda h: (h.outlet or "\uffff").casefold())
    return ordered


def _timestamp(head: ArticleHead) -> float:
    return head.published.timestamp() if head.published is not None else 0.0


@dataclass(slots=True)
class Listing:
    heads: list[ArticleHead] = field(default_factory=list)
    # For each article in a story, the story's other articles ("also in ..." lines).
    siblings: dict[str, list[ArticleHead]] = field(default_factory=dict)
    _orders: dict[str, list[ArticleHead]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog, sort_by: str = "date") -> Listing:
        """Ask the catalog (in a thread: a stored one queries) and sort for the list."""
        heads = list(catalog.heads())
        siblings = catalog.story_siblings() if catalog.linked else {}
        if heads:
            catalog.head(heads[0].id)  # heads by id made here, in the thread, not on the loop
        listing = cls(heads, siblings)
        listing.ordered(sort_by)
        return listing

    def add(self, heads: list[ArticleHead]) -> None:
        """Articles arrived while loading: they join every order."""
        self.heads.extend(heads)
        self._orders.clear()

    def replace(self, gone: set[str], heads: list[ArticleHead]) -> None:
        """Files changed on disk, seen before the catalog follows: rows out and in."""
        self.heads = [head for head in self.heads if head.id not in gone] + heads
        self._orders.clear()

    def ordered(self, by: str) -> list[ArticleHead]:
        """Every head in the list's order, sorted once per order and kept."""
        order = self._orders.get(by)
        if order is None:
            order = self._orders[by] = sort_heads(self.heads, by)
        return order
