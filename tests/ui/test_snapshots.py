"""SVG snapshots of the main screens at 80x24 and 120x40 (update with --snapshot-update)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.ui.conftest import make_app

SIZES = [(80, 24), (120, 40)]


async def settle(pilot) -> None:
    """No blinking cursors, no pending workers: the same picture every run."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_list(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_reader_with_removed_lines(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, press=["enter", "j", "j", "x"])


@pytest.mark.parametrize("size", SIZES)
def test_reader_with_entities_pane(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, press=["enter", "e"])


@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare, size) -> None:
    async def search(pilot) -> None:
        await pilot.press("slash", *"kerja sama")
        await pilot.pause(0.3)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=search)


@pytest.mark.parametrize("size", SIZES)
def test_entity_view(snap_compare, size) -> None:
    async def entity(pilot) -> None:
        pilot.app.show_entity("Kim Jong Un")
        await settle(pilot)  # its counts and first page are read in workers

    assert snap_compare(make_app(), terminal_size=size, run_before=entity)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, press=["enter", "question_mark"])
