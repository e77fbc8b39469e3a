"""The article list widget alone: where the highlight goes when its rows change."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from kabar_tui.core.store.catalog import ArticleHead, ListOrder
from kabar_tui.ui.listing import ListedRows
from kabar_tui.ui.widgets.article_list import ArticleList

HEADS = [ArticleHead(f"id{i}", f"Title number {i}", outlet="outlet") for i in range(60)]


def rows(heads: list[ArticleHead]) -> ListedRows:
    order = ListOrder([head.id for head in heads], [len(head.title) for head in heads])
    return ListedRows(order, {head.id: head for head in heads})


class ListApp(App):
    def compose(self) -> ComposeResult:
        yield ArticleList(lambda head: Text(head.title), lambda head: "", lambda ids: None)


async def highlight_row_30(pilot: Pilot[None], listing: ArticleList) -> int:
    """Lists HEADS, moves the highlight down to row 30 and returns its line on screen."""
    listing.set_articles(rows(HEADS))
    await pilot.pause()
    for _ in range(30):
        await pilot.press("down")
    await pilot.pause()
    assert listing.highlighted == 30 and listing.scroll_y > 0
    return listing._starts[30] - int(listing.scroll_y)


@pytest.mark.parametrize(
    ("removed", "highlighted", "row"),
    [(30, "id31", 30), (5, "id30", 29)],
    ids=["the highlighted row goes: the row that took its place", "a row above it goes"],
)
async def test_the_highlight_keeps_its_screen_line_when_a_row_goes(
    removed: int, highlighted: str, row: int
) -> None:
    """A removed highlighted row gives its place to the row that took it; a kept one
    stays on its screen line."""
    app = ListApp()
    async with app.run_test(size=(80, 24)) as pilot:
        listing = app.query_one(ArticleList)
        line_on_screen = await highlight_row_30(pilot, listing)

        listing.set_articles(rows(HEADS[:removed] + HEADS[removed + 1 :]), keep_place=True)
        await pilot.pause()

        assert listing.highlighted_id == highlighted
        assert listing._starts[row] - int(listing.scroll_y) == line_on_screen
