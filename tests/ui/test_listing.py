"""The list's orders when files change on disk before the catalog is indexed with them."""

from __future__ import annotations

from datetime import UTC, datetime

from kabar_tui.core.store.catalog import ArticleHead, ListOrder, filter_words, sort_heads
from kabar_tui.ui.listing import Listing, RowsRead


def head(article_id: str, title: str, outlet: str, day: int | None) -> ArticleHead:
    published = datetime(2023, 9, day, 9, tzinfo=UTC) if day is not None else None
    return ArticleHead(article_id, title, outlet, published=published)


HEADS = [
    head("a", "Kim Jong Un tiba di Vladivostok", "Tempo", 20),
    head("b", "Banjir di Semarang", "detikNews", 18),
    head("c", "Kim bertemu Putin", "Kompas", 15),
    head("d", "Harga beras naik", "Antara", 12),
    head("e", "Kim pulang", "Tempo", None),
]


def order_of(heads: list[ArticleHead], by: str, words: tuple[str, ...] = ()) -> ListOrder:
    """What a catalog answers: `heads` sorted and filtered (the memory catalog's way)."""
    catalog_order = [
        h for h in sort_heads(heads, by) if all(w in h.title.casefold() for w in words)
    ]
    return ListOrder([h.id for h in catalog_order], [len(h.title) for h in catalog_order])


def listing_with(keys: list[tuple[str, tuple[str, ...]]]) -> Listing:
    listing = Listing({h.id: h for h in HEADS})
    for key in keys:
        listing.orders[key] = order_of(HEADS, *key)
    return listing


def test_a_previewed_file_joins_only_the_filtered_orders_it_matches() -> None:
    kim = ("date", tuple(filter_words("kim")))
    listing = listing_with([("date", ()), kim])

    listing.replace(set(), [head("new", "Banjir di Jakarta", "Zzz", 21)])

    assert "new" not in listing.orders[kim].ids
    assert listing.orders[kim].ids == order_of(HEADS, *kim).ids
    assert listing.orders[("date", ())].ids[0] == "new"

    listing.replace(set(), [head("new2", "KIM kembali ke Pyongyang", "Zzz", 21)])

    assert "new2" in listing.orders[kim].ids


def test_a_previewed_file_is_placed_by_each_orders_sort_among_the_rows_read() -> None:
    keys = [("date", ()), ("outlet", ())]
    listing = listing_with(keys)
    changed = [head("new", "Gempa di Lombok", "Kompas", 16), head("b", "Banjir surut", "Zzz", 10)]

    listing.replace({"d"}, changed)

    after = [h for h in HEADS if h.id not in {"b", "d"}] + changed
    for key in keys:
        assert listing.orders[key].ids == order_of(after, *key).ids, key
        lengths = dict(zip(listing.orders[key].ids, listing.orders[key].title_lengths, strict=True))
        assert lengths["b"] == len("Banjir surut")


def test_an_order_asked_of_the_old_catalog_afterwards_gets_the_same_changes() -> None:
    listing = listing_with([("date", ())])
    new = head("new", "Kim di Lombok", "Kompas", 16)
    listing.replace({"c"}, [new])
    kim = ("outlet", tuple(filter_words("kim")))

    listing.learn(RowsRead(kim, order_of(HEADS, *kim)))

    after = [h for h in HEADS if h.id != "c"] + [new]
    assert listing.orders[kim].ids == order_of(after, *kim).ids == ["new", "a", "e"]
