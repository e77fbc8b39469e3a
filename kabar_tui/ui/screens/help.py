"""`?`: the keys of whatever is focused, generated from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kabar_tui.i18n import _


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", _("Close"), id="help.close"),
        Binding("j,down", "scroll('down')", _("Scroll down"), show=False, id="help.down"),
        Binding("k,up", "scroll('up')", _("Scroll up"), show=False, id="help.up"),
    ]

    def __init__(self, rows: list[tuple[str, str, str, str]]) -> None:
        """`rows`: (part, keys, description, binding id) for every active binding."""
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column(Text(_("Keys")), no_wrap=True)
        table.add_column(Text(_("Does")), ratio=1)
        # Ids are typed into the config file: never cut, the description wraps instead.
        table.add_column(Text(_("Binding id (for [keymap])")), style="dim", no_wrap=True)
        part = None
        for where, keys, description, binding_id in self.rows:
            if where != part:
                table.add_row(Text(where, style="bold underline"), "", "")
                part = where
            table.add_row(Text(keys), Text(description), Text(binding_id))
        with VerticalScroll(id="help-box"):
            yield Label(_("Keys here — escape closes"), id="help-title")
            yield Static(table, id="help-table")

    def action_scroll(self, direction: str) -> None:
        box = self.query_one("#help-box", VerticalScroll)
        if direction == "down":
            box.scroll_down(animate=False)
        else:
            box.scroll_up(animate=False)
