"""What the article list shows, worked out once per catalog: heads by id, in each order,
and the other outlets of each story. The loading thread makes it (the catalog's queries
and the sort of 10k heads stay off the event loop); arriving articles extend it."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from kabar_tui.core.catalog import ArticleHead, Catalog

SORTS = ("date", "outlet")


def sort_heads(heads: list[ArticleHead], by: str) -> list[ArticleHead]:
    """Newest first by date (undated last), or alphabetical by outlet then newest."""
    dated = sorted(
        (h for h in heads if h.published is not None), key=attrgetter("published"), reverse=True
    )
    ordered = dated + [h for h in heads if h.published is None]
    if by == "outlet":
        ordered.sort(key=lambda h: (h.outlet or "\uffff").casefold())
    return ordered


@dataclass(slots=True)
class Listing:
    heads: list[ArticleHead] = field(default_factory=list)
    by_id: dict[str, ArticleHead] = field(default_factory=dict)
    # For each article in a story, the story's other articles ("also in ..." lines).
    siblings: dict[str, list[ArticleHead]] = field(default_factory=dict)
    _orders: dict[str, list[ArticleHead]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog, sort_by: str = "date") -> Listing:
        """Ask the catalog (in a thread: a stored one queries) and sort for the list."""
        heads = list(catalog.heads())
        siblings = catalog.story_siblings() if catalog.linked else {}
        listing = cls(heads, {head.id: head for head in heads}, siblings)
        listing.ordered(sort_by)
        return listing

    def add(self, heads: list[ArticleHead]) -> None:
        """Articles arrived while loading: they join every order."""
        self.heads.extend(heads)
        self.by_id.update((head.id, head) for head in heads)
        self._orders.clear()

    def ordered(self, by: str) -> list[ArticleHead]:
        """Every head in the list's order, sorted once per order and kept."""
        order = self._orders.get(by)
        if order is None:
            order = self._orders[by] = sort_heads(self.heads, by)
        return order
